"""The staff side through a real hub: a merge done on one PC reaches every PC (the
merged-away id resolves everywhere), and a conflict decided on one PC closes the hub's
conflict and reaches the others."""

from __future__ import annotations

from loket.context import system_context
from loket.counter import intake, merge
from loket.db import hub as hub_repo
from loket.db import merge as merge_repo
from loket.db import outbox
from loket.referrals import lifecycle as referrals
from loket.sync import decide
from loket.sync.run import sync_now
from tests import helpers


def _sync(*pcs):
    for db in pcs:
        result = sync_now(system_context(db))
        assert result.ok, result.error


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
    assert outbox.get_state(b, "pull_skipped") == "0"
    assert hub_repo.conflicts(hub) == []


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
