"""SQL for the counter screens' side panels: letters a visitor was given, follow-ups due."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database


def letters_for_visitor(db: Database, visitor_id: str, limit: int = 50) -> list[sqlite3.Row]:
    """What was printed for a visitor (index letter_visitor); never the PDF itself."""
    return db.all(
        "SELECT id, visit_id, template, languages, large_print, created_at,"
        " pdf IS NOT NULL AS pdf_kept FROM letter"
        " WHERE visitor_id = ? ORDER BY created_at DESC, id LIMIT ?",
        (visitor_id, limit),
    )


def visit_follow_ups(db: Database, visitor_id: str, limit: int = 50) -> list[sqlite3.Row]:
    """Visits of this visitor that carry a follow-up date, soonest first."""
    return db.all(
        "SELECT id, visit_date, follow_up_date, topic_code FROM visit"
        " WHERE visitor_id = ? AND follow_up_date IS NOT NULL"
        " ORDER BY follow_up_date, id LIMIT ?",
        (visitor_id, limit),
    )


def visits_of_desk_day(
    db: Database, desk_id: str, day: str, *, limit: int, offset: int = 0
) -> list[sqlite3.Row]:
    """One page of a desk's visits on a day, in order of arrival (index visit_desk_date).
    Arrival times are to the second; visits that came in the same second keep the order in
    which they were recorded (rowid), so that pages never overlap or skip a row."""
    return db.all(
        "SELECT v.id, v.visitor_id, v.status, v.arrived_at, v.topic_code, v.staff_id,"
        " p.given_names, p.family_name, p.latin_given_names, p.latin_family_name,"
        " p.v_number, p.date_of_birth"
        " FROM visit v JOIN visitor p ON p.id = v.visitor_id"
        " WHERE v.desk_id = ? AND v.visit_date = ? ORDER BY v.arrived_at, v.rowid LIMIT ? OFFSET ?",
        (desk_id, day, limit, offset),
    )


def desk_day_status_counts(db: Database, desk_id: str, day: str) -> dict[str, int]:
    rows = db.all(
        "SELECT status, count(*) AS n FROM visit WHERE desk_id = ? AND visit_date = ?"
        " GROUP BY status",
        (desk_id, day),
    )
    return {r["status"]: int(r["n"]) for r in rows}
