"""The phone numbers a letter prints for the visitor to call.

A letter names a contact with a direct number: the staff member's own number, else the
desk's.  Loket never invents one; without either, a letter is previewed with a warning but
not given (`loket.letters.service.compose` lists the problem).  Administrators fill the
numbers in here: the desk's phone (Loket settings; the first-run set-up records it with the
first administrator, `loket.privacy.accounts`) and a staff member's direct number (accounts).
"""

from __future__ import annotations

from loket import validation
from loket.context import Context
from loket.db import letters as repo
from loket.errors import NotFound
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission


def set_desk_phone(ctx: Context, desk_code: str, number: str | None) -> str | None:
    """The desk's phone number (E.164), or none when `number` is empty."""
    row = repo.desk_by_code(ctx.db, desk_code)
    if row is None:
        raise NotFound(_("Desk not found."))
    ctx.require(Permission.SETTINGS_MANAGE, object_type="desk", object_id=row["id"])
    phone = validation.phone(number, "desk_phone")
    with ctx.db.transaction():
        repo.set_desk_phone(ctx.db, row["id"], phone)
        audit.record(
            ctx,
            action="desk.update",
            object_type="desk",
            object_id=row["id"],
            detail={"field": "phone", "set": phone is not None},
        )
    return phone


def set_staff_phone(ctx: Context, username: str, number: str | None) -> str | None:
    """A staff member's direct number (E.164), or none when `number` is empty."""
    row = repo.staff_by_username(ctx.db, username)
    if row is None:
        raise NotFound(_("Account not found."))
    ctx.require(Permission.ACCOUNTS_MANAGE, object_type="staff", object_id=row["id"])
    phone = validation.phone(number, "staff_phone")
    with ctx.db.transaction():
        repo.set_staff_phone(ctx.db, row["id"], phone)
        audit.record(
            ctx,
            action="staff.update",
            object_type="staff",
            object_id=row["id"],
            detail={"field": "phone", "set": phone is not None},
        )
    return phone


def desk_phone(ctx: Context, desk_code: str) -> str | None:
    """The desk's phone number as stored (E.164), for the administrator's settings form."""
    ctx.require(Permission.SETTINGS_MANAGE, object_type="desk")
    row = repo.desk_by_code(ctx.db, desk_code)
    if row is None:
        raise NotFound(_("Desk not found."))
    return row["phone"]


def can_set_desk_phone(ctx: Context) -> bool:
    return ctx.can(Permission.SETTINGS_MANAGE)
