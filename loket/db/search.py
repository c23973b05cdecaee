"""SQL behind the visitor search (`loket.counter.search`): bounded candidate sets, never a
full scan.

Every query here has a LIMIT and walks an index (the FTS5 trigram index of migration 0002, or
the plain indexes on V-nummer, BSN and birth date), so the cost does not grow with the number
of visitors.  FTS5 results come in rowid order (newest registration first), which is the order
the index already has: `ORDER BY rank` would have to score every match first.
"""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database

_DETAILS = (
    "SELECT v.id, v.given_names, v.family_name, v.latin_given_names, v.latin_family_name,"
    " v.date_of_birth, v.v_number, v.bsn, v.phone,"
    " s.text AS search_text, s.rowid AS seq"
    " FROM visitor v JOIN visitor_search s ON s.visitor_id = v.id"
)


def fts_candidates(db: Database, fts_query: str, limit: int) -> list[sqlite3.Row]:
    """Search lines matching an FTS5 query, newest first, at most `limit`.

    Only the small visitor_search table is read here; ranking needs nothing else, and the
    visitor rows are read for the few winners only (`details`).
    """
    return db.all(
        "SELECT s.rowid AS seq, s.visitor_id AS id, s.text AS search_text FROM visitor_search s"
        " WHERE s.rowid IN (SELECT rowid FROM visitor_fts WHERE visitor_fts MATCH ?"
        " ORDER BY rowid DESC LIMIT ?)",
        (fts_query, limit),
    )


def trigrams_starting(db: Database, prefix: str, limit: int = 64) -> list[str]:
    """The trigrams in the index that begin with a one- or two-letter prefix.

    Read through an fts5vocab table in the connection's TEMP schema: nothing is added to the
    database file, and a term range on fts5vocab is a short walk of the index's term list.
    """
    if not getattr(db, "_loket_vocab", False):
        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.visitor_fts_vocab"
            " USING fts5vocab(main, visitor_fts, row)"
        )
        db._loket_vocab = True  # type: ignore[attr-defined]
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = db.all(
        "SELECT term FROM temp.visitor_fts_vocab WHERE term >= ? AND term < ? LIMIT ?",
        (prefix, upper, limit),
    )
    return [r["term"] for r in rows]


def by_column(db: Database, column: str, value: str, limit: int) -> list[sqlite3.Row]:
    """Exact match on an indexed identifier column (visitor_v_number, visitor_bsn, visitor_dob)."""
    if column not in ("v_number", "bsn", "date_of_birth"):
        raise ValueError(column)
    return db.all(
        _DETAILS + f" WHERE v.{column} = ? AND v.anonymised_at IS NULL"
        " ORDER BY s.rowid DESC LIMIT ?",
        (value, limit),
    )


def by_prefix(db: Database, column: str, prefix: str, limit: int) -> list[sqlite3.Row]:
    """Identifiers that start with `prefix`: a range on the (partial) index of the column,
    far cheaper than a digit phrase in the trigram index, where digits are everywhere."""
    if column not in ("v_number", "bsn"):
        raise ValueError(column)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return db.all(
        _DETAILS + f" WHERE v.{column} >= ? AND v.{column} < ? AND v.anonymised_at IS NULL"
        f" ORDER BY v.{column} LIMIT ?",
        (prefix, upper, limit),
    )


def details(db: Database, ids: list[str]) -> dict[str, sqlite3.Row]:
    """What a result row shows, for the winners only; anonymised visitors are left out."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.all(
        _DETAILS + f" WHERE v.id IN ({marks}) AND v.anonymised_at IS NULL",
        ids,
    )
    return {r["id"]: r for r in rows}


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


def by_name_keys(db: Database, keys: list[str], limit: int) -> list[str]:
    """Visitor ids holding any of `keys` (migration 0005's visitor_name_key), at most `limit`:
    one primary-key lookup per key."""
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    rows = db.all(
        f"SELECT DISTINCT visitor_id FROM visitor_name_key WHERE key IN ({marks}) LIMIT ?",
        (*keys, limit),
    )
    return [r[0] for r in rows]


def by_name_key_prefix(db: Database, prefix: str, limit: int) -> list[str]:
    """Visitor ids with a key starting with `prefix`: a range on the primary key."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = db.all(
        "SELECT visitor_id FROM visitor_name_key WHERE key >= ? AND key < ? LIMIT ?",
        (prefix, upper, limit),
    )
    return [r[0] for r in rows]


def names(db: Database, ids: list[str]) -> list[sqlite3.Row]:
    """Both spellings of the names of these visitors (for ranking a candidate set)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return db.all(
        f"SELECT v.id, v.given_names, v.family_name, v.latin_given_names, v.latin_family_name,"
        f" s.rowid AS seq FROM visitor v JOIN visitor_search s ON s.visitor_id = v.id"
        f" WHERE v.id IN ({marks}) AND v.anonymised_at IS NULL",
        ids,
    )
