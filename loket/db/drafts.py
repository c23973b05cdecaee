"""SQL for drafts: the unsaved forms of one staff member (table `draft`, migration 0001)."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database


def insert(
    db: Database,
    *,
    draft_id: str,
    kind: str,
    staff_id: str | None,
    visitor_id: str | None,
    payload: str,
) -> None:
    db.execute(
        "INSERT INTO draft (id, kind, staff_id, visitor_id, payload, created_at, updated_at,"
        " workstation) VALUES (:id, :kind, :staff_id, :visitor_id, :payload, :created_at,"
        " :updated_at, :workstation)",
        {
            "id": draft_id,
            "kind": kind,
            "staff_id": staff_id,
            "visitor_id": visitor_id,
            "payload": payload,
            **db.stamp(),
        },
    )


def update(db: Database, draft_id: str, *, visitor_id: str | None, payload: str) -> int:
    cur = db.execute(
        "UPDATE draft SET payload = :payload, visitor_id = :visitor_id, updated_at = :updated_at,"
        " workstation = :workstation WHERE id = :id",
        {"id": draft_id, "payload": payload, "visitor_id": visitor_id, **db.stamp(new=False)},
    )
    return cur.rowcount


def get(db: Database, draft_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM draft WHERE id = ?", (draft_id,))


def for_staff(db: Database, staff_id: str, limit: int = 50) -> list[sqlite3.Row]:
    return db.all(
        "SELECT * FROM draft WHERE staff_id = ? ORDER BY updated_at DESC, id LIMIT ?",
        (staff_id, limit),
    )


def delete(db: Database, draft_id: str) -> int:
    return db.execute("DELETE FROM draft WHERE id = ?", (draft_id,)).rowcount
