"""Restore refuses another installation's backup unless an administrator of this one forces
it, checks the schema column by column, and leaves no staging copies or endless old copies."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

from loket.cli import main
from loket.errors import DatabaseDamaged
from loket.privacy import audit, backup, restore
from tests.helpers import PASSWORD, context, make_staff


def _other_installation(tmp_path, db):
    """A backup of the same database as if made by another PC with its own key."""
    out = backup.backup(context(db, "beheerder", "admin0"), tmp_path / "other.sqlite")
    conn = sqlite3.connect(out)
    conn.execute("UPDATE setting SET value = 'another-pc' WHERE key = 'workstation'")
    conn.commit()
    conn.close()
    backup.key_copy_path(out).write_text("ab" * 32)
    backup.checksum_path(out).write_text(f"{backup.sha256_file(out)}  {out.name}\n")
    return out


def test_another_installations_backup_is_refused_unless_forced(
    db, data_dir, tmp_path, monkeypatch, capsys
):
    make_staff(db, "admin0", "beheerder")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = _other_installation(tmp_path, db)
    live = data_dir / "loket.sqlite"
    db.close()
    with pytest.raises(restore.OtherInstallation):
        restore.restore(live, out)
    assert not [p for p in data_dir.iterdir() if "restore" in p.name]
    assert main(["restore", str(out), "--user", "admin0"]) == 2
    assert "--other-installation" in capsys.readouterr().err
    mine = (data_dir / "subject.key").read_text()
    assert main(["restore", str(out), "--other-installation", "--user", "admin0"]) == 0
    assert (data_dir / "subject.key").read_text() == "ab" * 32  # the backup's key
    assert next(data_dir.glob("subject.before-restore-*.key")).read_text() == mine
    audit._KEYS.clear()


def test_a_file_with_loket_tables_but_wrong_columns_is_refused(db, data_dir, tmp_path):
    out = backup.backup(context(db, "beheerder", "admin0"), tmp_path / "wrong.sqlite")
    conn = sqlite3.connect(out)
    conn.execute("ALTER TABLE visitor RENAME COLUMN family_name TO surname")
    conn.commit()
    conn.close()
    backup.checksum_path(out).write_text(f"{backup.sha256_file(out)}  {out.name}\n")
    db.close()
    with pytest.raises(DatabaseDamaged) as err:
        restore.restore(data_dir / "loket.sqlite", out)
    assert "visitor" in str(err.value)
    assert not [p for p in data_dir.iterdir() if ".restore-" in p.name]


def test_stale_staging_of_a_killed_restore_is_removed(db, data_dir, tmp_path):
    out = backup.backup(context(db, "beheerder", "admin0"), tmp_path / "b.sqlite")
    stale = data_dir / "loket.sqlite.restore-20260101T000000"
    stale.write_bytes(b"x" * 4096)
    (data_dir / "loket.sqlite.restore-20260101T000000.sha256").write_text("x")
    db.close()
    restore.restore(data_dir / "loket.sqlite", out)
    assert not [p for p in data_dir.iterdir() if ".restore-" in p.name]
    stale.write_bytes(b"x")
    backup.rotate(data_dir)  # the daily rotation removes them too
    assert not stale.exists()


def test_only_the_last_few_old_copies_are_kept(db, data_dir, tmp_path):
    from loket.db import reference

    with db.transaction():
        reference.set_setting(db, "backup.keep_restore_copies", "2")
    out = backup.backup(context(db, "beheerder", "admin0"), tmp_path / "b.sqlite")
    user = context(db, "beheerder", "admin0").user
    for n in range(4):
        (data_dir / f"loket.sqlite.v{n + 1}-2026010{n}T000000Z.premigrate").write_bytes(b"x")
        old = data_dir / f"loket.sqlite.before-restore-2026010{n}T000000"
        old.write_bytes(b"x")
        past = time.time() - 1000 + n
        os.utime(old, (past, past))
    db.close()
    kept = restore.restore(data_dir / "loket.sqlite", out)
    restore.record_restore(data_dir / "loket.sqlite", user, kept)
    copies = [
        p.name
        for p in data_dir.glob("loket.sqlite.before-restore-*")
        if not p.name.endswith((".key", "-wal", "-shm"))
    ]
    assert kept.name in copies and len(copies) == 2
    assert len(list(data_dir.glob("*.premigrate"))) == 2


def test_another_installations_backup_without_its_key_says_so_when_checked(
    db, data_dir, tmp_path, monkeypatch, capsys
):
    """Forced without a key copy (no backup passphrase was set there), on a PC whose key is
    a file: the chain was written with a key this PC does not have.  `audit verify` says
    that, not that row 1 was edited."""
    from loket.privacy import chain_check

    make_staff(db, "admin0", "beheerder")
    audit.record(context(db, "supervisor", "sup"), action="test", subject="6234567890")
    out = backup.backup(context(db, "beheerder", "admin0"), tmp_path / "other.sqlite")
    backup.key_copy_path(out).unlink(missing_ok=True)
    conn = sqlite3.connect(out)
    conn.execute("UPDATE setting SET value = ? WHERE key = 'backup.key_fingerprint'", ("0" * 16,))
    conn.commit()
    conn.close()
    backup.checksum_path(out).write_text(f"{backup.sha256_file(out)}  {out.name}\n")
    live = data_dir / "loket.sqlite"
    db.close()
    restore.restore(live, out, other_installation=True)
    from loket.db.connection import Database

    restored = Database(live)
    try:
        problem = chain_check.check_chain(context(restored, "supervisor", "sup"))
        assert problem == audit.ChainProblem(0, "key")
        assert "BACKUP.key" in problem.describe()
    finally:
        restored.close()
        audit._KEYS.clear()
