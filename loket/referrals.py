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

from dataclasses import dataclass
from datetime import date, timedelta

from loket import audit, clock, i18n, validation
from loket.context import Context
from loket.db import directory as dir_repo
from loket.db import referrals as repo
from loket.errors import ConflictError, NotFound, ValidationError
from loket.i18n import N_, _
from loket.model import from_row
from loket.permissions import Permission

STATUSES = ("proposed", "sent", "accepted", "declined", "completed", "no_show", "cancelled")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("sent", "cancelled"),
    "sent": ("accepted", "declined", "no_show", "cancelled"),
    "accepted": ("completed", "no_show", "cancelled"),
    "declined": (),
    "completed": (),
    "no_show": (),
    "cancelled": (),
}
NEEDS_REASON = frozenset({"declined", "cancelled"})
OPEN = repo.OPEN_STATUSES
DEFAULT_FOLLOW_UP_DAYS = 14
STATUS_LABELS = {
    "proposed": N_("proposed"),
    "sent": N_("sent"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "completed": N_("completed"),
    "no_show": N_("did not show up"),
    "cancelled": N_("cancelled"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def legal_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


@dataclass
class Consent:
    share_name: bool = False
    share_contact: bool = False
    share_needs: bool = False
    share_summary: bool = False

    @property
    def anything(self) -> bool:
        return self.share_name or self.share_contact or self.share_needs or self.share_summary


@dataclass
class Referral:
    id: str
    visit_id: str
    visitor_id: str
    desk_id: str
    service_id: str
    service_name: str
    organization_name: str
    status: str
    handover: str
    status_changed_at: str
    created_at: str
    location_id: str | None = None
    location_city: str | None = None
    staff_id: str | None = None
    staff_name: str | None = None
    follow_up_date: str | None = None
    reason: str | None = None
    note: str = ""
    escalation_note: str | None = None
    is_escalation: int = 0
    given_names: str = ""
    family_name: str = ""
    visit_date: str = ""

    @property
    def visitor_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass
class ReferralEvent:
    from_status: str | None
    to_status: str
    at: str
    staff_id: str | None
    staff_name: str | None
    note: str


def _load(ctx: Context, referral_id: str) -> Referral:
    row = repo.get(ctx.db, referral_id)
    if row is None:
        raise NotFound(_("This referral does not exist."))
    return from_row(Referral, row)


def _subject(ctx: Context, visitor_id: str) -> str | None:
    numbers = repo.visitor_numbers(ctx.db, visitor_id)
    return (numbers["v_number"] or numbers["bsn"]) if numbers else None


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
) -> Referral:
    """Record that the desk means to refer this visit to this service."""
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
    if location_id is not None and dir_repo.get(db, "location", location_id) is None:
        raise NotFound(_("This location is not in the directory."))
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
            subject=_subject(ctx, info["visitor_id"]),
            detail={"service_id": service_id, "handover": handover},
        )
    return _load(ctx, referral_id)


def transition(
    ctx: Context, referral_id: str, to_status: str, *, note: str = "", reason: str | None = None
) -> Referral:
    """Move a referral to its next status, or refuse with ConflictError."""
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    db = ctx.db
    with db.transaction():
        ref = _load(ctx, referral_id)
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
            subject=_subject(ctx, ref.visitor_id),
            detail={"from": ref.status, "to": to_status},
        )
    return _load(ctx, referral_id)


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


# -- consent, handover, follow-up ------------------------------------------------------------
def get_consent(ctx: Context, referral_id: str) -> Consent | None:
    row = repo.consent(ctx.db, referral_id)
    if row is None:
        return None
    return Consent(
        bool(row["share_name"]),
        bool(row["share_contact"]),
        bool(row["share_needs"]),
        bool(row["share_summary"]),
    )


def record_consent(ctx: Context, referral_id: str, consent: Consent) -> None:
    """What the visitor agrees may be shared with this partner (per referral)."""
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    with ctx.db.transaction():
        ref = _load(ctx, referral_id)
        if ref.status != "proposed":
            raise ConflictError(_("Consent is recorded before the referral is sent."))
        repo.upsert_consent(
            ctx.db,
            {
                "id": clock.new_id(),
                "referral_id": referral_id,
                "share_name": int(consent.share_name),
                "share_contact": int(consent.share_contact),
                "share_needs": int(consent.share_needs),
                "share_summary": int(consent.share_summary),
                "given_at": clock.now_iso(),
                "recorded_by": ctx.user.id if ctx.user else None,
            },
        )
        audit.record(
            ctx,
            action="referral.consent",
            object_type="referral",
            object_id=referral_id,
            subject=_subject(ctx, ref.visitor_id),
            detail={
                "name": consent.share_name,
                "contact": consent.share_contact,
                "needs": consent.share_needs,
                "summary": consent.share_summary,
            },
        )


def set_handover(ctx: Context, referral_id: str, handover: str) -> Referral:
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    if handover not in ("warm", "cold"):
        raise ValidationError.single("handover", _("Choose a warm or a cold handover."))
    with ctx.db.transaction():
        ref = _load(ctx, referral_id)
        if ref.status != "proposed":
            raise ConflictError(_("The handover can only change before the referral is sent."))
        if ref.handover != handover:
            repo.update(ctx.db, referral_id, handover=handover)
            audit.record(
                ctx,
                action="referral.update",
                object_type="referral",
                object_id=referral_id,
                subject=_subject(ctx, ref.visitor_id),
                detail={"handover": handover},
            )
    return _load(ctx, referral_id)


def set_follow_up(ctx: Context, referral_id: str, when: date | str | None) -> Referral:
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    day = _follow_up(when)
    with ctx.db.transaction():
        ref = _load(ctx, referral_id)
        if not ref.is_open:
            raise ConflictError(_("This referral is closed; it needs no follow-up."))
        repo.update(ctx.db, referral_id, follow_up_date=day)
        audit.record(
            ctx,
            action="referral.update",
            object_type="referral",
            object_id=referral_id,
            subject=_subject(ctx, ref.visitor_id),
            detail={"follow_up_date": day},
        )
    return _load(ctx, referral_id)


def handover_note(ctx: Context, referral_id: str) -> str:
    """The text for the partner: only what the visitor consented to share."""
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    db = ctx.db
    ref = _load(ctx, referral_id)
    consent = get_consent(ctx, referral_id)
    if ref.handover != "warm" or consent is None:
        raise ConflictError(_("A handover note is for a warm handover with recorded consent."))
    info = repo.visit_info(db, ref.visit_id)
    lines = [
        _("Referral to {organisation}: {service}").format(
            organisation=ref.organization_name, service=ref.service_name
        )
    ]
    if consent.share_name:
        lines.append(
            _("Name: {name}").format(
                name=" ".join(p for p in (info["given_names"], info["family_name"]) if p)
            )
        )
    if consent.share_contact:
        contact = ", ".join(p for p in (info["phone"], info["email"]) if p)
        lines.append(_("Contact: {contact}").format(contact=contact or "-"))
    if consent.share_needs:
        labels = repo.need_labels(db)
        pick = 0 if i18n.language() == "nl" else 1
        needs = [
            labels.get(code, (code, code))[pick] for code in repo.visit_needs(db, ref.visit_id)
        ]
        lines.append(_("Needs: {needs}").format(needs=", ".join(needs) or "-"))
    if consent.share_summary:
        lines.append(_("Summary: {summary}").format(summary=info["summary"] or "-"))
    if not consent.anything:
        lines.append(_("The visitor did not agree to share any details."))
    audit.record(
        ctx,
        action="referral.handover_note",
        object_type="referral",
        object_id=referral_id,
        subject=_subject(ctx, ref.visitor_id),
    )
    return "\n".join(lines)


# -- reading ---------------------------------------------------------------------------------
def get(ctx: Context, referral_id: str) -> Referral:
    ctx.require(Permission.VISITOR_READ, object_type="referral", object_id=referral_id)
    return _load(ctx, referral_id)


def events(ctx: Context, referral_id: str) -> list[ReferralEvent]:
    ctx.require(Permission.VISITOR_READ, object_type="referral", object_id=referral_id)
    return [from_row(ReferralEvent, r) for r in repo.events(ctx.db, referral_id)]


def for_visit(ctx: Context, visit_id: str) -> list[Referral]:
    ctx.require(Permission.VISITOR_READ, object_type="visit", object_id=visit_id)
    return [from_row(Referral, r) for r in repo.for_visit(ctx.db, visit_id)]


def visitor_plan(ctx: Context, visitor_id: str) -> list[Referral]:
    """All open referrals of a visitor, across visits and partners: the visitor's plan."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    return [from_row(Referral, r) for r in repo.open_for_visitor(ctx.db, visitor_id)]


def followups_due(
    ctx: Context,
    *,
    staff_id: str | None = None,
    desk_id: str | None = None,
    on: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Referral]:
    """Open referrals whose follow-up date is today or earlier, for one staff member or desk
    (or everybody when neither is given), oldest first."""
    ctx.require(Permission.VISITOR_READ, object_type="referral")
    day = (on or clock.today()).isoformat()
    rows = repo.followups_due(
        ctx.db, day, staff_id=staff_id, desk_id=desk_id, limit=limit, offset=offset
    )
    return [from_row(Referral, r) for r in rows]


def followups_due_count(
    ctx: Context, *, staff_id: str | None = None, desk_id: str | None = None, on: date | None = None
) -> int:
    ctx.require(Permission.VISITOR_READ, object_type="referral")
    day = (on or clock.today()).isoformat()
    return repo.followups_due_count(ctx.db, day, staff_id=staff_id, desk_id=desk_id)
