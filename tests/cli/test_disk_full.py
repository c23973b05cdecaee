"""A full disk is one translated message on the command line, never a traceback."""

from __future__ import annotations

import errno
import sqlite3
from types import SimpleNamespace

import pytest

from loket import cli
from loket.errors import DiskFull, disk_full


@pytest.mark.parametrize(
    "err",
    [
        sqlite3.OperationalError("database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_a_full_disk_is_one_message(monkeypatch, capsys, err):
    def command(args):
        raise err

    monkeypatch.setattr(cli, "_parse", lambda argv: SimpleNamespace(command="x", func=command))
    assert cli.main(["export"]) == 2
    printed = capsys.readouterr().err
    assert "Traceback" not in printed
    assert str(DiskFull()) in printed


def test_other_errors_are_not_taken_for_a_full_disk():
    assert disk_full(sqlite3.OperationalError("no such table: x")) is None
    assert disk_full(OSError(errno.EACCES, "Permission denied")) is None
