"""SQL behind the visitor search (`loket.search`): bounded candidate sets, never a full scan.

Every query here has a LIMIT and walks an index (the FTS5 trigram index of migration 0002, or
the plain indexes on V-nummer, BSN and birth date), so the cost does not grow with the number
of visitors.  FTS5 results come in rowid order (newest registration first), which is the order
the index already has: `ORDER BY rank` would have to score every match first.
"""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database

# What ranking needs to know about a candidate; the last visit is fetched only for the winners.
_CANDIDATE = (
    "SELECT v.id, v.given_names, v.family_name, v.date_of_birth, v.v_number, v.bsn, v.phone,"
    " s.text AS search_text, s.rowid AS seq"
    " FROM visitor v JOIN visitor_search s ON s.visitor_id = v.id"
)


def fts_candidates(db: Database, fts_query: str, limit: int) -> list[sqlite3.Row]:
    """Visitors whose search line matches an FTS5 query, newest first, at most `limit`."""
    return db.all(
        _CANDIDATE + " WHERE s.rowid IN (SELECT rowid FROM visitor_fts WHERE visitor_fts MATCH ?"
        " ORDER BY rowid DESC LIMIT ?) AND v.anonymised_at IS NULL",
        (fts_query, limit),
    )


def by_column(db: Database, column: str, value: str, limit: int) -> list[sqlite3.Row]:
    """Exact match on an indexed identifier column (visitor_v_number, visitor_bsn, visitor_dob)."""
    if column not in ("v_number", "bsn", "date_of_birth"):
        raise ValueError(column)
    return db.all(
        _CANDIDATE + f" WHERE v.{column} = ? AND v.anonymised_at IS NULL"
        " ORDER BY s.rowid DESC LIMIT ?",
        (value, limit),
    )


def last_visits(db: Database, ids: list[str]) -> dict[str, str | None]:
    """The date of each visitor's latest visit (index visit_visitor), for the shown rows only."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.all(
        f"SELECT v.id, (SELECT max(visit_date) FROM visit WHERE visit.visitor_id = v.id) AS last"
        f" FROM visitor v WHERE v.id IN ({marks})",
        ids,
    )
    return {r["id"]: r["last"] for r in rows}
