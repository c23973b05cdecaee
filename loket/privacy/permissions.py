"""Who may do what: one table, checked in the core for every use case.

The UI hides what a role cannot do, but the decision is made here, so neither the UI nor the
CLI can bypass it.  Every refusal is written to the audit log.
"""

from __future__ import annotations

from enum import StrEnum

ROLES = ("balie", "supervisor", "beheerder")


class Permission(StrEnum):
    VISITOR_READ = "visitor.read"
    VISITOR_WRITE = "visitor.write"
    VISIT_WRITE = "visit.write"
    HEALTH_READ = "health.read"
    HEALTH_WRITE = "health.write"
    DIRECTORY_READ = "directory.read"
    DIRECTORY_EDIT = "directory.edit"
    REFERRAL_WRITE = "referral.write"
    LETTER_PRODUCE = "letter.produce"
    LETTER_TEXT_EDIT = "letter.text_edit"
    EXPORT_PSEUDONYMISED = "export.pseudonymised"
    EXPORT_IDENTIFIABLE = "export.identifiable"
    OVERVIEW_READ = "overview.read"
    AUDIT_READ = "audit.read"
    ACCOUNTS_MANAGE = "accounts.manage"
    SETTINGS_MANAGE = "settings.manage"
    RETENTION_RUN = "retention.run"
    VISITOR_ERASE = "visitor.erase"
    VISITOR_ACCESS_EXPORT = "visitor.access_export"
    BACKUP = "backup"
    RESTORE = "restore"
    # Deciding what sync could not: a field two PCs changed differently (the ordinary edit
    # permission of the row is checked too), and two files of possibly the same visitor.
    CONFLICT_RESOLVE = "conflict.resolve"
    VISITOR_MERGE = "visitor.merge"


_COUNTER = {
    Permission.VISITOR_READ,
    Permission.VISITOR_WRITE,
    Permission.VISIT_WRITE,
    Permission.HEALTH_READ,
    Permission.HEALTH_WRITE,
    Permission.DIRECTORY_READ,
    Permission.REFERRAL_WRITE,
    Permission.LETTER_PRODUCE,
    Permission.CONFLICT_RESOLVE,
}
_SUPERVISOR = _COUNTER | {
    Permission.DIRECTORY_EDIT,
    Permission.EXPORT_PSEUDONYMISED,
    Permission.EXPORT_IDENTIFIABLE,
    Permission.OVERVIEW_READ,
    Permission.AUDIT_READ,
    Permission.VISITOR_ACCESS_EXPORT,
    Permission.VISITOR_ERASE,
    Permission.BACKUP,
    Permission.VISITOR_MERGE,
}
_ADMIN = _SUPERVISOR | {
    Permission.ACCOUNTS_MANAGE,
    Permission.SETTINGS_MANAGE,
    Permission.LETTER_TEXT_EDIT,
    Permission.RETENTION_RUN,
    Permission.RESTORE,
}

GRANTS: dict[str, frozenset[Permission]] = {
    "balie": frozenset(_COUNTER),
    "supervisor": frozenset(_SUPERVISOR),
    "beheerder": frozenset(_ADMIN),
}


def allowed(role: str | None, permission: Permission) -> bool:
    return role is not None and permission in GRANTS.get(role, frozenset())
