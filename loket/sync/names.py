"""After a new PC's first pull: the name search (search lines, the trigram full-text index,
the name keys) is built in bounded chunks, newest visitors first, each chunk its own
transaction, so the pull's transaction holds only the rows and the exact-match indexes
(V-nummer, BSN, birth date) and the PC serves visitors at once.

`sync_state.names_build` = "LOW NEXT HIGH": the visitors with rowid LOW..NEXT (of the
pulled LOW..HIGH) are still to be built (set in the pull's transaction, moved down with each
chunk, removed at the end), so a crash resumes where it stopped.  Meanwhile search finds
what is built; exact matches find every visitor (`loket.db.search`), and the status line
says how far the names are.
"""

from __future__ import annotations

import time

from loket.db import outbox
from loket.db import search as repo
from loket.db.connection import Database

STATE = "names_build"
CHUNK = 50_000


def _left(db: Database) -> tuple[int, int, int] | None:
    value = outbox.get_state(db, STATE)
    if not value:
        return None
    low, nxt, high = (int(part) for part in value.split())
    return low, nxt, high


def plan(db: Database) -> None:
    """In the first pull's transaction: mark every visitor as still to be built, and build
    the newest one now, so that a visitor registered before the first chunk gets a search
    line numbered above all of the pulled ones."""
    span = repo.visitor_rowids(db)
    if span is None:
        return
    low, high = span
    outbox.set_state(db, {STATE: f"{low} {high} {high}"})
    step(db, 1)


def progress(db: Database) -> float | None:
    """How much of the name search is built (0..1), or None when nothing is left to build."""
    left = _left(db)
    if left is None:
        return None
    low, nxt, high = left
    return (high - nxt) / (high - low + 1)


def step(db: Database, size: int | None = None) -> bool:
    """Build one chunk (of CHUNK visitors unless told); True while more is left."""
    size = size or CHUNK
    with db.transaction():
        left = _left(db)
        if left is None:
            return False
        low, nxt, high = left
        start = max(low, nxt - size + 1)
        repo.build_names(db, start, nxt)
        done = start <= low
        outbox.set_state(db, {STATE: None if done else f"{low} {start - 1} {high}"})
    return not done


def run(db: Database, size: int | None = None, budget: float | None = None) -> bool:
    """Build what is left, chunk by chunk; with a budget (seconds), stop after the chunk that
    reaches it (at least one chunk).  True when the name search is complete."""
    started = time.monotonic()
    while step(db, size):
        if budget is not None and time.monotonic() - started >= budget:
            return False
    return True
