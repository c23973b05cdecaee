"""Audit across PCs: one deployment subject key, each PC's chain verified at the hub with
that PC's own chain key, breaks quarantined, checkpoints pulled back to every PC."""

from __future__ import annotations

import json
import stat

import pytest

from loket.db import hub as hub_repo
from loket.db.outbox import sync_workstation as ws_of
from loket.privacy import audit
from loket.sync import checkpoints, exchange
from tests import helpers
from tests.pcs import sync as _sync


def test_enrolment_gives_one_subject_key_and_the_chain_goes_on(make_pc):
    a, b = make_pc("a"), make_pc("b")
    assert audit.subject_ref(a, "1234567890") == audit.subject_ref(b, "1234567890")
    folder = a.path.parent
    previous = audit.stored_key(folder, a.workstation, audit.PREVIOUS_KEY_NAME)
    assert previous is not None and previous != audit.stored_key(folder, a.workstation, "subject")
    # no key store on this test machine: the chain key is the key store's file, 0600
    mode = stat.S_IMODE((folder / "chain.key").stat().st_mode)
    assert mode == 0o600
    assert not (folder / "subject.key.previous").exists()  # an earlier version's file name
    helpers.visitor(helpers.context(a))  # rows after enrolment, with the pinned chain key
    assert audit.verify(a) is None


def test_each_pcs_chain_is_verified_and_checkpointed(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    helpers.visitor(helpers.context(a))
    helpers.visitor(helpers.context(b), v_number="3333333333")
    _sync(a)
    _sync(b)
    _sync(a)
    assert hub_repo.quarantined(hub) == []
    heads = {w["id"]: (w["audit_seq"], w["audit_head"]) for w in hub_repo.workstations(hub)}
    for db in (a, b):
        last = db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        assert heads[ws_of(db)] == (last["seq"], last["hash"])
    assert a.scalar("SELECT count(*) FROM sync_checkpoint") >= 2
    assert checkpoints.problems(a) == []


def test_cutting_rows_off_a_pcs_trail_is_detectable_from_the_checkpoints(make_pc):
    a = make_pc("a")
    helpers.visitor(helpers.context(a))
    _sync(a)
    _sync(a)  # the checkpoint of its own rows comes back
    assert checkpoints.problems(a) == []
    last = a.scalar("SELECT max(seq) FROM audit_log")
    a.execute("DROP TRIGGER audit_log_no_delete")
    a.execute("DELETE FROM audit_log WHERE seq = ?", (last,))  # the tail cut off
    assert audit.verify(a) is None  # the trail alone cannot tell
    assert checkpoints.problems(a) == [f"audit row {last} named by the hub's checkpoint is missing"]


def test_an_edited_audit_row_is_quarantined_not_merged(make_pc, hub):
    a = make_pc("a")
    helpers.visitor(helpers.context(a))
    exchange.seal_pending(a, ws_of(a))
    batch = a.one("SELECT seq, payload FROM sync_batch WHERE acked_at IS NULL")
    body = json.loads(batch["payload"])
    entries = [e for e in body["entries"] if e["table"] == "audit_log"]
    entries[-1]["new"]["action"] = "nothing.happened"
    from loket.sync.receive import seal

    forged = seal(body["id"], body["seq"], body["workstation"], body["created_at"],
                  body["entries"])  # fmt: skip
    with a.transaction():
        a.execute(
            "UPDATE sync_batch SET payload = ?, sha256 = ? WHERE seq = ?",
            (forged["payload"], forged["sha256"], batch["seq"]),
        )
    _sync(a)
    [q] = hub_repo.quarantined(hub)
    assert (q["seq"], q["reason"]) == (entries[-1]["new"]["seq"], "edited")
    [w] = [w for w in hub_repo.workstations(hub) if w["id"] == ws_of(a)]
    assert w["audit_broken"] and w["audit_seq"] == entries[-1]["new"]["seq"] - 1


def test_rows_from_before_enrolment_are_still_found_by_number(make_pc, pc_template, tmp_path):
    from loket.sync.enroll import install
    from tests.pcs import new_pc

    db = new_pc(pc_template, tmp_path / "late")
    try:
        ctx = helpers.context(db, "supervisor", "supervisor")
        before = helpers.visitor(ctx, v_number="7777777777")
        ref_before = audit.subject_ref(db, "7777777777")
        other = make_pc("other")  # an enrolment made at the same hub, for its bundle's key
        key = audit.key_path(other).read_text().strip()
        install(db, {"workstation": "ws-late", "dsn": "host=127.0.0.1 port=1", "subject_key": key})
        assert audit.subject_ref(db, "7777777777") != ref_before  # the deployment's key now
        found = audit.entries(ctx, subject="7777777777")
        assert any(e["object_id"] == before.id for e in found)
        assert audit.verify(db) is None
    finally:
        db.close()


def test_the_hub_report_names_a_broken_chain(make_pc, hub_dsn, capsys, monkeypatch):
    from loket.cli import main

    monkeypatch.setenv("LOKET_LANG", "en")
    a = make_pc("ZWL-7")
    helpers.visitor(helpers.context(a))
    _sync(a)
    assert main(["hub", "report", "--dsn", hub_dsn]) == 0
    assert "ZWL-7 (ZWL)" in capsys.readouterr().out
    last = a.scalar("SELECT max(seq) FROM audit_log")
    helpers.visitor(helpers.context(a), v_number="4444444444")
    with a.transaction():  # a row edited before it was sent
        a.execute("UPDATE sync_outbox SET new = json_set(new, '$.action', 'x')"
                  " WHERE table_name = 'audit_log' AND row_id = (SELECT id FROM audit_log"
                  " WHERE seq = ?)", (last + 1,))  # fmt: skip
    _sync(a)
    assert main(["hub", "report", "--dsn", hub_dsn]) == 1
    out = capsys.readouterr().out
    assert "audit chain BROKEN" in out and f"audit row {last + 1}: edited" in out


PASSPHRASE = "lantaarn fiets wolk mosterd"


def _pc_before_enrolment(pc_template, folder):
    from tests.pcs import new_pc

    db = new_pc(pc_template, folder)
    admin = helpers.context(db, "beheerder", "beheerder")
    helpers.visitor(admin, v_number="5555555555")
    return db, admin


def test_a_backup_carries_all_keys_sealed_and_a_restore_on_a_new_pc_puts_them_back(
    pc_template, hub, hub_dsn, tmp_path
):
    from loket.db.connection import Database
    from loket.privacy import backup, copies, restore
    from loket.sync.enroll import install, issue_pc

    a, admin = _pc_before_enrolment(pc_template, tmp_path / "a")
    backup.set_passphrase(admin, PASSPHRASE)
    install(a, issue_pc(hub, name="a", desk_code="ZWL", dsn=hub_dsn), passphrase=PASSPHRASE)
    helpers.visitor(helpers.context(a), v_number="6666666666")  # after, with the pinned key
    folder, installation = a.path.parent, a.workstation
    keys = {n: audit.stored_key(folder, installation, n) for n in audit.KEY_NAMES}
    assert all(keys.values()) and len(set(keys.values())) == 3
    assert backup.has_key_copy(a)
    out = backup.make_backup(a.path, tmp_path / "b" / "loket-backup.sqlite")
    text = backup.key_copy_path(out).read_text()
    assert not out.with_name(out.name + ".chain.key").exists()  # one sealed file, no plain key
    assert all(k.hex() not in text for k in keys.values())
    sealed = json.loads(text)
    assert sealed["version"] == 2 and sealed["keys"] == sorted(audit.KEY_NAMES)
    live = a.path
    a.close()
    for name in audit.KEY_NAMES:  # a new machine: none of the keys are there
        (folder / f"{name}.key").unlink()
    audit.forget_keys()
    with pytest.raises(copies.WrongPassphrase):
        restore.restore(live, out, passphrase=lambda: "not the passphrase")
    assert not any((folder / f"{name}.key").exists() for name in audit.KEY_NAMES)
    restore.restore(live, out, passphrase=lambda: PASSPHRASE)
    assert {n: audit.stored_key(folder, installation, n) for n in audit.KEY_NAMES} == keys
    again = Database(live)
    try:
        assert audit.verify(again) is None  # the chain, with the pinned chain key
        found = audit.entries(helpers.context(again, "supervisor", "supervisor"),
                              subject="5555555555")  # fmt: skip
        assert found  # a row from before the enrolment, by the previous key
    finally:
        again.close()


def test_an_enrolment_with_a_wrong_backup_passphrase_changes_nothing(
    pc_template, hub, hub_dsn, tmp_path
):
    from loket.privacy import backup, copies
    from loket.sync.enroll import install, issue_pc

    a, admin = _pc_before_enrolment(pc_template, tmp_path / "a")
    backup.set_passphrase(admin, PASSPHRASE)
    try:
        before = sorted(p.name for p in a.path.parent.iterdir())
        subject = audit.stored_key(a.path.parent, a.workstation, "subject")
        bundle = issue_pc(hub, name="a", desk_code="ZWL", dsn=hub_dsn)
        with pytest.raises(copies.WrongPassphrase):
            install(a, bundle, passphrase="not the passphrase")
        assert sorted(p.name for p in a.path.parent.iterdir()) == before
        assert audit.stored_key(a.path.parent, a.workstation, "subject") == subject
        assert a.scalar("SELECT value FROM setting WHERE key = 'sync_enrolled'") is None
    finally:
        a.close()


def test_the_command_line_enrolment_asks_for_the_backup_passphrase(
    pc_template, hub, hub_dsn, tmp_path, monkeypatch
):
    from loket.cli import main
    from loket.privacy import backup
    from loket.sync.enroll import issue_pc, write_bundle

    a, admin = _pc_before_enrolment(pc_template, tmp_path / "a")
    backup.set_passphrase(admin, PASSPHRASE)
    folder = a.path.parent
    a.close()
    bundle = tmp_path / "a.json"
    write_bundle(issue_pc(hub, name="a", desk_code="ZWL", dsn=hub_dsn), bundle)
    monkeypatch.setenv("LOKET_PASSWORD", helpers.PASSWORD)
    monkeypatch.setenv("LOKET_BACKUP_PASSPHRASE", PASSPHRASE)
    args = ["--data-dir", str(folder), "sync", "enroll", str(bundle), "--user", "beheerder"]
    assert main(args) == 0
    from loket.db.connection import Database

    again = Database(folder / "loket.sqlite")
    try:
        assert backup.has_key_copy(again)  # sealed again, with the deployment's key
        assert backup.key_copy_path(backup.make_backup(again.path, tmp_path / "b.sqlite"))
    finally:
        again.close()


def test_a_backup_from_before_enrolment_restores_as_this_installation(
    pc_template, hub, hub_dsn, tmp_path
):
    from loket.db.connection import Database
    from loket.privacy import backup, restore
    from loket.sync.enroll import install, issue_pc

    a, admin = _pc_before_enrolment(pc_template, tmp_path / "a")
    backup.set_passphrase(admin, PASSPHRASE)
    old = backup.backup(admin, tmp_path / "old.sqlite")  # sealed with the PC's own key
    install(a, issue_pc(hub, name="a", desk_code="ZWL", dsn=hub_dsn), passphrase=PASSPHRASE)
    folder, installation = a.path.parent, a.workstation
    keys = {n: audit.stored_key(folder, installation, n) for n in audit.KEY_NAMES}
    live = a.path
    a.close()
    restore.restore(live, old, passphrase=lambda: pytest.fail("asked"))  # no --other-installation
    assert {n: audit.stored_key(folder, installation, n) for n in audit.KEY_NAMES} == keys
    again = Database(live)
    try:
        assert audit.verify(again) is None
        found = audit.entries(helpers.context(again, "supervisor", "supervisor"),
                              subject="5555555555")  # fmt: skip
        assert found
    finally:
        again.close()
    # another installation's backup is still refused
    b, b_admin = _pc_before_enrolment(pc_template, tmp_path / "b")
    other = backup.backup(b_admin, tmp_path / "other.sqlite")
    b.close()
    with pytest.raises(restore.OtherInstallation):
        restore.restore(live, other)


def test_key_files_of_an_earlier_enrolment_move_into_the_key_store(make_pc, memory_keyring):
    a = make_pc("a")
    folder, installation = a.path.parent, a.workstation
    entry = ("Loket", f"{installation}:{audit.PREVIOUS_KEY_NAME}")
    previous = memory_keyring.entries.pop(entry, None) or "ab" * 32
    chain = memory_keyring.entries.pop(("Loket", f"{installation}:chain"))
    (folder / "subject.key.previous").write_text(previous)  # as the earlier version kept them
    (folder / "chain.key").write_text(chain)
    audit.forget_keys()
    assert audit.chain_key(a).hex() == chain
    assert audit.stored_key(folder, installation, audit.PREVIOUS_KEY_NAME).hex() == previous
    assert memory_keyring.entries[entry] == previous
    assert not (folder / "subject.key.previous").exists() and not (folder / "chain.key").exists()
    helpers.visitor(helpers.context(a))
    assert audit.verify(a) is None


def test_the_command_line_restores_an_enrolled_pcs_backup_on_a_new_pc(
    pc_template, hub, hub_dsn, tmp_path, monkeypatch
):
    from loket.cli import main
    from loket.db.connection import Database
    from loket.privacy import backup
    from loket.sync.enroll import install, issue_pc

    a, admin = _pc_before_enrolment(pc_template, tmp_path / "a")
    backup.set_passphrase(admin, PASSPHRASE)
    install(a, issue_pc(hub, name="a", desk_code="ZWL", dsn=hub_dsn), passphrase=PASSPHRASE)
    helpers.visitor(helpers.context(a), v_number="6666666666")
    out = backup.make_backup(a.path, tmp_path / "b" / "loket-backup.sqlite")
    folder = a.path.parent
    a.close()
    for name in audit.KEY_NAMES:  # a new machine: none of the keys are there
        (folder / f"{name}.key").unlink()
    audit.forget_keys()
    monkeypatch.setenv("LOKET_PASSWORD", helpers.PASSWORD)
    monkeypatch.setenv("LOKET_BACKUP_PASSPHRASE", PASSPHRASE)
    args = ["--data-dir", str(folder), "restore", str(out), "--user", "beheerder"]
    assert main(args) == 0
    again = Database(folder / "loket.sqlite")
    try:
        assert audit.verify(again) is None
    finally:
        again.close()
