"""The referral states, the records the use cases return, and what they share.

`TRANSITIONS` is the whole state machine (see `loket.referrals.lifecycle` for the picture); the UI
asks
`legal_next(status)` to offer only the steps the core will accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from loket.context import Context
from loket.db import referrals as repo
from loket.errors import NotFound
from loket.i18n import N_, _
from loket.model import from_row
from loket.privacy.permissions import Permission

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


CONSENT_LABELS = {
    "share_name": N_("name"),
    "share_contact": N_("phone and e-mail"),
    "share_needs": N_("what the visitor needs help with"),
    "share_summary": N_("summary of the visit"),
}


@dataclass
class Consent:
    """What the visitor agrees may be shared with one partner.  Nothing at all is a refusal:
    the desk then does not hand over, the visitor goes alone (a cold referral)."""

    share_name: bool = False
    share_contact: bool = False
    share_needs: bool = False
    share_summary: bool = False

    @property
    def anything(self) -> bool:
        return self.share_name or self.share_contact or self.share_needs or self.share_summary

    @property
    def refused(self) -> bool:
        return not self.anything

    def shared(self) -> list[str]:
        """The keys of what may be shared, in CONSENT_LABELS order."""
        return [key for key in CONSENT_LABELS if getattr(self, key)]


def consent_summary(consent: Consent | None) -> str:
    """One line for a list or a history: "given: name, summary of the visit" or "refused"."""
    if consent is None:
        return ""
    if consent.refused:
        return _("consent refused")
    return _("consent given: {what}").format(
        what=", ".join(_(CONSENT_LABELS[key]) for key in consent.shared())
    )


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
    consent_at: str | None = None
    consent_by: str | None = None
    consent_name: int | None = None
    consent_contact: int | None = None
    consent_needs: int | None = None
    consent_summary: int | None = None

    @property
    def consent(self) -> Consent | None:
        """The visitor's answer to the consent question, None when it was never asked."""
        if self.consent_at is None:
            return None
        return Consent(
            bool(self.consent_name),
            bool(self.consent_contact),
            bool(self.consent_needs),
            bool(self.consent_summary),
        )

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


def load(ctx: Context, referral_id: str) -> Referral:
    ctx.require(Permission.VISITOR_READ, object_type="referral", object_id=referral_id)
    row = repo.get(ctx.db, referral_id)
    if row is None:
        raise NotFound(_("This referral does not exist."))
    return from_row(Referral, row)


def subject(ctx: Context, visitor_id: str) -> str | None:
    """The visitor's V-nummer or BSN (for the audit row's keyed hash)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    numbers = repo.visitor_numbers(ctx.db, visitor_id)
    return (numbers["v_number"] or numbers["bsn"]) if numbers else None


def get_consent(ctx: Context, referral_id: str) -> Consent | None:
    ctx.require(Permission.VISITOR_READ, object_type="referral", object_id=referral_id)
    row = repo.consent(ctx.db, referral_id)
    if row is None:
        return None
    return Consent(
        bool(row["share_name"]),
        bool(row["share_contact"]),
        bool(row["share_needs"]),
        bool(row["share_summary"]),
    )
