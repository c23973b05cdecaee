"""A full disk (simulated: the write raises ENOSPC) gives one clear message and leaves no
half-written backup or right-of-access file behind."""

from __future__ import annotations

import errno
import json
import sqlite3

import pytest

from loket.cli import main
from loket.errors import DiskFull
from loket.privacy import backup
from loket.privacy import rights as visitor_rights
from tests.helpers import PASSWORD, context, make_staff, visitor


def _full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


class _FullConnection:
    """sqlite3.connect for the backup target: the copy fails like SQLite on a full disk."""

    def __init__(self, real):
        self.real = real

    def __call__(self, target, *args, **kwargs):
        conn = self.real(target, *args, **kwargs)
        if str(target).endswith(".partial"):
            # Leave a journal behind as SQLite would, then fail.
            open(f"{target}-journal", "wb").close()
            conn.close()
            raise sqlite3.OperationalError("database or disk is full")
        return conn


@pytest.mark.parametrize("where", ["copy", "checksum"])
def test_backup_to_a_full_disk_leaves_nothing(db, tmp_path, monkeypatch, where, capsys):
    make_staff(db, "sup", "supervisor")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = tmp_path / "out" / "b.sqlite"
    if where == "copy":
        monkeypatch.setattr(backup.sqlite3, "connect", _FullConnection(sqlite3.connect))
    else:
        monkeypatch.setattr(backup.Path, "write_text", _full)
    assert main(["backup", "--out", str(out), "--user", "sup"]) == 2
    err = capsys.readouterr().err
    assert "schijf is vol" in err and "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []


def test_backup_to_a_full_disk_raises_disk_full(db, tmp_path, monkeypatch):
    monkeypatch.setattr(backup.sqlite3, "connect", _FullConnection(sqlite3.connect))
    with pytest.raises(DiskFull):
        backup.backup(context(db, "supervisor", "sup"), tmp_path / "b.sqlite")
    assert list(tmp_path.glob("b.sqlite*")) == []


def test_access_export_writes_both_files_or_neither(db, tmp_path, monkeypatch):
    from loket.privacy import access_pdf

    sup = context(db, "supervisor", "sup")
    person = visitor(sup)
    before = db.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.access_export'")
    monkeypatch.setattr(access_pdf, "_build", _full)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(DiskFull) as err:
        visitor_rights.access_export(sup, person.id, out / "inzage")
    assert "schijf is vol" in str(err.value)
    assert list(out.iterdir()) == []  # no JSON with health notes left without its PDF
    after = db.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.access_export'")
    assert after == before
    monkeypatch.undo()
    pdf, data = visitor_rights.access_export(sup, person.id, out / "inzage")
    assert pdf.stat().st_size > 0 and json.loads(data.read_text())["visitor"]
    assert sorted(p.name for p in out.iterdir()) == ["inzage.json", "inzage.pdf"]
    logged = db.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.access_export'")
    assert logged == before + 1
