"""Where sync stands, for the status line and `loket sync status`: read from the PC-side
sync tables only (the hub branch fills them on every attempt), so reading it never waits
for the network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from loket.db import outbox
from loket.db import sync as repo
from loket.db.connection import Database
from loket.i18n import N_, _, ngettext
from loket.sync import names

ERROR_CODES = ("unreachable", "certificate", "refused", "not_enrolled", "disk_full", "other")


@dataclass(frozen=True)
class SyncStatus:
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    hub_reachable: bool | None
    waiting: int
    conflicts_open: int
    error_code: str | None
    enrolled: bool
    names_progress: float | None = None  # the name search being built after a first pull


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None  # a damaged value says nothing; the line then shows less, not wrong
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reachable(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


def read_status(db: Database) -> SyncStatus:
    state = repo.state(db)
    code = state.get("last_error_code") or None
    return SyncStatus(
        last_attempt_at=_moment(state.get("last_attempt_at")),
        last_success_at=_moment(state.get("last_success_at")),
        hub_reachable=_reachable(state.get("hub_reachable")),
        waiting=outbox.waiting(db),
        conflicts_open=outbox.open_conflicts(db),
        error_code=code if code in ERROR_CODES else ("other" if code else None),
        enrolled=repo.enrolled(db),
        names_progress=names.progress(db),
    )


# -- the status line's sentence ---------------------------------------------------------------
# One plain sentence per error, with who can fix it (the hub branch writes only the code).
ERROR_SENTENCES = {
    "unreachable": N_("The hub cannot be reached. This PC works on; changes wait."),
    "certificate": N_(
        "The hub does not accept this PC's certificate. Ask the administrator to enrol this"
        " PC again."
    ),
    "refused": N_(
        "The hub refused this PC's changes; they are kept here. Ask the administrator to look"
        " at the sync log."
    ),
    "not_enrolled": N_(
        "This PC is not enrolled at the hub (or no longer). Ask the administrator to enrol it."
    ),
    "disk_full": N_("The disk is full, so sync has stopped. Ask IT support to free space."),
    "other": N_("Sync did not work this time. If this keeps happening, tell the administrator."),
}


def _clock(moment: datetime, now: datetime) -> str:
    """12:03 today; 3 dec 2026 12:03 another day (in this PC's time zone, as every date)."""
    from loket.i18n.dates import format_moment, format_time

    local, today = moment.astimezone(), now.astimezone()
    if local.date() == today.date():
        return format_time(moment)
    return format_moment(moment)


def describe(status: SyncStatus, now: datetime | None = None) -> str:
    """The status line: calm, one sentence; the numbers staff act on after it."""
    now = now or datetime.now(UTC)
    if not status.enrolled:
        return _("This PC works on its own (not connected to other PCs).")
    waiting = (
        ngettext("{n} change waiting", "{n} changes waiting", status.waiting).format(
            n=status.waiting
        )
        if status.waiting
        else ""
    )
    offline = status.hub_reachable is False or status.error_code == "unreachable"
    if offline:
        text = (
            _("No connection since {time}").format(time=_clock(status.last_success_at, now))
            if status.last_success_at
            else _("No connection yet")
        )
    elif status.error_code in ERROR_SENTENCES:
        text = _(ERROR_SENTENCES[status.error_code])
    elif status.last_success_at is not None:
        text = _("Updated at {time}").format(time=_clock(status.last_success_at, now))
    else:
        text = _("Not yet updated")
    parts = [p for p in (text, waiting) if p]
    line = " — ".join(parts)
    if status.conflicts_open:
        line += " · " + ngettext(
            "{n} conflict to decide", "{n} conflicts to decide", status.conflicts_open
        ).format(n=status.conflicts_open)
    if status.names_progress is not None:
        line += " · " + names_text(status.names_progress)
    return line


def error_sentence(code: str | None) -> str:
    """The one sentence for an error code (the status line, `loket sync now|status`)."""
    return _(ERROR_SENTENCES.get(code or "", ERROR_SENTENCES["other"]))


def identity(db: Database) -> str:
    """This PC's workstation id at the hub (given at enrolment), or the database's own."""
    return outbox.sync_workstation(db)


def names_text(fraction: float) -> str:
    """While the name search is built after a first pull: exact matches work already."""
    return _(
        "Name search is being prepared ({percent} %); until then it finds only some visitors"
    ).format(percent=int(fraction * 100))


def enrolment_text(status: SyncStatus, workstation: str, now: datetime | None = None) -> str:
    """For first run and the administrators' settings: is this PC part of the hub?"""
    now = now or datetime.now(UTC)
    if not status.enrolled:
        return _(
            "This PC is not enrolled with a hub: it works on its own. To share with the desk's"
            " other PCs, an administrator enrols it (loket sync enroll)."
        )
    contact = status.last_success_at or status.last_attempt_at
    when = _clock(contact, now) if contact else _("not yet")
    return _(
        "This PC is enrolled with the hub as {workstation}. Last contact with the hub: {when}."
    ).format(workstation=workstation, when=when)
