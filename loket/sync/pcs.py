"""Administrators at a PC: the PCs of this desk as the hub knows them (with their last
contact: the later of each one's last sync round, a pull only included, and the last batch
the hub received from it), and revoking one.  Both need the hub;
offline they say so.  Revoking is audited here (`sync.pc_revoked`) and at the hub (who and
from which PC); the revoked PC's role can no longer log in, so it can neither push nor pull.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loket.db import hub_admin
from loket.errors import LoketError
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission


@dataclass(frozen=True)
class DeskPC:
    id: str
    name: str
    desk_code: str | None
    last_contact: datetime | None
    enrolled_at: datetime | None
    revoked_at: datetime | None
    is_me: bool


class HubUnreachable(LoketError):
    """The hub does not answer (or refuses this PC)."""


def _connect(ctx):
    from loket.sync import run

    if not run.is_enrolled(ctx.db):
        raise HubUnreachable(_("This PC is not enrolled with a hub."))
    try:
        return run.connect(ctx.db)
    except Exception as err:
        raise HubUnreachable(
            _("The hub cannot be reached, so the desk's PCs cannot be shown or changed now.")
        ) from err


def desk_pcs(ctx) -> list[DeskPC]:
    ctx.require(Permission.SETTINGS_MANAGE, object_type="workstation")
    with _connect(ctx) as conn:
        return [DeskPC(**row) for row in hub_admin.desk_pcs(conn)]


def revoke(ctx, workstation: str) -> None:
    """Revoke a PC of this desk at the hub.  Refused for this PC itself or another desk's."""
    ctx.require(Permission.SETTINGS_MANAGE, object_type="workstation", object_id=workstation)
    import psycopg

    with _connect(ctx) as conn:
        try:
            hub_admin.revoke_pc(conn, workstation, ctx.actor or "-")
        except psycopg.errors.RaiseException as err:
            if "itself" in str(err):
                raise LoketError(_("This PC cannot revoke itself.")) from err
            raise LoketError(_("There is no such PC at this desk.")) from err
    with ctx.db.transaction():
        audit.record(
            ctx, action="sync.pc_revoked", object_type="workstation", object_id=workstation
        )
