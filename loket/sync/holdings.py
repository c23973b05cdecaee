"""What a PC holds of other desks' visitors (docs/sync-staff.md): a keyed search index, and
the files staff open, fetched from the hub for as long as this desk works with them.

- the keyed index of one visitor (`loket.counter.known_elsewhere.index_keys`): the PC
  that sends a visitor to the hub computes it (`keyer`, for `receive`), the hub keeps it
  per visitor, and every PC of another desk pulls it (`apply_keys`); looking it up is
  `loket.counter.known_elsewhere.lookup` / `duplicates`.
- the whole file of another desk's visitor is fetched on opening by
  `loket.sync.exchange.fetch_file` (logged at the hub) and remembered as fetched here.
- `tidy(db, conn, desk)`: after a pull, files fetched more than KEEP_HOURS ago -- and, once,
  every file a PC pulled before PCs held only their desk's -- are removed from this PC
  unless this desk now holds them or they have work here not yet sent.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from loket.clock import now_iso
from loket.counter.known_elsewhere import derive_key, index_key, index_keys
from loket.db import outbox
from loket.db import visitor_index as repo
from loket.db.connection import Database

KEEP_HOURS = 12
TIDY_CHUNK = 2000  # visitors looked at per sync round when old full copies are tidied
APPLY_CHUNK = 5000


def keyer(db: Database):
    """`keyer(visitor row)`: its keyed index, with this deployment's key (for `receive`)."""
    key = index_key(db)
    return lambda visitor: index_keys(key, visitor)


def apply_keys(db: Database, rows) -> int:
    """The feed's index rows: (visitor, desk, keys, held, gone).  A file this PC's desk
    holds is here whole, so it leaves the index; the rest replace what the index had; a
    file gone at the hub (erased, merged away) also leaves where it was only fetched."""
    fresh = repo.is_empty(db)  # a first pull: nothing to replace
    n = 0
    chunk: list[tuple[str, str | None, list[str]]] = []
    emptied: list[str] = []  # erased or merged away at the hub (no keys any more)
    for visitor_id, desk_id, keys, held, gone in rows:
        chunk.append((visitor_id, desk_id, [] if held else list(keys or ())))
        if gone and not held:
            emptied.append(visitor_id)
        if len(chunk) >= APPLY_CHUNK:
            n += repo.put(db, chunk, fresh=fresh)
            chunk.clear()
    n += repo.put(db, chunk, fresh=fresh)
    if emptied and not fresh:
        _drop_fetched(db, emptied)
    return n


def _drop_fetched(db: Database, visitor_ids: list[str]) -> None:
    """A fetched copy of a file that was erased (or merged away) at the hub: this PC's desk
    does not hold it, so no pull would bring the erasure; the copy goes now (inside the
    pull's outbox.applying()).  One that must stay (work not yet sent, a merge task naming
    it) is fetched again after the pull instead (`refresh_list`), which brings the erasure."""
    fetched = repo.fetched_among(db, visitor_ids)
    if not fetched:
        return
    keep = repo.with_local_work(db, fetched, outbox.rows_with_pending(db))
    gone = [v for v in fetched if v not in keep]
    for visitor_id in gone:
        repo.delete_file(db, visitor_id)
    repo.forget_fetched(db, gone)
    refresh_later(db, sorted(keep))


def refresh_later(db: Database, visitor_ids: list[str]) -> None:
    """These fetched files are to be fetched again after the pull (`refresh_list`)."""
    if visitor_ids:
        waiting = set(refresh_list(db)) | set(visitor_ids)
        outbox.set_state(db, {REFRESH_STATE: json.dumps(sorted(waiting))})


REFRESH_STATE = "fetched_to_refresh"


def refresh_list(db: Database) -> list[str]:
    """Fetched files to fetch again (changed, erased or merged away at the hub since)."""
    return json.loads(outbox.get_state(db, REFRESH_STATE) or "[]")


def key_hub_visitors(conn, chunk: int = APPLY_CHUNK) -> int:
    """At the hub (`loket hub init`): the keyed index of the visitors an older hub holds
    without one, made with the deployment's subject key.  Returns how many."""
    from loket.db import hub as hub_repo

    with conn.transaction():
        subject = hub_repo.get_meta(conn, "subject_key")
    if not subject:
        return 0
    key = derive_key(bytes.fromhex(subject))
    done = 0
    while True:
        with conn.transaction():
            rows = hub_repo.visitors_without_keys(conn, chunk)
            if not rows:
                return done
            hub_repo.put_keys_as_admin(conn, [(v, index_keys(key, data)) for v, data in rows])
        done += len(rows)


def tidy(db: Database, conn, desk: str | None) -> int:
    """Remove the files this PC holds although its desk does not (see the module's text);
    returns how many.  A PC without a desk (national) keeps everything."""
    from loket.db import hub as hub_repo

    if desk is None:
        return 0
    cutoff = (datetime.fromisoformat(now_iso()) - timedelta(hours=KEEP_HOURS)).isoformat()
    candidates = repo.fetched_before(db, cutoff, TIDY_CHUNK)
    old_copies = outbox.get_state(db, "holdings_tidied_rowid")
    after = -1 if old_copies is None else int(old_copies)
    scanned: list[tuple[int, str]] = []
    if after >= 0 or old_copies is None:
        scanned = repo.visitors_after(db, max(after, 0), TIDY_CHUNK)
        skip = repo.fetched_since(db, cutoff) | set(candidates)
        candidates += [v for _r, v in scanned if v not in skip]
    removed = 0
    if candidates:
        with conn.transaction():
            held = hub_repo.holding(conn, desk, candidates)
        unheld = [v for v in candidates if v not in held]
        with db.transaction(), outbox.applying(db):
            keep = repo.with_local_work(db, unheld, outbox.rows_with_pending(db))
            gone = [v for v in unheld if v not in keep]
            for visitor_id in gone:
                repo.delete_file(db, visitor_id)
            repo.forget_fetched(db, [v for v in candidates if v in held or v in gone])
            # an old copy kept for its work here is looked at again with the fetched ones
            old_kept = [v for _r, v in scanned if v in keep]
            repo.mark_fetched(db, old_kept, cutoff, keep_time=True)
            removed = len(gone)
    # the one pass over files pulled before: -1 once it has looked at every one
    nxt = scanned[-1][0] if len(scanned) == TIDY_CHUNK else -1
    if old_copies is None or after >= 0:
        outbox.set_state(db, {"holdings_tidied_rowid": str(nxt)})
    return removed
