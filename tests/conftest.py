"""Shared fixtures.  Qt runs offscreen; Qt warnings fail tests (pyproject: qt_log_level_fail)."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LOKET_LANG", "nl")

import pytest

from loket.db.connection import Database
from loket.db.migrate import migrate


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated, seeded database built once; tests get a copy (see `db`)."""
    from loket.directory import seed

    path = tmp_path_factory.mktemp("template") / "loket.sqlite"
    db = Database(path)
    migrate(db)
    seed.load_all(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def data_dir(tmp_path, template_db, monkeypatch):
    target = tmp_path / "data"
    target.mkdir()
    shutil.copy(template_db, target / "loket.sqlite")
    key = template_db.with_name("subject.key")  # the audit chain's rows are keyed with it
    if key.exists():
        shutil.copy(key, target / "subject.key")
    monkeypatch.setenv("LOKET_DATA_DIR", str(target))
    return target


@pytest.fixture
def db(data_dir):
    database = Database(data_dir / "loket.sqlite")
    yield database
    database.close()
