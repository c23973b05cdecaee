"""Numbered migrations: `migrations/NNNN_name.sql`, applied in order, one transaction each.

The schema version lives in `PRAGMA user_version`.  Before the first pending migration runs
on a database that already holds a schema, the file is copied aside with SQLite's online
backup API, so that a failed upgrade can always be undone by hand.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from loket.db.connection import Database
from loket.errors import LoketError
from loket.i18n import _

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class Migration(NamedTuple):  # not a dataclass: `dataclasses` costs the first window ~1.5 ms
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    # A plain folder next to this module (source, wheel and PyInstaller bundle alike);
    # importlib.resources would cost the app ~10 ms of imports at start-up.
    for entry in (Path(__file__).resolve().parent / "migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda mig: mig.version)
    # Numbers run 1, 2, 3 … without gaps: a migration numbered below a database's version
    # would never be applied to it, so a gap or a repeat is a packaging error.
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise RuntimeError(f"migration numbering has a gap or repeat at {mig.name}")
    return found


def versions() -> list[int]:
    return [mig.version for mig in migrations()]


def latest_version() -> int:
    return versions()[-1]


def split_statements(sql: str) -> list[str]:
    """Split a script into statements (trigger bodies keep their inner semicolons)."""
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement: {buf[:80]!r}")
    return statements


def backup_copy(db: Database, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = db.path.with_name(f"{db.path.name}.v{version}-{stamp}.premigrate")
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


@functools.lru_cache(maxsize=8)
def reference_columns(version: int) -> dict[str, list[tuple[str, str]]]:
    """Every table's (column, type) at schema `version`, from the migrations themselves."""
    from loket.db.connection import _register_functions

    conn = sqlite3.connect(":memory:")
    _register_functions(conn)  # some migrations fill columns with it
    try:
        for mig in migrations():
            if mig.version > version:
                break
            for statement in split_statements(mig.sql):
                conn.execute(statement)
        return _columns(conn)
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: [
            (c[1], str(c[2]).upper())
            for c in conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
        ]
        for name in names
    }


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema_differences(conn: sqlite3.Connection, version: int) -> list[str]:
    """Tables of Loket's schema at `version` that `conn` lacks or holds with other columns."""
    found = _columns(conn)
    return [
        table
        for table, columns in reference_columns(version).items()
        if found.get(table) != columns
    ]


class NewerSchemaError(LoketError):
    """The file was written by a newer Loket: refuse it rather than guess."""


def migrate(db: Database, target: int | None = None, *, triggers: bool = True) -> list[int]:
    """Bring the database to `target` (default: the newest); returns the versions applied.
    With `triggers=False` and nothing to apply, the check of the hub's capture triggers is
    left to the caller (the app runs `capture_triggers` once its first window is up)."""
    all_migrations = migrations()
    newest = all_migrations[-1].version
    target = newest if target is None else target
    current = db.user_version
    if current > newest:
        raise NewerSchemaError(
            _(
                "This database was made by a newer version of Loket (schema {found}, this "
                "version knows up to {known}). Install the newer Loket, or restore a backup."
            ).format(found=current, known=newest)
        )
    pending = [m for m in all_migrations if current < m.version <= target]
    if not pending:
        if triggers:
            capture_triggers(db)
        return []
    if current > 0:
        backup_copy(db, current)
    applied = []
    for mig in pending:
        with db.transaction():
            for statement in split_statements(mig.sql):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {mig.version}")
        applied.append(mig.version)
    capture_triggers(db)
    return applied


def capture_triggers(db: Database) -> None:
    """The hub's capture triggers follow the synced tables' columns as they are now."""
    from loket.db.outbox import install_triggers

    install_triggers(db)
