"""The cheap look at the database file before the login window.

Kept apart from `loket.privacy.backup` so that starting the app does not import hashing, JSON and
file-copy code it needs only later (the full check, backups and restores run after sign-in,
on a worker thread).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from loket.db import integrity
from loket.i18n import _

REQUIRED_TABLES = frozenset({"setting", "staff", "visitor", "visit", "audit_log"})


def open_problems(path: Path) -> list[str]:
    """The file opens, is an SQLite database with Loket's tables and a readable schema
    version.  Reads the first pages only, never the whole file (the full check takes half a
    minute on a million visitors).  [] = fine, or no database yet."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables, version = integrity.tables_and_version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        return [str(err)]
    if not tables and version == 0:
        return []  # an empty file: migrate() makes the schema
    if not REQUIRED_TABLES <= tables:
        return [_("The file {path} is not a Loket database.").format(path=path)]
    return []


def left_open(path: Path) -> bool:
    """A write-ahead log left beside the database: the last session ended without closing
    it (a crash or a power cut), SQLite recovers it on open -- check fully again."""
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0
