"""On POSIX the database, its write-ahead log, backups and exports are this user's only."""

from __future__ import annotations

import os
import stat

import pytest

from loket.db.connection import Database
from loket.db.migrate import migrate

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture
def open_umask():
    """A permissive umask (as many desktops have), restored afterwards."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_database_and_its_wal_are_0600(tmp_path, open_umask):
    path = tmp_path / "loket.sqlite"
    db = Database(path)
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")
    try:
        for name in ("loket.sqlite", "loket.sqlite-wal", "loket.sqlite-shm"):
            assert (tmp_path / name).exists(), name
            assert mode(tmp_path / name) == 0o600, name
    finally:
        db.close()


def test_an_existing_readable_database_is_narrowed(tmp_path, open_umask):
    path = tmp_path / "loket.sqlite"
    Database(path).close()
    os.chmod(path, 0o644)
    Database(path).close()
    assert mode(path) == 0o600


def test_the_program_keeps_new_files_private(tmp_path, open_umask):
    from loket.cli import main
    from loket.privacy.backup import make_backup

    with pytest.raises(SystemExit):
        main(["--version"])
    assert os.umask(0o077) == 0o077
    source = tmp_path / "loket.sqlite"
    database = Database(source)
    migrate(database)
    database.close()
    out = make_backup(source, tmp_path / "backups" / "b.sqlite")
    assert mode(out) == 0o600
    assert mode(out.with_name(out.name + ".sha256")) == 0o600
