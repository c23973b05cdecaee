"""subject.key: refused clearly when missing or damaged (never silently replaced), and
backed up with every backup."""

from __future__ import annotations

import stat
from datetime import date

import pytest

from loket.cli import main
from loket.privacy import audit, backup, restore
from tests.helpers import PASSWORD, context, make_staff


@pytest.fixture
def key_file(db):
    audit.record(context(db, "balie", "anna"), action="visitor.view", subject="1234567890")
    path = audit.key_path(db)
    assert path.is_file()
    yield path
    audit._KEYS.clear()


@pytest.mark.parametrize("damage", ["missing", "empty", "not hex", "short"])
def test_a_missing_or_damaged_key_is_refused(db, key_file, damage, monkeypatch, capsys):
    original = key_file.read_text()
    if damage == "missing":
        key_file.unlink()
    else:
        key_file.write_text({"empty": "", "not hex": "zz" * 32, "short": "ab" * 8}[damage])
    audit._KEYS.clear()
    with pytest.raises(audit.KeyProblem) as err:
        audit.subject_ref(db, "1234567890")
    assert str(key_file) in str(err.value)
    if damage == "missing":
        assert not key_file.exists()  # no new key made behind anyone's back
    make_staff(db, "super", "supervisor")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    assert main(["audit", "verify", "--user", "super"]) == 2
    assert str(key_file) in capsys.readouterr().err
    key_file.write_text(original)
    audit._KEYS.clear()
    assert audit.verify(db) is None


def test_a_new_installation_gets_a_key(tmp_path):
    from loket.db.connection import Database
    from loket.db.migrate import migrate

    fresh = Database(tmp_path / "loket.sqlite")
    try:
        migrate(fresh)
        assert audit.subject_ref(fresh, "1234567890")
        assert stat.S_IMODE(audit.key_path(fresh).stat().st_mode) == 0o600
    finally:
        fresh.close()
        audit._KEYS.clear()


def test_backups_carry_the_key_and_a_restore_puts_it_back(db, data_dir, key_file, tmp_path):
    sup = context(db, "supervisor", "sup")
    out = backup.backup(sup, tmp_path / "b.sqlite")
    copy = backup.key_copy_path(out)
    assert copy.read_text() == key_file.read_text()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    auto = backup.daily_backup(db, day=date(2026, 1, 5))
    assert backup.key_copy_path(auto).is_file()
    from loket.db import reference

    with db.transaction():
        reference.set_setting(db, "backup.keep_weekly", "0")
    for n in range(1, 12):
        backup.daily_backup(db, day=date(2026, 2, n))
    assert not backup.key_copy_path(auto).exists()  # rotated away with its backup
    db.close()
    key_file.unlink()
    audit._KEYS.clear()
    restore.restore(data_dir / "loket.sqlite", out)
    assert key_file.read_text() == copy.read_text()
