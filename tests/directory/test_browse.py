"""Directory use cases: search, detail, editing rights, the twelve-month staleness mark."""

from __future__ import annotations

from datetime import date

import pytest

from loket.directory import browse as directory
from loket.directory.browse import ServiceEdit, is_stale
from loket.errors import NotFound, PermissionDenied, ValidationError


def test_stale_after_twelve_months():
    today = date(2026, 11, 28)
    assert is_stale(None, today)
    assert is_stale("2025-11-28", today)
    assert not is_stale("2025-11-29", today)
    assert not is_stale("2026-06-01", today)
    assert is_stale("2023-02-28", date(2024, 2, 29))
    assert not is_stale("2023-03-01", date(2024, 2, 29))
    assert is_stale("not a date", today)


def test_search_by_text_need_and_city(ctx):
    found = directory.search(ctx, "taalhuis")
    assert {s.name for s in found} == {
        "Taalhuis Amsterdam",
        "Taalhuis Den Haag",
        "Taalhuis 's-Hertogenbosch",
        "Taalhuis Zwolle",
    }
    zwolle_debts = directory.search(ctx, need="debts", city="Zwolle")
    assert "Schuldhulpverlening Zwolle" in {s.name for s in zwolle_debts}
    assert all("Zwolle" in s.cities for s in zwolle_debts)
    assert directory.count(ctx, need="debts", city="Zwolle") == len(zwolle_debts)
    page = directory.search(ctx, limit=5, offset=5)
    assert [s.id for s in page] == [s.id for s in directory.search(ctx)][5:10]
    # The seed's contact details are unchecked, so every entry is marked.
    assert all(s.stale and s.to_verify for s in found)


def test_service_detail(ctx, db):
    sid = db.scalar("SELECT id FROM service WHERE name = 'Gratis juridisch advies'")
    detail = directory.get_service(ctx, sid)
    assert detail.organization_name == "Het Juridisch Loket"
    assert detail.needs == ["debts", "legal"]
    assert detail.languages == ["nl"]
    assert {loc.city for loc in detail.locations} == {
        "Amsterdam",
        "Den Haag",
        "'s-Hertogenbosch",
        "Zwolle",
    }
    assert detail.stale and detail.to_verify
    with pytest.raises(NotFound):
        directory.get_service(ctx, "no-such-id")


def test_counter_staff_read_but_cannot_edit(ctx, db):
    org = db.scalar("SELECT id FROM organisation ORDER BY id")
    with pytest.raises(PermissionDenied):
        directory.save_service(ctx, ServiceEdit(organization_id=org, name="Nieuw"))
    refusals = db.scalar(
        "SELECT count(*) FROM audit_log WHERE result = 'refused' AND action = 'directory.edit'"
    )
    assert refusals == 1


def test_supervisor_creates_edits_and_checks_a_service(editor, ctx):
    org = directory.save_organisation(editor, name="Buurthuis De Brug")
    loc = directory.save_location(
        editor,
        organization_id=org,
        city="Zwolle",
        address_1="Brugstraat 1",
        postal_code="8011 AB",
        accessibility="Rolstoeltoegankelijk",
    )
    sid = directory.save_service(
        editor,
        ServiceEdit(
            organization_id=org,
            name="Formulierenhulp",
            needs=["digital_skills"],
            languages=["nl", "ar"],
            phones=["038 123 4567"],
            location_ids=[loc],
            required_documents=["Brief van de IND"],
            warm_handover=True,
        ),
    )
    detail = directory.get_service(ctx, sid)
    assert detail.languages == ["ar", "nl"] and detail.phones == ["038 123 4567"]
    assert detail.locations[0].postal_code == "8011 AB"
    assert detail.stale
    directory.save_service(
        editor,
        ServiceEdit(
            id=sid,
            organization_id=org,
            name="Formulierenhulp",
            needs=["digital_skills", "other"],
            languages=["ar"],
            location_ids=[loc],
        ),
    )
    detail = directory.get_service(ctx, sid)
    assert detail.languages == ["ar"] and detail.phones == [] and detail.required_documents == []
    assert detail.needs == ["digital_skills", "other"]
    directory.mark_checked(editor, sid, on=date.today())
    assert not directory.get_service(ctx, sid).stale


def test_invalid_edits_are_refused_with_field_errors(editor, db):
    org = db.scalar("SELECT id FROM organisation ORDER BY id")
    before = db.scalar("SELECT count(*) FROM service")
    with pytest.raises(ValidationError) as caught:
        directory.save_service(
            editor,
            ServiceEdit(
                organization_id=org,
                name="",
                needs=["gardening"],
                languages=["Arabic!"],
                phones=["call me"],
                email="nope",
                status="open",
            ),
        )
    assert {"name", "needs", "languages", "phones", "email", "status"} <= set(caught.value.errors)
    assert db.scalar("SELECT count(*) FROM service") == before


def test_web_addresses_and_names_are_checked(editor, db):
    org = db.scalar("SELECT id FROM organisation ORDER BY id")
    with pytest.raises(ValidationError) as caught:
        directory.save_service(
            editor,
            ServiceEdit(organization_id=org, name="Hulp\u202e", url="javascript:alert(1)"),
        )
    assert {"name", "url"} <= set(caught.value.errors)
    with pytest.raises(ValidationError) as caught:
        directory.save_organisation(editor, name="Stichting X", website="niet een adres")
    assert "website" in caught.value.errors
    sid = directory.save_service(
        editor, ServiceEdit(organization_id=org, name="Spreekuur", url="www.example.nl/hulp")
    )
    assert db.scalar("SELECT url FROM service WHERE id = ?", (sid,)) == (
        "https://www.example.nl/hulp"
    )


def test_create_service_with_a_new_place_is_all_or_nothing(editor, ctx, db):
    org = directory.save_organisation(editor, name="Inloophuis")
    locations = db.scalar("SELECT count(*) FROM location")
    with pytest.raises(ValidationError):
        directory.create_service(editor, ServiceEdit(organization_id=org, name=""), city="Zwolle")
    assert db.scalar("SELECT count(*) FROM location") == locations
    sid = directory.create_service(
        editor,
        ServiceEdit(organization_id=org, name="Koffie-uurtje", needs=["other"]),
        city="Zwolle",
    )
    assert [loc.city for loc in directory.get_service(ctx, sid).locations] == ["Zwolle"]
