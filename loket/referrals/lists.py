"""Reading referrals: one referral and its history, a visit's referrals, a visitor's plan
(open referrals across visits and partners), and the follow-ups that are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from loket import clock
from loket.context import Context
from loket.db import referrals as repo
from loket.errors import NotFound
from loket.i18n import _
from loket.model import from_row
from loket.privacy.permissions import Permission
from loket.referrals.model import Referral, ReferralEvent, load


def get(ctx: Context, referral_id: str) -> Referral:
    ctx.require(Permission.VISITOR_READ, object_type="referral", object_id=referral_id)
    return load(ctx, referral_id)


def events(ctx: Context, referral_id: str) -> list[ReferralEvent]:
    ctx.require(Permission.VISITOR_READ, object_type="referral", object_id=referral_id)
    return [from_row(ReferralEvent, r) for r in repo.events(ctx.db, referral_id)]


def for_visit(ctx: Context, visit_id: str) -> list[Referral]:
    ctx.require(Permission.VISITOR_READ, object_type="visit", object_id=visit_id)
    return [from_row(Referral, r) for r in repo.for_visit(ctx.db, visit_id)]


@dataclass(frozen=True)
class VisitHeading:
    """Whose referrals a screen shows: the visitor's name (empty once anonymised) and the
    day of the visit."""

    visit_id: str
    visitor_id: str
    visitor_name: str
    visit_date: str


def visit_heading(ctx: Context, visit_id: str) -> VisitHeading:
    ctx.require(Permission.VISITOR_READ, object_type="visit", object_id=visit_id)
    info = repo.visit_info(ctx.db, visit_id)
    if info is None:
        raise NotFound(_("This visit does not exist."))
    name = " ".join(p for p in (info["given_names"], info["family_name"]) if p)
    return VisitHeading(
        visit_id=visit_id,
        visitor_id=info["visitor_id"],
        visitor_name="" if info["anonymised_at"] else name,
        visit_date=info["visit_date"],
    )


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
    after: Referral | None = None,
) -> list[Referral]:
    """Open referrals whose follow-up date is today or earlier, for one staff member or desk
    (or everybody when neither is given), oldest first.  `after`: the last one already
    shown, for the next page of a long list (keyset paging; cheaper than `offset`)."""
    ctx.require(Permission.VISITOR_READ, object_type="referral")
    day = (on or clock.today()).isoformat()
    key = (after.follow_up_date or "", after.created_at, after.id) if after else None
    rows = repo.followups_due(
        ctx.db, day, staff_id=staff_id, desk_id=desk_id, limit=limit, offset=offset, after=key
    )
    return [from_row(Referral, r) for r in rows]


def followups_due_count(
    ctx: Context, *, staff_id: str | None = None, desk_id: str | None = None, on: date | None = None
) -> int:
    ctx.require(Permission.VISITOR_READ, object_type="referral")
    day = (on or clock.today()).isoformat()
    return repo.followups_due_count(ctx.db, day, staff_id=staff_id, desk_id=desk_id)
