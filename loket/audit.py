"""The audit trail: who did what to which record, when, from where, with what result.

Each row carries the hash of the row before it, so that `verify()` finds the first row that
was edited, removed or put out of order.  A person is referred to by a keyed hash of their
V-nummer or BSN (HMAC-SHA256 with a key kept in the data folder, outside the database), so
the log never holds the number itself and a copy of the database alone cannot reverse it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loket.clock import new_id, now_iso
from loket.db import audit as repo

if TYPE_CHECKING:
    from loket.context import Context
    from loket.db.connection import Database

GENESIS = "0" * 64
KEY_FILENAME = "subject.key"


def _key(db: Database) -> bytes:
    path = db.path.parent / KEY_FILENAME
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex())
        return key


def subject_ref(db: Database, number: str | None) -> str | None:
    """Keyed hash of a V-nummer or BSN; None when there is no number."""
    if not number:
        return None
    digest = hmac.new(_key(db), number.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def row_hash(prev_hash: str, row: dict) -> str:
    fields = [str(row.get(c) if row.get(c) is not None else "") for c in repo.COLUMNS[:11]]
    payload = "\x1f".join([prev_hash, *fields])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    ctx: Context,
    *,
    action: str,
    object_type: str | None = None,
    object_id: str | None = None,
    result: str = "ok",
    subject: str | None = None,
    detail: dict | None = None,
    actor: str | None = None,
) -> None:
    """Append one row.  `subject` is a V-nummer or BSN; only its keyed hash is stored."""
    db = ctx.db
    with db.transaction():
        prev = repo.last(db)
        row = {
            "seq": (prev["seq"] + 1) if prev else 1,
            "id": new_id(),
            "at": now_iso(),
            "actor": actor if actor is not None else ctx.actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "result": result,
            "origin": f"{db.workstation}/{ctx.origin}",
            "subject_ref": subject_ref(db, subject),
            "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        }
        row["prev_hash"] = prev["hash"] if prev else GENESIS
        row["hash"] = row_hash(row["prev_hash"], row)
        repo.insert(db, row)


@dataclass
class ChainProblem:
    seq: int
    reason: str


def verify(db: Database) -> ChainProblem | None:
    """Walk the chain; return the first broken row, or None when the log is intact."""
    expected_prev = GENESIS
    expected_seq = 1
    for row in repo.iterate(db):
        data = dict(row)
        if data["seq"] != expected_seq:
            return ChainProblem(expected_seq, "missing")
        if data["prev_hash"] != expected_prev:
            return ChainProblem(data["seq"], "out of order")
        if row_hash(data["prev_hash"], data) != data["hash"]:
            return ChainProblem(data["seq"], "edited")
        expected_prev = data["hash"]
        expected_seq += 1
    return None
