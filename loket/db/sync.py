"""SQL for the PC-side sync tables: `sync_state`, `sync_conflict`, `sync_outbox` (the
contract between the hub and the staff side; see docs/sync-staff.md)."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database


def state(db: Database) -> dict[str, str | None]:
    return {r["key"]: r["value"] for r in db.all("SELECT key, value FROM sync_state")}


def enrolled(db: Database) -> bool:
    return db.scalar("SELECT value FROM setting WHERE key = 'sync_enrolled'") == "1"


def get(db: Database, conflict_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM sync_conflict WHERE id = ?", (conflict_id,))


def open_conflicts(
    db: Database, *, desk_id: str | None = None, limit: int = 200
) -> list[sqlite3.Row]:
    """Open conflicts, oldest first; with `desk_id` that desk's and those of no desk."""
    where, params = "resolved_at IS NULL", []
    if desk_id is not None:
        where += " AND (desk_id = ? OR desk_id IS NULL)"
        params.append(desk_id)
    return db.all(
        f"SELECT * FROM sync_conflict WHERE {where} ORDER BY created_at, id LIMIT ?",
        (*params, limit),
    )


def open_for_visitor(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    """Open conflicts on the visitor's file, their visits and those visits' referrals."""
    return db.all(
        "SELECT * FROM sync_conflict WHERE resolved_at IS NULL AND ("
        " (table_name = 'visitor' AND row_id = :v)"
        " OR (table_name = 'visit' AND row_id IN (SELECT id FROM visit WHERE visitor_id = :v))"
        " OR (table_name = 'referral' AND row_id IN (SELECT r.id FROM referral r"
        "     JOIN visit vi ON vi.id = r.visit_id WHERE vi.visitor_id = :v)))"
        " ORDER BY created_at, id",
        {"v": visitor_id},
    )


def visitors_with_open(db: Database, ids: list[str]) -> set[str]:
    """Which of these visitors have an open conflict on their file, a visit or a referral."""
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = db.all(
        f"SELECT row_id FROM sync_conflict WHERE resolved_at IS NULL AND table_name = 'visitor'"
        f" AND row_id IN ({marks})"
        f" UNION SELECT vi.visitor_id FROM sync_conflict c JOIN visit vi ON vi.id = c.row_id"
        f" WHERE c.resolved_at IS NULL AND c.table_name = 'visit' AND vi.visitor_id IN ({marks})"
        f" UNION SELECT vi.visitor_id FROM sync_conflict c JOIN referral r ON r.id = c.row_id"
        f" JOIN visit vi ON vi.id = r.visit_id"
        f" WHERE c.resolved_at IS NULL AND c.table_name = 'referral'"
        f" AND vi.visitor_id IN ({marks})",
        (*ids, *ids, *ids),
    )
    return {r[0] for r in rows}


def visitor_of(db: Database, table: str, row_id: str) -> str | None:
    """The visitor a conflicting row belongs to (for the subject of the audit row)."""
    if table == "visitor":
        return row_id
    if table == "visit":
        return db.scalar("SELECT visitor_id FROM visit WHERE id = ?", (row_id,))
    if table == "referral":
        return db.scalar(
            "SELECT vi.visitor_id FROM referral r JOIN visit vi ON vi.id = r.visit_id"
            " WHERE r.id = ?",
            (row_id,),
        )
    return None


def current_value(db: Database, table: str, row_id: str, field: str):
    """The field's value in this PC's row now (None when the row is not here)."""
    columns = {r["name"] for r in db.all(f"PRAGMA table_info({table})")}
    if table not in ("visitor", "visit", "referral") or field not in columns:
        return None
    row = db.one(f"SELECT {field} FROM {table} WHERE id = ?", (row_id,))
    return None if row is None else row[0]


def mark_resolved(db: Database, conflict_id: str, *, at: str, by: str | None, value: str) -> None:
    db.execute(
        "UPDATE sync_conflict SET resolved_at = ?, resolved_by = ?, resolution = ?"
        " WHERE id = ? AND resolved_at IS NULL",
        (at, by, value, conflict_id),
    )
