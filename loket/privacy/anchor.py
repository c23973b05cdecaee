"""The audit chain's anchor outside the database: `loket.sqlite.anchor` beside it, a file
that only grows, one line per backup (and per clean `audit verify`): the newest row's seq,
its hash and the row count, with an HMAC under the chain key.

The chain alone cannot show rows cut off its end, or a chain rewritten from some row on
by someone who holds the key; every anchored (seq, hash) must still be in the live chain,
unchanged, and the chain at least as long.  Deleting, truncating or back-dating `backups/`
does not touch it.  A restore writes a line of its own: anchors written before it are no
longer expected (the restored file legitimately ends earlier).  What it cannot show: rows
appended after the newest anchor by someone who holds the key (see README, privacy).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from loket.clock import now_iso
from loket.db import audit as repo
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
    """Append the chain's head to the anchor file (kind 'anchor', or 'restore')."""
    head = repo.last(db)
    entry = {
        "kind": kind,
        "at": now_iso(),
        "seq": head["seq"] if head else 0,
        "hash": head["hash"] if head else "",
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
    """Every anchor since the last restore must still be in the chain, unchanged."""
    key = chain_key(db)
    current: list[dict] = []
    for entry in entries(db.path):
        if entry is None or not hmac.compare_digest(str(entry.get("mac", "")), _mac(key, entry)):
            return ChainProblem(0, "anchor")
        if entry.get("kind") == "restore":
            current = []
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
    return None
