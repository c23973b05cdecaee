"""The context every use case runs in: the database, who is acting, at which desk.

Core functions take a `Context` first.  `ctx.require(permission, ...)` refuses (and logs the
refusal) when the acting staff member's role lacks the permission.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from loket.db.connection import Database
from loket.errors import PermissionDenied
from loket.i18n import _
from loket.privacy.permissions import Permission, allowed

if TYPE_CHECKING:  # only named here; the app's first window does not need the model module
    from loket.model import Desk, Staff


class Context:
    """A plain class, not a dataclass: the first window would pay for importing
    `dataclasses` for this one class."""

    def __init__(
        self,
        db: Database,
        user: Staff | None = None,
        desk: Desk | None = None,
        origin: str = "app",  # 'app' or 'cli': where the action came from
    ) -> None:
        self.db = db
        self.user = user
        self.desk = desk
        self.origin = origin

    def __repr__(self) -> str:
        return (
            f"Context(db={self.db!r}, user={self.user!r}, desk={self.desk!r}, "
            f"origin={self.origin!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Context):
            return NotImplemented
        return (self.db, self.user, self.desk, self.origin) == (
            other.db,
            other.user,
            other.desk,
            other.origin,
        )

    __hash__ = None  # mutable, as the dataclass was

    @property
    def actor(self) -> str | None:
        return self.user.username if self.user else None

    @property
    def workstation(self) -> str:
        return self.db.workstation

    def can(self, permission: Permission) -> bool:
        return self.user is not None and allowed(self.user.role, permission)

    def require(
        self,
        permission: Permission,
        *,
        object_type: str | None = None,
        object_id: str | None = None,
    ) -> None:
        if self.can(permission):
            self.db.actor = self.actor  # the outbox names who made the change that follows
            return
        from loket.privacy import audit

        audit.record(
            self,
            action=str(permission),
            object_type=object_type,
            object_id=object_id,
            result="refused",
        )
        raise PermissionDenied(
            _("You are not allowed to do this ({permission}).").format(permission=str(permission))
        )


@contextmanager
def reader(ctx: Context) -> Iterator[Context]:
    """The same user and desk on a read-only connection of its own: for a long read on a
    worker thread (a count over a hundred thousand rows) while the app's connection goes on
    serving the counter.  It sees the database as it was when its first query ran."""
    db = Database(ctx.db.path, read_only=True)
    try:
        yield Context(db=db, user=ctx.user, desk=ctx.desk, origin=ctx.origin)
    finally:
        db.close()


@contextmanager
def worker(ctx: Context) -> Iterator[Context]:
    """The same user and desk on a connection of its own that may write: for work on a
    worker thread that writes (a sync round applying pulled rows) while the app's connection
    goes on serving the counter; each write still waits its turn for the file."""
    db = Database(ctx.db.path)
    try:
        yield Context(db=db, user=ctx.user, desk=ctx.desk, origin=ctx.origin)
    finally:
        db.close()


def system_context(db: Database) -> Context:
    """For work nobody in particular does: migrations, seeding, daily retention."""
    return Context(db=db, user=None, desk=None, origin="system")
