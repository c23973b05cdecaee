"""The audit chain hashes every column with a key outside the database, and is anchored
outside it: what the chain alone cannot show, the anchor file beside the database does."""

from __future__ import annotations

import shutil

import pytest

from loket import settings
from loket.cli import main
from loket.db import audit as repo
from loket.errors import DiskFull, ValidationError
from loket.privacy import anchor, audit, backup, chain_check, restore
from tests.helpers import PASSWORD, context, make_staff


def _anchored(db, tmp_path, rows: int = 6):
    sup = context(db, "supervisor", "sup")
    for i in range(rows):
        audit.record(sup, action="test", object_id=str(i))
    backup.backup(sup, tmp_path / "b.sqlite")  # writes an anchor
    shutil.rmtree(backup.backup_folder(db.path.parent), ignore_errors=True)
    (tmp_path / "b.sqlite").unlink()  # the backups are gone: the anchor still holds
    return sup


def _drop_triggers(db):
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("DROP TRIGGER audit_log_no_delete")


@pytest.mark.parametrize("cut", [1, 3, "all"])
def test_rows_cut_off_the_end_are_found_without_backups(db, tmp_path, cut):
    sup = _anchored(db, tmp_path)
    _drop_triggers(db)
    last = db.scalar("SELECT max(seq) FROM audit_log")
    if cut == "all":
        db.execute("DELETE FROM audit_log")
    else:
        db.execute("DELETE FROM audit_log WHERE seq > ?", (last - cut,))
    assert audit.verify(db) is None  # the chain alone looks fine
    assert chain_check.check_chain(sup) is not None


def test_stamps_are_in_the_hash(db, tmp_path):
    _anchored(db, tmp_path)
    _drop_triggers(db)
    seq = db.scalar("SELECT max(seq) FROM audit_log") - 2
    for column in ("created_at", "updated_at", "workstation"):
        old = db.scalar(f"SELECT {column} FROM audit_log WHERE seq = ?", (seq,))
        db.execute(f"UPDATE audit_log SET {column} = 'x' WHERE seq = ?", (seq,))
        assert audit.verify(db) == audit.ChainProblem(seq, "edited")
        db.execute(f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (old, seq))
    assert audit.verify(db) is None


def test_forged_row_with_a_correct_plain_hash_is_found(db, tmp_path):
    _anchored(db, tmp_path)
    head = dict(db.one("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1"))
    forged = {**head, "seq": head["seq"] + 1, "id": "forged", "action": "visitor.view"}
    forged["prev_hash"] = head["hash"]
    forged["hash"] = audit.row_hash(forged["prev_hash"], forged)  # what anyone can compute
    repo.insert(db, forged)
    assert audit.verify(db) == audit.ChainProblem(forged["seq"], "edited")


def test_rewritten_chain_with_the_key_is_found_by_the_anchor(db, tmp_path):
    """An edit (or a deletion with renumbering) with every later hash recomputed, by someone
    who has the key: the chain verifies, the anchor does not."""
    sup = _anchored(db, tmp_path)
    _drop_triggers(db)
    target = db.scalar("SELECT max(seq) FROM audit_log") - 3
    db.execute("DELETE FROM audit_log WHERE seq = ?", (target,))
    rows = [
        dict(r) for r in db.all("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq", (target,))
    ]
    db.execute("DELETE FROM audit_log WHERE seq > ?", (target,))
    prev = db.scalar("SELECT hash FROM audit_log WHERE seq = ?", (target - 1,))
    key = audit.chain_key(db)
    for row in rows:
        row["seq"] -= 1
        row["prev_hash"] = prev
        row["hash"] = audit.row_hash_v2(key, prev, row)
        prev = row["hash"]
        repo.insert(db, row)
    assert audit.verify(db) is None
    problem = chain_check.check_chain(sup)
    assert problem is not None and problem.reason in {"edited", "missing"}


def test_a_changed_anchor_file_is_refused(db, tmp_path):
    sup = _anchored(db, tmp_path)
    path = anchor.anchor_path(db.path)
    path.write_text(path.read_text().replace('"count": ', '"count": 1'), encoding="utf-8")
    assert chain_check.check_chain(sup) == audit.ChainProblem(0, "anchor")


def test_a_restore_starts_the_anchor_afresh(db, data_dir, tmp_path):
    from loket.db.connection import Database

    sup = context(db, "supervisor", "sup")
    early = backup.backup(sup, tmp_path / "early.sqlite")
    for i in range(3):
        audit.record(sup, action="test", object_id=str(i))
    backup.backup(sup, tmp_path / "later.sqlite")
    user = sup.user
    db.close()
    kept = restore.restore(data_dir / "loket.sqlite", early)
    restore.record_restore(data_dir / "loket.sqlite", user, kept)
    restored = Database(data_dir / "loket.sqlite")
    try:
        assert chain_check.check_chain(context(restored, "supervisor", "sup")) is None
    finally:
        restored.close()


def test_internal_settings_cannot_be_set_and_garbage_does_not_crash(db, monkeypatch, capsys):
    make_staff(db, "admin0", "beheerder")
    make_staff(db, "super", "supervisor")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    admin = context(db, "beheerder", "admin0")
    for key in ("backup.restored_at", "workstation.desk", "retention.last_run"):
        with pytest.raises(ValidationError):
            settings.set_setting(admin, key, "2099-01-01T00:00:00Z")
    assert main(["setting", "backup.restored_at", "2099-01-01T00:00:00Z", "--user", "admin0"]) == 2
    assert settings.value(db, "backup.restored_at") is None
    from loket.db import reference

    with db.transaction():
        reference.set_setting(db, "backup.restored_at", "garbage")
    assert main(["audit", "verify", "--user", "super"]) == 0


@pytest.mark.parametrize(
    ("damage", "cut"),
    [("deleted", 0), ("deleted", 2), ("emptied", 0), ("emptied", 2), ("last line cut", 0)],
)
def test_a_removed_or_shortened_anchor_file_is_found(db, tmp_path, damage, cut):
    """The anchor file is beside the database: whoever can cut rows can delete it too.  The
    chain names the line that anchors it, so that is found, with or without rows cut.  (The
    last line and every row after the line before it, cut together, are the folder as it was
    then: only a copy kept elsewhere shows that; README, privacy.)"""
    sup = _anchored(db, tmp_path)
    backup.backup(sup, tmp_path / "b2.sqlite")  # a second line
    (tmp_path / "b2.sqlite").unlink()
    path = anchor.anchor_path(db.path)
    if damage == "deleted":
        path.unlink()
    elif damage == "emptied":
        path.write_text("", encoding="utf-8")
    else:
        path.write_text(path.read_text().splitlines()[0] + "\n", encoding="utf-8")
    if cut:
        _drop_triggers(db)
        last = db.scalar("SELECT max(seq) FROM audit_log")
        db.execute("DELETE FROM audit_log WHERE seq > ?", (last - cut,))
    assert audit.verify(db) is None  # the chain alone looks fine
    assert chain_check.check_chain(sup) == audit.ChainProblem(0, "anchor")


def test_the_anchor_file_and_its_row_are_written_together(db, tmp_path, monkeypatch):
    """A line that cannot be written leaves no audit.anchor row naming it (no false alarm
    afterwards), and the next check is clean."""
    sup = _anchored(db, tmp_path)
    rows = repo.count(db)
    real_open = anchor.os.open

    def full(path, *args, **kwargs):
        if str(path).endswith(anchor.SUFFIX):
            raise OSError(28, "No space left on device", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(anchor.os, "open", full)
    with pytest.raises(DiskFull):
        anchor.write(db)
    monkeypatch.undo()
    assert repo.count(db) == rows
    assert chain_check.check_chain(sup) is None
