"""Backups under load, restore that refuses anything doubtful, the integrity check, rotation."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from loket.cli import main
from loket.db.connection import Database
from loket.errors import DatabaseDamaged
from loket.privacy import backup, restore
from tests.helpers import PASSWORD, context, make_staff, visitor


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _corrupt(path: Path) -> None:
    """Overwrite a sixth of the file from its first third on (not the header page) with
    garbage: enough pages that some hold rows (the root page of an empty table shows no
    damage, and where those lie depends on the schema)."""
    data = bytearray(path.read_bytes())
    page = 4096
    pages = len(data) // page
    assert pages > 8
    for n in range(pages // 3, pages // 3 + max(3, pages // 6)):
        data[n * page + 8 : n * page + page - 8] = b"\xa5" * (page - 16)
    path.write_bytes(bytes(data))


def _rewrite_checksum(path: Path) -> None:
    backup.checksum_path(path).write_text(f"{backup.sha256_file(path)}  {path.name}\n")


def test_backup_while_another_connection_writes(db, data_dir, tmp_path):
    ctx = context(db, "supervisor", "sup")
    stop = threading.Event()
    written = []

    def writer():
        other = Database(data_dir / "loket.sqlite")
        i = 0
        while not stop.is_set():
            with other.transaction():
                other.execute(
                    "INSERT INTO setting (key, value, created_at, updated_at, workstation)"
                    " VALUES (?, 'x', 'a', 'a', 'w')",
                    (f"load.{i}",),
                )
            written.append(i)
            i += 1
            time.sleep(0.0005)  # let the other connection in between transactions
        other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        counts = []
        for n in range(5):
            while len(written) < (n + 1) * 20:
                time.sleep(0.005)
            out = backup.backup(ctx, tmp_path / f"b{n}.sqlite")
            assert restore.verify_backup(out) >= 1
            conn = sqlite3.connect(out)
            keys = {r[0] for r in conn.execute("SELECT key FROM setting WHERE key LIKE 'load.%'")}
            conn.close()
            # A consistent snapshot: every row up to some point, none missing in between.
            assert keys == {f"load.{i}" for i in range(len(keys))}
            counts.append(len(keys))
    finally:
        stop.set()
        thread.join()
    assert counts == sorted(counts) and counts[-1] >= 100
    assert not list(tmp_path.glob("*-wal"))
    assert db.one("SELECT * FROM audit_log WHERE action = 'backup.create'") is not None


def test_restore_puts_backup_back_and_keeps_the_old_file(db, data_dir, tmp_path):
    ctx = context(db, "beheerder", "admin0")
    out = backup.backup(ctx, tmp_path / "good.sqlite")
    later = visitor(ctx, v_number="2222222222")
    db.close()
    live = data_dir / "loket.sqlite"
    kept = restore.restore(live, out)
    restored = Database(live)
    assert restored.one("SELECT 1 FROM visitor WHERE id = ?", (later.id,)) is None
    restored.close()
    old = Database(kept)
    assert old.one("SELECT 1 FROM visitor WHERE id = ?", (later.id,)) is not None
    old.close()


@pytest.mark.parametrize("damage", ["pages", "checksum", "foreign", "text", "newer", "missing"])
def test_restore_refuses_doubtful_files_and_leaves_live_untouched(db, data_dir, tmp_path, damage):
    ctx = context(db, "beheerder", "admin0")
    visitor(ctx)
    bad = backup.backup(ctx, tmp_path / "bad.sqlite")
    if damage == "pages":
        _corrupt(bad)
        _rewrite_checksum(bad)  # so that the integrity check is what catches it
    elif damage == "checksum":
        _corrupt(bad)
    elif damage == "foreign":
        bad.unlink()
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE notes (t TEXT)")
        conn.commit()
        conn.close()
        _rewrite_checksum(bad)
    elif damage == "text":
        bad.write_text("hello, I am not a database" * 200)
        _rewrite_checksum(bad)
    elif damage == "newer":
        conn = sqlite3.connect(bad)
        conn.execute("PRAGMA user_version = 999")
        conn.close()
        _rewrite_checksum(bad)
    elif damage == "missing":
        backup.checksum_path(bad).unlink()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    live = data_dir / "loket.sqlite"
    before = _digest(live)
    with pytest.raises(DatabaseDamaged) as err:
        restore.restore(live, bad)
    assert str(bad.name) in str(err.value) or "checksum" in str(err.value)
    assert _digest(live) == before
    assert sorted(p.name for p in data_dir.iterdir() if "restore" in p.name) == []


def test_cli_restore_refuses_with_a_clear_message(db, data_dir, tmp_path, monkeypatch, capsys):
    make_staff(db, "admin0", "beheerder")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = tmp_path / "b.sqlite"
    assert main(["backup", "--out", str(out), "--user", "admin0"]) == 0
    assert backup.checksum_path(out).exists()
    _corrupt(out)
    assert main(["restore", str(out), "--user", "admin0"]) == 2
    assert str(out) in capsys.readouterr().err  # names the refused file
    fresh = tmp_path / "c.sqlite"
    assert main(["backup", "--out", str(fresh), "--user", "admin0"]) == 0
    db.close()  # a restore waits until nothing else has the database open
    assert main(["restore", str(fresh), "--user", "admin0"]) == 0
    assert list(data_dir.glob("loket.sqlite.before-restore-*"))


def test_counter_staff_cannot_back_up_from_the_cli(db, tmp_path, monkeypatch):
    make_staff(db, "anna", "balie")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    assert main(["backup", "--out", str(tmp_path / "x.sqlite"), "--user", "anna"]) == 2
    assert not (tmp_path / "x.sqlite").exists()


def test_check_finds_damage(db, data_dir, tmp_path, monkeypatch, capsys):
    assert backup.check_database(db) == []
    assert main(["check"]) == 0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    _corrupt(data_dir / "loket.sqlite")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "loket restore" in err


def test_foreign_key_problems_are_reported(db):
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute(
        "INSERT INTO visit_need (id, visit_id, need_code, created_at, updated_at,"
        " workstation) VALUES ('x', 'no-such-visit', 'debts', 'a', 'a', 'w')"
    )
    problems = backup.check_database(db)
    assert problems and "visit_need" in problems[0]


def test_daily_backup_and_rotation(db, data_dir):
    first = backup.daily_backup(db, day=date(2026, 11, 28))
    assert first is not None and backup.checksum_path(first).exists()
    assert backup.daily_backup(db, day=date(2026, 11, 28)) is None
    folder = backup.backup_folder(data_dir)
    start = date(2026, 9, 1)
    for n in range(60):  # fake older backups, one a day
        day = start + timedelta(days=n)
        (folder / f"loket-{day.isoformat()}.sqlite").write_bytes(b"x")
    backup.rotate(data_dir, keep_daily=7, keep_weekly=4)
    kept = [backup._backup_day(p) for p in backup.latest_backups(data_dir)]
    assert kept[:7] == [date(2026, 11, 28)] + [start + timedelta(days=n) for n in range(59, 53, -1)]
    weekly = kept[7:]
    assert len(weekly) == 4
    weeks = {d.isocalendar()[:2] for d in weekly}
    assert len(weeks) == 4 and not weeks & {d.isocalendar()[:2] for d in kept[:7]}
    assert kept == sorted(kept, reverse=True)


def test_audit_check_after_a_restore_ignores_older_automatic_backups(db, data_dir, tmp_path):
    import os
    import time

    from loket.privacy import chain_check

    sup = context(db, "supervisor", "sup")
    early = backup.backup(sup, tmp_path / "early.sqlite")
    visitor(sup)  # more audit rows, then the automatic backup holds them
    auto = backup.daily_backup(db, day=date(2026, 11, 28))
    past = time.time() - 60
    os.utime(auto, (past, past))
    db.close()
    restore.restore(data_dir / "loket.sqlite", early)
    restored = Database(data_dir / "loket.sqlite")
    try:
        ctx = context(restored, "supervisor", "sup")
        assert backup.comparable_backups(restored) == []
        assert chain_check.check_chain(ctx) is None
    finally:
        restored.close()


def test_backup_refuses_to_overwrite_the_database(db):
    from loket.errors import ValidationError

    ctx = context(db, "supervisor", "sup")
    with pytest.raises(ValidationError):
        backup.backup(ctx, db.path)
    assert backup.check_database(db) == []


def _corrupt_index(db: Database, index: str = "visitor_dob") -> None:
    """Damage one page the sign-in never reads (an index's root page), with raw bytes."""
    root = db.scalar("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,))
    page = db.scalar("PRAGMA page_size")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    path = db.path
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start : start + page] = b"\xa5" * page
    path.write_bytes(bytes(data))


def test_cheap_start_up_look_accepts_a_damaged_file_and_refuses_a_foreign_one(db, tmp_path):
    assert backup.open_problems(db.path) == []
    assert backup.open_problems(tmp_path / "missing.sqlite") == []
    _corrupt_index(db)
    assert backup.open_problems(db.path) == []  # the full check finds it, in the background
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    assert backup.open_problems(foreign)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 500)
    assert backup.open_problems(junk)


def test_background_check_runs_once_a_day_unless_forced(db):
    day = date(2026, 11, 28)
    assert backup.background_check(db.path, day=day) == []
    assert backup.check_mark_path(db.path).exists()
    assert backup.background_check(db.path, day=day) is None  # not twice on the same day
    assert backup.background_check(db.path, day=day, force=True) == []  # after a crash
    assert backup.background_check(db.path, day=day + timedelta(days=1)) == []


def test_background_check_finds_damage_and_writes_are_refused(db, data_dir):
    from loket.errors import DatabaseDamaged

    day = date(2026, 11, 28)
    assert backup.background_check(db.path, day=day) == []
    _corrupt_index(db)
    path = data_dir / "loket.sqlite"
    # Same day, same file: skipped (the once-a-day rule); forced, it finds the damage.
    assert backup.background_check(path, day=day) is None
    problems = backup.background_check(path, day=day, force=True)
    assert problems
    assert not backup.check_mark_path(path).exists()  # the next start checks again
    live = Database(path)
    try:
        ctx = context(live, "supervisor", "sup")
        message = backup.refuse_writes(live, problems)
        # said to staff in the app: who can fix it, never a command line
        assert message == backup.damaged_message(path) and "loket " not in message
        with pytest.raises(DatabaseDamaged) as err:
            visitor(ctx)
        assert str(err.value) == message
        assert live.scalar("SELECT count(*) FROM staff") >= 1  # reading goes on
        failed = live.all("SELECT result FROM audit_log WHERE action = 'database.check'")
        assert [r[0] for r in failed] == ["failed"]
    finally:
        live.close()


def test_a_restore_makes_the_next_start_check_again(db, data_dir, tmp_path):
    day = date.today()
    sup = context(db, "supervisor", "sup")
    saved = backup.backup(sup, tmp_path / "saved.sqlite")
    path = data_dir / "loket.sqlite"
    assert backup.background_check(path, day=day) == []
    assert not backup.full_check_due(path, day=day)
    db.close()
    restore.restore(path, saved)
    assert backup.full_check_due(path, day=day)


def test_a_write_ahead_log_left_behind_means_a_crash(tmp_path):
    path = tmp_path / "loket.sqlite"
    assert not backup.left_open(path)
    Path(f"{path}-wal").write_bytes(b"x" * 100)
    assert backup.left_open(path)
