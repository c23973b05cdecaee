"""The audit chain's anchor outside the database: `loket.sqlite.anchor` beside it, a file
that only grows, one line per backup (and per clean `audit verify`): the newest row's seq,
its hash and the row count, with an HMAC under the chain key.

The chain alone cannot show rows cut off its end, or a chain rewritten from some row on
by someone who holds the key; every anchored (seq, hash) must still be in the live chain,
unchanged, and the chain at least as long.  Deleting, truncating or back-dating `backups/`
does not touch it.  A restore writes a line of its own: anchors written before it are no
longer expected (the restored file legitimately ends earlier; another installation's lines
were made with another key).

The chain in turn remembers its anchor file: each line anchors an `audit.anchor` row that
names the line's number, so deleting, emptying or shortening the anchor file is found as
well (the chain's newest such row must find its line, anchoring it).  What neither can show: rows
appended after the newest anchor by someone who holds the key, and the whole folder put back
as it was at an earlier day, anchor file included (see README, privacy).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from loket.clock import now_iso
from loket.context import system_context
from loket.db import audit as repo
from loket.privacy import audit
from loket.privacy.audit import ChainProblem, chain_key

if TYPE_CHECKING:
    from loket.db.connection import Database

SUFFIX = ".anchor"


def anchor_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def _mac(key: bytes, entry: dict) -> str:
    body = "|".join(str(entry.get(k, "")) for k in ("kind", "at", "seq", "hash", "count"))
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def write(db: Database, *, kind: str = "anchor") -> dict:
    """Append the chain's head to the anchor file (kind 'anchor', or 'restore').  The head
    is an `audit.anchor` row naming the line it is anchored by, written in the same
    transaction: if the line cannot be written, neither is the row."""
    line = len(entries(db.path)) + 1
    with db.transaction(essential=True):
        audit.record(
            system_context(db),
            action="audit.anchor",
            object_type="audit_log",
            detail={"line": line, "kind": kind},
        )
        head = repo.last(db)
        entry = {
            "kind": kind,
            "at": now_iso(),
            "seq": head["seq"],
            "hash": head["hash"],
            "count": repo.count(db),
        }
        entry["mac"] = _mac(chain_key(db), entry)
        fd = os.open(anchor_path(db.path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    return entry


def entries(db_path: Path) -> list[dict | None]:
    """The lines of the anchor file; None for a line that is not an anchor at all."""
    try:
        text = anchor_path(db_path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    found: list[dict | None] = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        found.append(entry if isinstance(entry, dict) else None)
    return found


def verify(db: Database) -> ChainProblem | None:
    """Every anchor since the last restore must still be in the chain, unchanged, and the
    line the chain's newest `audit.anchor` row names must still be in the file."""
    key = chain_key(db)
    lines = entries(db.path)
    start = 0
    for i, entry in enumerate(lines):
        if entry is not None and entry.get("kind") == "restore" and _valid(key, entry):
            start = i
    current: list[dict] = []
    for entry in lines[start:]:
        if entry is None or not _valid(key, entry):
            return ChainProblem(0, "anchor")
        current.append(entry)
    total = repo.count(db)
    for entry in current:
        seq = int(entry["seq"])
        if seq == 0:
            continue
        live = repo.hash_at(db, seq)
        if live is None:
            return ChainProblem(seq, "missing")
        if live != entry["hash"]:
            return ChainProblem(seq, "edited")
        if repo.count_up_to(db, seq) != int(entry["count"]) or total < int(entry["count"]):
            return ChainProblem(seq, "missing")
    noted = _noted(db)
    if noted is not None:
        seq, line = noted
        named = lines[line - 1] if 0 < line <= len(lines) else None
        if named is None or not _valid(key, named) or str(named.get("seq")) != str(seq):
            return ChainProblem(0, "anchor")  # the file was deleted, emptied or shortened
    return None


def _valid(key: bytes, entry: dict) -> bool:
    return hmac.compare_digest(str(entry.get("mac", "")), _mac(key, entry))


def _noted(db: Database) -> tuple[int, int] | None:
    """(seq, line) of the chain's newest audit.anchor row: the row and the line of the anchor
    file that anchors it.  None before the first one."""
    row = repo.newest_of(db, "audit.anchor")
    if row is None:
        return None
    try:
        return int(row["seq"]), int(json.loads(row["detail"])["line"])
    except (ValueError, KeyError, TypeError):
        return int(row["seq"]), 0  # a row of the keyed chain, not forged: no line fits it
