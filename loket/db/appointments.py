"""SQL for appointments (table `appointment`, migration 0004): one row per appointment that
staff made or wrote down for a visit, usually at a partner the visitor was referred to."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database

COLUMNS = (
    "id",
    "visit_id",
    "referral_id",
    "starts_at",
    "place",
    "contact_person",
    "bring",
    "staff_id",
)


def insert(db: Database, values: dict) -> None:
    row = {**values, **db.stamp()}
    cols = ", ".join(row)
    db.execute(f"INSERT INTO appointment ({cols}) VALUES ({', '.join(':' + c for c in row)})", row)


def update(db: Database, appointment_id: str, values: dict) -> None:
    row = {**values, **db.stamp(new=False)}
    sets = ", ".join(f"{c} = :{c}" for c in row)
    db.execute(f"UPDATE appointment SET {sets} WHERE id = :_id", {**row, "_id": appointment_id})


def get(db: Database, appointment_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM appointment WHERE id = ?", (appointment_id,))


def for_visit(db: Database, visit_id: str) -> list[sqlite3.Row]:
    """The visit's appointments, the one made last first."""
    return db.all(
        "SELECT * FROM appointment WHERE visit_id = ? ORDER BY created_at DESC, rowid DESC",
        (visit_id,),
    )


def referral_visit(db: Database, referral_id: str) -> str | None:
    return db.scalar("SELECT visit_id FROM referral WHERE id = ?", (referral_id,))


def visit_subject(db: Database, visit_id: str) -> sqlite3.Row | None:
    """The visit's date and its visitor's numbers (for the audit log's keyed hash)."""
    return db.one(
        """
        SELECT v.id, v.visit_date, p.v_number, p.bsn FROM visit v
        JOIN visitor p ON p.id = v.visitor_id WHERE v.id = ?
        """,
        (visit_id,),
    )
