"""Push and pull between PCs through a real PostgreSQL hub."""

from __future__ import annotations

import json
import uuid

import pytest

from loket.context import system_context
from loket.db import hub as hub_repo
from loket.db import outbox
from loket.db.outbox import sync_workstation as ws_of
from loket.sync import exchange, holdings, receive
from loket.sync.run import sync_now
from tests import helpers
from tests.pcs import pc_connection
from tests.pcs import sync as _sync


def test_a_visitor_registered_on_one_pc_is_found_on_another(make_pc):
    a, b = make_pc("a"), make_pc("b")
    ctx = helpers.context(a)
    v = helpers.visitor(ctx, given_names="Samira", family_name="Haddad", v_number="1111111111")
    helpers.visit(ctx, v.id)
    _sync(a)
    assert outbox.waiting(a) == 0
    _sync(b)
    row = b.one("SELECT given_names, v_number FROM visitor WHERE id = ?", (v.id,))
    assert dict(row) == {"given_names": "Samira", "v_number": "1111111111"}
    assert b.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (v.id,)) == 1
    # the derived search index was rebuilt locally by the triggers, and b captured nothing
    assert b.scalar("SELECT count(*) FROM visitor_search WHERE visitor_id = ?", (v.id,)) == 1
    assert outbox.waiting(b) == 0


def test_a_resent_batch_is_applied_once_and_acknowledged_again(make_pc, hub):
    a = make_pc("a")
    ctx = helpers.context(a)
    helpers.visitor(ctx)
    exchange.seal_pending(a, ws_of(a))
    batch = outbox.unacked_batches(a)[0]
    args = (ws_of(a), batch["id"], batch["seq"], batch["payload"], batch["sha256"],
            holdings.keyer(a))  # fmt: skip
    with pc_connection(a) as conn:
        assert receive.receive(conn, *args) == receive.APPLIED
        rows = hub_repo.count_rows(hub)
        assert receive.receive(conn, *args) == receive.DUPLICATE  # the acknowledgement was lost
    assert hub_repo.count_rows(hub) == rows
    _sync(a)  # the PC sends it again: acknowledged, nothing applied twice
    assert outbox.waiting(a) == 0
    assert hub_repo.count_rows(hub) == rows


def test_same_id_other_content_and_gaps_are_refused_whole(make_pc, hub):
    a = make_pc("a")
    ctx = helpers.context(a)
    helpers.visitor(ctx)
    exchange.seal_pending(a, ws_of(a))
    batch = outbox.unacked_batches(a)[0]
    ws = ws_of(a)
    keyer = holdings.keyer(a)
    rows = hub_repo.count_rows(hub)
    body = json.loads(batch["payload"])
    body["entries"][0]["new"]["given_names"] = "Tampered"
    tampered = hub_repo.dumps(body)
    conn = pc_connection(a)
    with pytest.raises(receive.BatchRefused, match="checksum"):
        receive.receive(conn, ws, batch["id"], batch["seq"], tampered, batch["sha256"], keyer)
    gapped = receive.seal(str(uuid.uuid4()), 5, ws, "2026-01-01T00:00:00Z", [])
    with pytest.raises(receive.BatchRefused, match="gap"):
        receive.receive(conn, ws, gapped["id"], 5, gapped["payload"], gapped["sha256"], keyer)
    assert hub_repo.count_rows(hub) == rows  # nothing of either was applied
    receive.receive(conn, ws, batch["id"], batch["seq"], batch["payload"], batch["sha256"], keyer)
    resealed = receive.seal(batch["id"], batch["seq"], ws, "2026-01-01T00:00:00Z", [])
    with pytest.raises(receive.BatchRefused, match="same id"):
        receive.receive(
            conn, ws, batch["id"], batch["seq"], resealed["payload"], resealed["sha256"], keyer
        )
    conn.close()
    assert [r["reason"] for r in hub_repo.refusals(hub)][-1] == "same id, other content"


def test_another_pcs_batch_is_refused(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    helpers.visitor(helpers.context(a))
    exchange.seal_pending(a, ws_of(a))
    batch = outbox.unacked_batches(a)[0]
    with pc_connection(b) as conn:
        # b cannot hand in a's batch as its own, nor as a's
        with pytest.raises(receive.BatchRefused, match="other workstation"):
            receive.receive(conn, ws_of(b), batch["id"], 1, batch["payload"], batch["sha256"], None)
        with pytest.raises(receive.BatchRefused, match="other workstation"):
            receive.receive(conn, ws_of(a), batch["id"], 1, batch["payload"], batch["sha256"], None)


def test_an_unsent_local_edit_is_never_overwritten_by_a_pull(make_pc):
    a, b = make_pc("a"), make_pc("b")
    v = helpers.visitor(helpers.context(a))
    _sync(a)
    _sync(b)
    with a.transaction():
        a.execute("UPDATE visitor SET phone = '0611111111' WHERE id = ?", (v.id,))
    _sync(a)
    with b.transaction():
        b.execute("UPDATE visitor SET phone = '0622222222', city = 'Zwolle' WHERE id = ?", (v.id,))
    # pull only (as if the push had failed): b keeps its unsent phone
    import psycopg

    from loket.sync.run import connection_settings

    with psycopg.connect(**connection_settings(b)) as conn:
        exchange.pull(b, conn)
    assert b.scalar("SELECT phone FROM visitor WHERE id = ?", (v.id,)) == "0622222222"
    assert outbox.waiting(b) > 0


def test_an_unreachable_hub_is_recorded_not_raised(make_pc):
    a = make_pc("a")
    helpers.visitor(helpers.context(a))
    with a.transaction():
        outbox.put_setting(a, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    result = sync_now(system_context(a))
    assert not result.ok and result.error_code == "unreachable"
    assert result.waiting > 0
    assert outbox.get_state(a, "hub_reachable") == "0"
    assert outbox.get_state(a, "last_error_code") == "unreachable"
    assert outbox.get_state(a, "last_success_at") is None


def test_letters_travel_with_their_pdf(make_pc):
    a, b = make_pc("a"), make_pc("b")
    ctx = helpers.context(a)
    v = helpers.visitor(ctx)
    visit = helpers.visit(ctx, v.id)
    helpers.insert_row(
        a, "letter", id="l1", visit_id=visit.id, visitor_id=v.id, template="x",
        languages="nl", sha256="0", pdf=b"%PDF-\x00\xff",
    )  # fmt: skip
    _sync(a)
    _sync(b)
    assert b.scalar("SELECT pdf FROM letter WHERE id = 'l1'") == b"%PDF-\x00\xff"


def test_a_pc_restored_from_an_old_backup_neither_resends_nor_loses(make_pc, hub, tmp_path):
    import shutil

    from loket.db.connection import Database

    a = make_pc("a")
    ctx = helpers.context(a)
    helpers.visitor(ctx, given_names="Before")
    _sync(a)
    a.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = a.path
    shutil.copy(path, tmp_path / "backup.sqlite")  # the backup
    later = helpers.visitor(ctx, given_names="AfterBackup", v_number="5555555555")
    _sync(a)
    a.close()
    for suffix in ("-wal", "-shm"):
        (path.parent / (path.name + suffix)).unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.sqlite", path)  # restored
    a = Database(path)
    try:
        newer = helpers.visitor(helpers.context(a), given_names="AfterRestore",
                                v_number="6666666666")  # fmt: skip
        _sync(a)
        assert outbox.waiting(a) == 0
        names = {r["data"]["given_names"] for r in hub_repo.table_rows(hub, "visitor")}
        assert {"Before", "AfterBackup", "AfterRestore"} <= names
        # what the hub had and the restored file lacked came back with the pull
        assert a.scalar("SELECT given_names FROM visitor WHERE id = ?", (later.id,)) == (
            "AfterBackup"
        )
        assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (newer.id,)) == 1
        # the restore cut rows off this PC's audit trail: the hub sees it and reports it
        assert {q["reason"] for q in hub_repo.quarantined(hub)} >= {"missing rows"}
    finally:
        a.close()


def test_a_new_pcs_first_pull_builds_its_search_index_and_counts(make_pc, hub, tmp_path):
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.db.visitors import search_candidates
    from loket.referrals import lifecycle
    from loket.sync.enroll import install, issue_pc

    a = make_pc("a")
    ctx = helpers.context(a)
    v = helpers.visitor(ctx, given_names="محمد", latin_given_names="Mohammed")
    visit = helpers.visit(ctx, v.id)
    service = a.scalar("SELECT id FROM service WHERE NOT is_escalation ORDER BY id")
    ref = lifecycle.propose(ctx, visit.id, service)
    for step in (lifecycle.mark_sent, lifecycle.accept, lifecycle.complete):
        step(ctx, ref.id)
    _sync(a)
    (tmp_path / "new").mkdir()
    fresh = Database(tmp_path / "new" / "loket.sqlite")
    try:
        migrate(fresh)  # empty: no seed, no accounts
        triggers = outbox.trigger_names(fresh)
        install(fresh, issue_pc(hub, name="new", desk_code="ZWL", dsn=hub.info.dsn))
        _sync(fresh)
        assert fresh.scalar("SELECT count(*) FROM visitor") == 1
        assert [h["visitor_id"] for h in search_candidates(fresh, '"mohammed"', 10)] == [v.id]
        assert fresh.scalar("SELECT count(*) FROM visitor_name_key WHERE visitor_id = ?", (v.id,))
        assert (
            fresh.scalar(
                "SELECT n FROM referral_outcome_tally WHERE service_id = ?"
                " AND status = 'completed'",
                (service,),
            )
            == 1
        )
        assert outbox.trigger_names(fresh) == triggers  # every index and trigger is back
        assert fresh.scalar("PRAGMA foreign_key_check") is None
    finally:
        fresh.close()


def test_a_crash_mid_batch_at_the_hub_applies_nothing_and_the_pc_sends_again(
    make_pc, hub, monkeypatch
):
    from loket.sync import merge

    a = make_pc("a")
    for n in range(3):
        helpers.visitor(helpers.context(a), family_name=f"F{n}", v_number=f"888888888{n}")
    real, calls = merge.apply_entry, []

    def crash(*args):
        calls.append(1)
        if len(calls) == 40:
            raise OSError(28, "No space left on device")  # the hub's disk filled up
        return real(*args)

    monkeypatch.setattr(merge, "apply_entry", crash)
    rows = hub_repo.count_rows(hub)
    result = sync_now(system_context(a))
    assert not result.ok and result.waiting > 0
    assert hub_repo.count_rows(hub) == rows  # the whole batch rolled back
    assert hub.execute("SELECT last_seq FROM loket.workstation").fetchone()[0] == 0
    monkeypatch.setattr(merge, "apply_entry", real)
    _sync(a)
    assert outbox.waiting(a) == 0
    assert hub_repo.count_rows(hub) > rows
