"""Audit across PCs: one deployment subject key, each PC's chain verified at the hub with
that PC's own chain key, breaks quarantined, checkpoints pulled back to every PC."""

from __future__ import annotations

import json
import stat

import pytest

from loket.context import system_context
from loket.db import hub as hub_repo
from loket.db.outbox import sync_workstation as ws_of
from loket.privacy import audit
from loket.sync import checkpoints, exchange
from loket.sync.run import sync_now
from tests import helpers


def _sync(db):
    result = sync_now(system_context(db))
    assert result.ok, result.error


def test_enrolment_gives_one_subject_key_and_the_chain_goes_on(make_pc):
    a, b = make_pc("a"), make_pc("b")
    assert audit.subject_ref(a, "1234567890") == audit.subject_ref(b, "1234567890")
    folder = a.path.parent
    assert (folder / "subject.key.previous").exists()
    mode = stat.S_IMODE((folder / "chain.key").stat().st_mode)
    assert mode == 0o600
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


@pytest.mark.xfail(
    strict=True,
    reason="not built on the key store's backups yet: the chain key must go beside a backup"
    " sealed with the backup passphrase, like the subject key's copy (docs/sync.md, Known"
    " limits); a bare copy would let anyone holding the backup rewrite the chain",
)
def test_a_backup_carries_the_chain_key_and_a_restore_puts_it_back(make_pc, tmp_path):
    from loket.privacy import backup, restore

    a = make_pc("a")
    helpers.visitor(helpers.context(a))
    out = backup.make_backup(a.path, tmp_path / "b" / "loket-backup.sqlite")
    copy = out.with_name(out.name + ".chain.key")
    assert copy.read_bytes() == (a.path.parent / "chain.key").read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    live = a.path
    a.close()
    (live.parent / "chain.key").unlink()  # lost with the old machine's folder
    restore.restore(live, out)
    from loket.db.connection import Database

    again = Database(live)
    try:
        assert audit.verify(again) is None
    finally:
        again.close()
