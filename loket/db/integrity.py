"""SQL that looks at a database file as a whole: its tables, schema version and soundness."""

from __future__ import annotations

import sqlite3


def tables_and_version(conn: sqlite3.Connection) -> tuple[set[str], int]:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    return tables, version


def problems(conn: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    """integrity_check (or quick_check) and foreign_key_check; [] when the file is sound."""
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        found = [] if rows == ["ok"] else list(rows)
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchall():
            found.append(f"foreign key: {table} row {rowid} refers to a missing {parent}")
    except sqlite3.DatabaseError as err:
        found = [str(err)]
    return found


def setting_in_file(path, key: str) -> str | None:
    """One setting of another database file (a backup, the live file), read-only; None when
    it cannot be read."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError:
        return None
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return None if row is None else row[0]


def put_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Write one setting into a backup file being made (its own connection)."""
    from loket.clock import now_iso

    now = now_iso()
    ws = conn.execute("SELECT value FROM setting WHERE key = 'workstation'").fetchone()
    conn.execute(
        "INSERT OR REPLACE INTO setting (key, value, created_at, updated_at, workstation)"
        " VALUES (?, ?, ?, ?, ?)",
        (key, value, now, now, ws[0] if ws else ""),
    )
    conn.commit()
