"""Account management for administrators: list, create, change role, (de)activate, reset a
password.  Every use case checks ACCOUNTS_MANAGE in the core, so neither the app nor the
CLI can skip it, and writes an audit row.  A user changes their own password through
`loket.privacy.auth.change_own_password`.

The last active administrator can neither be demoted nor deactivated: that would leave a
desk without anyone able to manage accounts.
"""

from __future__ import annotations

from loket.context import Context
from loket.db import reference
from loket.db import staff as repo
from loket.errors import ConflictError, NotFound, ValidationError
from loket.i18n import _
from loket.model import Staff, from_row
from loket.privacy import audit
from loket.privacy.auth import check_password_rules, create_account, hash_password
from loket.privacy.permissions import ROLES, Permission

__all__ = [
    "change_role",
    "create_account",
    "list_accounts",
    "reset_password",
    "set_active",
]


def list_accounts(ctx: Context) -> list[Staff]:
    ctx.require(Permission.ACCOUNTS_MANAGE, object_type="staff")
    return [from_row(Staff, row) for row in repo.all_staff(ctx.db)]


def _load(ctx: Context, staff_id: str):
    row = repo.by_id(ctx.db, staff_id)
    if row is None:
        raise NotFound(_("This account does not exist."))
    return row


def _guard_last_admin(ctx: Context, row) -> None:
    if row["role"] == "beheerder" and row["active"] and repo.count_active_admins(ctx.db) <= 1:
        raise ConflictError(_("This is the last administrator; make another one first."))


def change_role(ctx: Context, staff_id: str, role: str) -> Staff:
    ctx.require(Permission.ACCOUNTS_MANAGE, object_type="staff", object_id=staff_id)
    if role not in ROLES:
        raise ValidationError.single("role", _("Choose a role."))
    with ctx.db.transaction():
        row = _load(ctx, staff_id)
        if row["role"] == role:
            return from_row(Staff, row)
        if role != "beheerder":
            _guard_last_admin(ctx, row)
        repo.update_fields(ctx.db, staff_id, role=role)
        audit.record(
            ctx,
            action="staff.role",
            object_type="staff",
            object_id=staff_id,
            detail={"from": row["role"], "to": role},
        )
    return from_row(Staff, repo.by_id(ctx.db, staff_id))


def set_active(ctx: Context, staff_id: str, active: bool) -> Staff:
    """Deactivate (or reactivate) an account; a deactivated account cannot sign in."""
    ctx.require(Permission.ACCOUNTS_MANAGE, object_type="staff", object_id=staff_id)
    with ctx.db.transaction():
        row = _load(ctx, staff_id)
        if not active:
            _guard_last_admin(ctx, row)
        repo.update_fields(ctx.db, staff_id, active=int(active))
        if active:
            repo.set_login_state(ctx.db, staff_id, failed=0, lockouts=0, locked_until=None)
        audit.record(
            ctx,
            action="staff.activate" if active else "staff.deactivate",
            object_type="staff",
            object_id=staff_id,
        )
    return from_row(Staff, repo.by_id(ctx.db, staff_id))


def reset_password(ctx: Context, staff_id: str, new_password: str) -> None:
    """Set a new password for someone who forgot theirs; also lifts a lock-out."""
    ctx.require(Permission.ACCOUNTS_MANAGE, object_type="staff", object_id=staff_id)
    check_password_rules(new_password)
    with ctx.db.transaction():
        _load(ctx, staff_id)
        repo.set_password_hash(ctx.db, staff_id, hash_password(new_password))
        repo.set_login_state(ctx.db, staff_id, failed=0, lockouts=0, locked_until=None)
        audit.record(ctx, action="staff.password_reset", object_type="staff", object_id=staff_id)


def set_desk(ctx: Context, staff_id: str, desk_id: str | None) -> Staff:
    ctx.require(Permission.ACCOUNTS_MANAGE, object_type="staff", object_id=staff_id)
    if desk_id is not None and reference.desk_by_id(ctx.db, desk_id) is None:
        raise ValidationError.single("desk_id", _("Choose a desk from the list."))
    with ctx.db.transaction():
        _load(ctx, staff_id)
        repo.update_fields(ctx.db, staff_id, desk_id=desk_id)
        audit.record(
            ctx,
            action="staff.update",
            object_type="staff",
            object_id=staff_id,
            detail={"fields": ["desk_id"]},
        )
    return from_row(Staff, repo.by_id(ctx.db, staff_id))


# -- first start -------------------------------------------------------------------------------
def first_run_needed(db) -> bool:
    """True on a database without any account: the app walks through the set-up first."""
    return repo.count(db) == 0


def desk_choices(ctx: Context) -> list[tuple[str, str]]:
    """(desk id, "name (city)") of every active desk, for the first-run and account forms."""
    return [(row["id"], f"{row['name']} ({row['city']})") for row in reference.desks(ctx.db)]


def set_up_first_administrator(
    ctx: Context,
    *,
    desk_id: str,
    username: str,
    display_name: str,
    password: str,
    desk_phone: str | None = None,
) -> Staff:
    """First start: this PC's desk, its phone number (letters print it for the visitor to
    call; without one no letter can be given) and the first administrator, who is then
    signed in.  The number is checked like `loket letters phone` checks it, before
    anything is written."""
    from loket import settings, validation
    from loket.db import letters as letter_repo
    from loket.privacy import auth

    if reference.desk_by_id(ctx.db, desk_id) is None:
        raise ValidationError.single("desk_id", _("Choose a desk from the list."))
    phone = validation.phone(desk_phone, "desk_phone")
    if phone is None:
        raise ValidationError.single(
            "desk_phone",
            _("Fill in the desk's phone number: letters print it for the visitor to call."),
        )
    with ctx.db.transaction():
        # Before the account exists: on a database without accounts nobody can sign in yet.
        settings.store_internal(ctx, "workstation.desk", desk_id)
        create_account(
            ctx,
            username=username,
            display_name=display_name,
            role="beheerder",
            password=password,
            desk_id=desk_id,
            first_run=True,
        )
        letter_repo.set_desk_phone(ctx.db, desk_id, phone)
        audit.record(
            ctx,
            action="desk.update",
            object_type="desk",
            object_id=desk_id,
            detail={"field": "phone", "set": True},
        )
    return auth.login(ctx, username, password)
