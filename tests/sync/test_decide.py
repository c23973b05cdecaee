"""resolve_conflict: an ordinary, validated edit plus an audit row, in one transaction."""

from __future__ import annotations

import json

import pytest

from loket.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from loket.referrals import lifecycle as referrals
from loket.sync import decide
from tests.helpers import context, visit, visitor
from tests.sync.support import conflict


@pytest.fixture
def ctx(db):
    return context(db, "balie")


@pytest.fixture
def person(ctx):
    return visitor(ctx, phone="0612345678")


def _audit(db):
    return db.all("SELECT * FROM audit_log WHERE action = 'conflict.resolved'")


def test_picking_the_other_pcs_value(ctx, db, person):
    cid = conflict(
        db,
        "visitor",
        person.id,
        "phone",
        base="+31612345678",
        hub="+31687654321",
        incoming="+31611111111",
        desk_id=ctx.desk.id,
    )
    assert decide.resolve_conflict(ctx, cid, "+31687654321") == "+31687654321"
    assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (person.id,)) == "+31687654321"
    row = db.one("SELECT * FROM sync_conflict WHERE id = ?", (cid,))
    assert row["resolved_by"] == "balie" and row["resolved_at"]
    assert json.loads(row["resolution"]) == "+31687654321"
    assert row["resolution_pushed_at"] is None  # the hub branch's push sets it
    [entry] = _audit(db)
    assert entry["object_type"] == "visitor" and entry["object_id"] == person.id
    assert json.loads(entry["detail"]) == {"conflict": cid, "field": "phone", "choice": "hub"}
    assert entry["subject_ref"]  # the visitor's number, as a keyed reference


def test_typing_another_value_is_validated_and_normalised(ctx, db, person):
    cid = conflict(
        db, "visitor", person.id, "phone", base=None, hub="+31687654321", incoming="+31611111111"
    )
    with pytest.raises(ValidationError):
        decide.resolve_conflict(ctx, cid, "call me")
    assert db.scalar("SELECT resolved_at FROM sync_conflict WHERE id = ?", (cid,)) is None
    assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (person.id,)) == "+31612345678"
    assert _audit(db) == []
    assert decide.resolve_conflict(ctx, cid, " 06 2222 3333 ") == "+31622223333"
    assert json.loads(_audit(db)[0]["detail"])["choice"] == "typed"


def test_a_visit_field_and_a_referral_field(ctx, db, person):
    v = visit(ctx, person.id, summary="Brief")
    service = db.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
    ref = referrals.propose(ctx, v.id, service)
    c1 = conflict(
        db,
        "visit",
        v.id,
        "summary",
        base="Brief",
        hub="Brief van de gemeente",
        incoming="Brief van de IND",
    )
    c2 = conflict(
        db, "referral", ref.id, "follow_up_date", base=None, hub="2026-12-20", incoming="2026-12-24"
    )
    assert {c.id for c in decide.conflicts_of_visitor(ctx, person.id)} == {c1, c2}
    assert decide.visitors_with_conflicts(ctx, [person.id, "other"]) == {person.id}
    decide.resolve_conflict(ctx, c1, "Brief van de IND")
    assert db.scalar("SELECT summary FROM visit WHERE id = ?", (v.id,)) == "Brief van de IND"
    with pytest.raises(ValidationError):
        decide.resolve_conflict(ctx, c2, "31-02-2026")
    decide.resolve_conflict(ctx, c2, "24-12-2026")
    assert db.scalar("SELECT follow_up_date FROM referral WHERE id = ?", (ref.id,)) == "2026-12-24"
    assert decide.conflicts_of_visitor(ctx, person.id) == []


def test_refusals(ctx, db, person):
    cid = conflict(
        db, "visitor", person.id, "phone", base=None, hub="+31687654321", incoming="+31611111111"
    )
    signed_out = context(db, "balie")
    signed_out.user = None
    with pytest.raises(PermissionDenied):
        decide.resolve_conflict(signed_out, cid, "+31687654321")
    with pytest.raises(NotFound):
        decide.resolve_conflict(ctx, "nope", "x")
    odd = conflict(db, "visitor", person.id, "created_by", base=None, hub="a", incoming="b")
    with pytest.raises(ValidationError):
        decide.resolve_conflict(ctx, odd, "a")
    other = conflict(db, "audit_log", "1", "hash", base=None, hub="a", incoming="b")
    with pytest.raises(ConflictError):
        decide.resolve_conflict(ctx, other, "a")
    decide.resolve_conflict(ctx, cid, "+31687654321")
    with pytest.raises(ConflictError):
        decide.resolve_conflict(ctx, cid, "+31611111111")
    assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (person.id,)) == "+31687654321"


def test_the_queue_is_the_desks_oldest_first(ctx, db, person):
    other_desk = db.scalar("SELECT id FROM desk WHERE id != ? LIMIT 1", (ctx.desk.id,))
    late = conflict(
        db,
        "visitor",
        person.id,
        "email",
        base=None,
        hub="a@b.nl",
        incoming="c@d.nl",
        desk_id=ctx.desk.id,
        created_at="2026-12-04T12:00:00Z",
    )
    early = conflict(
        db,
        "visitor",
        person.id,
        "phone",
        base=None,
        hub="+31687654321",
        incoming="+31611111111",
        desk_id=None,
        created_at="2026-12-04T08:00:00Z",
    )
    conflict(
        db,
        "visitor",
        person.id,
        "city",
        base=None,
        hub="Zwolle",
        incoming="Kampen",
        desk_id=other_desk,
    )
    assert [c.id for c in decide.open_conflicts(ctx)] == [early, late]


def test_a_conflict_on_a_file_merged_since_goes_to_the_kept_file(db, person):
    from loket.counter import merge

    sup = context(db, "supervisor")
    other = visitor(sup, given_names="Ayse", family_name="Yilmaz")
    cid = conflict(
        db, "visitor", other.id, "phone", base=None, hub="+31687654321", incoming="+31611111111"
    )
    merge.merge(sup, person.id, other.id)
    decide.resolve_conflict(sup, cid, "+31687654321")
    assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (person.id,)) == "+31687654321"
    assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (other.id,)) is None
