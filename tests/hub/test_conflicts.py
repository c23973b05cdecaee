"""Conflicts per field against the base value; append-only records never conflict; a
referral's status as a state-machine step; erasure wins; the same V-nummer on two PCs is a
task, never a merge; decisions go back to the hub."""

from __future__ import annotations

import json

from loket.db import hub as hub_repo
from loket.db import merge as merge_repo
from loket.db import outbox
from loket.db.outbox import sync_workstation as ws_of
from tests import helpers
from tests.pcs import sync as _sync


def _set(db, table: str, row_id: str, **values):
    sets = ", ".join(f"{k} = ?" for k in values)
    with db.transaction():
        db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), row_id))


def _two_pcs_with_a_visitor(make_pc):
    a, b = make_pc("a"), make_pc("b")
    v = helpers.visitor(helpers.context(a), phone="0611111111")
    _sync(a, b)
    return a, b, v


def test_edits_of_different_fields_both_apply(make_pc, hub):
    a, b, v = _two_pcs_with_a_visitor(make_pc)
    _set(a, "visitor", v.id, city="Zwolle")
    _set(b, "visitor", v.id, email="x@voorbeeld.example")
    _sync(a, b, a)
    for db in (a, b):
        row = db.one("SELECT city, email FROM visitor WHERE id = ?", (v.id,))
        assert dict(row) == {"city": "Zwolle", "email": "x@voorbeeld.example"}
    assert hub_repo.conflicts(hub) == []


def test_two_pcs_editing_one_field_make_one_conflict_and_the_hub_keeps_its_value(make_pc, hub):
    a, b, v = _two_pcs_with_a_visitor(make_pc)
    _set(a, "visitor", v.id, phone="0622222222")
    _set(b, "visitor", v.id, phone="0633333333")
    _sync(a, b, a)
    [c] = hub_repo.conflicts(hub)
    assert (c["table_name"], c["row_id"], c["field"]) == ("visitor", v.id, "phone")
    assert (c["hub_value"], c["incoming_value"]) == ("0622222222", "0633333333")
    assert c["base_value"] == "+31611111111"
    assert c["incoming_workstation"] == ws_of(b)
    for db in (a, b):  # the hub's value everywhere, the conflict pulled to every PC
        assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (v.id,)) == "0622222222"
        row = db.one("SELECT * FROM sync_conflict")
        assert json.loads(row["incoming_value"]) == "0633333333"
        assert json.loads(row["hub_value"]) == "0622222222"
        assert row["hub_workstation"] == ws_of(a) and row["resolved_at"] is None
        assert outbox.open_conflicts(db) == 1
    # the same value from both: no conflict
    _set(a, "visitor", v.id, city="Kampen")
    _set(b, "visitor", v.id, city="Kampen")
    _sync(a, b)
    assert len(hub_repo.conflicts(hub)) == 1


def test_a_decision_is_pushed_and_its_change_applies(make_pc, hub):
    a, b, v = _two_pcs_with_a_visitor(make_pc)
    _set(a, "visitor", v.id, phone="0622222222")
    _set(b, "visitor", v.id, phone="0633333333")
    _sync(a, b)
    conflict_id = b.scalar("SELECT id FROM sync_conflict")
    # what the staff side's resolve_conflict does: the ordinary change plus the decision
    with b.transaction():
        b.execute("UPDATE visitor SET phone = '0633333333' WHERE id = ?", (v.id,))
        b.execute(
            "UPDATE sync_conflict SET resolved_at = '2026-12-04T10:00:00Z', resolved_by = 'sup',"
            " resolution = ? WHERE id = ?",
            (json.dumps("0633333333"), conflict_id),
        )
    _sync(b, a)
    [c] = hub_repo.conflicts(hub)
    assert c["resolved_at"] == "2026-12-04T10:00:00Z"
    assert b.scalar("SELECT resolution_pushed_at FROM sync_conflict") is not None
    assert a.scalar("SELECT phone FROM visitor WHERE id = ?", (v.id,)) == "0633333333"
    assert a.scalar("SELECT resolved_by FROM sync_conflict") == "sup"
    assert len(hub_repo.conflicts(hub)) == 1  # the decision's own change did not conflict


def test_referral_status_is_checked_as_a_transition(make_pc, hub):
    from loket.referrals import lifecycle

    a, b = make_pc("a"), make_pc("b")
    ctx = helpers.context(a)
    v = helpers.visitor(ctx)
    visit = helpers.visit(ctx, v.id)
    service = a.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
    ref = lifecycle.propose(ctx, visit.id, service)
    _sync(a, b)
    lifecycle.mark_sent(ctx, ref.id)  # proposed -> sent on a
    lifecycle.accept(ctx, ref.id)  # sent -> accepted on a
    _set(b, "referral", ref.id, status="sent")  # proposed -> sent on b, later
    _sync(a, b)
    # b's step would take the hub back from accepted to sent: not a legal transition
    [c] = hub_repo.conflicts(hub)
    assert (c["field"], c["hub_value"], c["incoming_value"]) == ("status", "accepted", "sent")
    # a legal step from where the hub is applies although the base moved on
    other = lifecycle.propose(ctx, visit.id, service)
    _sync(a, b)
    lifecycle.mark_sent(ctx, other.id)  # proposed -> sent on a
    _set(b, "referral", other.id, status="cancelled")  # proposed -> cancelled on b
    _sync(a, b, a)
    for db in (a, b):
        assert db.scalar("SELECT status FROM referral WHERE id = ?", (other.id,)) == "cancelled"
    assert len(hub_repo.conflicts(hub)) == 1


def test_append_only_records_never_conflict(make_pc, hub):
    a, b, v = _two_pcs_with_a_visitor(make_pc)
    visit_a = helpers.visit(helpers.context(a), v.id)
    visit_b = helpers.visit(helpers.context(b), v.id, needs=("housing",))
    _sync(a, b, a)
    for db in (a, b):
        ids = {r[0] for r in db.all("SELECT id FROM visit WHERE visitor_id = ?", (v.id,))}
        assert ids == {visit_a.id, visit_b.id}
    assert hub_repo.conflicts(hub) == []


def test_anonymisation_wins_over_an_edit(make_pc, hub):
    a, b, v = _two_pcs_with_a_visitor(make_pc)
    _set(b, "visitor", v.id, phone="0699999999")
    _set(a, "visitor", v.id, given_names="", family_name="", phone=None,
         anonymised_at="2026-12-04T09:00:00Z")  # fmt: skip
    _sync(a, b, a)
    for db in (a, b):
        row = db.one("SELECT given_names, phone, anonymised_at FROM visitor WHERE id = ?", (v.id,))
        assert row["anonymised_at"] == "2026-12-04T09:00:00Z"
        assert row["phone"] is None and row["given_names"] == ""
    assert hub_repo.conflicts(hub) == []


def test_an_anonymisation_arriving_after_an_edit_still_wins(make_pc, hub):
    a, b, v = _two_pcs_with_a_visitor(make_pc)
    _set(b, "visitor", v.id, phone="0699999999")
    _sync(b)
    _set(a, "visitor", v.id, given_names="", phone=None, anonymised_at="2026-12-04T09:00:00Z")
    _sync(a, b)
    assert b.scalar("SELECT phone FROM visitor WHERE id = ?", (v.id,)) is None
    assert hub_repo.conflicts(hub) == []


def test_the_same_v_number_on_two_pcs_becomes_a_task_not_a_merge(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    va = helpers.visitor(helpers.context(a), given_names="Yonas", v_number="2222222222")
    vb = helpers.visitor(helpers.context(b), given_names="Yohannes", v_number="2222222222")
    _sync(a, b, a)
    [task] = hub_repo.tasks(hub)
    assert task["kind"] == "possible_duplicate" and task["reason"] == "v_number"
    assert {task["visitor_id"], task["other_visitor_id"]} == {va.id, vb.id}
    for db in (a, b):
        assert db.scalar("SELECT count(*) FROM visitor WHERE v_number = '2222222222'") == 2
        [local] = merge_repo.open_tasks(db)  # the staff side's merge task for the pair
        assert (local["visitor_a"], local["visitor_b"]) == tuple(sorted((va.id, vb.id)))
        assert local["reason"] == "v_number"


def test_a_conflict_names_the_staff_members_on_both_sides(make_pc, hub):
    import dataclasses

    from loket.counter import intake

    a, b, v = _two_pcs_with_a_visitor(make_pc)
    sup = helpers.context(a, "supervisor", "supervisor")
    intake.update_visitor(sup, dataclasses.replace(v, phone="0622222222"), confirmed=True)
    clerk = helpers.context(b, "balie", "balie")
    intake.update_visitor(clerk, dataclasses.replace(v, phone="0633333333"), confirmed=True)
    _sync(a, b)
    row = b.one("SELECT hub_staff, incoming_staff, incoming_workstation FROM sync_conflict")
    assert dict(row) == {"hub_staff": "supervisor", "incoming_staff": "balie",
                         "incoming_workstation": ws_of(b)}  # fmt: skip
