"""Staff accounts: Argon2 password hashes, login with lock-out, account management.

After MAX_FAILURES failed attempts in a row an account is locked, for a period that doubles
with each lock-out.  Whether a user name exists is never revealed: an unknown name gets the
same message (and the same Argon2 work) as a wrong password.
"""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from loket import validation
from loket.clock import to_iso, utcnow
from loket.context import Context
from loket.db import staff as repo
from loket.errors import AuthenticationFailed, ValidationError
from loket.i18n import _
from loket.model import Staff, from_row
from loket.privacy import audit
from loket.privacy.permissions import ROLES, Permission

MAX_FAILURES = 5
BASE_LOCK = timedelta(minutes=1)
MIN_PASSWORD = 8
MIN_SCORE = 2  # zxcvbn score 0-4; below 2 is guessable within about a million tries

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _fail_message() -> str:
    return _("The user name or password is not correct, or the account is locked for now.")


def _authenticate(ctx: Context, username: str, password: str, *, action: str = "login"):
    """Check a password with the lock-out rules; returns the staff row or raises.

    Every failure is logged under `action` with result 'failed' (or 'refused' while locked).
    """
    db = ctx.db
    row = repo.by_username(db, username)
    now = utcnow()
    if row is None or not row["active"]:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        if row is not None:  # a deactivated account
            audit.record(
                ctx,
                action=action,
                object_type="staff",
                object_id=row["id"],
                result="refused",
                actor=row["username"],
                detail={"reason": "inactive"},
            )
        else:
            # The typed name is not logged: it may be a password typed in the wrong field.
            # A keyed hash still shows an administrator repeated tries with one name.
            audit.record(
                ctx,
                action=action,
                object_type="staff",
                result="failed",
                detail={"reason": "unknown", "name_ref": audit.subject_ref(db, username.strip())},
            )
        raise AuthenticationFailed(_fail_message())
    if row["locked_until"] and row["locked_until"] > to_iso(now):
        # The same Argon2 work as a wrong password, so timing does not tell a locked account.
        try:
            _hasher.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            pass
        audit.record(
            ctx,
            action=action,
            object_type="staff",
            object_id=row["id"],
            result="refused",
            actor=row["username"],
            detail={"reason": "locked"},
        )
        raise AuthenticationFailed(_fail_message())
    try:
        ok = _hasher.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        failures = row["failed_logins"] + 1
        with db.transaction(essential=True):
            if failures >= MAX_FAILURES:
                lockouts = row["lockouts"] + 1
                until = now + BASE_LOCK * (2 ** (lockouts - 1))
                repo.set_login_state(
                    db, row["id"], failed=0, lockouts=lockouts, locked_until=to_iso(until)
                )
            else:
                repo.set_login_state(
                    db, row["id"], failed=failures, lockouts=row["lockouts"], locked_until=None
                )
            audit.record(
                ctx,
                action=action,
                object_type="staff",
                object_id=row["id"],
                result="failed",
                actor=row["username"],
                detail={"locked": failures >= MAX_FAILURES},
            )
        raise AuthenticationFailed(_fail_message())
    with db.transaction(essential=True):
        repo.set_login_state(db, row["id"], failed=0, lockouts=0, locked_until=None)
        if _hasher.check_needs_rehash(row["password_hash"]):
            repo.set_password_hash(db, row["id"], hash_password(password))
    return repo.by_id(db, row["id"])


def _sign_in(ctx: Context, row) -> Staff:
    """Set the acting user and the desk: this PC's desk (chosen at first start) when there
    is one, else the desk on the account."""
    from loket.db import reference
    from loket.model import Desk

    staff = from_row(Staff, row)
    ctx.user = staff
    desk_id = reference.get_setting(ctx.db, "workstation.desk") or staff.desk_id
    desk_row = reference.desk_by_id(ctx.db, desk_id) if desk_id else None
    ctx.desk = from_row(Desk, desk_row) if desk_row else None
    return staff


def login(ctx: Context, username: str, password: str) -> Staff:
    """Check the password; on success set ctx.user (and its desk) and return the staff member."""
    row = _authenticate(ctx, username, password)
    staff = _sign_in(ctx, row)
    audit.record(ctx, action="login", object_type="staff", object_id=staff.id)
    return staff


def lock(ctx: Context, *, reason: str = "manual") -> None:
    """The screen was locked (Ctrl+L or idle); `reason` is 'manual' or 'idle'."""
    if ctx.user is not None:
        audit.record(
            ctx,
            action="session.lock",
            object_type="staff",
            object_id=ctx.user.id,
            detail={"reason": reason},
        )


def unlock(ctx: Context, password: str) -> Staff:
    """The same user signs in again after a lock; the lock-out rules apply as at login."""
    if ctx.user is None:
        raise AuthenticationFailed(_fail_message())
    row = _authenticate(ctx, ctx.user.username, password, action="session.unlock")
    staff = _sign_in(ctx, row)
    audit.record(ctx, action="session.unlock", object_type="staff", object_id=staff.id)
    return staff


def switch_user(ctx: Context, username: str, password: str) -> Staff:
    """Another staff member signs in at a locked screen: the current one is signed out only
    once the newcomer's password is right."""
    probe = Context(db=ctx.db, user=None, desk=None, origin=ctx.origin)
    row = _authenticate(probe, username, password)
    logout(ctx)
    staff = _sign_in(ctx, row)
    audit.record(
        ctx, action="login", object_type="staff", object_id=staff.id, detail={"switched": True}
    )
    return staff


def check_password_rules(password: str, field: str = "password", user_inputs=()) -> None:
    """At least MIN_PASSWORD characters, and not easy to guess: zxcvbn's estimate (its lists
    of common passwords, names, words, keyboard rows and dates, and `user_inputs` such as
    the user name) must reach MIN_SCORE."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError.single(
            field, _("A password has at least {n} characters.").format(n=MIN_PASSWORD)
        )
    from zxcvbn import zxcvbn

    inputs = [str(word) for word in user_inputs if word]
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_SCORE:
        raise ValidationError.single(
            field,
            _(
                "This password is too common or too easy to guess. Choose a longer one, "
                "for example a few unrelated words."
            ),
        )


def change_own_password(ctx: Context, old_password: str, new_password: str) -> None:
    """Any signed-in user may change their own password, knowing the current one."""
    if ctx.user is None:
        raise AuthenticationFailed(_fail_message())
    check_password_rules(new_password, "new_password", (ctx.user.username, ctx.user.display_name))
    # The lock-out rules of signing in: a session left open is no way to guess the password.
    try:
        _authenticate(ctx, ctx.user.username, old_password, action="staff.password_change")
    except AuthenticationFailed:
        row = repo.by_id(ctx.db, ctx.user.id)
        if row["locked_until"] and row["locked_until"] > to_iso(utcnow()):
            message = _("Too many wrong passwords: the account is locked for now. Try again later.")
        else:
            message = _("The current password is not correct.")
        raise ValidationError.single("old_password", message) from None
    with ctx.db.transaction():
        repo.set_password_hash(ctx.db, ctx.user.id, hash_password(new_password))
        audit.record(
            ctx, action="staff.password_change", object_type="staff", object_id=ctx.user.id
        )


def logout(ctx: Context) -> None:
    if ctx.user is not None:
        audit.record(ctx, action="logout", object_type="staff", object_id=ctx.user.id)
    ctx.user = None


def _check_new_account(db, username: str, display_name: str, role: str, password: str) -> None:
    errors = {}
    if not username.strip() or not username.replace(".", "").replace("-", "").isalnum():
        errors["username"] = _("A user name holds letters and digits only.")
    elif repo.by_username(db, username) is not None:
        errors["username"] = _("This user name is taken.")
    try:  # the rules of visitors' names: no controls, no direction overrides, not too long
        validation.name(display_name, "display_name", required=True)
    except ValidationError as err:
        errors.update(err.errors)
    if role not in ROLES:
        errors["role"] = _("Choose a role.")
    try:
        check_password_rules(password, user_inputs=(username, display_name))
    except ValidationError as err:
        errors.update(err.errors)
    if errors:
        raise ValidationError(errors)


def create_account(
    ctx: Context,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    desk_id: str | None = None,
    phone: str | None = None,
    language: str = "nl",
    first_run: bool = False,
) -> Staff:
    """Create a staff account.  Only an administrator may, except the very first one."""
    db = ctx.db
    if not (first_run and repo.count(db) == 0):
        ctx.require(Permission.ACCOUNTS_MANAGE, object_type="staff")
    _check_new_account(db, username, display_name, role, password)
    with db.transaction():
        staff_id = repo.insert(
            db,
            username=username.strip(),
            display_name=validation.name(display_name, "display_name", required=True),
            role=role,
            desk_id=desk_id,
            phone=phone,
            language=language,
            password_hash=hash_password(password),
        )
        audit.record(
            ctx,
            action="staff.create",
            object_type="staff",
            object_id=staff_id,
            detail={"role": role},
        )
    return from_row(Staff, repo.by_id(db, staff_id))
