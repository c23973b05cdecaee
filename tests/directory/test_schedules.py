"""Opening hours and the other service fields the editor changes: stored, refused, exported."""

from __future__ import annotations

import dataclasses

import pytest

from loket import i18n
from loket.db import directory as repo
from loket.directory import browse as directory
from loket.directory import schedule as directory_schedule
from loket.directory.browse import ScheduleEdit, ServiceEdit
from loket.directory.transfer import export_dir, import_path
from loket.errors import ValidationError
from tests.directory.test_hsds_io import empty_db, files_of, read_rows, snapshot  # noqa: F401
from tests.helpers import context, insert_row


@pytest.fixture(autouse=True)
def english():
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def sid(db):
    return db.scalar("SELECT id FROM service WHERE name = 'Taalhuis Zwolle'")


def own_schedule_rows(db, sid):
    return [
        (r["freq"], r["byday"], r["opens_at"], r["closes_at"], r["description"])
        for r in directory_schedule.own_rows(db, sid)
    ]


WEEK = [
    ScheduleEdit(["MO", "TU", "TH"], "9:00", "12.30"),
    ScheduleEdit(["TH"], "13:00", "17:00", "alleen op afspraak"),
]


def test_every_field_and_the_hours_round_trip(editor, db, sid):
    edit = directory.service_edit(editor, sid)
    assert edit.schedules == []
    changed = dataclasses.replace(
        edit,
        url="https://example.org/taal",
        email="taal@example.org",
        status="temporarily closed",
        interpretation_services="Tolk via de telefoon",
        application_process="Binnenlopen tijdens de openingstijden",
        fees_description="Gratis",
        eligibility_description="Iedereen vanaf 16 jaar",
        required_documents=["Identiteitsbewijs", "Brief van de gemeente"],
        is_escalation=True,
        to_verify=False,
        schedules=WEEK,
    )
    directory.save_service(editor, changed)
    again = directory.service_edit(editor, sid)
    assert again.url == "https://example.org/taal"
    assert again.email == "taal@example.org"
    assert again.status == "temporarily closed"
    assert again.interpretation_services == "Tolk via de telefoon"
    assert again.application_process == "Binnenlopen tijdens de openingstijden"
    assert again.fees_description == "Gratis"
    assert again.eligibility_description == "Iedereen vanaf 16 jaar"
    assert sorted(again.required_documents) == ["Brief van de gemeente", "Identiteitsbewijs"]
    assert again.is_escalation and not again.to_verify
    assert [(s.days, s.opens_at, s.closes_at, s.description) for s in again.schedules] == [
        (["MO", "TU", "TH"], "09:00", "12:30", ""),
        (["TH"], "13:00", "17:00", "alleen op afspraak"),
    ]
    assert sorted(own_schedule_rows(db, sid)) == [
        ("WEEKLY", "MO,TU,TH", "09:00", "12:30", None),
        ("WEEKLY", "TH", "13:00", "17:00", "alleen op afspraak"),
    ]
    detail = directory.get_service(editor, sid)
    assert [(s.byday, s.opens_at, s.closes_at) for s in detail.schedules] == [
        ("MO,TU,TH", "09:00", "12:30"),
        ("TH", "13:00", "17:00"),
    ]
    # Saving what the editor read changes nothing, not even a timestamp.
    before = snapshot(db)
    directory.save_service(editor, again)
    assert snapshot(db) == before
    # One row changed in place (same id), one removed.
    first = dataclasses.replace(again.schedules[0], closes_at="13:00")
    directory.save_service(editor, dataclasses.replace(again, schedules=[first]))
    rows = directory_schedule.own_rows(db, sid)
    assert [(r["id"], r["closes_at"]) for r in rows] == [(first.id, "13:00")]


def test_hours_tied_to_a_location_are_left_alone(editor, db, sid):
    loc = directory.service_edit(editor, sid).location_ids[0]
    repo.upsert(
        db,
        "schedule",
        {"id": "loc-hours", "service_id": sid, "location_id": loc, "byday": "FR"}
        | {"opens_at": "10:00", "closes_at": "11:00", "freq": "WEEKLY"},
    )
    edit = directory.service_edit(editor, sid)
    assert edit.schedules == []  # not the service's own
    directory.save_service(editor, dataclasses.replace(edit, schedules=WEEK[:1]))
    assert repo.get(db, "schedule", "loc-hours") is not None
    directory.save_service(editor, dataclasses.replace(edit, schedules=[]))
    assert repo.get(db, "schedule", "loc-hours") is not None
    assert own_schedule_rows(db, sid) == []
    detail = directory.get_service(editor, sid)
    assert [(s.id, s.at_location) for s in detail.schedules] == [("loc-hours", True)]


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        ([ScheduleEdit(["XX"], "09:00", "17:00")], "days", "row 1: “XX” is not a day"),
        ([ScheduleEdit([], "09:00", "17:00")], "days", "row 1: fill in one or more days"),
        (
            [ScheduleEdit(["MO"], "09:00", "12:00"), ScheduleEdit(["TU"], "9u", "17:00")],
            "opens_at",
            "row 2: write the opening time as hours:minutes",
        ),
        ([ScheduleEdit(["MO"], "09:00", "25:00")], "closes_at", "row 1: write the closing time"),
        ([ScheduleEdit(["MO"], "24:00", "24:00")], "opens_at", "row 1: write the opening time"),
        ([ScheduleEdit(["MO"], "09:00", "24:30")], "closes_at", "row 1: write the closing time"),
        (
            [ScheduleEdit(["MO"], "13:00", "09:00")],
            "closes_at",
            "row 1: the closing time must be after the opening time",
        ),
        (
            [ScheduleEdit(["MO"], "09:00", "09:00")],
            "closes_at",
            "row 1: the closing time must be after the opening time",
        ),
        (
            [ScheduleEdit(["MO", "WE"], "09:00", "12:00"), ScheduleEdit(["WE"], "11:30", "14:00")],
            "opens_at",
            "rows 1 and 2 overlap on Wednesday",
        ),
        (
            [
                ScheduleEdit(["FR"], "08:00", "18:00"),
                ScheduleEdit(["FR"], "09:00", "10:00"),
                ScheduleEdit(["FR"], "12:00", "13:00"),
            ],
            "opens_at",
            "rows 1 and 3 overlap on Friday",
        ),
        (
            [ScheduleEdit(["SA"], "10:00", "12:00", "x" * 201)],
            "description",
            "row 1: The text is too long",
        ),
    ],
)
def test_wrong_hours_are_refused_and_change_nothing(editor, db, sid, rows, field, message):
    directory.save_service(
        editor, dataclasses.replace(directory.service_edit(editor, sid), schedules=WEEK)
    )
    before = snapshot(db)
    edit = dataclasses.replace(directory.service_edit(editor, sid), schedules=rows, name="Nieuw")
    with pytest.raises(ValidationError) as caught:
        directory.save_service(editor, edit)
    assert message in caught.value.errors["schedules"]
    assert snapshot(db) == before
    _clean, found = directory_schedule.problems(rows)
    assert field in {p.field for p in found}
    assert all(p.message.startswith("Opening hours, row") for p in found)


def test_touching_hours_and_blank_rows_are_fine(editor, db, sid):
    rows = [
        ScheduleEdit(["MO"], "09:00", "12:00"),
        ScheduleEdit([], "", "", ""),  # an empty line the editor left
        ScheduleEdit(["mo"], "12:00", "16:00"),
    ]
    directory.save_service(
        editor, dataclasses.replace(directory.service_edit(editor, sid), schedules=rows)
    )
    assert sorted(own_schedule_rows(db, sid)) == [
        ("WEEKLY", "MO", "09:00", "12:00", None),
        ("WEEKLY", "MO", "12:00", "16:00", None),
    ]


def test_a_new_service_with_hours(editor, db):
    org = db.scalar("SELECT id FROM organisation WHERE name = 'Gemeente Zwolle'")
    edit = ServiceEdit(organization_id=org, name="Voedselbank-loket", schedules=WEEK[:1])
    sid = directory.create_service(editor, edit, city="Zwolle")
    assert own_schedule_rows(db, sid) == [("WEEKLY", "MO,TU,TH", "09:00", "12:30", None)]
    bad = ServiceEdit(
        organization_id=org, name="Nog een", schedules=[ScheduleEdit(["MO"], "10", "9")]
    )
    before = snapshot(db)
    with pytest.raises(ValidationError):
        directory.create_service(editor, bad, city="Kampen")
    assert snapshot(db) == before  # not even the new location


def test_days_typed_in_the_ui_language():
    i18n.set_language("nl")
    assert directory_schedule.parse_days("ma-vr") == ["MO", "TU", "WE", "TH", "FR"]
    assert directory_schedule.parse_days("ma t/m wo, za") == ["MO", "TU", "WE", "SA"]
    assert directory_schedule.parse_days("Dinsdag donderdag") == ["TU", "TH"]
    assert directory_schedule.parse_days("ma, xy") == ["MO", "xy"]
    assert directory_schedule.parse_days("za-ma") == ["SA", "SU", "MO"]
    assert directory_schedule.parse_days("di - di") == ["TU"]
    assert directory_schedule.format_days(["MO", "TU", "WE", "FR"]) == "ma–wo, vr"
    assert directory_schedule.format_days("SA,SU") == "za, zo"
    i18n.set_language("en")
    assert directory_schedule.parse_days("MO-WE") == ["MO", "TU", "WE"]
    assert directory_schedule.format_days(["MO", "TU", "WE"]) == "Mon–Wed"


def test_hours_survive_an_hsds_export_and_import(editor, db, sid, empty_db, tmp_path):  # noqa: F811
    directory.save_service(
        editor, dataclasses.replace(directory.service_edit(editor, sid), schedules=WEEK)
    )
    first = tmp_path / "first"
    export_dir(editor, first)
    rows = read_rows(first / "schedules.csv")
    header = rows[0]
    exported = sorted(
        tuple(r[header.index(c)] for c in ("service_id", "freq", "byday", "opens_at", "closes_at"))
        for r in rows[1:]
    )
    assert exported == [
        (sid, "WEEKLY", "MO,TU,TH", "09:00", "12:30"),
        (sid, "WEEKLY", "TH", "13:00", "17:00"),
    ]
    other = context(empty_db, "beheerder")
    import_path(other, first)
    again = tmp_path / "again"
    export_dir(other, again)
    assert files_of(again) == files_of(first)
    assert (
        directory.service_edit(other, sid).schedules
        == directory.service_edit(editor, sid).schedules
    )


def test_the_letter_prints_the_hours_and_documents_as_edited(editor, db, sid):
    from datetime import date

    from loket.letters.data import gather
    from loket.referrals import lifecycle as referrals
    from tests.helpers import visit, visitor

    edit = directory.service_edit(editor, sid)
    directory.save_service(
        editor,
        dataclasses.replace(
            edit, schedules=WEEK, required_documents=["Identiteitsbewijs"], needs=["low_literacy"]
        ),
    )
    desk = context(db, "balie")
    person = visitor(desk)
    seen = visit(desk, person.id, needs=("low_literacy",))
    referrals.propose(desk, seen.id, sid)
    (partner,) = gather(db, seen.id, letter_date=date(2026, 11, 28)).partners
    assert [(s.byday, s.opens_at, s.closes_at, s.note) for s in partner.schedules] == [
        ("MO,TU,TH", "09:00", "12:30", ""),
        ("TH", "13:00", "17:00", "alleen op afspraak"),
    ]
    assert partner.documents == ["Identiteitsbewijs"]
    # The note is printed with its hours, in the Dutch and in the visitor's version.
    from loket.letters import catalogue, service, templates

    def facts(blocks):
        for b in blocks:
            yield from facts(b.children)
            if b.kind == "fact":
                yield b.text

    data = gather(db, seen.id, letter_date=date(2026, 11, 28))
    for lang in ("nl", "ar"):
        blocks = templates.section_blocks(
            service.get_template("verwijzing"),
            data,
            catalogue.load(lang),
            display_lang=lang,
            bilingual=True,
        )
        hours = next(text for text in facts(blocks) if "13:00" in text or "13.00" in text)
        assert "17:00" in hours.splitlines()[-1] or "17.00" in hours.splitlines()[-1]
        if lang == "nl":
            assert hours.splitlines()[-1].endswith("(alleen op afspraak)")
        else:  # not translated yet: printed in Dutch, and marked so
            assert hours.splitlines()[-1].endswith("(alleen op afspraak، باللغة الهولندية)")
        assert "(" not in hours.splitlines()[0]  # no note, no brackets


def test_locations_offered_to_a_service(editor, db):
    org = db.scalar("SELECT id FROM organisation WHERE name = 'Het Juridisch Loket'")
    own = {r["id"] for r in db.all("SELECT id FROM location WHERE organization_id = ?", (org,))}
    foreign = db.scalar(
        "SELECT id FROM location WHERE organization_id <> ? ORDER BY id LIMIT 1", (org,)
    )
    assert len(own) == 4
    assert {loc.id for loc in directory.locations(editor, org)} == own
    offered = directory.locations(editor, org, [foreign])
    assert {loc.id for loc in offered} == own | {foreign}
    assert all(loc.city for loc in offered)


def test_documents_keep_the_order_they_were_typed_in(editor, sid):
    papers = [f"Document {c}" for c in "QWERTYUIOPASDFGH"]  # many in the same millisecond
    edit = dataclasses.replace(directory.service_edit(editor, sid), required_documents=papers)
    directory.save_service(editor, edit)
    assert directory.service_edit(editor, sid).required_documents == papers
    assert directory.get_service(editor, sid).required_documents == papers
    # staff move lines: the letter follows the new order
    moved = [*papers[5:], "Nieuw document", *papers[:5]]
    directory.save_service(editor, dataclasses.replace(edit, required_documents=moved))
    assert directory.service_edit(editor, sid).required_documents == moved
    assert directory.get_service(editor, sid).required_documents == moved
    before = snapshot(editor.db)  # saving the same order again changes nothing
    directory.save_service(editor, dataclasses.replace(edit, required_documents=moved))
    assert snapshot(editor.db)["required_document"] == before["required_document"]


def test_a_status_hsds_does_not_know_is_refused(editor, db, sid):
    before = snapshot(db)
    edit = dataclasses.replace(directory.service_edit(editor, sid), status="closed forever")
    with pytest.raises(ValidationError) as caught:
        directory.save_service(editor, edit)
    assert set(caught.value.errors) == {"status"}
    assert snapshot(db) == before


def test_open_until_midnight(editor, sid):
    edit = dataclasses.replace(
        directory.service_edit(editor, sid),
        schedules=[ScheduleEdit(["FR", "SA"], "18:00", "24.00", "nachtopvang")],
    )
    directory.save_service(editor, edit)
    (saved,) = directory.service_edit(editor, sid).schedules
    assert (saved.days, saved.opens_at, saved.closes_at) == (["FR", "SA"], "18:00", "24:00")


def test_the_letter_prints_no_other_locations_hours(editor, db):
    """A service at two places: the letter for one place shows the service's own hours and
    that place's, never the other place's."""
    from datetime import date

    from loket.letters.data import gather
    from loket.referrals import lifecycle as referrals
    from tests.helpers import visit, visitor

    sid, here, there = db.one(
        "SELECT a.service_id, a.location_id, b.location_id FROM service_at_location a"
        " JOIN service_at_location b ON b.service_id = a.service_id"
        " AND b.location_id <> a.location_id ORDER BY a.id LIMIT 1"
    )
    links = {
        loc: db.scalar(
            "SELECT id FROM service_at_location WHERE service_id = ? AND location_id = ?",
            (sid, loc),
        )
        for loc in (here, there)
    }
    rows = [
        ("own", {"service_id": sid}, "MO"),
        ("here", {"service_id": sid, "service_at_location_id": links[here]}, "TU"),
        ("there", {"service_id": sid, "service_at_location_id": links[there]}, "WE"),
        ("there-loc", {"service_id": sid, "location_id": there}, "TH"),
    ]
    for row_id, owners, day in rows:
        insert_row(
            db,
            "schedule",
            id=row_id,
            **owners,
            freq="WEEKLY",
            byday=day,
            opens_at="09:00",
            closes_at="12:00",
        )
    desk = context(db, "balie")
    seen = visit(desk, visitor(desk).id)
    referrals.propose(desk, seen.id, sid, location_id=here)
    (partner,) = gather(db, seen.id, letter_date=date(2026, 11, 28)).partners
    assert sorted(s.byday for s in partner.schedules) == ["MO", "TU"]


def test_the_letter_prints_only_this_places_phones(editor, db):
    from datetime import date

    from loket.letters.data import gather
    from loket.referrals import lifecycle as referrals
    from tests.helpers import visit, visitor

    sid, org, here, there = db.one(
        "SELECT a.service_id, s.organization_id, a.location_id, b.location_id"
        " FROM service_at_location a JOIN service s ON s.id = a.service_id"
        " JOIN service_at_location b ON b.service_id = a.service_id"
        " AND b.location_id <> a.location_id ORDER BY a.id LIMIT 1"
    )
    there_link = db.scalar(
        "SELECT id FROM service_at_location WHERE service_id = ? AND location_id = ?",
        (sid, there),
    )
    db.execute("DELETE FROM phone")
    phones = [
        ("+31201000001", {"service_id": sid}),  # the service's own: printed
        ("+31201000002", {"service_id": sid, "service_at_location_id": there_link}),
        ("+31201000003", {"location_id": here, "organization_id": org}),  # here: printed
        ("+31201000004", {"location_id": there, "organization_id": org}),
        ("+31201000005", {"organization_id": org}),  # the organisation's main number: printed
    ]
    for i, (number, owners) in enumerate(phones):
        insert_row(db, "phone", id=f"ph{i}", **owners, number=number)
    desk = context(db, "balie")
    seen = visit(desk, visitor(desk).id)
    referrals.propose(desk, seen.id, sid, location_id=here)

    def last_digits() -> list[str]:
        (partner,) = gather(db, seen.id, letter_date=date(2026, 11, 28)).partners
        return [p[-1] for p in partner.phones]  # a letter prints at most two

    assert last_digits() == ["1", "3"]  # the service's own, then this place's
    db.execute("DELETE FROM phone WHERE id = 'ph0'")
    assert last_digits() == ["3", "5"]  # this place's, then the organisation's main number


def test_checked_today_is_saved_with_the_edit_or_not_at_all(editor, db, sid, monkeypatch):
    from loket import clock
    from loket.privacy import audit

    edit = dataclasses.replace(directory.service_edit(editor, sid), to_verify=True)
    directory.save_service(editor, edit)
    before = snapshot(db)
    renamed = dataclasses.replace(edit, name="Nieuwe naam")
    real = audit.record

    def failing(ctx, *, action, **kwargs):
        if action == "directory.service.checked":
            raise OSError("disk full")
        return real(ctx, action=action, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(OSError):
        directory.save_service(editor, renamed, checked_today=True)
    assert snapshot(db) == before  # recording the check failed: the edit is not saved either
    monkeypatch.setattr(audit, "record", real)
    directory.save_service(editor, renamed, checked_today=True)
    row = db.one("SELECT name, assured_date, to_verify FROM service WHERE id = ?", (sid,))
    assert tuple(row) == ("Nieuwe naam", clock.today().isoformat(), 0)


def test_the_letter_never_prints_another_services_hours_at_the_place(editor, db):
    """A place's own hours fill in for a service without hours; another service's hours at
    that place do not."""
    from datetime import date

    from loket.letters.data import gather
    from loket.referrals import lifecycle as referrals
    from tests.helpers import visit, visitor

    sid, here = db.one("SELECT service_id, location_id FROM service_at_location ORDER BY id")
    other = db.scalar("SELECT id FROM service WHERE id <> ? ORDER BY id LIMIT 1", (sid,))
    db.execute("DELETE FROM schedule")
    for row_id, owners, day in (
        ("other-service", {"service_id": other, "location_id": here}, "FR"),
        ("the-place", {"location_id": here}, "SA"),
    ):
        insert_row(
            db,
            "schedule",
            id=row_id,
            **owners,
            freq="WEEKLY",
            byday=day,
            opens_at="10:00",
            closes_at="12:00",
        )
    desk = context(db, "balie")
    seen = visit(desk, visitor(desk).id)
    referrals.propose(desk, seen.id, sid, location_id=here)
    (partner,) = gather(db, seen.id, letter_date=date(2026, 11, 28)).partners
    assert [s.byday for s in partner.schedules] == ["SA"]


def test_the_letter_lists_the_languages_spoken_here(editor, db):
    from datetime import date

    from loket.letters.data import gather
    from loket.referrals import lifecycle as referrals
    from tests.helpers import visit, visitor

    sid, here, there = db.one(
        "SELECT a.service_id, a.location_id, b.location_id FROM service_at_location a"
        " JOIN service_at_location b ON b.service_id = a.service_id"
        " AND b.location_id <> a.location_id ORDER BY a.id LIMIT 1"
    )
    other = db.scalar("SELECT id FROM service WHERE id <> ? ORDER BY id LIMIT 1", (sid,))
    db.execute("DELETE FROM service_language")
    for row_id, owners, code in (
        ("everywhere", {"service_id": sid}, "ar"),
        ("here", {"service_id": sid, "location_id": here}, "ti"),
        ("there", {"service_id": sid, "location_id": there}, "so"),
        ("the-place", {"location_id": here}, "tr"),
        ("other-service-here", {"service_id": other, "location_id": here}, "uk"),
    ):
        insert_row(db, "service_language", id=row_id, **owners, code=code)
    desk = context(db, "balie")
    seen = visit(desk, visitor(desk).id)
    referrals.propose(desk, seen.id, sid, location_id=here)
    (partner,) = gather(db, seen.id, letter_date=date(2026, 11, 28)).partners
    assert sorted(partner.languages) == ["ar", "ti", "tr"]
