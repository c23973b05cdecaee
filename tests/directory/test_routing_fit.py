"""Routing that fits the visitor: where they can go, needs together, access, outcomes, reasons."""

from __future__ import annotations

import json

from loket import i18n
from loket.db import referrals as ref_repo
from loket.directory import browse as directory
from loket.directory import locality, routing
from loket.i18n import _, ngettext
from loket.paths import resources_dir
from loket.referrals import lifecycle as referrals
from tests.directory.test_routing import by_id, place, position, service
from tests.helpers import context, visit, visitor

TAALHUIZEN = (
    "Taalhuis Amsterdam",
    "Taalhuis Den Haag",
    "Taalhuis 's-Hertogenbosch",
    "Taalhuis Zwolle",
)


def names(suggestions) -> list[str]:
    return [s.service_name for s in suggestions]


def test_den_bosch_visitor_with_a_language_barrier_gets_den_boschs_taalhuis_and_no_other(db):
    desk = context(db, "balie", username="dbs", desk_code="DBS")
    person = visitor(desk, preferred_language="ar", v_number=None)
    a_visit = visit(desk, person.id, needs=("language_barrier",))
    ranked = routing.suggest(desk, a_visit.id, limit=None)
    assert ranked[0].service_name == "Taalhuis 's-Hertogenbosch"
    assert [n for n in names(ranked) if n in TAALHUIZEN] == ["Taalhuis 's-Hertogenbosch"]
    assert not any(s.other_municipality for s in ranked)
    # VluchtelingenWerk is a national organisation with an office here, and says so.
    vwn = next(s for s in ranked if s.organization_name == "VluchtelingenWerk Nederland")
    assert _("national, office in {city}").format(city="'s-Hertogenbosch") in vwn.reasons
    assert vwn.city == "'s-Hertogenbosch"


def test_other_matches_nothing_by_itself(ctx):
    assert routing.rank(ctx, ["other"], city="Zwolle") == []
    ranked = routing.rank(ctx, ["other", "debts"], city="Zwolle")
    assert ranked and all(s.needs and "other" not in s.needs for s in ranked)
    assert "Begeleiding bij terugkeer en vertrek" not in names(ranked)  # DT&V: only "other"


def test_every_need_is_covered_before_a_need_gets_a_second_partner(ctx):
    needs = ["debts", "health", "digital_skills", "low_literacy", "legal"]
    ranked = routing.rank(ctx, needs, city="Zwolle", limit=10)
    covered: set[str] = set()
    for s in ranked:
        if covered >= set(needs):
            break
        assert set(s.needs) - covered, f"{s.service_name} repeats {s.needs} before all are covered"
        covered |= set(s.needs)
    assert covered >= set(needs)


def test_a_service_covering_more_needs_of_the_visit_comes_first(editor, ctx):
    both = service(editor, "Geld en wonen", "Zwolle", needs=("debts", "housing"))
    ranked = routing.rank(ctx, ["debts", "housing"], city="Zwolle")
    assert ranked[0].service_id == both
    label = "schulden of geld" if i18n.language() == "nl" else "debts or money"
    housing = "wonen" if i18n.language() == "nl" else "housing"
    joined = _("{first} and {last}").format(first=label, last=housing)
    assert ranked[0].reasons[0] == _("helps with {need}").format(need=joined)


def test_accessibility_counts_for_a_visit_with_health_needs(editor, ctx):
    org = directory.save_organisation(editor, name="Stichting Zorg Toegankelijk")
    ramp = directory.save_location(
        editor,
        organization_id=org,
        city="Zwolle",
        name="Zorgpunt",
        accessibility="Rolstoeltoegankelijk, lift",
    )
    accessible = directory.save_service(
        editor,
        directory.ServiceEdit(
            organization_id=org,
            name="Zorg met lift",
            needs=["health"],
            assured_date="2099-01-01",
            location_ids=[ramp],
        ),
    )
    plain = service(editor, "Zorg zonder notitie", "Zwolle", needs=("health",))
    ranked = routing.rank(ctx, ["health"], city="Zwolle")
    access = _("access: {note}").format(note="Rolstoeltoegankelijk, lift")
    assert access in by_id(ranked)[accessible].reasons
    assert position(ranked, accessible) < position(ranked, plain)
    assert ranked[0].service_id == accessible


def _outcomes(ctx, service_id: str, location_id: str | None, statuses: list[str]) -> None:
    person = visitor(ctx, v_number=None)
    a_visit = visit(ctx, person.id, needs=("legal",))
    for status in statuses:
        ref = referrals.propose(ctx, a_visit.id, service_id, location_id=location_id)
        referrals.mark_sent(ctx, ref.id)
        if status == "completed":
            referrals.accept(ctx, ref.id)
            referrals.complete(ctx, ref.id)
        else:
            referrals.no_show(ctx, ref.id)


def test_outcomes_are_counted_near_the_visitor_and_national_figures_say_so(editor, db):
    org = directory.save_organisation(editor, name="Landelijk Rechtshulpnet")
    offices = [place(editor, c) for c in ("Zwolle", "Amsterdam", "Den Haag")]
    network = directory.save_service(
        editor,
        directory.ServiceEdit(
            organization_id=org,
            name="Rechtshulp overal",
            needs=["legal"],
            assured_date="2099-01-01",
            location_ids=offices,
        ),
    )
    zwolle = context(db, "balie", username="zw2", desk_code="ZWL")
    _outcomes(zwolle, network, offices[0], ["completed"] * 4 + ["no_show"] * 2)
    here = by_id(routing.rank(zwolle, ["legal"], city="Zwolle"))[network]
    local = ngettext(
        "{completed} of {total} referral in {city} completed",
        "{completed} of {total} referrals in {city} completed",
        6,
    ).format(completed=4, total=6, city="Zwolle")
    assert local in here.reasons
    # At the Den Bosch desk the only figures are other offices': national, and labelled so.
    there = by_id(routing.rank(zwolle, ["legal"], city="'s-Hertogenbosch"))[network]
    national = ngettext(
        "nationally {completed} of {total} referral completed",
        "nationally {completed} of {total} referrals completed",
        6,
    ).format(completed=4, total=6)
    assert national in there.reasons and local not in there.reasons
    assert there.city is None


def test_the_outcome_tally_follows_every_change_of_the_referral_table(editor, db, ctx):
    target = service(editor, "Geldhulp Telling", "Zwolle")
    location = by_id(routing.rank(ctx, ["debts"], city="Zwolle"))[target].location_id
    _outcomes(ctx, target, location, ["completed", "completed", "no_show"])
    person = visitor(ctx, v_number=None)
    open_ref = referrals.propose(ctx, visit(ctx, person.id).id, target, location_id=location)

    def direct() -> dict:
        rows = db.all(
            "SELECT service_id, COALESCE(location_id, '') AS loc, sum(status = 'completed') AS c,"
            " count(*) AS t FROM referral WHERE status IN ('completed', 'declined', 'no_show')"
            " GROUP BY 1, 2"
        )
        return {(r["service_id"], r["loc"]): (r["c"], r["t"]) for r in rows}

    ids = [target]
    assert ref_repo.outcome_tally(db, ids) == {k: v for k, v in direct().items() if k[0] == target}
    assert ref_repo.outcome_tally(db, ids)[(target, location)] == (2, 3)
    referrals.mark_sent(ctx, open_ref.id)
    referrals.decline(ctx, open_ref.id, "vol")
    assert ref_repo.outcome_tally(db, ids)[(target, location)] == (2, 4)
    db.execute("DELETE FROM referral_event WHERE referral_id = ?", (open_ref.id,))
    db.execute("DELETE FROM referral WHERE id = ?", (open_ref.id,))
    assert ref_repo.outcome_tally(db, ids)[(target, location)] == (2, 3)


def test_at_most_three_reasons_in_the_ui_language(editor, ctx):
    org = directory.save_organisation(editor, name="Gemeente Kampen")
    kampen = directory.save_service(
        editor,
        directory.ServiceEdit(
            organization_id=org,
            name="Schulden Kampen",
            needs=["debts"],
            languages=["nl", "ar"],
            warm_handover=True,
            assured_date="2099-01-01",
            location_ids=[place(editor, "Kampen")],
        ),
    )
    ctx.db.execute("UPDATE service SET status = 'inactive' WHERE id <> ?", (kampen,))
    before = i18n.language()
    try:
        i18n.set_language("nl")
        shown = routing.rank(ctx, ["debts"], city="Zwolle", language="ar")[0]
        assert shown.reasons == [
            "alleen in Kampen",
            "helpt bij schulden of geld",
            "spreekt Arabisch",
        ]
        i18n.set_language("ar")
        shown = routing.rank(ctx, ["debts"], city="Zwolle", language="ar")[0]
        assert len(shown.reasons) == 3 and shown.reasons[0] == "فقط في Kampen"
    finally:
        i18n.set_language(before)
    everything = routing.rank(ctx, ["debts"], city="Kampen", language="ar")[0]
    assert len(everything.reasons) == routing.MAX_REASONS


def test_the_region_table_covers_every_desk_and_names_its_source(db):
    table = json.loads((resources_dir() / "seed" / "regions.json").read_text(encoding="utf-8"))
    assert table["source"].strip()
    desks = {r["city"] for r in db.all("SELECT city FROM desk")}
    for city in desks:
        assert locality.fold(city) in locality.region_of(city)
        assert len(locality.region_of(city)) > 1, city
    assert locality.fold("Den Bosch") == locality.fold("'s-Hertogenbosch")
    assert locality.fold("vught") in locality.region_of("'s-Hertogenbosch")
    assert locality.fold("Kampen") not in locality.region_of("Amsterdam")
