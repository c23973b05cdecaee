"""subject.key: refused clearly when missing or damaged (never silently replaced), and
backed up with every backup."""

from __future__ import annotations

import json
import logging
import stat
from datetime import date

import pytest

from loket.cli import main
from loket.errors import PermissionDenied, ValidationError
from loket.privacy import audit, backup, copies, keystore, restore
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


@pytest.mark.parametrize("damage", ["missing", "not hex"])
def test_check_says_the_key_is_missing_or_damaged(db, key_file, damage, capsys):
    """`loket check` is what an administrator runs first: a database that is sound but
    whose key is gone is not 'in order'."""
    original = key_file.read_text()
    if damage == "missing":
        key_file.unlink()
    else:
        key_file.write_text("zz" * 32)
    audit._KEYS.clear()
    try:
        assert main(["check"]) == 1
        assert str(key_file) in capsys.readouterr().err
        assert damage != "missing" or not key_file.exists()  # check makes no new key
    finally:
        key_file.write_text(original)
        audit._KEYS.clear()
    assert main(["check"]) == 0


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


PASSPHRASE = "lantaarn fiets wolk mosterd"


def test_backups_carry_the_key_sealed_and_a_restore_opens_it(db, data_dir, key_file, tmp_path):
    admin = context(db, "beheerder", "admin0")
    no_copy = backup.backup(admin, tmp_path / "before.sqlite")
    assert not backup.key_copy_path(no_copy).exists()  # no passphrase yet: no key beside it
    backup.set_passphrase(admin, PASSPHRASE)
    out = backup.backup(admin, tmp_path / "b.sqlite")
    copy = backup.key_copy_path(out)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    text = copy.read_text()
    assert key_file.read_text() not in text  # sealed, not the key itself
    assert json.loads(text)["fingerprint"] == audit.fingerprint(bytes.fromhex(key_file.read_text()))
    auto = backup.daily_backup(db, day=date(2026, 1, 5))
    assert backup.key_copy_path(auto).read_text() == text  # no passphrase typed
    from loket.db import reference

    with db.transaction():
        reference.set_setting(db, "backup.keep_weekly", "0")
    for n in range(1, 12):
        backup.daily_backup(db, day=date(2026, 2, n))
    assert not backup.key_copy_path(auto).exists()  # rotated away with its backup
    db.close()
    original = key_file.read_text()
    key_file.unlink()  # a new PC: the key is only in the sealed copy
    audit._KEYS.clear()
    live = data_dir / "loket.sqlite"
    before = live.read_bytes()
    asked = []
    with pytest.raises(copies.WrongPassphrase) as err:
        restore.restore(live, out, passphrase=lambda: asked.append(1) or "not the passphrase")
    assert str(copy) in str(err.value)
    assert asked == [1]
    assert live.read_bytes() == before and not key_file.exists()  # nothing changed
    assert not [p for p in data_dir.iterdir() if "restore" in p.name]
    with pytest.raises(copies.WrongPassphrase):
        restore.restore(live, out)  # a sealed copy and nobody to ask
    restore.restore(live, out, passphrase=lambda: PASSPHRASE)
    assert key_file.read_text() == original


def test_a_restore_of_this_installation_with_its_key_asks_for_nothing(db, data_dir, tmp_path):
    admin = context(db, "beheerder", "admin0")
    backup.set_passphrase(admin, PASSPHRASE)
    out = backup.backup(admin, tmp_path / "b.sqlite")
    db.close()
    restore.restore(data_dir / "loket.sqlite", out, passphrase=lambda: pytest.fail("asked"))


def test_an_altered_key_copy_is_refused(db, data_dir, tmp_path):
    admin = context(db, "beheerder", "admin0")
    backup.set_passphrase(admin, PASSPHRASE)
    out = backup.backup(admin, tmp_path / "b.sqlite")
    db.close()
    copy = backup.key_copy_path(out)
    data = json.loads(copy.read_text())
    data["installation"] = "another-pc"  # authenticated with the key: the seal breaks
    copy.write_text(json.dumps(data))
    audit.key_path(db).unlink()
    audit._KEYS.clear()
    with pytest.raises(copies.WrongPassphrase):
        restore.restore(data_dir / "loket.sqlite", out, passphrase=lambda: PASSPHRASE)
    assert not audit.key_path(db).exists()


def test_the_passphrase_is_for_administrators_and_not_easy_to_guess(db):
    with pytest.raises(PermissionDenied):
        backup.set_passphrase(context(db, "supervisor", "sup"), PASSPHRASE)
    admin = context(db, "beheerder", "admin0")
    for weak in ("kort", "wachtwoord123", "aaaaaaaaaaaaaaaa"):
        with pytest.raises(ValidationError):
            backup.set_passphrase(admin, weak)
    assert not backup.has_key_copy(db)
    backup.set_passphrase(admin, PASSPHRASE)
    assert backup.has_key_copy(db)
    assert audit.entries(admin, action="backup.passphrase")


def test_the_command_line_sets_the_passphrase_and_restores_with_it(
    db, data_dir, key_file, tmp_path, monkeypatch, capsys
):
    make_staff(db, "admin0", "beheerder")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = tmp_path / "b.sqlite"
    assert main(["backup", "--out", str(out), "--user", "admin0"]) == 0
    assert "loket backup-passphrase" in capsys.readouterr().err
    monkeypatch.setenv("LOKET_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["backup-passphrase", "--user", "admin0"]) == 0
    assert main(["backup", "--out", str(out), "--user", "admin0"]) == 0
    assert "backup-passphrase" not in capsys.readouterr().err
    db.close()
    key_file.unlink()
    audit._KEYS.clear()
    monkeypatch.setenv("LOKET_BACKUP_PASSPHRASE", "a wrong passphrase here")
    assert main(["restore", str(out), "--user", "admin0"]) == 2
    assert "wachtwoordzin" in capsys.readouterr().err
    assert not key_file.exists()
    monkeypatch.setenv("LOKET_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["restore", str(out), "--user", "admin0"]) == 0
    assert key_file.is_file()


# -- the key store ------------------------------------------------------------------------
def _entry(db):
    return ("Loket", f"{db.workstation}:subject")


def test_a_new_installation_keeps_its_key_in_the_key_store(tmp_path, memory_keyring):
    from loket.db.connection import Database
    from loket.db.migrate import migrate

    fresh = Database(tmp_path / "loket.sqlite")
    try:
        migrate(fresh)
        ref = audit.subject_ref(fresh, "1234567890")
        assert not audit.key_path(fresh).exists()
        key = bytes.fromhex(memory_keyring.entries[_entry(fresh)])
        assert len(key) == 32
        audit._KEYS.clear()
        assert audit.subject_ref(fresh, "1234567890") == ref  # read back from the store
        assert "sleutelopslag" in audit.key_location(fresh)
    finally:
        fresh.close()


def test_a_key_file_is_moved_into_the_key_store_at_first_use(db, key_file, memory_keyring):
    ref = audit.subject_ref(db, "1234567890")
    original = key_file.read_text()
    audit._KEYS.clear()
    assert audit.subject_ref(db, "1234567890") == ref
    assert memory_keyring.entries[_entry(db)] == original
    assert not key_file.exists()
    assert audit.verify(db) is None


def test_a_key_store_that_does_not_keep_the_key_leaves_the_file(db, key_file, memory_keyring):
    original = key_file.read_text()
    audit._KEYS.clear()
    memory_keyring.set_password = lambda service, name, value: None  # accepts, keeps nothing
    with pytest.raises(audit.KeyProblem):
        audit.subject_ref(db, "1234567890")
    assert key_file.read_text() == original


def test_a_key_file_that_differs_from_the_key_store_is_refused(db, key_file, memory_keyring):
    memory_keyring.entries[_entry(db)] = "cd" * 32
    audit._KEYS.clear()
    with pytest.raises(audit.KeyProblem) as err:
        audit.subject_ref(db, "1234567890")
    assert str(key_file) in str(err.value)
    assert key_file.exists() and memory_keyring.entries[_entry(db)] == "cd" * 32


def test_a_locked_key_store_is_an_error_not_a_new_key(db, key_file, memory_keyring):
    audit._KEYS.clear()
    audit.subject_ref(db, "1234567890")  # moved into the store
    audit._KEYS.clear()
    memory_keyring.broken = True
    with pytest.raises(audit.KeyProblem) as err:
        audit.subject_ref(db, "1234567890")
    assert "locked" in str(err.value)
    assert not key_file.exists()
    memory_keyring.broken = False
    del memory_keyring.entries[_entry(db)]
    with pytest.raises(audit.KeyProblem):
        audit.subject_ref(db, "1234567890")  # gone from the store: refused, not replaced
    assert not memory_keyring.entries and not key_file.exists()


def test_a_new_pc_gets_the_key_from_the_sealed_copy_into_its_key_store(
    db, data_dir, tmp_path, memory_keyring
):
    admin = context(db, "beheerder", "admin0")
    backup.set_passphrase(admin, PASSPHRASE)
    out = backup.backup(admin, tmp_path / "b.sqlite")
    key = memory_keyring.entries[_entry(db)]
    entry = _entry(db)
    db.close()
    memory_keyring.entries.clear()  # the PC was replaced
    audit._KEYS.clear()
    restore.restore(data_dir / "loket.sqlite", out, passphrase=lambda: PASSPHRASE)
    assert memory_keyring.entries[entry] == key
    assert not (data_dir / "subject.key").exists()


def test_without_a_key_store_loket_says_so_once_and_in_check(db, key_file, caplog, capsys):
    audit._KEYS.clear()
    keystore._warned = False
    with caplog.at_level(logging.WARNING, logger="loket.privacy.keystore"):
        audit.subject_ref(db, "1234567890")
        audit._KEYS.clear()
        audit.subject_ref(db, "1234567890")
    said = keystore.no_key_store_message()
    assert len([r for r in caplog.records if r.getMessage() == said]) == 1
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert str(key_file) in out
    assert "backup-passphrase" in out
