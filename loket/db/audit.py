"""SQL of the audit log.  Rows are only ever inserted; triggers refuse UPDATE and DELETE."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from loket.db.connection import Database

COLUMNS = (
    "seq",
    "id",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "result",
    "origin",
    "subject_ref",
    "detail",
    "prev_hash",
    "hash",
    "created_at",
    "updated_at",
    "workstation",
)


def last(db: Database) -> sqlite3.Row | None:
    return db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")


def insert(db: Database, row: dict) -> None:
    """`row` holds every column (the stamps too: they are part of its hash)."""
    cols = ", ".join(row)
    marks = ", ".join(f":{c}" for c in row)
    db.execute(f"INSERT INTO audit_log ({cols}) VALUES ({marks})", row)


def iterate(db: Database, batch: int = 5000) -> Iterator[sqlite3.Row]:
    """Every row in chain order, read in batches so a long log never sits in memory whole."""
    after = -1
    while True:
        rows = db.all(
            f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, batch),
        )
        if not rows:
            return
        yield from rows
        after = rows[-1]["seq"]


def _where(
    *,
    actor: str | None = None,
    action: str | None = None,
    result: str | None = None,
    since: str | None = None,
    until: str | None = None,
    before_seq: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    subject_ref: str | list[str] | None = None,
) -> tuple[str, list]:
    where, params = [], []
    for col, value in (
        ("actor", actor),
        ("result", result),
        ("object_type", object_type),
        ("object_id", object_id),
    ):
        if value:
            where.append(f"{col} = ?")
            params.append(value)
    if subject_ref:  # one reference, or the same number's under several keys
        refs = [subject_ref] if isinstance(subject_ref, str) else list(subject_ref)
        where.append(f"subject_ref IN ({', '.join('?' * len(refs))})")
        params.extend(refs)
    if action:
        # Prefix match: 'export' finds export.referrals; LIKE's wildcards are escaped.
        escaped = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("action LIKE ? ESCAPE '\\'")
        params.append(escaped + "%")
    if since:
        where.append("at >= ?")
        params.append(since)
    if until:
        where.append("at < ?")
        params.append(until)
    if before_seq is not None:
        where.append("seq < ?")
        params.append(before_seq)
    return (("WHERE " + " AND ".join(where)) if where else ""), params


def search(db: Database, *, limit: int = 200, **filters) -> list[sqlite3.Row]:
    """Rows matching the filters (see _where), newest first."""
    clause, params = _where(**filters)
    return db.all(
        f"SELECT {', '.join(COLUMNS)} FROM audit_log {clause} ORDER BY seq DESC LIMIT ?",
        (*params, limit),
    )


def count_matching(db: Database, **filters) -> int:
    clause, params = _where(**filters)
    return int(db.scalar(f"SELECT count(*) FROM audit_log {clause}", params))


def about(db: Database, object_ids: list[str], subject_refs: list[str]) -> list[sqlite3.Row]:
    """Rows about one person: their records by id, or their keyed subject reference."""
    ids = [i for i in object_ids if i]
    refs = [r for r in subject_refs if r]
    where = []
    if ids:
        where.append(f"object_id IN ({', '.join('?' * len(ids))})")
    if refs:
        where.append(f"subject_ref IN ({', '.join('?' * len(refs))})")
    if not where:
        return []
    return db.all(
        f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE {' OR '.join(where)} ORDER BY seq",
        (*ids, *refs),
    )


def count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM audit_log"))


def head_in_file(path) -> tuple[int, str] | None:
    """(seq, hash) of the newest row in another database file (a backup), read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return None if row is None else (int(row[0]), str(row[1]))


def uses_key(db: Database) -> bool:
    """True when a row was written with the subject key (a keyed reference or hash)."""
    return bool(
        db.scalar(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE subject_ref IS NOT NULL"
            " OR hash LIKE 'v2:%')"
        )
    )


def count_up_to(db: Database, seq: int) -> int:
    return int(db.scalar("SELECT count(*) FROM audit_log WHERE seq <= ?", (seq,)))


def hash_at(db: Database, seq: int) -> str | None:
    return db.scalar("SELECT hash FROM audit_log WHERE seq = ?", (seq,))


def newest_of(db: Database, action: str) -> sqlite3.Row | None:
    """seq and detail (JSON text) of the newest row of this action; None when there is none."""
    return db.one(
        "SELECT seq, detail FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1", (action,)
    )
