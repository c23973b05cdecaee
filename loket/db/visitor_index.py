"""The PC side's SQL for other desks' visitors (docs/sync-staff.md, migration 0012): their
keyed index (`visitor_elsewhere`, `visitor_index`), the files fetched on opening
(`visitor_fetched`), and removing a file this desk does not hold.

The index keys arrive as hexadecimal HMAC digests; the first 8 bytes of each are kept as a
signed 64-bit integer (a lookup is a range on the primary key; a chance collision only
shows a file that does not match, which opening it makes plain)."""

from __future__ import annotations

from loket.db.connection import Database
from loket.sync import tables

CHUNK = 900  # bound parameters per statement, below SQLite's limit


def as_int(key_hex: str) -> int:
    return int.from_bytes(bytes.fromhex(key_hex[:16]), "big", signed=True)


def put(db: Database, entries: list[tuple[str, str | None, list[str]]], *, fresh=False) -> int:
    """Replace the index of each (visitor, desk, keys); an empty list of keys removes the
    visitor from the index (`fresh`: none of them is in it yet, a first pull).  Returns how
    many visitors were written."""
    if not fresh:
        remove(db, [visitor_id for visitor_id, _desk, _keys in entries])
    ref = db.scalar("SELECT coalesce(max(ref), 0) FROM visitor_elsewhere")
    visitors, keys = [], []
    for visitor_id, desk_id, hexkeys in entries:
        if not hexkeys:
            continue
        ref += 1
        visitors.append((ref, visitor_id, desk_id))
        keys.extend((as_int(k), ref) for k in hexkeys)
    db.conn.executemany(
        "INSERT INTO visitor_elsewhere (ref, visitor_id, desk_id) VALUES (?, ?, ?)", visitors
    )
    keys.sort()  # in key order: the primary key is filled from left to right
    db.conn.executemany("INSERT OR IGNORE INTO visitor_index (key, ref) VALUES (?, ?)", keys)
    return len(entries)


def remove(db: Database, visitor_ids: list[str]) -> None:
    if not visitor_ids or is_empty(db):
        return
    for i in range(0, len(visitor_ids), CHUNK):
        part = visitor_ids[i : i + CHUNK]
        marks = ", ".join("?" for _ in part)
        refs = f"SELECT ref FROM visitor_elsewhere WHERE visitor_id IN ({marks})"
        db.execute(f"DELETE FROM visitor_index WHERE ref IN ({refs})", tuple(part))
        db.execute(f"DELETE FROM visitor_elsewhere WHERE visitor_id IN ({marks})", tuple(part))


def lookup(db: Database, key_groups: list[list[str]], limit: int) -> list[tuple[str, str | None]]:
    """Visitors in the index with at least one key of every group, that this PC does not
    hold: (visitor_id, desk_id)."""
    if not key_groups or not all(key_groups):
        return []
    refs: set[int] | None = None
    for group in key_groups:
        ints = [as_int(k) for k in group]
        marks = ", ".join("?" for _ in ints)
        found = {
            r[0]
            for r in db.all(
                f"SELECT DISTINCT ref FROM visitor_index WHERE key IN ({marks})", tuple(ints)
            )
        }
        refs = found if refs is None else refs & found
        if not refs:
            return []
    marks = ", ".join("?" for _ in refs)
    rows = db.all(
        f"SELECT e.visitor_id, e.desk_id FROM visitor_elsewhere e WHERE e.ref IN ({marks})"
        " AND NOT EXISTS (SELECT 1 FROM visitor v WHERE v.id = e.visitor_id)"
        " ORDER BY e.visitor_id LIMIT ?",
        (*sorted(refs), limit),
    )
    return [(r["visitor_id"], r["desk_id"]) for r in rows]


def is_empty(db: Database) -> bool:
    return db.scalar("SELECT 1 FROM visitor_elsewhere LIMIT 1") is None


def size(db: Database) -> tuple[int, int]:
    """(visitors, keys) in the index."""
    return (
        db.scalar("SELECT count(*) FROM visitor_elsewhere"),
        db.scalar("SELECT count(*) FROM visitor_index"),
    )


# -- files fetched on opening, and files this desk does not hold -------------------------
def mark_fetched(db: Database, visitor_ids: list[str], at: str, *, keep_time=False) -> None:
    action = "NOTHING" if keep_time else "UPDATE SET fetched_at = excluded.fetched_at"
    db.conn.executemany(
        "INSERT INTO visitor_fetched (visitor_id, fetched_at) VALUES (?, ?)"
        f" ON CONFLICT (visitor_id) DO {action}",
        [(v, at) for v in visitor_ids],
    )


def fetched_before(db: Database, before: str, limit: int) -> list[str]:
    rows = db.all(
        "SELECT visitor_id FROM visitor_fetched WHERE fetched_at < ? ORDER BY fetched_at LIMIT ?",
        (before, limit),
    )
    return [r["visitor_id"] for r in rows]


def fetched_since(db: Database, since: str) -> set[str]:
    rows = db.all("SELECT visitor_id FROM visitor_fetched WHERE fetched_at >= ?", (since,))
    return {r["visitor_id"] for r in rows}


def fetched_ids(db: Database) -> list[str]:
    return [r["visitor_id"] for r in db.all("SELECT visitor_id FROM visitor_fetched")]


def fetched_among(db: Database, visitor_ids: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(0, len(visitor_ids), CHUNK):
        part = visitor_ids[i : i + CHUNK]
        marks = ", ".join("?" for _ in part)
        rows = db.all(f"SELECT visitor_id FROM visitor_fetched WHERE visitor_id IN ({marks})",
                      tuple(part))  # fmt: skip
        out += [r["visitor_id"] for r in rows]
    return out


def forget_fetched(db: Database, visitor_ids: list[str]) -> None:
    for i in range(0, len(visitor_ids), CHUNK):
        part = visitor_ids[i : i + CHUNK]
        marks = ", ".join("?" for _ in part)
        db.execute(f"DELETE FROM visitor_fetched WHERE visitor_id IN ({marks})", tuple(part))


def visitors_after(db: Database, rowid: int, limit: int) -> list[tuple[int, str]]:
    """This PC's visitors in rowid order after `rowid`: (rowid, id)."""
    rows = db.all(
        "SELECT rowid, id FROM visitor WHERE rowid > ? ORDER BY rowid LIMIT ?", (rowid, limit)
    )
    return [(r[0], r[1]) for r in rows]


def _file_rows(table: str) -> str:
    """A SELECT of the keys of `table`'s rows in one visitor's file (parameter: the visitor)."""
    how, column = tables.FILE_TABLES[table]
    key = tables.key_column(table)
    if how == "self":
        return f"SELECT {key} FROM {table} WHERE {key} = ?"
    if how == "column":
        return f"SELECT {key} FROM {table} WHERE {column} = ?"
    return f"SELECT {key} FROM {table} WHERE {column} IN ({_file_rows(how)})"


def with_local_work(
    db: Database, visitor_ids: list[str], pending: set[tuple[str, str]]
) -> set[str]:
    """Of these visitors, those whose files stay: with a draft here, an open merge task or
    a decided one not yet sent to the hub, a row of their file among `pending` (changed
    here, not yet acknowledged by the hub), or another file here merged into theirs (its
    pointer needs them)."""
    keep: set[str] = set()
    for visitor_id in visitor_ids:
        if (
            db.scalar("SELECT 1 FROM draft WHERE visitor_id = ?", (visitor_id,))
            or db.scalar(
                "SELECT 1 FROM merge_task WHERE ? IN (visitor_a, visitor_b, kept_id)"
                " AND (status = 'open' OR pushed_at IS NULL)",
                (visitor_id,),
            )
            or db.scalar("SELECT 1 FROM visitor WHERE merged_into = ?", (visitor_id,))
        ):
            keep.add(visitor_id)
            continue
        for table in tables.FILE_TABLES:
            if pending and any(
                (table, r[0]) in pending for r in db.all(_file_rows(table), (visitor_id,))
            ):
                keep.add(visitor_id)
                break
    return keep


def delete_file(db: Database, visitor_id: str) -> int:
    """Remove one visitor's file from this PC (inside outbox.applying(): nothing of it is
    sent to the hub, where the file stays).  Returns the rows removed."""
    # the decided pairs naming it (sent to the hub: a file fetched again brings them back)
    removed = db.execute(
        "DELETE FROM merge_task WHERE ? IN (visitor_a, visitor_b, kept_id)"
        " AND status <> 'open' AND pushed_at IS NOT NULL",
        (visitor_id,),
    ).rowcount
    for table in reversed(tables.FILE_TABLES):
        key = tables.key_column(table)
        sql = f"DELETE FROM {table} WHERE {key} IN ({_file_rows(table)})"
        removed += db.execute(sql, (visitor_id,)).rowcount
    return removed
