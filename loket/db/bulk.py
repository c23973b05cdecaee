"""Bulk writes for demo data: executemany in large transactions, one statement per table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from loket.db import search
from loket.db.connection import Database
from loket.db.referrals import rebuild_outcome_tally


def insert_many(db: Database, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    db.conn.executemany(sql, rows)


def fast_writes(db: Database, on: bool) -> None:
    """During demo generation only, on a file that is new and can be made again: no fsyncs,
    a rollback journal in memory instead of the WAL (which would write every page twice),
    an exclusive lock, no foreign-key lookups per row (the generator makes consistent rows;
    the demo test runs PRAGMA foreign_key_check) and a large page cache.  `on=False` puts
    the connection back the way Database() opened it."""
    if on:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("PRAGMA cache_size = -524288")
        db.execute("PRAGMA journal_mode = MEMORY")
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("PRAGMA threads = 2")
    else:
        db.execute("PRAGMA locking_mode = NORMAL")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA cache_size = -2000")
        db.execute("PRAGMA threads = 0")


class suspended_indexes:
    """Drop the secondary indexes and triggers of `tables` for a bulk load into empty tables;
    put them back afterwards (a sorted index build is far faster than row-by-row upkeep), then
    fill the visitor search tables and the referral outcome counts in one pass."""

    def __init__(self, db: Database, tables: Sequence[str], names: bool = True) -> None:
        self.db = db
        self.tables = tuple(tables)
        # names=False: the search lines, full-text index and name keys are left to be built
        # afterwards, in chunks (`loket.sync.names`); only the visitor triggers come back.
        self.names = names
        self.saved: list[tuple[str, str, str]] = []

    def __enter__(self) -> suspended_indexes:
        marks = ",".join("?" * len(self.tables))
        self.saved = [
            (r["type"], r["name"], r["sql"])
            for r in self.db.all(
                f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
                f" AND tbl_name IN ({marks}) AND sql IS NOT NULL",
                self.tables,
            )
        ]
        with self.db.transaction():
            for kind, name, _sql in self.saved:
                self.db.execute(f"DROP {kind.upper()} {name}")
        return self

    def __exit__(self, *exc) -> None:
        with self.db.transaction():
            # The derived tables first, while the triggers are still off (with visitor_search
            # among `tables`, its search lines go into the full-text index once, by the
            # rebuild, not row by row and then again); the indexes and triggers after.
            self._fill()
            for _kind, _name, sql in self.saved:
                self.db.execute(sql)

    def _fill(self) -> None:
        if "referral" in self.tables:
            # Its triggers were off during the load: count the outcomes in one pass.
            rebuild_outcome_tally(self.db)
        if "visitor" in self.tables and self.names:
            self.db.execute(
                "INSERT INTO visitor_search (visitor_id, text) SELECT id, loket_search_text("
                "given_names, family_name, v_number, bsn, date_of_birth, phone,"
                " latin_given_names, latin_family_name) FROM visitor"
                " WHERE id NOT IN (SELECT visitor_id FROM visitor_search)"
            )
            self.db.execute("INSERT INTO visitor_fts(visitor_fts) VALUES ('rebuild')")
            # the name keys of migration 0005, whose trigger was dropped with the others
            search.insert_name_keys(
                self.db, "v.id NOT IN (SELECT visitor_id FROM visitor_name_key)"
            )


def service_needs(db: Database) -> list[tuple[str, str, str | None]]:
    """(service id, need code, city) of every active service, for demo referrals."""
    return [
        (r["service_id"], r["need_code"], r["city"])
        for r in db.all(
            "SELECT sn.service_id, sn.need_code, l.city FROM service_need sn"
            " JOIN service s ON s.id = sn.service_id AND s.status = 'active'"
            " LEFT JOIN service_at_location sal ON sal.service_id = s.id"
            " LEFT JOIN location l ON l.id = sal.location_id"
        )
    ]


def has_visitors(db: Database) -> bool:
    return db.one("SELECT 1 FROM visitor LIMIT 1") is not None


def has_activity(db: Database) -> bool:
    """Whether anyone has used this database: an account, a visitor or an audit row."""
    return (
        db.one(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM staff) OR EXISTS (SELECT 1 FROM visitor)"
            " OR EXISTS (SELECT 1 FROM audit_log)"
        )
        is not None
    )


def analyze(db: Database) -> None:
    """Statistics for the query planner, from a sample of each index (a full ANALYZE reads
    every row of a multi-gigabyte file)."""
    db.execute("PRAGMA analysis_limit = 1000")
    db.execute("ANALYZE")
