"""SQL for appointments (table `appointment`, migration 0003): one row per appointment that
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


# -- for retention, erasure and the right of access (loket.privacy.retention,
# loket.privacy.rights) --
def clear_for_visitors(db: Database, visitor_ids: tuple[str, tuple]) -> int:
    """Free text of the visitors' appointments goes (place, whom to ask for, papers: typed by
    staff, so it may say anything); the time and the referral stay for statistics.
    `visitor_ids` is a subquery with its parameters, as in `loket.db.retention`."""
    sub, params = visitor_ids
    stamp = db.stamp(new=False)
    db.execute(
        "UPDATE appointment SET place = '', contact_person = '', bring = '[]',"
        " updated_at = ?, workstation = ?"
        f" WHERE visit_id IN (SELECT id FROM visit WHERE visitor_id IN ({sub}))"
        " AND (place != '' OR contact_person != '' OR bring != '[]')",
        (stamp["updated_at"], stamp["workstation"], *params),
    )
    return int(db.scalar("SELECT changes()"))


def dossier_appointments(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    """Every appointment of the visitor, oldest first (right of access)."""
    return db.all(
        "SELECT a.id, a.visit_id, a.referral_id, a.starts_at, a.place, a.contact_person,"
        " a.bring, a.created_at FROM appointment a JOIN visit v ON v.id = a.visit_id"
        " WHERE v.visitor_id = ? ORDER BY a.created_at, a.rowid",
        (visitor_id,),
    )
