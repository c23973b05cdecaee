"""SQL for the full reports of partner data imports (table `import_report`)."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database

_LIST = "id, at, actor, source, result, counts"


def insert(db: Database, values: dict) -> None:
    cols = ", ".join(values)
    db.execute(
        f"INSERT INTO import_report ({cols}) VALUES ({', '.join(':' + c for c in values)})",
        values,
    )


def newest(db: Database, limit: int) -> list[sqlite3.Row]:
    return db.all(f"SELECT {_LIST} FROM import_report ORDER BY at DESC, id DESC LIMIT ?", (limit,))


def get(db: Database, report_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM import_report WHERE id = ?", (report_id,))
