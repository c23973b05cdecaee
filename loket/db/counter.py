"""SQL for the counter screens' side panels: letters a visitor was given, follow-ups due."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database


def letters_for_visitor(db: Database, visitor_id: str, limit: int = 50) -> list[sqlite3.Row]:
    """What was printed for a visitor (index letter_visitor); never the PDF itself."""
    return db.all(
        "SELECT id, visit_id, template, languages, large_print, created_at FROM letter"
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
