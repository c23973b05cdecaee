"""Referrals to partners, as an explicit state machine with a history of every step.

    proposed ──► sent ──► accepted ──► completed
       │          │  ╲        │ ╲
       │          │   ► declined (reason)   ► no_show
       │          ├──► no_show              ► cancelled (reason)
       ▼          ▼
    cancelled (reason)

- proposed: picked at the desk, nothing sent yet.  Can be sent, or cancelled.
- sent: the partner has it (warm) or the visitor has the address (cold).  The partner accepts
  or declines; the visitor may not show up at all; or the desk cancels.
- accepted: the partner takes the visitor on.  It ends completed or no-show, or the desk
  cancels (e.g. the visitor moved away).
- declined, completed, no_show, cancelled are final.  Declining and cancelling need a reason.
Every step writes a referral_event (who, when, note) and an audit row.  Anything else is
refused with ConflictError, and the UI offers only `legal_next(status)`.

A warm handover may only be marked sent once the visitor's consent for this partner is
recorded (what may be shared: name, contact, needs, summary), and the handover note holds only
what was consented to.  Referring to the national escalation (`service.is_escalation`) is only
possible for visits with multiple problems, with a note on the local escalation that was tried.
"""

from __future__ import annotations

from datetime import date, timedelta

from loket import clock, validation
from loket.context import Context
from loket.db import directory as dir_repo
from loket.db import referrals as repo
from loket.errors import ConflictError, NotFound, ValidationError
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission
from loket.referrals.handover import handover_note, record_consent, set_handover, store_consent
from loket.referrals.lists import (
    events,
    followups_due,
    followups_due_count,
    for_visit,
    get,
    visit_heading,
    visitor_plan,
)
from loket.referrals.model import (
    DEFAULT_FOLLOW_UP_DAYS,
    NEEDS_REASON,
    OPEN,
    STATUS_LABELS,
    STATUSES,
    TRANSITIONS,
    Consent,
    Referral,
    ReferralEvent,
    consent_summary,
    get_consent,
    legal_next,
    load,
    status_label,
    subject,
)

__all__ = [
    "DEFAULT_FOLLOW_UP_DAYS",
    "NEEDS_REASON",
    "OPEN",
    "STATUSES",
    "STATUS_LABELS",
    "TRANSITIONS",
    "Consent",
    "Referral",
    "ReferralEvent",
    "accept",
    "cancel",
    "complete",
    "consent_summary",
    "decline",
    "events",
    "followups_due",
    "followups_due_count",
    "for_visit",
    "get",
    "get_consent",
    "handover_note",
    "legal_next",
    "mark_sent",
    "no_show",
    "propose",
    "record_consent",
    "set_follow_up",
    "set_handover",
    "status_label",
    "transition",
    "visit_heading",
    "visitor_plan",
]


def _event(
    ctx: Context, referral_id: str, from_status: str | None, to_status: str, note: str
) -> None:
    repo.insert_event(
        ctx.db,
        {
            "id": clock.new_id(),
            "referral_id": referral_id,
            "from_status": from_status,
            "to_status": to_status,
            "at": clock.now_iso(),
            "staff_id": ctx.user.id if ctx.user else None,
            "note": note,
        },
    )


def _follow_up(value: date | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return validation.parse_date(value, "follow_up_date").isoformat()


def _location_for(db, service_id: str, location_id: str | None, city: str | None) -> str | None:
    """The location the visitor is sent to: the one given, which must be one of the service's;
    else the service's location in the desk's city, else its only location.  A service with
    locations in several other cities gets none: a letter must not guess an address."""
    locations = dir_repo.service_locations(db, service_id)
    if location_id is not None:
        if dir_repo.get(db, "location", location_id) is None:
            raise NotFound(_("This location is not in the directory."))
        if location_id not in {loc["id"] for loc in locations}:
            raise ValidationError.single(
                "location_id", _("This service is not offered at this location.")
            )
        return location_id
    here = [
        loc
        for loc in locations
        if city and (loc["city"] or "").casefold() == city.strip().casefold()
    ]
    if here:
        return here[0]["id"]
    return locations[0]["id"] if len(locations) == 1 else None


def propose(
    ctx: Context,
    visit_id: str,
    service_id: str,
    *,
    handover: str = "cold",
    location_id: str | None = None,
    follow_up_date: date | str | None = None,
    note: str = "",
    escalation_note: str | None = None,
    consent: Consent | None = None,
) -> Referral:
    """Record that the desk means to refer this visit to this service.  For a warm handover
    `consent` is the visitor's answer, asked while the referral is made; a refusal (nothing
    may be shared) makes it cold.  Without it, consent is asked before it is sent."""
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral")
    db = ctx.db
    info = repo.visit_info(db, visit_id)
    if info is None:
        raise NotFound(_("This visit does not exist."))
    service = dir_repo.get(db, "service", service_id)
    if service is None:
        raise NotFound(_("This service is not in the directory."))
    if handover not in ("warm", "cold"):
        raise ValidationError.single("handover", _("Choose a warm or a cold handover."))
    values = validation.collect(
        ("note", lambda: validation.free_text(note, "note")),
        ("escalation_note", lambda: validation.free_text(escalation_note, "escalation_note")),
        ("follow_up_date", lambda: _follow_up(follow_up_date)),
    )
    if service["status"] != "active":
        raise ConflictError(_("This service is not active; choose another partner."))
    if service["is_escalation"]:
        if "multiple_problems" not in repo.visit_needs(db, visit_id):
            raise ConflictError(
                _("National escalation is only for visitors with multiple problems.")
            )
        if not values["escalation_note"]:
            raise ValidationError.single(
                "escalation_note",
                _("Describe the local and regional escalation that was tried first."),
            )
    location_id = _location_for(db, service_id, location_id, info["desk_city"])
    referral_id = clock.new_id()
    now = clock.now_iso()
    with db.transaction():
        repo.insert(
            db,
            {
                "id": referral_id,
                "visit_id": visit_id,
                "service_id": service_id,
                "location_id": location_id,
                "staff_id": ctx.user.id if ctx.user else None,
                "handover": handover,
                "status": "proposed",
                "status_changed_at": now,
                "follow_up_date": values["follow_up_date"],
                "note": values["note"],
                "escalation_note": values["escalation_note"] or None,
            },
        )
        _event(ctx, referral_id, None, "proposed", values["note"])
        audit.record(
            ctx,
            action="referral.create",
            object_type="referral",
            object_id=referral_id,
            subject=subject(ctx, info["visitor_id"]),
            detail={"service_id": service_id, "handover": handover},
        )
        if handover == "warm" and consent is not None:
            store_consent(ctx, load(ctx, referral_id), consent)
    return load(ctx, referral_id)


def transition(
    ctx: Context, referral_id: str, to_status: str, *, note: str = "", reason: str | None = None
) -> Referral:
    """Move a referral to its next status, or refuse with ConflictError."""
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    db = ctx.db
    with db.transaction():
        ref = load(ctx, referral_id)
        if to_status not in legal_next(ref.status):
            raise ConflictError(
                _("A referral that is {current} cannot become {target}.").format(
                    current=status_label(ref.status), target=status_label(to_status)
                )
            )
        values = validation.collect(
            ("note", lambda: validation.free_text(note, "note")),
            ("reason", lambda: validation.free_text(reason, "reason", max_length=1000)),
        )
        if to_status in NEEDS_REASON and not values["reason"]:
            raise ValidationError.single("reason", _("Give a reason."))
        if to_status == "sent" and ref.handover == "warm":
            consent = get_consent(ctx, referral_id)
            if consent is None or not consent.anything:
                raise ConflictError(
                    _("Record what the visitor agrees to share before the warm handover is sent.")
                )
        changes = {"status": to_status, "status_changed_at": clock.now_iso()}
        if to_status in NEEDS_REASON:
            changes["reason"] = values["reason"]
        if to_status == "sent" and ref.follow_up_date is None:
            changes["follow_up_date"] = (
                clock.today() + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
            ).isoformat()
        repo.update(db, referral_id, **changes)
        event_note = values["note"] or (values["reason"] if to_status in NEEDS_REASON else "")
        _event(ctx, referral_id, ref.status, to_status, event_note)
        audit.record(
            ctx,
            action="referral.status",
            object_type="referral",
            object_id=referral_id,
            subject=subject(ctx, ref.visitor_id),
            detail={"from": ref.status, "to": to_status},
        )
    return load(ctx, referral_id)


def mark_sent(ctx: Context, referral_id: str, *, note: str = "") -> Referral:
    return transition(ctx, referral_id, "sent", note=note)


def accept(ctx: Context, referral_id: str, *, note: str = "") -> Referral:
    return transition(ctx, referral_id, "accepted", note=note)


def decline(ctx: Context, referral_id: str, reason: str, *, note: str = "") -> Referral:
    return transition(ctx, referral_id, "declined", note=note, reason=reason)


def complete(ctx: Context, referral_id: str, *, note: str = "") -> Referral:
    return transition(ctx, referral_id, "completed", note=note)


def no_show(ctx: Context, referral_id: str, *, note: str = "") -> Referral:
    return transition(ctx, referral_id, "no_show", note=note)


def cancel(ctx: Context, referral_id: str, reason: str, *, note: str = "") -> Referral:
    return transition(ctx, referral_id, "cancelled", note=note, reason=reason)


def set_follow_up(ctx: Context, referral_id: str, when: date | str | None) -> Referral:
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    day = _follow_up(when)
    with ctx.db.transaction():
        ref = load(ctx, referral_id)
        if not ref.is_open:
            raise ConflictError(_("This referral is closed; it needs no follow-up."))
        repo.update(ctx.db, referral_id, follow_up_date=day)
        audit.record(
            ctx,
            action="referral.update",
            object_type="referral",
            object_id=referral_id,
            subject=subject(ctx, ref.visitor_id),
            detail={"follow_up_date": day},
        )
    return load(ctx, referral_id)
