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
