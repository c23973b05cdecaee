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
    " coalesce(s.text, '') AS search_text, coalesce(s.rowid, v.rowid) AS seq"
    " FROM visitor v LEFT JOIN visitor_search s ON s.visitor_id = v.id"
)
# LEFT JOIN: after a new PC's first pull the search lines are built in chunks
# (`build_names`); a visitor whose line is not there yet is still found by V-nummer, BSN or
# birth date (its seq is then its own rowid, which its search line will take).


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
        _DETAILS + f" WHERE v.{column} = ? AND v.anonymised_at IS NULL ORDER BY seq DESC LIMIT ?",
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
        f" coalesce(s.rowid, v.rowid) AS seq FROM visitor v"
        f" LEFT JOIN visitor_search s ON s.visitor_id = v.id"
        f" WHERE v.id IN ({marks}) AND v.anonymised_at IS NULL",
        ids,
    )


# -- building the name search after a new PC's first pull ------------------------------------


def visitor_rowids(db: Database) -> tuple[int, int] | None:
    """(lowest, highest) rowid of the visitors, or None without visitors."""
    row = db.one("SELECT min(rowid), max(rowid) FROM visitor")
    return None if row[0] is None else (int(row[0]), int(row[1]))


def build_names(db: Database, low: int, high: int) -> None:
    """The search lines (and by their trigger the full-text entries) and the name keys of the
    visitors with rowid in [low, high] that have none yet.  A search line takes its visitor's
    rowid, the number a build in one pass gives it (the visitors of a first pull are 1..n in
    the order they came), so results come in the same order either way.  Idempotent: a visitor
    edited meanwhile had no line to update (the build reads its names as they are now), and
    its keys, kept by the triggers, are inserted again without effect.  A rowid taken
    meanwhile (the newest pulled visitor deleted, another registered) gives the line the
    next free number instead."""
    db.execute(
        "INSERT INTO visitor_search (rowid, visitor_id, text) SELECT CASE WHEN EXISTS"
        " (SELECT 1 FROM visitor_search t WHERE t.rowid = v.rowid) THEN NULL ELSE v.rowid END,"
        " v.id,"
        " loket_search_text(v.given_names, v.family_name, v.v_number, v.bsn, v.date_of_birth,"
        " v.phone, v.latin_given_names, v.latin_family_name) FROM visitor v"
        " WHERE v.rowid BETWEEN ? AND ?"
        " AND NOT EXISTS (SELECT 1 FROM visitor_search s WHERE s.visitor_id = v.id)"
        " ORDER BY v.rowid",
        (low, high),
    )
    insert_name_keys(db, "v.rowid BETWEEN ? AND ?", (low, high))


def insert_name_keys(db: Database, where: str, params: tuple = ()) -> None:
    """The name keys of the visitors `where` selects (alias `v`), for builds that run with
    the visitor triggers off; in key order, so the index pages come out full."""
    db.execute(
        "INSERT OR IGNORE INTO visitor_name_key (key, visitor_id)"
        " SELECT j.value, v.id FROM visitor v, json_each(loket_name_keys("
        "v.given_names, v.family_name, v.latin_given_names, v.latin_family_name)) j"
        f" WHERE {where} ORDER BY 1, 2",
        params,
    )
