"""Appointments for a visit: when and where the visitor is expected, whom to ask for and what
to bring.  Kept as records (not only inside an archived letter) so the "Afspraak" letter, a
reprint and a second letter all say the same thing, and staff can see what was agreed.

The time is the local wall-clock time the visitor reads on the letter (no time zone): an
appointment "at 10:30" stays at 10:30 whatever the workstation's clock says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from loket import validation
from loket.clock import new_id
from loket.context import Context
from loket.db import appointments as repo
from loket.errors import NotFound, ValidationError
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

MAX_BRING = 20


@dataclass
class Appointment:
    starts_at: datetime  # local date and time, minutes precision
    place: str
    contact_person: str = ""
    bring: list[str] = field(default_factory=list)
    id: str | None = None  # None until saved
    visit_id: str = ""
    referral_id: str | None = None

    def same_content(self, other: Appointment) -> bool:
        return (
            self.starts_at == other.starts_at
            and self.place == other.place
            and self.contact_person == other.contact_person
            and self.bring == other.bring
            and self.referral_id == other.referral_id
        )


def from_row(row) -> Appointment:
    return Appointment(
        starts_at=datetime.fromisoformat(row["starts_at"]),
        place=row["place"],
        contact_person=row["contact_person"] or "",
        bring=list(json.loads(row["bring"] or "[]")),
        id=row["id"],
        visit_id=row["visit_id"],
        referral_id=row["referral_id"],
    )


def _bring(items: list[str]) -> list[str]:
    cleaned = [validation.free_text(x, "bring", max_length=200) for x in items]
    cleaned = list(dict.fromkeys(x for x in cleaned if x))  # no empty or repeated papers
    if len(cleaned) > MAX_BRING:
        raise ValidationError.single(
            "bring", _("Name at most {count} papers to bring.").format(count=MAX_BRING)
        )
    return cleaned


def _place(value: str | None) -> str:
    text = validation.free_text(value, "place", max_length=300)
    if not text:
        raise ValidationError.single("place", _("Fill in the place of the appointment."))
    return text


def _starts_at(value: datetime | None, visit_date: date) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError.single("starts_at", _("Fill in the date and time."))
    value = value.replace(second=0, microsecond=0, tzinfo=None)
    if value.date() < visit_date:
        raise ValidationError.single("starts_at", _("The appointment cannot be before the visit."))
    return value


def clean(db, visit_row, appt: Appointment) -> Appointment:
    """Validate every field (all errors at once); returns the normalised appointment."""
    values = validation.collect(
        (
            "starts_at",
            lambda: _starts_at(appt.starts_at, date.fromisoformat(visit_row["visit_date"])),
        ),
        ("place", lambda: _place(appt.place)),
        (
            "contact_person",
            lambda: validation.free_text(appt.contact_person, "contact_person", max_length=100),
        ),
        ("bring", lambda: _bring(list(appt.bring or []))),
    )
    if appt.referral_id and repo.referral_visit(db, appt.referral_id) != visit_row["id"]:
        raise ValidationError.single(
            "referral_id", _("This referral does not belong to the visit.")
        )
    return Appointment(
        starts_at=values["starts_at"],
        place=values["place"],
        contact_person=values["contact_person"],
        bring=values["bring"],
        id=appt.id,
        visit_id=visit_row["id"],
        referral_id=appt.referral_id or None,
    )


def save(ctx: Context, visit_id: str, appt: Appointment) -> Appointment:
    """Create the appointment (no id yet) or update it; an unchanged one is left alone."""
    ctx.require(Permission.VISIT_WRITE, object_type="visit", object_id=visit_id)
    db = ctx.db
    visit_row = repo.visit_subject(db, visit_id)
    if visit_row is None:
        raise NotFound(_("Visit not found."))
    old = None
    if appt.id:
        row = repo.get(db, appt.id)
        if row is None or row["visit_id"] != visit_id:
            raise NotFound(_("Appointment not found."))
        old = from_row(row)
    new = clean(db, visit_row, appt)
    if old is not None and old.same_content(new):
        return old
    values = {
        "starts_at": new.starts_at.isoformat(timespec="minutes"),
        "place": new.place,
        "contact_person": new.contact_person,
        "bring": json.dumps(new.bring, ensure_ascii=False),
        "referral_id": new.referral_id,
    }
    with db.transaction():
        if old is None:
            new.id = new_id()
            repo.insert(
                db,
                {
                    "id": new.id,
                    "visit_id": visit_id,
                    "staff_id": ctx.user.id if ctx.user else None,
                    **values,
                },
            )
        else:
            repo.update(db, new.id, values)
        audit.record(
            ctx,
            action="appointment.create" if old is None else "appointment.update",
            object_type="appointment",
            object_id=new.id,
            subject=visit_row["v_number"] or visit_row["bsn"],
            detail={"visit": visit_id, "referral": new.referral_id},
        )
    return get(ctx, new.id)


def get(ctx: Context, appointment_id: str) -> Appointment:
    ctx.require(Permission.VISITOR_READ, object_type="appointment", object_id=appointment_id)
    row = repo.get(ctx.db, appointment_id)
    if row is None:
        raise NotFound(_("Appointment not found."))
    return from_row(row)


def for_visit(ctx: Context, visit_id: str) -> list[Appointment]:
    """The visit's appointments, the one made last first."""
    ctx.require(Permission.VISITOR_READ, object_type="visit", object_id=visit_id)
    return [from_row(r) for r in repo.for_visit(ctx.db, visit_id)]


def latest(ctx: Context, visit_id: str) -> Appointment | None:
    found = for_visit(ctx, visit_id)
    return found[0] if found else None
