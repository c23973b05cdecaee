"""Simulated counter PCs for the hub tests: SQLite files in one process."""

from __future__ import annotations

from pathlib import Path

from loket.clock import new_id
from loket.db.connection import Database
from tests.helpers import copy_database


def new_pc(template: Path, folder: Path) -> Database:
    """A copy of the seeded template with a workstation id of its own (the shared seed rows
    keep their ids, as they would after a first pull from the hub)."""
    copy_database(template, folder)
    db = Database(folder / "loket.sqlite")
    with db.transaction():
        db.execute("UPDATE setting SET value = ? WHERE key = 'workstation'", (new_id(),))
    db._workstation = None
    return db


def pc_connection(db: Database):
    """A connection to the hub as this PC signs in (its own role)."""
    import psycopg

    from loket.sync.run import connection_settings

    return psycopg.connect(**connection_settings(db))


def sync(*dbs: Database, expect_ok: bool = True):
    """A sync round on each PC in turn (asserting each went well); the last one's result."""
    from loket.context import system_context
    from loket.sync.run import sync_now

    result = None
    for db in dbs:
        result = sync_now(system_context(db))
        if expect_ok:
            assert result.ok, result.error
    return result
