"""Registering visitors, duplicates, visits with needs, health details, audit rows."""

from __future__ import annotations

import pytest

from loket import intake
from loket.db.visitors import search_candidates
from loket.errors import NotFound, PermissionDenied, ValidationError
from loket.model import Visit, VisitNeed, Visitor
from tests.helpers import context, visit, visitor


def audit_actions(db):
    return [r["action"] for r in db.all("SELECT action FROM audit_log ORDER BY seq")]


def test_register_and_read_back_in_any_script(db):
    ctx = context(db)
    v = visitor(
        ctx,
        given_names="محمد",
        family_name="الحلبي",
        v_number="2234567890",
        phone="06 12345678",
        postal_code="8017jk",
    )
    assert v.given_names == "محمد"
    assert v.phone == "+31612345678"
    assert v.postal_code == "8017 JK"
    assert intake.get_visitor(ctx, v.id).family_name == "الحلبي"
    assert "visitor.create" in audit_actions(db)
    assert "visitor.view" in audit_actions(db)


def test_invalid_fields_are_all_reported_and_nothing_is_written(db):
    ctx = context(db)
    before = db.scalar("SELECT count(*) FROM visitor")
    with pytest.raises(ValidationError) as err:
        intake.register_visitor(
            ctx,
            Visitor(
                given_names=" ",
                family_name="A\u202eB",
                bsn="123456789",
                v_number="12",
                postal_code="1234 SS",
            ),
        )
    assert {"family_name", "bsn", "v_number", "postal_code"} <= set(err.value.errors)
    assert db.scalar("SELECT count(*) FROM visitor") == before


@pytest.mark.parametrize(
    "field_values, reason",
    [
        ({"v_number": "1234567890"}, "v_number"),
        ({"v_number": None, "bsn": "111222333"}, "bsn"),
        ({"v_number": None, "given_names": "AYSE", "family_name": "yilmaz"}, "name_dob"),
    ],
)
def test_duplicate_warning(db, field_values, reason):
    ctx = context(db)
    visitor(ctx, bsn="111222333")
    candidate = Visitor(
        **{
            "given_names": "Someone",
            "family_name": "Else",
            "date_of_birth": "1980-05-01",
            **field_values,
        }
    )
    with pytest.raises(intake.DuplicateVisitor) as err:
        intake.register_visitor(ctx, candidate)
    assert [m.reason for m in err.value.matches] == [reason]
    # Staff may still go on when it really is another person.
    assert intake.register_visitor(ctx, candidate, confirmed_new=True).id


def test_visit_with_needs_and_search_index(db):
    ctx = context(db)
    v = visitor(ctx, given_names="Ayşe", family_name="Al-Hassan")
    saved = visit(ctx, v.id, needs=("debts", "housing", "low_literacy"), summary="Brief van IND")
    assert [n.need_code for n in saved.needs] == ["low_literacy", "debts", "housing"]
    assert saved.desk_id == ctx.desk.id and saved.status == "waiting"
    found = [r["visitor_id"] for r in search_candidates(db, '"hass"', 10)]
    assert v.id in found
    assert [r["visitor_id"] for r in search_candidates(db, '"ayse"', 10)] == [v.id]


def test_unknown_need_or_topic_refused(db):
    ctx = context(db)
    v = visitor(ctx)
    with pytest.raises(ValidationError) as err:
        intake.save_visit(
            ctx, Visit(visitor_id=v.id, topic_code="nope", needs=[VisitNeed("flying", "")])
        )
    assert {"topic_code", "needs"} <= set(err.value.errors)
    assert db.scalar("SELECT count(*) FROM visit") == 0


def test_health_details_apart_with_legal_ground_and_logged(db):
    ctx = context(db)
    v = visitor(ctx)
    saved = visit(ctx, v.id)
    with pytest.raises(ValidationError):
        intake.set_health(ctx, saved.id, "Diabetes", "because")
    intake.set_health(ctx, saved.id, "Diabetes", "explicit_consent")
    assert intake.get_health(ctx, saved.id) == {
        "note": "Diabetes",
        "legal_ground": "explicit_consent",
    }
    history = intake.visit_history(ctx, v.id)
    assert all("Diabetes" not in str(row.values()) for row in history)
    assert {"health.write", "health.view"} <= set(audit_actions(db))


def test_update_visitor_keeps_search_current(db):
    ctx = context(db)
    v = visitor(ctx)
    v.family_name = "Şahin"
    intake.update_visitor(ctx, v)
    assert [r["visitor_id"] for r in search_candidates(db, '"sahin"', 10)] == [v.id]
    assert search_candidates(db, '"yilmaz"', 10) == []


def test_missing_user_cannot_register(db):
    from loket.context import Context

    with pytest.raises(PermissionDenied):
        intake.register_visitor(Context(db=db), Visitor(family_name="X"), confirmed_new=True)
    assert db.one("SELECT result FROM audit_log ORDER BY seq DESC")["result"] == "refused"


def test_unknown_visitor(db):
    with pytest.raises(NotFound):
        intake.get_visitor(context(db), "nope")
