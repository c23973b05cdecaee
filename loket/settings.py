"""Settings a beheerder may change without a code change: lock timeout, retention periods,
backup rotation.  Reading is open to everyone (the lock timer needs it before anybody signs
in); changing one needs SETTINGS_MANAGE and is written to the audit log.
"""

from __future__ import annotations

from loket.context import Context
from loket.db import reference, staff
from loket.db.connection import Database
from loket.errors import ValidationError
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

# key -> (default, smallest allowed, largest allowed); all integer settings.
INTEGER_SETTINGS: dict[str, tuple[int, int, int]] = {
    "lock_minutes": (5, 1, 120),
    "retention.visit_months": (24, 1, 240),
    "retention.referral_months": (24, 1, 240),
    "retention.letter_months": (24, 1, 240),
    "retention.visitor_months": (24, 1, 240),
    "retention.draft_days": (30, 1, 365),
    "backup.keep_daily": (7, 1, 60),
    "backup.keep_weekly": (4, 0, 52),
    "backup.keep_restore_copies": (3, 1, 50),
}
# Free settings that the app itself keeps (not edited by hand).
FREE_SETTINGS = {"workstation.desk", "retention.last_run", "backup.last_run", "backup.restored_at"}


def value(db: Database, key: str) -> str | None:
    """The stored value, or the default of a known integer setting."""
    stored = reference.get_setting(db, key)
    if stored is None and key in INTEGER_SETTINGS:
        return str(INTEGER_SETTINGS[key][0])
    return stored


def integer(db: Database, key: str) -> int:
    default, low, high = INTEGER_SETTINGS[key]
    try:
        number = int(value(db, key) or default)
    except ValueError:
        return default
    return min(max(number, low), high)


def get_setting(ctx: Context, key: str) -> str | None:
    return value(ctx.db, key)


def set_setting(ctx: Context, key: str, new_value: str) -> None:
    """Change a setting (beheerder only); the old and new values go to the audit log."""
    ctx.require(Permission.SETTINGS_MANAGE, object_type="setting", object_id=key)
    _store(ctx, key, new_value)


# Who may write each internal key when a signed-in user (not the app itself) does it.
INTERNAL_PERMISSIONS: dict[str, Permission] = {
    "workstation.desk": Permission.SETTINGS_MANAGE,
    "retention.last_run": Permission.RETENTION_RUN,
    "backup.last_run": Permission.BACKUP,
    "backup.restored_at": Permission.RESTORE,
}


def store_internal(ctx: Context, key: str, new_value: str) -> None:
    """For bookkeeping the app does itself (last retention run, this PC's desk).  A signed-in
    user needs the permission of the work the key records; every change is audited."""
    if key not in FREE_SETTINGS:
        raise ValueError(f"{key} is not an internal setting")
    first_start = key == "workstation.desk" and ctx.user is None and staff.count(ctx.db) == 0
    if (ctx.user is not None or ctx.origin != "system") and not first_start:
        ctx.require(INTERNAL_PERMISSIONS[key], object_type="setting", object_id=key)
    with ctx.db.transaction():
        old = reference.get_setting(ctx.db, key)
        reference.set_setting(ctx.db, key, new_value)
        audit.record(
            ctx,
            action="setting.update",
            object_type="setting",
            object_id=key,
            detail={"old": old, "new": new_value},
        )


def _store(ctx: Context, key: str, new_value: str) -> None:
    if key in INTEGER_SETTINGS:
        _default, low, high = INTEGER_SETTINGS[key]
        try:
            number = int(str(new_value).strip())
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise ValidationError.single(
                key, _("Fill in a whole number from {low} to {high}.").format(low=low, high=high)
            )
        new_value = str(number)
    elif key in FREE_SETTINGS:
        # Kept by Loket itself: a hand-set value would defeat the audit check or the desk.
        raise ValidationError.single(key, _("Loket keeps this setting itself; it cannot be set."))
    else:
        raise ValidationError.single(key, _("Unknown setting."))
    with ctx.db.transaction():
        old = reference.get_setting(ctx.db, key)
        reference.set_setting(ctx.db, key, new_value)
        audit.record(
            ctx,
            action="setting.update",
            object_type="setting",
            object_id=key,
            detail={"old": old, "new": new_value},
        )


def lock_minutes(db: Database) -> int:
    return integer(db, "lock_minutes")
