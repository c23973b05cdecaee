"""A visit with two referrals (one warm, one cold) and full directory details, for letter tests
and the letter benchmark.  Directory and referral rows are inserted directly so the letter
tests do not depend on the directory and referral use cases."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from loket.clock import new_id, now_iso, today
from tests.helpers import context, visit, visitor

HOSTILE_NAME = "<font size=80>X</font>"

# The letter tests name fixed dates (letter dates, appointments); the visit they belong to is
# filed on a fixed day before all of them, so that the tests do not depend on today's date.
VISIT_DATE = "2026-11-27"


def next_week_at(hour: int, minute: int = 0) -> datetime:
    """An appointment a week from today, for letters made with today's date."""
    return datetime.combine(today() + timedelta(days=7), time(hour, minute))


def _insert(db, table: str, **values) -> str:
    row = {"id": new_id(), **values, **db.stamp()}
    cols = ", ".join(row)
    db.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in row)})", row)
    return row["id"]


def partner(
    db, name: str, *, city: str, documents=(), languages=(), needs=(), phone="+31301234567"
) -> str:
    with db.transaction():
        org = _insert(db, "organisation", name=name)
        svc = _insert(db, "service", organization_id=org, name=f"Spreekuur {name}")
        loc = _insert(
            db,
            "location",
            organization_id=org,
            address_1="Stationsplein 1",
            postal_code="8011 CW",
            city=city,
        )
        sal = _insert(db, "service_at_location", service_id=svc, location_id=loc)
        _insert(db, "phone", service_id=svc, number=phone)
        _insert(
            db,
            "schedule",
            service_at_location_id=sal,
            byday="MO,WE,FR",
            opens_at="09:00",
            closes_at="12:30",
        )
        for doc in documents:
            _insert(db, "required_document", service_id=svc, document=doc)
        for code in languages:
            _insert(db, "service_language", service_id=svc, code=code)
        for code in needs:
            _insert(db, "service_need", service_id=svc, need_code=code)
    return svc


def refer(db, visit_id: str, service_id: str, handover: str = "cold") -> str:
    with db.transaction():
        return _insert(
            db,
            "referral",
            visit_id=visit_id,
            service_id=service_id,
            handover=handover,
            status="sent",
            status_changed_at=now_iso(),
        )


def letter_visit(
    db,
    *,
    given_names="Ali",
    family_name="A & B",
    language="ar",
    follow_up: str | None = None,
    summary="Komt terug met post <b>van</b> de gemeente.",
    desk_phone: str | None = "+31384567890",
    needs=("debts", "legal"),
    referrals: bool = True,
):
    """(ctx, visit_id) for a visit that every letter can be made for (the desk has a phone
    number for the letter's contact block unless `desk_phone` is None)."""
    ctx = context(db)
    if follow_up is None:  # two weeks ahead: never a return date in the past
        follow_up = (today() + timedelta(days=14)).isoformat()
    with db.transaction():
        db.execute("UPDATE desk SET phone = ? WHERE id = ?", (desk_phone, ctx.desk.id))
    person = visitor(
        ctx,
        given_names=given_names,
        family_name=family_name,
        preferred_language=language,
        v_number="1234567890",
    )
    v = visit(
        ctx,
        person.id,
        needs=needs,
        language=language,
        summary=summary,
        follow_up_date=follow_up,
    )
    debts = partner(
        db,
        "Schuldhulp Zwolle",
        city="Zwolle",
        documents=("Identiteitsbewijs", "Brieven over schulden", "Loonstrook mei"),
        languages=("nl", "ar", "en"),
        needs=("debts",),
    )
    legal = partner(
        db,
        "Het Juridisch Loket",
        city="Zwolle",
        documents=("Brieven van de IND",),
        languages=("nl", "ti"),
        needs=("legal",),
        phone="+31900800",
    )
    with db.transaction():
        db.execute("UPDATE visit SET visit_date = ? WHERE id = ?", (VISIT_DATE, v.id))
    if referrals:
        refer(db, v.id, debts, "warm")
        refer(db, v.id, legal, "cold")
    return ctx, v.id
