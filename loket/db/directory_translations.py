"""SQL for the translations of directory free text (table `directory_translation`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from loket.db.connection import Database


def for_texts(db: Database, texts: Iterable[str]) -> list[sqlite3.Row]:
    wanted = sorted(set(texts))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    return db.all(
        f"SELECT source_text, lang, text FROM directory_translation WHERE source_text IN ({marks})"
        " ORDER BY source_text, lang",
        tuple(wanted),
    )


def get(db: Database, source_text: str, lang: str) -> sqlite3.Row | None:
    return db.one(
        "SELECT * FROM directory_translation WHERE source_text = ? AND lang = ?",
        (source_text, lang),
    )


def insert(db: Database, values: dict) -> None:
    cols = ", ".join(values)
    db.execute(
        f"INSERT INTO directory_translation ({cols}) VALUES ({', '.join(':' + c for c in values)})",
        values,
    )


def update(db: Database, row_id: str, text: str, stamp: dict) -> None:
    db.execute(
        "UPDATE directory_translation SET text = ?, updated_at = ?, workstation = ? WHERE id = ?",
        (text, stamp["updated_at"], stamp["workstation"], row_id),
    )


def delete(db: Database, row_id: str) -> None:
    db.execute("DELETE FROM directory_translation WHERE id = ?", (row_id,))
