"""Opening the one SQLite file: pragmas, functions the schema relies on, transactions."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from loket.clock import new_id, now_iso
from loket.db.lock import SharedLock
from loket.errors import DatabaseDamaged, disk_full
from loket.paths import create_private

BUSY_TIMEOUT_MS = 10_000


_IMPORTED: dict[str, object] = {}


def _search_text(*parts):
    fn = _IMPORTED.get("search_text")
    if fn is None:
        from loket.counter.textfold import search_text as fn

        _IMPORTED["search_text"] = fn
    return fn(*parts)


def _name_keys(*parts):
    # Imported at the first write of a name, not at start-up: anyascii, jellyfish and the
    # spelling rules cost the first window ~8 ms.
    fn = _IMPORTED.get("name_keys")
    if fn is None:
        from loket.counter.names.keys import name_keys as fn

        _IMPORTED["name_keys"] = fn
    return fn(*parts)


def _register_functions(conn: sqlite3.Connection) -> None:
    # The search triggers call these; they must be deterministic so SQLite may use them in
    # triggers.  Each imports its module on the first call.
    conn.create_function("loket_search_text", 6, _search_text, deterministic=True)
    conn.create_function("loket_search_text", 8, _search_text, deterministic=True)
    conn.create_function("loket_name_keys", 4, _name_keys, deterministic=True)


class Database:
    """One connection to the Loket database, with explicit transactions.

    The connection runs in autocommit mode; `transaction()` opens BEGIN IMMEDIATE (or a
    savepoint when nested), so a use case either happens whole or not at all.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        # Every connection says it has the file open: a restore waits for none to be left.
        self._shared = SharedLock(self.path)
        try:
            if read_only:
                uri = f"file:{self.path}?mode=ro"
                self.conn = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False
                )
            else:
                # SQLite gives the -wal and -shm files the database file's mode.
                create_private(self.path)
                self.conn = sqlite3.connect(
                    str(self.path), isolation_level=None, check_same_thread=False
                )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not read_only:
                self.conn.execute("PRAGMA journal_mode = WAL")
                # FULL: a committed record survives a power cut, not only an application crash.
                self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            _register_functions(self.conn)
            # Who is acting on this connection (set by Context.require): the hub's outbox
            # records it with every change, so a conflict can name the staff member.
            self.actor: str | None = None
            self.conn.create_function("loket_actor", 0, self._current_actor)
        except BaseException:
            if hasattr(self, "conn"):
                self.conn.close()
            self._shared.release()
            raise
        self._lock = threading.RLock()
        self._depth = 0
        self._workstation: str | None = None
        # Set when the integrity check found damage: the translated explanation of how to
        # restore.  From then on ordinary writes are refused; reading goes on.
        self.damaged: str | None = None

    def _current_actor(self) -> str | None:
        return self.actor

    @cached_property
    def utils(self):
        """sqlite-utils over the same connection, imported on first use: it pulls in click,
        dateutil and pluggy, which cost the app a third of a second at start-up."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- transactions -----------------------------------------------------------------------
    def mark_damaged(self, message: str) -> None:
        """Refuse every ordinary write from now on, with `message` (how to restore)."""
        self.damaged = message

    @contextmanager
    def transaction(self, *, essential: bool = False) -> Iterator[sqlite3.Connection]:
        """`essential`: sign-in bookkeeping and the audit trail, which go on (best effort)
        on a damaged database so staff can still sign in and read; everything else is
        refused there with DatabaseDamaged."""
        with self._lock:
            if self._depth == 0 and self.damaged and not essential:
                raise DatabaseDamaged(self.damaged)
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            else:
                self.conn.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException as err:
                self._depth -= 1
                # SQLite may already have rolled the whole transaction back (a full disk)
                if self.conn.in_transaction:
                    if self._depth == 0:
                        self.conn.execute("ROLLBACK")
                    else:
                        self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                        self.conn.execute(f"RELEASE sp{self._depth}")
                full = disk_full(err)
                if full is not None and full is not err:
                    raise full from err
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    try:
                        self.conn.execute("COMMIT")
                    except sqlite3.Error as err:
                        if self.conn.in_transaction:
                            self.conn.execute("ROLLBACK")
                        full = disk_full(err)
                        if full is not None:
                            raise full from err
                        raise
                else:
                    self.conn.execute(f"RELEASE sp{self._depth}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    # -- queries ----------------------------------------------------------------------------
    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.execute(sql, params)

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple | dict = ()):
        row = self.one(sql, params)
        return None if row is None else row[0]

    # -- row stamps -------------------------------------------------------------------------
    @property
    def workstation(self) -> str:
        """The id of this counter PC, made once per database file and kept in `setting`."""
        if self._workstation is None:
            row = self.one("SELECT value FROM setting WHERE key = 'workstation'")
            if row is None:
                ws = new_id()
                now = now_iso()
                with self.transaction():
                    self.execute(
                        "INSERT OR IGNORE INTO setting(key, value, created_at, updated_at,"
                        " workstation) VALUES ('workstation', ?, ?, ?, ?)",
                        (ws, now, now, ws),
                    )
                row = self.one("SELECT value FROM setting WHERE key = 'workstation'")
            self._workstation = row["value"]
        return self._workstation

    def stamp(self, *, new: bool = True) -> dict[str, str]:
        """created_at/updated_at/workstation for a row being written now."""
        now = now_iso()
        stamp = {"updated_at": now, "workstation": self.workstation}
        if new:
            stamp["created_at"] = now
        return stamp

    def checkpoint_truncate(self, attempts: int = 5) -> bool:
        """Copy the write-ahead log into the database file and empty it, so that erased data
        is gone from both files (with secure_delete, freed pages are zeroed).  A reader in
        the middle of a read holds it up: retried a few times.  True when it completed."""
        for attempt in range(attempts):
            with self._lock:
                busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if not busy:
                return True
            time.sleep(0.05 * (attempt + 1))
        return False

    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def close(self) -> None:
        with self._lock:
            self.conn.close()
            self._shared.release()


@contextmanager
def opened(path: str | Path) -> Iterator[Database]:
    db = Database(path)
    try:
        yield db
    finally:
        db.close()
