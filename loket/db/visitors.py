"""SQL for visitors and the visitor search index (see migration 0002)."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database

VISITOR_COLUMNS = (
    "id",
    "given_names",
    "family_name",
    "latin_given_names",
    "latin_family_name",
    "date_of_birth",
    "v_number",
    "bsn",
    "phone",
    "email",
    "address",
    "postal_code",
    "city",
    "preferred_language",
    "interpreter_needed",
    "interpreter_language",
    "last_activity_at",
    "anonymised_at",
    "created_by",
)


def insert(db: Database, values: dict) -> None:
    row = {**values, **db.stamp()}
    cols = ", ".join(row)
    db.execute(f"INSERT INTO visitor ({cols}) VALUES ({', '.join(':' + c for c in row)})", row)


def update(db: Database, visitor_id: str, values: dict) -> None:
    row = {**values, **db.stamp(new=False)}
    sets = ", ".join(f"{c} = :{c}" for c in row)
    db.execute(f"UPDATE visitor SET {sets} WHERE id = :_id", {**row, "_id": visitor_id})


def get(db: Database, visitor_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM visitor WHERE id = ?", (visitor_id,))


def touch_activity(db: Database, visitor_id: str, at: str) -> None:
    db.execute(
        "UPDATE visitor SET last_activity_at = max(coalesce(last_activity_at, ''), ?) WHERE id = ?",
        (at, visitor_id),
    )


def find_duplicates(
    db: Database,
    *,
    v_number: str | None,
    bsn: str | None,
    date_of_birth: str | None,
    exclude_id: str | None = None,
    limit: int = 10,
) -> list[tuple[str, sqlite3.Row]]:
    """Visitors with this V-nummer or BSN, and those born on this day ('name_dob': the
    caller compares the names with the name rules).  Bounded: the indexes on the three
    columns, at most 200 rows for a birth date."""
    found: dict[str, tuple[str, sqlite3.Row]] = {}
    if v_number:
        for row in db.all("SELECT * FROM visitor WHERE v_number = ? LIMIT ?", (v_number, limit)):
            found.setdefault(row["id"], ("v_number", row))
    if bsn:
        for row in db.all("SELECT * FROM visitor WHERE bsn = ? LIMIT ?", (bsn, limit)):
            found.setdefault(row["id"], ("bsn", row))
    if date_of_birth:
        rows = db.all(
            "SELECT * FROM visitor WHERE date_of_birth = ? AND anonymised_at IS NULL LIMIT 200",
            (date_of_birth,),
        )
        for row in rows:
            found.setdefault(row["id"], ("name_dob", row))
    found.pop(exclude_id or "", None)
    return list(found.values())


def search_candidates(db: Database, fts_query: str, limit: int) -> list[sqlite3.Row]:
    """Bounded candidate set from the trigram index; ranking happens on these few rows."""
    return db.all(
        "SELECT s.visitor_id, s.text, bm25(visitor_fts) AS score FROM visitor_fts"
        " JOIN visitor_search s ON s.rowid = visitor_fts.rowid"
        " WHERE visitor_fts MATCH ? ORDER BY visitor_fts.rowid DESC LIMIT ?",
        (fts_query, limit),
    )


def summaries(db: Database, ids: list[str]) -> list[sqlite3.Row]:
    """What a result row shows: name, birth date, V-nummer, last visit."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return db.all(
        f"SELECT v.id, v.given_names, v.family_name, v.date_of_birth, v.v_number, v.bsn,"
        f" v.phone, v.anonymised_at,"
        f" (SELECT max(visit_date) FROM visit WHERE visit.visitor_id = v.id) AS last_visit"
        f" FROM visitor v WHERE v.id IN ({marks})",
        ids,
    )


def count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM visitor"))
