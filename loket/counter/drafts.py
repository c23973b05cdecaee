"""Drafts: what a staff member typed into a registration or intake form and has not saved yet.

The forms write their state here every few seconds and whenever a field that matters changes,
so that a crash or a power cut loses nothing: after the next sign-in the app offers to restore
each draft of that staff member.  A draft is deleted when its form is saved or discarded.

A draft belongs to the staff member who typed it; nobody else can list, load or discard it.
Saving a draft is not a change to the record, and it happens every few seconds, so only the
start, restoring and discarding of a draft go to the audit log (no identifying numbers in it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from loket.clock import new_id
from loket.context import Context
from loket.db import drafts as repo
from loket.errors import NotFound, PermissionDenied, ValidationError
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

KINDS = {"visitor": Permission.VISITOR_WRITE, "visit": Permission.VISIT_WRITE}
MAX_PAYLOAD = 200_000  # characters of JSON: far more than any form holds


@dataclass
class Draft:
    id: str
    kind: str
    visitor_id: str | None
    payload: dict
    created_at: str
    updated_at: str


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _encode(payload: dict) -> str:
    if not isinstance(payload, dict):
        raise ValidationError.single("payload", _("A draft must hold the fields of a form."))
    try:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        raise ValidationError.single("payload", _("This draft cannot be stored.")) from None
    # A lone surrogate (a broken paste) cannot be stored as UTF-8: kept as its JSON escape, so
    # the form comes back exactly as typed, and saving the form then refuses it clearly.
    text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if len(text) > MAX_PAYLOAD:
        raise ValidationError.single("payload", _("This draft is too large to store."))
    return text


def _check(ctx: Context, kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError.single("kind", _("Unknown kind of draft."))
    ctx.require(KINDS[kind], object_type="draft")
    if ctx.user is None:  # pragma: no cover - require() already refused
        raise PermissionDenied(_("Sign in first."))


def save_draft(
    ctx: Context,
    kind: str,
    payload: dict,
    draft_id: str | None = None,
    visitor_id: str | None = None,
) -> str:
    """Create or overwrite a draft; returns its id (keep it for the next save)."""
    _check(ctx, kind)
    text = _encode(payload)
    with ctx.db.transaction():
        if draft_id:
            row = repo.get(ctx.db, draft_id)
            if row is not None:
                if row["staff_id"] != ctx.user.id or row["kind"] != kind:
                    raise NotFound(_("This draft does not exist."))
                repo.update(ctx.db, draft_id, visitor_id=visitor_id, payload=text)
                return draft_id
        draft_id = draft_id or new_id()
        repo.insert(
            ctx.db,
            draft_id=draft_id,
            kind=kind,
            staff_id=ctx.user.id,
            visitor_id=visitor_id,
            payload=text,
        )
        audit.record(
            ctx,
            action="draft.create",
            object_type="draft",
            object_id=draft_id,
            detail={"kind": kind},
        )
    return draft_id


def _own(ctx: Context, draft_id: str) -> Draft:
    if ctx.user is None:
        ctx.require(Permission.VISITOR_WRITE, object_type="draft", object_id=draft_id)
    row = repo.get(ctx.db, draft_id)
    if row is None or row["staff_id"] != ctx.user.id:
        raise NotFound(_("This draft does not exist."))
    return _from_row(row)


def _from_row(row) -> Draft:
    try:
        payload = json.loads(row["payload"])
    except ValueError:
        payload = {}
    return Draft(
        id=row["id"],
        kind=row["kind"],
        visitor_id=row["visitor_id"],
        payload=payload if isinstance(payload, dict) else {},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def list_drafts(ctx: Context) -> list[Draft]:
    """The signed-in staff member's drafts, most recently written first."""
    if ctx.user is None:
        return []
    return [_from_row(r) for r in repo.for_staff(ctx.db, ctx.user.id)]


def load_draft(ctx: Context, draft_id: str) -> Draft:
    """Open a draft to restore it into its form (logged: it may hold personal data)."""
    draft = _own(ctx, draft_id)
    ctx.require(
        KINDS.get(draft.kind, Permission.VISITOR_WRITE), object_type="draft", object_id=draft_id
    )
    audit.record(
        ctx,
        action="draft.restore",
        object_type="draft",
        object_id=draft_id,
        detail={"kind": draft.kind},
    )
    return draft


def discard_draft(ctx: Context, draft_id: str, *, saved: bool = False) -> None:
    """Delete a draft: after its form was saved (`saved=True`) or when staff throw it away."""
    _own(ctx, draft_id)
    with ctx.db.transaction():
        repo.delete(ctx.db, draft_id)
        audit.record(
            ctx,
            action="draft.saved" if saved else "draft.discard",
            object_type="draft",
            object_id=draft_id,
        )
