"""The referral state machine, consent gating, handover notes, follow-ups, the visitor plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loket import clock
from loket.context import system_context
from loket.errors import ConflictError, PermissionDenied, ValidationError
from loket.i18n import _
from loket.referrals import lifecycle as referrals
from loket.referrals.lifecycle import STATUSES, TRANSITIONS, Consent
from tests.helpers import context, visit, visitor

# How to reach each status from 'proposed' through legal steps.
PATHS = {
    "proposed": [],
    "sent": ["sent"],
    "accepted": ["sent", "accepted"],
    "declined": ["sent", "declined"],
    "completed": ["sent", "accepted", "completed"],
    "no_show": ["sent", "no_show"],
    "cancelled": ["cancelled"],
}


def service_id(db, name_like: str) -> str:
    return db.scalar("SELECT id FROM service WHERE name LIKE ? ORDER BY id", (name_like,))


@pytest.fixture
def ctx(db):
    return context(db, "balie")


@pytest.fixture
def a_visit(ctx):
    person = visitor(ctx, phone="0612345678", email="ayse@example.org")
    return visit(ctx, person.id, needs=("debts", "housing"), summary="Brief van de Belastingdienst")


@pytest.fixture
def debt_service(db):
    return service_id(db, "Schuldhulpverlening Zwolle")


def walk(ctx, referral_id: str, steps: list[str]) -> None:
    for step in steps:
        referrals.transition(
            ctx, referral_id, step, reason="reden" if step in referrals.NEEDS_REASON else None
        )


def test_every_status_is_reachable_and_the_graph_is_closed():
    assert set(PATHS) == set(STATUSES) == set(TRANSITIONS)
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(STATUSES)
    assert {s for s, t in TRANSITIONS.items() if not t} == {
        "declined",
        "completed",
        "no_show",
        "cancelled",
    }


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_transition_is_allowed_exactly_when_legal(ctx, a_visit, debt_service, start, target):
    ref = referrals.propose(ctx, a_visit.id, debt_service)
    walk(ctx, ref.id, PATHS[start])
    assert referrals.get(ctx, ref.id).status == start
    events_before = len(referrals.events(ctx, ref.id))
    reason = "reden" if target in referrals.NEEDS_REASON else None
    if target in TRANSITIONS[start]:
        after = referrals.transition(ctx, ref.id, target, reason=reason, note="gebeld")
        assert after.status == target
        last = referrals.events(ctx, ref.id)[-1]
        assert (last.from_status, last.to_status) == (start, target)
        assert last.staff_id == ctx.user.id
    else:
        with pytest.raises(ConflictError) as caught:
            referrals.transition(ctx, ref.id, target, reason=reason)
        assert str(caught.value)
        assert referrals.get(ctx, ref.id).status == start
        assert len(referrals.events(ctx, ref.id)) == events_before


def test_decline_and_cancel_need_a_reason(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service)
    with pytest.raises(ValidationError):
        referrals.cancel(ctx, ref.id, "  ")
    referrals.mark_sent(ctx, ref.id)
    with pytest.raises(ValidationError):
        referrals.decline(ctx, ref.id, "")
    declined = referrals.decline(ctx, ref.id, "Wachtlijst vol")
    assert declined.reason == "Wachtlijst vol"
    assert referrals.events(ctx, ref.id)[-1].note == "Wachtlijst vol"


def test_history_records_each_step_in_order(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service, note="eerste contact")
    referrals.mark_sent(ctx, ref.id)
    referrals.accept(ctx, ref.id, note="intake gepland")
    referrals.complete(ctx, ref.id)
    history = [(e.from_status, e.to_status, e.note) for e in referrals.events(ctx, ref.id)]
    assert history == [
        (None, "proposed", "eerste contact"),
        ("proposed", "sent", ""),
        ("sent", "accepted", "intake gepland"),
        ("accepted", "completed", ""),
    ]
    actions = [
        r["action"]
        for r in ctx.db.all(
            "SELECT action FROM audit_log WHERE object_id = ? ORDER BY seq", (ref.id,)
        )
    ]
    assert actions == ["referral.create"] + ["referral.status"] * 3


def test_warm_handover_needs_consent_before_sent(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service, handover="warm")
    with pytest.raises(ConflictError):
        referrals.mark_sent(ctx, ref.id)
    referrals.record_consent(ctx, ref.id, Consent(share_name=True))
    assert referrals.mark_sent(ctx, ref.id).status == "sent"
    with pytest.raises(ConflictError):
        referrals.record_consent(ctx, ref.id, Consent(share_contact=True))


def test_refused_consent_makes_the_referral_cold(ctx, db, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service, handover="warm")
    made = referrals.record_consent(ctx, ref.id, Consent())  # agreed to share nothing
    assert made.handover == "cold" and made.consent == Consent() and made.consent.refused
    with pytest.raises(ConflictError):
        referrals.handover_note(ctx, ref.id)  # nothing goes to the partner
    # Made warm again by hand, it still cannot be sent on a refusal.
    referrals.set_handover(ctx, ref.id, "warm")
    with pytest.raises(ConflictError):
        referrals.mark_sent(ctx, ref.id)
    detail = db.scalar(
        "SELECT detail FROM audit_log WHERE action = 'referral.consent' AND object_id = ?",
        (ref.id,),
    )
    assert '"handover": "cold"' in detail


def test_consent_is_asked_while_the_referral_is_made(ctx, a_visit, debt_service):
    given = referrals.propose(
        ctx, a_visit.id, debt_service, handover="warm", consent=Consent(share_needs=True)
    )
    assert given.handover == "warm" and given.consent == Consent(share_needs=True)
    assert given.consent_at and given.consent_by == ctx.user.display_name
    assert referrals.consent_summary(given.consent) == _("consent given: {what}").format(
        what=_("what the visitor needs help with")
    )
    assert referrals.mark_sent(ctx, given.id).status == "sent"
    refused = referrals.propose(ctx, a_visit.id, debt_service, handover="warm", consent=Consent())
    assert refused.handover == "cold" and refused.consent.refused
    assert referrals.consent_summary(refused.consent) == _("consent refused")
    assert [r.consent for r in referrals.for_visit(ctx, a_visit.id)] == [
        Consent(share_needs=True),
        Consent(),
    ]
    plain = referrals.propose(ctx, a_visit.id, debt_service)
    assert plain.consent is None and referrals.consent_summary(plain.consent) == ""


def test_handover_note_lists_only_the_needs_the_partner_serves(ctx, db, debt_service):
    person = visitor(ctx)
    both = visit(ctx, person.id, needs=("debts", "health"))
    ref = referrals.propose(
        ctx, both.id, debt_service, handover="warm", consent=Consent(share_needs=True)
    )
    note = referrals.handover_note(ctx, ref.id)
    assert "Debts" in note or "Schulden" in note
    assert "Health" not in note and "Gezondheid" not in note


def test_cold_handover_needs_no_consent(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service, handover="cold")
    assert referrals.mark_sent(ctx, ref.id).status == "sent"


def test_consent_is_per_referral(ctx, a_visit, db, debt_service):
    other = service_id(db, "Wijkteam%Zwolle")
    first = referrals.propose(ctx, a_visit.id, debt_service, handover="warm")
    second = referrals.propose(ctx, a_visit.id, other, handover="warm")
    referrals.record_consent(ctx, first.id, Consent(share_needs=True))
    referrals.mark_sent(ctx, first.id)
    with pytest.raises(ConflictError):
        referrals.mark_sent(ctx, second.id)


def test_handover_note_holds_only_consented_fields(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service, handover="warm")
    referrals.record_consent(ctx, ref.id, Consent(share_name=True, share_needs=True))
    note = referrals.handover_note(ctx, ref.id)
    assert "Ayşe Yılmaz" in note
    assert "0612345678" not in note and "+31612345678" not in note
    assert "ayse@example.org" not in note
    assert "Belastingdienst" not in note
    referrals.record_consent(ctx, ref.id, Consent(share_contact=True, share_summary=True))
    note = referrals.handover_note(ctx, ref.id)
    assert "Ayşe" not in note
    assert "+31612345678" in note and "ayse@example.org" in note
    assert "Belastingdienst" in note


def test_handover_note_refused_for_cold_handover(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service)
    with pytest.raises(ConflictError):
        referrals.handover_note(ctx, ref.id)


def test_handover_changes_only_while_proposed(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service)
    assert referrals.set_handover(ctx, ref.id, "warm").handover == "warm"
    referrals.record_consent(ctx, ref.id, Consent(share_name=True))
    referrals.mark_sent(ctx, ref.id)
    with pytest.raises(ConflictError):
        referrals.set_handover(ctx, ref.id, "cold")


def test_escalation_only_for_multiple_problems_with_note(ctx, db):
    escalation = db.scalar("SELECT id FROM service WHERE is_escalation = 1")
    person = visitor(ctx)
    simple = visit(ctx, person.id, needs=("debts",))
    with pytest.raises(ConflictError):
        referrals.propose(ctx, simple.id, escalation, escalation_note="wijkteam geprobeerd")
    complex_ = visit(ctx, person.id, needs=("multiple_problems", "debts"))
    with pytest.raises(ValidationError) as caught:
        referrals.propose(ctx, complex_.id, escalation)
    assert "escalation_note" in caught.value.errors
    ref = referrals.propose(
        ctx, complex_.id, escalation, escalation_note="Wijkteam en regio liepen vast"
    )
    assert ref.escalation_note == "Wijkteam en regio liepen vast"


def test_follow_ups_due_per_staff_member_and_desk(db, debt_service):
    zwolle = context(db, "balie", username="zwolle1", desk_code="ZWL")
    colleague = context(db, "balie", username="zwolle2", desk_code="ZWL")
    amsterdam = context(db, "balie", username="ams1", desk_code="AMS")
    today = clock.today()
    past = (today - timedelta(days=2)).isoformat()
    mine = referrals.propose(
        zwolle, visit(zwolle, visitor(zwolle).id).id, debt_service, follow_up_date=past
    )
    theirs = referrals.propose(
        colleague,
        visit(colleague, visitor(colleague, v_number=None).id).id,
        debt_service,
        follow_up_date=past,
    )
    later = referrals.propose(
        zwolle,
        visit(zwolle, visitor(zwolle, v_number=None).id).id,
        debt_service,
        follow_up_date=(today + timedelta(days=5)).isoformat(),
    )
    elsewhere = referrals.propose(
        amsterdam, visit(amsterdam, visitor(amsterdam).id).id, debt_service, follow_up_date=past
    )
    ids = lambda items: {r.id for r in items}  # noqa: E731
    assert ids(referrals.followups_due(zwolle, staff_id=zwolle.user.id)) == {mine.id}
    assert ids(referrals.followups_due(zwolle, desk_id=zwolle.desk.id)) == {mine.id, theirs.id}
    assert referrals.followups_due_count(zwolle, desk_id=zwolle.desk.id) == 2
    assert elsewhere.id in ids(referrals.followups_due(zwolle))
    assert later.id in ids(referrals.followups_due(zwolle, on=today + timedelta(days=5)))
    referrals.cancel(zwolle, mine.id, "visitor moved")
    assert ids(referrals.followups_due(zwolle, staff_id=zwolle.user.id)) == set()
    with pytest.raises(ConflictError):
        referrals.set_follow_up(zwolle, mine.id, date.today())


def test_sending_sets_a_default_follow_up(ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service)
    assert ref.follow_up_date is None
    sent = referrals.mark_sent(ctx, ref.id)
    expected = clock.today() + timedelta(days=referrals.DEFAULT_FOLLOW_UP_DAYS)
    assert sent.follow_up_date == expected.isoformat()
    changed = referrals.set_follow_up(ctx, ref.id, "03-12-2030")
    assert changed.follow_up_date == "2030-12-03"


def test_visitor_plan_shows_open_referrals_across_visits(ctx, db, debt_service):
    person = visitor(ctx)
    first = visit(ctx, person.id, needs=("debts",))
    second = visit(ctx, person.id, needs=("housing",))
    housing = service_id(db, "Wijkteam%Zwolle")
    open_one = referrals.propose(ctx, first.id, debt_service)
    open_two = referrals.propose(ctx, second.id, housing)
    closed = referrals.propose(ctx, second.id, debt_service)
    referrals.cancel(ctx, closed.id, "dubbel")
    plan = referrals.visitor_plan(ctx, person.id)
    assert {r.id for r in plan} == {open_one.id, open_two.id}
    assert all(r.visitor_name == "Ayşe Yılmaz" for r in plan)
    assert {r.visit_id for r in referrals.for_visit(ctx, second.id)} == {second.id}


def test_writing_needs_a_signed_in_user(db, ctx, a_visit, debt_service):
    ref = referrals.propose(ctx, a_visit.id, debt_service)
    with pytest.raises(PermissionDenied):
        referrals.mark_sent(system_context(db), ref.id)
    with pytest.raises(PermissionDenied):
        referrals.propose(system_context(db), a_visit.id, debt_service)
    assert referrals.get(ctx, ref.id).status == "proposed"


def _location_in(db, service: str, city: str) -> str:
    return db.scalar(
        "SELECT l.id FROM service_at_location sal JOIN location l ON l.id = sal.location_id"
        " WHERE sal.service_id = ? AND l.city = ?",
        (service, city),
    )


def test_propose_picks_the_location_in_the_desks_city(db):
    legal_aid = service_id(db, "Gratis juridisch advies")  # four cities
    for code, city in (("AMS", "Amsterdam"), ("DBS", "'s-Hertogenbosch"), ("ZWL", "Zwolle")):
        desk_ctx = context(db, "balie", username=f"b-{code}", desk_code=code)
        a_visit = visit(desk_ctx, visitor(desk_ctx, v_number=None).id, needs=("legal",))
        ref = referrals.propose(desk_ctx, a_visit.id, legal_aid)
        stored = db.scalar("SELECT location_id FROM referral WHERE id = ?", (ref.id,))
        assert stored == _location_in(db, legal_aid, city)


def test_propose_takes_the_only_location_and_none_for_a_national_service(db, ctx, a_visit):
    one_place = service_id(db, "Schuldhulpverlening 's-Hertogenbosch")
    ref = referrals.propose(ctx, a_visit.id, one_place)
    stored = db.scalar("SELECT location_id FROM referral WHERE id = ?", (ref.id,))
    assert stored == _location_in(db, one_place, "'s-Hertogenbosch")
    national = service_id(db, "Advocaat via%")
    ref = referrals.propose(ctx, a_visit.id, national)
    assert db.scalar("SELECT location_id FROM referral WHERE id = ?", (ref.id,)) is None


def test_propose_refuses_a_location_of_another_service(db, ctx, a_visit, debt_service):
    amsterdam_office = _location_in(
        db, service_id(db, "Schuldhulpverlening Amsterdam"), "Amsterdam"
    )
    before = db.scalar("SELECT count(*) FROM referral")
    with pytest.raises(ValidationError) as caught:
        referrals.propose(ctx, a_visit.id, debt_service, location_id=amsterdam_office)
    assert "location_id" in caught.value.errors
    assert db.scalar("SELECT count(*) FROM referral") == before
    own = _location_in(db, debt_service, "Zwolle")
    ref = referrals.propose(ctx, a_visit.id, debt_service, location_id=own)
    assert db.scalar("SELECT location_id FROM referral WHERE id = ?", (ref.id,)) == own


def test_a_letter_for_a_referral_without_location_uses_the_desks_city(db):
    from loket.letters.data import gather

    amsterdam = context(db, "balie", username="b-ams", desk_code="AMS")
    a_visit = visit(amsterdam, visitor(amsterdam, v_number=None).id, needs=("legal",))
    legal_aid = service_id(db, "Gratis juridisch advies")
    ref = referrals.propose(amsterdam, a_visit.id, legal_aid)
    # As older or imported referrals may have it: no location recorded.
    db.execute("UPDATE referral SET location_id = NULL WHERE id = ?", (ref.id,))
    (partner,) = gather(db, a_visit.id, letter_date=date(2026, 1, 5)).partners
    assert partner.address_lines == ["Amsterdam"]


def test_demo_referrals_name_the_location_in_the_desks_city(tmp_path):
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.demo import generate as demo

    demo_db = Database(tmp_path / "demo.sqlite")
    migrate(demo_db)
    demo.generate(demo_db, visitors=60, seed=3)
    rows = demo_db.all(
        "SELECT r.location_id, l.city AS location_city, d.city AS desk_city,"
        " (SELECT count(*) FROM service_at_location sal JOIN location x ON x.id = sal.location_id"
        "   WHERE sal.service_id = r.service_id AND x.city = d.city) AS local"
        " FROM referral r JOIN visit v ON v.id = r.visit_id JOIN desk d ON d.id = v.desk_id"
        " LEFT JOIN location l ON l.id = r.location_id"
    )
    assert rows and any(r["location_id"] for r in rows)
    for r in rows:
        if r["local"]:
            assert r["location_city"] == r["desk_city"]
        else:
            assert r["location_id"] is None
    demo_db.close()


def test_handover_note_names_the_needs_in_the_ui_language(ctx, debt_service):
    from loket import i18n

    person = visitor(ctx)
    both = visit(ctx, person.id, needs=("debts", "health"))
    ref = referrals.propose(
        ctx, both.id, debt_service, handover="warm", consent=Consent(share_needs=True)
    )
    before = i18n.language()
    try:
        i18n.set_language("ar")
        note = referrals.handover_note(ctx, ref.id)
        assert _("Debts or money") in note and _("Debts or money") != "Debts or money"
        assert "Debts or money" not in note and _("Health") not in note
    finally:
        i18n.set_language(before)
