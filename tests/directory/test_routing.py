"""Routing: ranking, its explanations, language over distance, outcome history, escalation."""

from __future__ import annotations

from loket import i18n
from loket.directory import browse as directory
from loket.directory import routing
from loket.i18n import _, ngettext
from loket.referrals import lifecycle as referrals
from tests.helpers import context, visit, visitor


def place(editor, city: str) -> str:
    return directory.save_location(editor, organization_id=None, city=city, name=f"Kantoor {city}")


def service(
    editor,
    name: str,
    city: str | None,
    *,
    needs=("debts",),
    languages=("nl",),
    warm=False,
    checked: str | None = "2099-01-01",
) -> str:
    org = directory.save_organisation(editor, name=f"Stichting {name}")
    return directory.save_service(
        editor,
        directory.ServiceEdit(
            organization_id=org,
            name=name,
            needs=list(needs),
            languages=list(languages),
            location_ids=[place(editor, city)] if city else [],
            warm_handover=warm,
            assured_date=checked,
        ),
    )


def by_id(suggestions) -> dict[str, routing.Suggestion]:
    return {s.service_id: s for s in suggestions}


def position(suggestions, service_id: str) -> int:
    return [s.service_id for s in suggestions].index(service_id)


def test_language_match_beats_a_nearer_partner_within_reach(editor, ctx):
    near = service(editor, "Geldhulp Zwolle", "Zwolle")
    regional = service(editor, "Geldhulp Arabisch", "Kampen", languages=("nl", "ar"))
    far = service(editor, "Geldhulp Arabisch Amsterdam", "Amsterdam", languages=("nl", "ar"))
    ranked = routing.rank(ctx, ["debts"], city="Zwolle", language="ar")
    assert position(ranked, regional) < position(ranked, near)
    # Zwolle has a service for debts: another city's local service is not offered at all.
    assert far not in by_id(ranked)
    regional_s, near_s = by_id(ranked)[regional], by_id(ranked)[near]
    label = "schulden of geld" if i18n.language() == "nl" else "debts or money"
    helps = _("helps with {need}").format(need=label)
    assert regional_s.reasons == [
        helps,
        _("speaks {language}").format(language=routing.language_name("ar")),
        _("in the region: {city}").format(city="Kampen"),
    ]
    assert near_s.reasons[:2] == [helps, _("in {city}").format(city="Zwolle")]
    assert regional_s.speaks_language and not near_s.speaks_language
    assert regional_s.explanation == routing.SEPARATOR.join(regional_s.reasons)
    # Without the language, the nearer one wins.
    ranked = routing.rank(ctx, ["debts"], city="Zwolle", language="nl")
    assert position(ranked, near) < position(ranked, regional)


def test_more_needs_met_ranks_higher_and_unrelated_services_are_left_out(editor, ctx):
    one = service(editor, "Alleen schulden", "Zwolle", needs=("debts",))
    two = service(editor, "Schulden en wonen", "Zwolle", needs=("debts", "housing"))
    other = service(editor, "Alleen gezondheid", "Zwolle", needs=("health",))
    ranked = routing.rank(ctx, ["debts", "housing"], city="Zwolle")
    assert position(ranked, two) < position(ranked, one)
    assert other not in by_id(ranked)
    assert by_id(ranked)[two].needs == ["debts", "housing"]


def _referral_outcomes(ctx, service_id: str, outcomes: list[str]) -> None:
    person = visitor(ctx, v_number=None)
    a_visit = visit(ctx, person.id, needs=("debts",))
    for outcome in outcomes:
        ref = referrals.propose(ctx, a_visit.id, service_id)
        referrals.mark_sent(ctx, ref.id)
        if outcome == "completed":
            referrals.accept(ctx, ref.id)
            referrals.complete(ctx, ref.id)
        elif outcome == "declined":
            referrals.decline(ctx, ref.id, "vol")
        else:
            referrals.no_show(ctx, ref.id)


def test_outcome_history_weighs_in_once_there_is_enough(editor, ctx):
    good = service(editor, "Geldhulp Goed", "Zwolle")
    poor = service(editor, "Geldhulp Matig", "Zwolle")
    _referral_outcomes(ctx, good, ["completed"] * 4)
    _referral_outcomes(ctx, poor, ["no_show", "declined", "no_show", "completed"])
    ranked = by_id(routing.rank(ctx, ["debts"], city="Zwolle"))
    # Four referrals each: not enough history yet, so the two are still equal.
    assert ranked[good].score == ranked[poor].score
    assert not any("4" in reason for reason in ranked[good].reasons)
    _referral_outcomes(ctx, good, ["completed"])
    _referral_outcomes(ctx, poor, ["declined"])
    ranked_list = routing.rank(ctx, ["debts"], city="Zwolle")
    ranked = by_id(ranked_list)
    assert ranked[good].score > ranked[poor].score
    assert position(ranked_list, good) < position(ranked_list, poor)
    done = ngettext(
        "{completed} of {total} referral in {city} completed",
        "{completed} of {total} referrals in {city} completed",
        5,
    )
    assert done.format(completed=5, total=5, city="Zwolle") in ranked[good].reasons
    assert done.format(completed=1, total=5, city="Zwolle") in ranked[poor].reasons


def test_stale_data_is_said_only_where_it_is_unusual(db, editor, ctx):
    fresh = service(editor, "Vers gecontroleerd", "Zwolle")
    old = service(editor, "Lang niet gecontroleerd", "Zwolle", checked="2001-01-01")
    # The seed directory was never checked: staleness is on nearly every row, so not said.
    ranked = by_id(routing.rank(ctx, ["debts"], city="Zwolle"))
    assert ranked[old].stale and not ranked[fresh].stale
    said = _("data not checked for a year")
    assert all(said not in s.reasons for s in ranked.values())
    assert ranked[fresh].score == ranked[old].score
    # Once the directory is checked, the one left unchecked is unusual: said, and it counts.
    db.execute("UPDATE service SET assured_date = '2099-01-01' WHERE id <> ?", (old,))
    ranked = by_id(routing.rank(ctx, ["debts"], city="Zwolle"))
    assert said in ranked[old].reasons
    assert said not in ranked[fresh].reasons
    assert ranked[fresh].score > ranked[old].score


def test_escalation_only_for_multiple_problems_and_after_local_help(db, ctx):
    escalation = db.scalar("SELECT id FROM service WHERE is_escalation = 1")
    person = visitor(ctx)
    simple = visit(ctx, person.id, needs=("debts",))
    assert escalation not in by_id(routing.suggest(ctx, simple.id, limit=None))
    complex_ = visit(ctx, person.id, needs=("multiple_problems",))
    ranked = routing.suggest(ctx, complex_.id, limit=None)
    assert escalation in by_id(ranked)
    esc = by_id(ranked)[escalation]
    assert esc.is_escalation
    assert _("national escalation: only after local escalation was tried") in esc.reasons
    local_team = db.scalar("SELECT id FROM service WHERE name = 'Wijkteam / sociaal team Zwolle'")
    assert position(ranked, local_team) < position(ranked, escalation)


def test_suggest_uses_desk_city_and_visitor_language(editor, db):
    arabic_in_amsterdam = service(editor, "Schuldenhulp Arabisch", "Amsterdam", languages=("ar",))
    zwolle_desk = context(db, "balie", username="zwl", desk_code="ZWL")
    person = visitor(zwolle_desk, preferred_language="ar")
    a_visit = visit(zwolle_desk, person.id, needs=("debts",))
    ranked = routing.suggest(zwolle_desk, a_visit.id, limit=3)
    seeded_zwolle = db.scalar("SELECT id FROM service WHERE name = 'Schuldhulpverlening Zwolle'")
    assert ranked[0].service_id == seeded_zwolle
    assert arabic_in_amsterdam not in by_id(routing.suggest(zwolle_desk, a_visit.id, limit=None))
    # A visitor who lives in Amsterdam (their address) is sent to Amsterdam's services, in
    # Arabic first, not to Zwolle's municipal one, which serves Zwolle's residents.
    resident = visitor(zwolle_desk, preferred_language="ar", city="Amsterdam")
    their_visit = visit(zwolle_desk, resident.id, needs=("debts",))
    ranked = routing.suggest(zwolle_desk, their_visit.id, limit=None)
    assert ranked[0].service_id == arabic_in_amsterdam
    assert by_id(ranked)[arabic_in_amsterdam].city == "Amsterdam"
    assert seeded_zwolle not in by_id(ranked)


def test_interpreter_arrangement_counts_less_than_speaking_the_language(editor, ctx):
    speaks = service(editor, "Spreekt Tigrinya", "Zwolle", languages=("ti",))
    org = directory.save_organisation(editor, name="Stichting Tolk")
    interpreted = directory.save_service(
        editor,
        directory.ServiceEdit(
            organization_id=org,
            name="Met tolk",
            needs=["debts"],
            languages=["nl"],
            interpretation_services="Tolkentelefoon",
            assured_date="2099-01-01",
            location_ids=[place(editor, "Zwolle")],
        ),
    )
    plain = service(editor, "Alleen Nederlands", "Zwolle")
    ranked = routing.rank(ctx, ["debts"], city="Zwolle", language="ti")
    assert position(ranked, speaks) < position(ranked, interpreted) < position(ranked, plain)
    assert _("works with an interpreter") in by_id(ranked)[interpreted].reasons


def test_other_municipalities_services_are_left_out_when_the_desk_city_has_one(db):
    amsterdam = context(db, "balie", username="ams", desk_code="AMS")
    seeded = {
        name: db.scalar("SELECT id FROM service WHERE name = ?", (name,))
        for name in ("Schuldhulpverlening Amsterdam", "Schuldhulpverlening Zwolle")
    }
    ams, zwl = seeded["Schuldhulpverlening Amsterdam"], seeded["Schuldhulpverlening Zwolle"]
    # A perfect record for Zwolle's service must not bring it back for an Amsterdam visit.
    _referral_outcomes(context(db, "balie", username="zw"), zwl, ["completed"] * 6)
    person = visitor(amsterdam, v_number=None)
    a_visit = visit(amsterdam, person.id, needs=("debts",))
    ranked = routing.suggest(amsterdam, a_visit.id, limit=None)
    assert ams in by_id(ranked)
    cities = {s.city for s in ranked if s.other_municipality}
    assert zwl not in by_id(ranked) and not cities
    municipal_elsewhere = [
        s for s in ranked if s.organization_name.startswith("Gemeente") and s.city != "Amsterdam"
    ]
    assert municipal_elsewhere == []
    # National services stay.
    legal_aid = db.scalar("SELECT id FROM service WHERE name LIKE 'Advocaat via%'")
    assert legal_aid in by_id(routing.rank(amsterdam, ["legal"], city="Amsterdam"))


def test_another_municipality_appears_only_without_a_local_one_and_says_so(editor, ctx):
    org = directory.save_organisation(editor, name="Gemeente Kampen")
    kampen = directory.save_service(
        editor,
        directory.ServiceEdit(
            organization_id=org,
            name="Inburgering Kampen",
            needs=["language_barrier"],
            assured_date="2099-01-01",
            location_ids=[place(editor, "Kampen")],
        ),
    )
    # Zwolle has a Taalhuis for language barriers: Kampen's municipal service stays out.
    assert kampen not in by_id(routing.rank(ctx, ["language_barrier"], city="Zwolle"))
    # Where nothing nearer helps, it appears, and says plainly where it is.
    db = ctx.db
    db.execute("UPDATE service SET status = 'inactive' WHERE id <> ?", (kampen,))
    shown = by_id(routing.rank(ctx, ["language_barrier"], city="Utrecht"))[kampen]
    assert shown.other_municipality
    assert shown.reasons[0] == _("only in {city}").format(city="Kampen")
    # Not a municipality: a service in another city is not left out.
    private = service(editor, "Taalcafé Kampen", "Kampen", needs=("language_barrier",))
    db.execute("UPDATE service SET status = 'active'")
    kept = by_id(routing.rank(ctx, ["language_barrier"], city="Zwolle"))[private]
    assert not kept.other_municipality
    assert _("in the region: {city}").format(city="Kampen") in kept.reasons


def test_the_reasons_name_the_needs_in_the_ui_language(editor, ctx):
    # An Arabic screen read "يساعد في low literacy": the need in English inside Arabic.
    helper = service(editor, "Geldhulp Zwolle", "Zwolle", needs=("debts", "housing"))
    before = i18n.language()
    try:
        i18n.set_language("ar")
        reasons = by_id(routing.rank(ctx, ["debts", "housing"], city="Zwolle"))[helper].reasons
        joined = _("{first} and {last}").format(first=_("Debts or money"), last=_("Housing"))
        assert reasons[0] == _("helps with {need}").format(need=joined)
        assert "Debts" not in reasons[0] and "الديون" in reasons[0]
    finally:
        i18n.set_language(before)
