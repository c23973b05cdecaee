"""The staff side through a real hub: a merge done on one PC reaches every PC (the
merged-away id resolves everywhere) and closes the hub's task; a pair called two people on
one PC is closed on every PC and never proposed again; and a conflict decided on one PC
closes the hub's conflict and reaches the others."""

from __future__ import annotations

import psycopg
import pytest

from loket.context import system_context
from loket.counter import intake, merge
from loket.db import hub as hub_repo
from loket.db import merge as merge_repo
from loket.db import outbox
from loket.referrals import lifecycle as referrals
from loket.sync import decide
from loket.sync.run import sync_now
from tests import helpers
from tests.pcs import pc_connection
from tests.pcs import sync as _sync


def _service_id(db) -> str:
    return db.scalar("SELECT id FROM service ORDER BY id LIMIT 1")


def test_a_merge_on_one_pc_reaches_every_pc_and_the_old_id_resolves(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    ca, cb = helpers.context(a), helpers.context(b)
    kept = helpers.visitor(ca, given_names="Yonas", v_number="3333333333", phone="0611111111")
    helpers.visit(ca, kept.id)
    other = helpers.visitor(cb, given_names="Yohannes", v_number="3333333333", city="Zwolle")
    visit = helpers.visit(cb, other.id)
    ref = referrals.propose(cb, visit.id, _service_id(b))
    _sync(a, b, a)
    for db in (a, b):  # the hub's task is each PC's merge task
        [task] = merge_repo.open_tasks(db)
        assert {task["visitor_a"], task["visitor_b"]} == {kept.id, other.id}

    supervisor = helpers.context(a, "supervisor")
    merge.merge(supervisor, kept.id, other.id, take_from_other={"city"})
    _sync(a, b, a)

    for db in (a, b):
        assert outbox.waiting(db) == 0
        assert db.scalar("SELECT merged_into FROM visitor WHERE id = ?", (other.id,)) == kept.id
        assert db.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (other.id,)) == 0
        assert db.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (kept.id,)) == 2
        assert db.scalar("SELECT city FROM visitor WHERE id = ?", (kept.id,)) == "Zwolle"
        assert (
            db.scalar(
                "SELECT v.visitor_id FROM referral r JOIN visit v ON v.id = r.visit_id"
                " WHERE r.id = ?",
                (ref.id,),
            )
            == kept.id
        )
        # an id another PC still holds opens the kept file
        assert intake.get_visitor(helpers.context(db), other.id, log_view=False).id == kept.id
        assert merge_repo.open_tasks(db) == []  # the pair is decided on every PC
        assert merge_repo.task_for_pair(db, kept.id, other.id)["kept_id"] == kept.id
    assert outbox.get_state(b, "pull_skipped") == "0"
    assert hub_repo.conflicts(hub) == []
    [hub_task] = hub_repo.tasks(hub)  # the hub's task is closed too, by the PC that merged
    assert hub_task["closed_at"] is not None
    assert (hub_task["outcome"], hub_task["closed_by"]) == ("merged", "supervisor")
    assert merge_repo.decisions_to_push(a) == merge_repo.decisions_to_push(b) == []
    assert b.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.merged'") == 0


def _same_number_on_two_pcs(a, b):
    va = helpers.visitor(helpers.context(a), given_names="Yonas", v_number="4444444444")
    vb = helpers.visitor(helpers.context(b), given_names="Yohannes", v_number="4444444444")
    _sync(a, b, a)
    for db in (a, b):
        assert len(merge_repo.open_tasks(db)) == 1
    return va, vb


def test_two_people_on_one_pc_closes_the_pair_on_every_pc_and_at_the_hub(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    va, vb = _same_number_on_two_pcs(a, b)
    [task] = merge_repo.open_tasks(a)
    merge.dismiss(helpers.context(a, "supervisor"), task["id"])
    _sync(a, b)

    [hub_task] = hub_repo.tasks(hub)
    assert hub_task["closed_at"] is not None
    assert (hub_task["outcome"], hub_task["closed_by"]) == ("dismissed", "supervisor")
    followed = merge_repo.task_for_pair(b, va.id, vb.id)
    assert followed["status"] == "dismissed" and followed["decided_by"] == "supervisor"
    assert merge_repo.open_tasks(b) == []
    # b's own scan finds the same V-nummer again, and does not propose the pair
    assert merge.scan(helpers.context(b, "supervisor")) == 0
    assert merge_repo.open_tasks(b) == []
    # the audit row is the deciding PC's; b only followed, and sends nothing back
    for db, n in ((a, 1), (b, 0)):
        assert db.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'visitor.merge_dismissed'"
        ) == n  # fmt: skip
    assert merge_repo.decisions_to_push(a) == merge_repo.decisions_to_push(b) == []
    _sync(b, a)
    assert len(hub_repo.tasks(hub)) == 1
    assert merge_repo.task_for_pair(a, va.id, vb.id)["status"] == "dismissed"


def test_a_pair_only_one_pc_had_travels_and_the_others_scan_never_proposes_it(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    ca = helpers.context(a, "supervisor")
    same = {"given_names": "Amina", "family_name": "Yusuf", "date_of_birth": "1990-03-04",
            "v_number": None}  # fmt: skip
    first, second = helpers.visitor(ca, **same), helpers.visitor(ca, **same)
    assert merge.scan(ca) == 1  # a name and a date of birth: a's own find, no hub task
    [task] = merge_repo.open_tasks(a)
    merge.dismiss(ca, task["id"])
    _sync(a, b)

    [hub_task] = hub_repo.tasks(hub)  # made closed: the hub had no task for the pair
    assert {hub_task["visitor_id"], hub_task["other_visitor_id"]} == {first.id, second.id}
    assert (hub_task["reason"], hub_task["outcome"]) == ("name_dob", "dismissed")
    assert b.scalar("SELECT count(*) FROM visitor WHERE family_name = 'Yusuf'") == 2
    assert merge.scan(helpers.context(b, "supervisor")) == 0
    assert merge_repo.open_tasks(b) == []
    assert merge_repo.task_for_pair(b, first.id, second.id)["status"] == "dismissed"


def test_a_decision_whose_round_was_lost_is_sent_again(make_pc, hub, monkeypatch):
    a, b = make_pc("a"), make_pc("b")
    va, vb = _same_number_on_two_pcs(a, b)
    [task] = merge_repo.open_tasks(a)
    merge.dismiss(helpers.context(a, "supervisor"), task["id"])

    def lost(*_args):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(hub_repo, "close_task", lost)
    result = sync_now(system_context(a))
    assert not result.ok and result.error_code == "unreachable"
    assert hub_repo.tasks(hub)[0]["closed_at"] is None
    assert [t["id"] for t in merge_repo.decisions_to_push(a)] == [task["id"]]

    monkeypatch.undo()
    _sync(a, b)
    assert hub_repo.tasks(hub)[0]["outcome"] == "dismissed"
    assert merge_repo.decisions_to_push(a) == []
    assert merge_repo.task_for_pair(b, va.id, vb.id)["status"] == "dismissed"
    # sent again once more (the acknowledgement lost): the hub keeps the first decision
    with pc_connection(a) as conn:
        assert not hub_repo.close_task(conn, vb.id, va.id, "v_number", "merged",
                                       "2026-01-01T00:00:00Z", "balie")  # fmt: skip
        with pytest.raises(psycopg.errors.RaiseException, match="dismissed or merged"):
            hub_repo.close_task(conn, va.id, vb.id, "v_number", "kept", "2026-01-01", "balie")
    [hub_task] = hub_repo.tasks(hub)
    assert (hub_task["outcome"], hub_task["closed_by"]) == ("dismissed", "supervisor")


def test_a_decision_on_one_pc_closes_the_hubs_conflict_and_reaches_the_other(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    v = helpers.visitor(helpers.context(a), phone="0611111111")
    _sync(a, b)
    for db, phone in ((a, "0622222222"), (b, "0633333333")):
        with db.transaction():
            db.execute("UPDATE visitor SET phone = ? WHERE id = ?", (phone, v.id))
    _sync(a, b, a)
    [hub_conflict] = hub_repo.conflicts(hub)
    [local] = [dict(r) for r in b.all("SELECT * FROM sync_conflict")]
    assert local["id"] == hub_conflict["id"] and local["resolved_at"] is None

    saved = decide.resolve_conflict(helpers.context(b), local["id"], "06 44444444")
    assert saved == "+31644444444"
    _sync(b, a)

    [hub_conflict] = hub_repo.conflicts(hub)
    assert hub_conflict["resolved_at"] is not None
    for db in (a, b):
        assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (v.id,)) == "+31644444444"
        assert db.scalar("SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL") == 0
        assert outbox.waiting(db) == 0
    assert len(hub_repo.conflicts(hub)) == 1  # the decision made no new conflict


def test_an_older_hub_lets_the_round_go_on_and_the_decision_wait(make_pc, hub):
    from loket.sync.enroll import init_hub

    a, b = make_pc("a"), make_pc("b")
    _same_number_on_two_pcs(a, b)
    hub.execute("DROP FUNCTION loket.close_task(text, text, text, text, text, text)")
    hub.execute("DROP FUNCTION loket.record_contact()")
    [task] = merge_repo.open_tasks(a)
    merge.dismiss(helpers.context(a, "supervisor"), task["id"])
    _sync(a, b)  # an older hub: the rest of the round goes on
    assert len(merge_repo.decisions_to_push(a)) == 1
    assert len(merge_repo.open_tasks(b)) == 1

    init_hub(hub)  # `loket hub init` on the existing hub
    _sync(a, b)
    assert merge_repo.decisions_to_push(a) == []
    assert merge_repo.open_tasks(b) == []
