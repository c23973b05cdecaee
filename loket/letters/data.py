"""What a letter says about a visit, gathered once and shared by every language version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from loket.counter.appointments import Appointment, from_row
from loket.db import appointments as appointment_repo
from loket.db import letters as repo
from loket.db.connection import Database
from loket.directory import translations
from loket.errors import NotFound
from loket.i18n import _


@dataclass
class Schedule:
    byday: str
    opens_at: str
    closes_at: str
    note: str = ""  # staff's note on these hours ("alleen op afspraak"), Dutch directory data


@dataclass
class Partner:
    referral_id: str
    organisation: str
    service: str
    handover: str
    address_lines: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    need_codes: list[str] = field(default_factory=list)


@dataclass
class LetterData:
    visit_id: str
    visitor_id: str
    visit_date: date
    letter_date: date
    follow_up_date: date | None
    summary: str
    visitor_name: str
    v_number: str | None
    subject_number: str | None  # V-nummer or BSN, for the audit log's keyed hash only
    preferred_language: str
    desk_city: str
    desk_address_lines: list[str]
    contact_name: str
    contact_phone: str | None
    need_codes: list[str]
    partners: list[Partner]
    appointment: Appointment | None = None
    # the stored appointment for the return visit (at the desk, on the follow-up date)
    return_appointment: Appointment | None = None
    # translations of the directory's free text: lang -> {Dutch text -> translation}
    directory_translations: dict[str, dict[str, str]] = field(default_factory=dict)


def display_phone(number: str | None) -> str | None:
    """E.164 as Dutch readers dial it: +31201234567 -> 020 123 4567, +31612345678 ->
    06 1234 5678, +31880430430 -> 088 043 0430 (085, 088 and 097 are three-digit prefixes,
    grouped like an area code), +31900800 -> 0900 800."""
    if not number:
        return None
    n = number.replace(" ", "")
    if n.startswith("+31") and n[3:].isdigit():
        local = "0" + n[3:]
        if local.startswith(("0800", "0900", "0909", "0906")):  # service numbers
            return f"{local[:4]} {local[4:]}".strip()
        if local.startswith("06"):
            return f"{local[:2]} {local[2:6]} {local[6:]}".strip()
        return f"{local[:3]} {local[3:6]} {local[6:]}".strip()
    return number


def _address(row) -> list[str]:
    if row is None:
        return []
    lines = [row["address_1"] or "", row["address_2"] or ""]
    lines.append(" ".join(x for x in (row["postal_code"], row["city"]) if x))
    return [x for x in lines if x.strip()]


def gather(
    db: Database, visit_id: str, *, letter_date: date, appointment: Appointment | None = None
) -> LetterData:
    v = repo.visit(db, visit_id)
    if v is None:
        raise NotFound(_("Visit not found."))
    visit_needs = [r["need_code"] for r in repo.visit_needs(db, visit_id)]
    partners = []
    for r in repo.referrals(db, visit_id):
        loc = repo.location(db, r["service_id"], r["location_id"], v["desk_city"])
        loc_id = loc["id"] if loc is not None else None
        phones = [
            display_phone(p["number"]) or ""
            for p in repo.phones(db, r["service_id"], loc_id, r["organization_id"])
        ]
        offered = repo.service_need_codes(db, r["service_id"])
        partners.append(
            Partner(
                referral_id=r["id"],
                organisation=r["organisation_name"],
                service=r["service_name"],
                handover=r["handover"],
                address_lines=_address(loc),
                phones=list(dict.fromkeys(phones))[:2],
                schedules=[
                    Schedule(
                        s["byday"] or "",
                        s["opens_at"] or "",
                        s["closes_at"] or "",
                        (s["description"] or "").strip(),
                    )
                    for s in repo.schedules(db, r["service_id"], loc_id)
                    if s["opens_at"] and s["closes_at"]
                ],
                documents=repo.documents(db, r["service_id"]),
                languages=repo.languages(db, r["service_id"], loc_id),
                need_codes=[c for c in visit_needs if c in offered],
            )
        )
    desk_lines = [
        x
        for x in (
            v["desk_address"],
            " ".join(y for y in (v["desk_postal_code"], v["desk_city"]) if y),
        )
        if x
    ]
    name = " ".join(p for p in (v["given_names"], v["family_name"]) if p)
    follow_up = date.fromisoformat(v["follow_up_date"]) if v["follow_up_date"] else None
    texts = [s.note for p in partners for s in p.schedules if s.note]
    texts += [doc for p in partners for doc in p.documents]
    texts += list(appointment.bring) if appointment is not None else []
    latin = " ".join(p for p in (v["latin_given_names"], v["latin_family_name"]) if p)
    from loket.letters.fonts import unprintable

    if latin and unprintable(name):
        name = latin  # no shipped font draws this script: the name on the IND document
    return LetterData(
        visit_id=visit_id,
        visitor_id=v["visitor_id"],
        visit_date=date.fromisoformat(v["visit_date"]),
        letter_date=letter_date,
        follow_up_date=follow_up,
        summary=v["summary"] or "",
        visitor_name=name,
        v_number=v["v_number"],
        subject_number=v["v_number"] or v["bsn"],
        preferred_language=v["language"] or v["preferred_language"] or "nl",
        desk_city=v["desk_city"],
        desk_address_lines=desk_lines,
        contact_name=v["staff_name"] or v["desk_city"],
        contact_phone=display_phone(v["staff_phone"] or v["desk_phone"]),
        need_codes=visit_needs,
        partners=partners,
        appointment=appointment,
        return_appointment=_return_appointment(db, visit_id, follow_up),
        directory_translations=translations.table(db, texts),
    )


def _return_appointment(db: Database, visit_id: str, on: date | None) -> Appointment | None:
    """The visit's appointment at the desk (not with a partner) on the follow-up date."""
    if on is None:
        return None
    for row in appointment_repo.for_visit(db, visit_id):
        found = from_row(row)
        if found.referral_id is None and found.starts_at.date() == on:
            return found
    return None
