"""Conflicts decided by staff: a field two PCs changed differently, shown side by side.

The hub keeps its value until someone decides (see docs/sync-staff.md).  A decision is an
ordinary edit of the row (validated as the edit form would be), an audit row
`conflict.resolved` and the decision on the conflict, in one transaction; the hub branch's
push then tells the hub, and the outbox carries the edit like any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from loket import clock, validation
from loket.context import Context
from loket.counter import intake
from loket.counter.merge import FIELD_NAMES as VISITOR_FIELDS
from loket.db import merge as merge_repo
from loket.db import referrals as referral_repo
from loket.db import sync as repo
from loket.db import visitors as visitor_repo
from loket.db import visits as visit_repo
from loket.errors import ConflictError, NotFound, ValidationError
from loket.i18n import N_, _
from loket.model import Visitor, from_row
from loket.privacy import audit
from loket.privacy.permissions import Permission
from loket.referrals.model import STATUSES as REFERRAL_STATUSES

# What staff may decide, per table: the fields the edit forms write.
VISIT_FIELDS = (
    "topic_code",
    "language",
    "interpreter_needed",
    "interpreter_language",
    "brought_by_org",
    "brought_by_contact",
    "referent_involved",
    "summary",
    "outcome",
    "follow_up_date",
    "status",
)
REFERRAL_FIELDS = ("status", "follow_up_date", "reason", "note", "handover", "escalation_note")
WRITE_PERMISSION = {
    "visitor": Permission.VISITOR_WRITE,
    "visit": Permission.VISIT_WRITE,
    "referral": Permission.REFERRAL_WRITE,
}
TABLE_LABELS = {"visitor": N_("Visitor"), "visit": N_("Visit"), "referral": N_("Referral")}
_TEXT_VISITOR = ("given_names", "family_name", "latin_given_names", "latin_family_name")


@dataclass(frozen=True)
class Conflict:
    id: str
    table_name: str
    row_id: str
    field: str
    base: Any
    hub: Any
    incoming: Any
    hub_workstation: str | None
    hub_staff: str | None
    hub_at: str | None
    incoming_workstation: str
    incoming_staff: str | None
    incoming_at: str
    desk_id: str | None
    created_at: str
    resolved_at: str | None
    visitor_id: str | None  # whose file the row belongs to (None: not on this PC)

    @property
    def table_label(self) -> str:
        return _(TABLE_LABELS.get(self.table_name, self.table_name))


def _decode(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # not JSON after all: shown as it came


def _conflict(ctx: Context, row) -> Conflict:
    return Conflict(
        id=row["id"],
        table_name=row["table_name"],
        row_id=row["row_id"],
        field=row["field"],
        base=_decode(row["base_value"]),
        hub=_decode(row["hub_value"]),
        incoming=_decode(row["incoming_value"]),
        hub_workstation=row["hub_workstation"],
        hub_staff=row["hub_staff"],
        hub_at=row["hub_at"],
        incoming_workstation=row["incoming_workstation"],
        incoming_staff=row["incoming_staff"],
        incoming_at=row["incoming_at"],
        desk_id=row["desk_id"],
        created_at=row["created_at"],
        resolved_at=row["resolved_at"],
        visitor_id=repo.visitor_of(ctx.db, row["table_name"], row["row_id"]),
    )


# -- reading --------------------------------------------------------------------------------
def get_conflict(ctx: Context, conflict_id: str) -> Conflict:
    ctx.require(Permission.CONFLICT_RESOLVE, object_type="sync_conflict", object_id=conflict_id)
    row = repo.get(ctx.db, conflict_id)
    if row is None:
        raise NotFound(_("This conflict does not exist."))
    return _conflict(ctx, row)


def open_conflicts(ctx: Context, *, limit: int = 200) -> list[Conflict]:
    """The desk's open conflicts, oldest first (the supervisor's queue)."""
    ctx.require(Permission.CONFLICT_RESOLVE, object_type="sync_conflict")
    desk_id = ctx.desk.id if ctx.desk else None
    return [_conflict(ctx, r) for r in repo.open_conflicts(ctx.db, desk_id=desk_id, limit=limit)]


def conflicts_of_visitor(ctx: Context, visitor_id: str) -> list[Conflict]:
    """Open conflicts on a visitor's file, visits and referrals (the conflict view)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    return [_conflict(ctx, r) for r in repo.open_for_visitor(ctx.db, visitor_id)]


def visitors_with_conflicts(ctx: Context, visitor_ids: list[str]) -> set[str]:
    """Which of these visitors have an open conflict (the badge in lists and on the file)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor")
    return repo.visitors_with_open(ctx.db, visitor_ids)


def current_value(ctx: Context, conflict: Conflict) -> Any:
    """The value this PC's row holds now."""
    ctx.require(Permission.VISITOR_READ, object_type=conflict.table_name, object_id=conflict.row_id)
    return repo.current_value(ctx.db, conflict.table_name, conflict.row_id, conflict.field)


# -- deciding -------------------------------------------------------------------------------
def resolve_conflict(ctx: Context, conflict_id: str, value: Any) -> Any:
    """Decide a conflict with `value` (one of the values shown, or one staff typed).
    Returns the value as saved (normalised as the edit form would: a phone number as
    +31…, a date as ISO).  Bad input raises ValidationError and changes nothing."""
    ctx.require(Permission.CONFLICT_RESOLVE, object_type="sync_conflict", object_id=conflict_id)
    row = repo.get(ctx.db, conflict_id)
    if row is None:
        raise NotFound(_("This conflict does not exist."))
    table = row["table_name"]
    permission = WRITE_PERMISSION.get(table)
    if permission is None:
        raise ConflictError(_("This kind of conflict cannot be decided in Loket."))
    ctx.require(permission, object_type=table, object_id=row["row_id"])
    with ctx.db.transaction():
        row = repo.get(ctx.db, conflict_id)  # again, inside: decided meanwhile?
        if row["resolved_at"] is not None:
            raise ConflictError(_("This conflict was already decided."))
        saved = _APPLY[table](ctx, row["row_id"], row["field"], value)
        repo.mark_resolved(
            ctx.db, conflict_id, at=clock.now_iso(), by=ctx.actor, value=json.dumps(saved)
        )
        visitor_id = repo.visitor_of(ctx.db, table, row["row_id"])
        numbers = visitor_repo.get(ctx.db, visitor_id) if visitor_id else None
        audit.record(
            ctx,
            action="conflict.resolved",
            object_type=table,
            object_id=row["row_id"],
            subject=(numbers["v_number"] or numbers["bsn"]) if numbers else None,
            detail={"conflict": conflict_id, "field": row["field"], "choice": _choice(row, saved)},
        )
    return saved


def _choice(row, saved: Any) -> str:
    """Which value staff chose (no values in the audit trail: they may be personal data)."""
    for name in ("hub_value", "incoming_value", "base_value"):
        if _decode(row[name]) == saved:
            return name.removesuffix("_value")
    return "typed"


def _unknown_field() -> ValidationError:
    return ValidationError.single("value", _("This field cannot be decided in Loket."))


def _apply_visitor(ctx: Context, row_id: str, field: str, value: Any) -> Any:
    if field not in VISITOR_FIELDS:
        raise _unknown_field()
    row_id = merge_repo.resolve(ctx.db, row_id)  # a file merged since: the kept one
    stored = visitor_repo.get(ctx.db, row_id)
    if stored is None:
        raise NotFound(_("This visitor does not exist."))
    if field in _TEXT_VISITOR and value is None:
        value = ""
    changed = replace(from_row(Visitor, stored), **{field: _text_or_value(value)})
    values = intake.clean_visitor(changed)
    visitor_repo.update(ctx.db, row_id, {field: values[field]})
    return values[field]


def _apply_visit(ctx: Context, row_id: str, field: str, value: Any) -> Any:
    if field not in VISIT_FIELDS:
        raise _unknown_field()
    visit = intake.get_visit(ctx, row_id)
    values = intake.clean_visit(ctx, replace(visit, **{field: _text_or_value(value)}))
    visit_repo.update(ctx.db, row_id, {field: values[field]})
    return values[field]


def _apply_referral(ctx: Context, row_id: str, field: str, value: Any) -> Any:
    if field not in REFERRAL_FIELDS:
        raise _unknown_field()
    if referral_repo.get(ctx.db, row_id) is None:
        raise NotFound(_("This referral does not exist."))
    value = _text_or_value(value)
    if field == "status":
        if value not in REFERRAL_STATUSES:
            raise ValidationError.single("value", _("Unknown status."))
        changes = {"status": value, "status_changed_at": clock.now_iso()}
    elif field == "handover":
        if value not in ("warm", "cold"):
            raise ValidationError.single("value", _("Choose warm or cold."))
        changes = {"handover": value}
    elif field == "follow_up_date":
        changes = {field: validation.parse_date(value, "value").isoformat() if value else None}
    else:
        max_length = 5000 if field == "note" else 1000
        text = validation.free_text(value, "value", max_length=max_length)
        changes = {field: text if field == "note" else (text or None)}
    referral_repo.update(ctx.db, row_id, **changes)
    return changes[field]


def _text_or_value(value: Any) -> Any:
    """Typed text arrives as str; picked values as what the JSON held."""
    return value.strip() if isinstance(value, str) else value


_APPLY = {"visitor": _apply_visitor, "visit": _apply_visit, "referral": _apply_referral}
