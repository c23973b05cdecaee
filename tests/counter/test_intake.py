"""Registering visitors, duplicates, visits with needs, health details, audit rows."""

from __future__ import annotations

import sqlite3

import pytest

from loket import i18n
from loket.counter import intake
from loket.db import visits as visit_repo
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


def test_health_need_takes_no_ordinary_note(db):
    """Health details are AVG art. 9 data: only the protected field, never a need's note."""
    ctx = context(db)
    v = visitor(ctx)
    with pytest.raises(ValidationError) as err:
        intake.save_visit(
            ctx,
            Visit(
                visitor_id=v.id, topic_code="residence_permit", needs=[VisitNeed("health", "HIV")]
            ),
        )
    assert "needs" in err.value.errors
    assert db.scalar("SELECT count(*) FROM visit") == 0
    saved = visit(ctx, v.id, needs=("health",))  # the tick alone is fine
    assert [n.need_code for n in saved.needs] == ["health"]


def test_visit_and_health_saved_in_one_transaction(db, monkeypatch):
    ctx = context(db)
    v = visitor(ctx)
    new = Visit(visitor_id=v.id, topic_code="residence_permit", needs=[VisitNeed("health", "")])
    # An invalid legal ground is reported together with the visit's own errors; nothing saved.
    bad = Visit(visitor_id=v.id, topic_code="nope")
    with pytest.raises(ValidationError) as err:
        intake.save_visit(ctx, bad, health=("Diabetes", "because"))
    assert {"topic_code", "legal_ground"} <= set(err.value.errors)
    # The health write failing half-way takes the visit with it.
    before = audit_actions(db)

    def broken(*_args, **_kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(visit_repo, "set_health", broken)
    with pytest.raises(sqlite3.OperationalError):
        intake.save_visit(ctx, new, health=("Diabetes", "explicit_consent"))
    assert db.scalar("SELECT count(*) FROM visit") == 0
    assert audit_actions(db) == before
    monkeypatch.undo()
    saved = intake.save_visit(ctx, new, health=("Diabetes", "explicit_consent"))
    assert intake.get_health(ctx, saved.id)["legal_ground"] == "explicit_consent"
    assert audit_actions(db)[-3:] == ["visit.create", "health.write", "health.view"]


def test_editing_into_another_visitors_numbers_warns(db):
    ctx = context(db)
    other = visitor(ctx, given_names="Omar", family_name="Haddad", v_number="5234567890")
    me = visitor(ctx, v_number="2234567890", bsn="111222333")
    me.v_number = other.v_number
    with pytest.raises(intake.DuplicateVisitor) as err:
        intake.update_visitor(ctx, me)
    assert [(m.reason, m.visitor.id) for m in err.value.matches] == [("v_number", other.id)]
    assert intake.get_visitor(ctx, me.id, log_view=False).v_number == "2234567890"
    # Its own numbers never count, and an edit of other fields does not warn again.
    me.v_number = "2234567890"
    me.city = "Zwolle"
    assert intake.update_visitor(ctx, me).city == "Zwolle"
    # Staff confirm it is right (e.g. the other record holds a typo): saved.
    me.v_number = other.v_number
    assert intake.update_visitor(ctx, me, confirmed=True).v_number == other.v_number


def test_status_or_health_of_an_unknown_visit_is_not_found(db):
    ctx = context(db)
    before = db.scalar("SELECT count(*) FROM audit_log")
    previous = i18n.language()
    i18n.set_language("nl")
    try:
        with pytest.raises(NotFound) as err:
            intake.set_status(ctx, "no-such-visit", "done")
        assert str(err.value) == "Dit bezoek bestaat niet."
        with pytest.raises(NotFound):
            intake.set_health(ctx, "no-such-visit", "Diabetes", "explicit_consent")
    finally:
        i18n.set_language(previous)
    assert db.scalar("SELECT count(*) FROM audit_log") == before  # no "ok" row for nothing
    assert db.scalar("SELECT count(*) FROM visit_health") == 0


def test_today_at_desk_is_paged_in_the_query(db):
    ctx = context(db)
    people = [visitor(ctx, given_names=f"P{n}", v_number=None) for n in range(5)]
    made = [visit(ctx, p.id) for p in people]
    intake.set_status(ctx, made[0].id, "done")
    first = intake.today_at_desk(ctx, limit=2)
    rest = intake.today_at_desk(ctx, limit=10, offset=2)
    assert len(first) == 2 and len(rest) == 3
    assert [r["id"] for r in first + rest] == [m.id for m in made]  # order of arrival
    assert intake.today_status_counts(ctx) == {"done": 1, "waiting": 4}
