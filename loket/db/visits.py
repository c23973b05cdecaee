"""SQL for visits, their needs and the separately kept health details."""

from __future__ import annotations

import sqlite3

from loket.clock import new_id
from loket.db.connection import Database

VISIT_COLUMNS = (
    "id",
    "visitor_id",
    "desk_id",
    "staff_id",
    "visit_date",
    "arrived_at",
    "status",
    "topic_code",
    "language",
    "interpreter_needed",
    "interpreter_language",
    "brought_by_org",
    "brought_by_contact",
    "referent_involved",
    "summary",
    "outcome",
    "follow_up_date",
)


def insert(db: Database, values: dict) -> None:
    row = {**values, **db.stamp()}
    cols = ", ".join(row)
    db.execute(f"INSERT INTO visit ({cols}) VALUES ({', '.join(':' + c for c in row)})", row)


def update(db: Database, visit_id: str, values: dict) -> None:
    row = {**values, **db.stamp(new=False)}
    sets = ", ".join(f"{c} = :{c}" for c in row)
    db.execute(f"UPDATE visit SET {sets} WHERE id = :_id", {**row, "_id": visit_id})


def get(db: Database, visit_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM visit WHERE id = ?", (visit_id,))


def needs(db: Database, visit_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT vn.need_code, vn.note FROM visit_need vn JOIN need n ON n.code = vn.need_code"
        " WHERE vn.visit_id = ? ORDER BY n.sort_order",
        (visit_id,),
    )


def replace_needs(db: Database, visit_id: str, items: list[tuple[str, str]]) -> None:
    db.execute("DELETE FROM visit_need WHERE visit_id = ?", (visit_id,))
    for code, note in items:
        db.execute(
            "INSERT INTO visit_need (id, visit_id, need_code, note, created_at, updated_at,"
            " workstation) VALUES (:id, :visit_id, :need_code, :note, :created_at, :updated_at,"
            " :workstation)",
            {"id": new_id(), "visit_id": visit_id, "need_code": code, "note": note, **db.stamp()},
        )


def for_visitor(
    db: Database, visitor_id: str, *, limit: int = 100, offset: int = 0
) -> list[sqlite3.Row]:
    """Visit history, newest first (no health details: those live in visit_health)."""
    return db.all(
        "SELECT v.*, t.label_nl AS topic_nl, t.label_en AS topic_en,"
        " (SELECT group_concat(need_code, ',') FROM visit_need WHERE visit_id = v.id) AS need_codes"
        " FROM visit v LEFT JOIN topic t ON t.code = v.topic_code"
        " WHERE v.visitor_id = ? ORDER BY v.visit_date DESC, v.arrived_at DESC LIMIT ? OFFSET ?",
        (visitor_id, limit, offset),
    )


def count_for_visitor(db: Database, visitor_id: str) -> int:
    return int(db.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (visitor_id,)))


def for_desk_day(db: Database, desk_id: str, day: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT v.id, v.visitor_id, v.status, v.arrived_at, v.topic_code, v.staff_id,"
        " p.given_names, p.family_name, p.v_number, p.date_of_birth"
        " FROM visit v JOIN visitor p ON p.id = v.visitor_id"
        " WHERE v.desk_id = ? AND v.visit_date = ? ORDER BY v.arrived_at",
        (desk_id, day),
    )


def get_health(db: Database, visit_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM visit_health WHERE visit_id = ?", (visit_id,))


def set_health(
    db: Database, visit_id: str, note: str, legal_ground: str, staff_id: str | None
) -> None:
    db.execute(
        "INSERT INTO visit_health (visit_id, note, legal_ground, recorded_by, created_at,"
        " updated_at, workstation) VALUES (:visit_id, :note, :legal_ground, :recorded_by,"
        " :created_at, :updated_at, :workstation) ON CONFLICT(visit_id) DO UPDATE SET"
        " note = excluded.note, legal_ground = excluded.legal_ground,"
        " recorded_by = excluded.recorded_by, updated_at = excluded.updated_at,"
        " workstation = excluded.workstation",
        {
            "visit_id": visit_id,
            "note": note,
            "legal_ground": legal_ground,
            "recorded_by": staff_id,
            **db.stamp(),
        },
    )
