"""A full disk: one translated message, nothing half-saved, the database usable afterwards.
The full disk is SQLite's own size limit (PRAGMA max_page_count) or a patched write: no
disk is filled."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from loket import errors
from loket.db import visitors as visitor_repo
from loket.errors import DiskFull, LoketError, disk_full
from loket.reports import exports
from tests.helpers import context, visitor
from tests.reports import test_exports as export_tests


@pytest.mark.parametrize(
    ("err", "full"),
    [
        (sqlite3.OperationalError("database or disk is full"), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), True),
        (sqlite3.OperationalError("database is locked"), False),
        (OSError(errno.EACCES, "Permission denied"), False),
        (ValueError("x"), False),
    ],
)
def test_mapping(err, full):
    mapped = disk_full(err)
    assert (mapped is not None) is full
    if full:
        assert isinstance(mapped, DiskFull) and isinstance(mapped, LoketError)


def test_message_is_translated():
    from loket import i18n

    before = i18n.language()
    i18n.set_language("nl")
    try:
        assert "schijf" in DiskFull().message.lower()
    finally:
        i18n.set_language(before)


def _fill_up(db) -> None:
    pages = db.scalar("PRAGMA page_count")
    db.execute(f"PRAGMA max_page_count = {pages + 1}")


def test_a_full_database_refuses_the_write_and_keeps_what_was_there(db):
    ctx = context(db)
    before = db.scalar("SELECT count(*) FROM visitor")
    _fill_up(db)
    with pytest.raises(DiskFull):
        with db.transaction():
            db.execute("CREATE TABLE filler (x BLOB)")
            db.execute("INSERT INTO filler VALUES (zeroblob(1000000))")
    assert not db.conn.in_transaction
    assert db.scalar("SELECT count(*) FROM visitor") == before
    db.execute("PRAGMA max_page_count = 1073741823")
    visitor(ctx)  # the database goes on working
    assert db.scalar("SELECT count(*) FROM visitor") == before + 1


def test_register_raises_disk_full(db, monkeypatch):
    ctx = context(db)

    def full(*_a, **_k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(visitor_repo, "insert", full)
    with pytest.raises(DiskFull):
        visitor(ctx)
    assert db.scalar("SELECT count(*) FROM visitor") == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_to_a_full_disk(db, tmp_path, monkeypatch, fmt):
    export_tests.fx.build(db)
    sup = context(db, "supervisor")

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exports, "write_csv" if fmt == "csv" else "write_xlsx", full)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"log.{fmt}"
    with pytest.raises(DiskFull):
        exports.export_referrals(
            sup,
            fmt=fmt,
            out_path=out,
            today=export_tests.TODAY,
            date_from=export_tests.fx.DATE_FROM,
            date_to=export_tests.fx.DATE_TO,
        )
    assert list(folder.iterdir()) == []  # neither the file nor its .part


def test_cli_prints_the_message_without_a_traceback(monkeypatch, capsys, tmp_path):
    from loket import cli

    def full(_args):
        raise errors.DiskFull()

    real = cli._parse

    def parse(argv):
        args = real(argv)
        args.func = full
        return args

    monkeypatch.setattr(cli, "_parse", parse)
    code = cli.main(["--data-dir", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and DiskFull().message in err
