"""Where sync stands, for the status line and `loket sync status`: read from the PC-side
sync tables only (the hub branch fills them on every attempt), so reading it never waits
for the network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from loket.db import sync as repo
from loket.db.connection import Database

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
        waiting=repo.waiting(db),
        conflicts_open=repo.open_count(db),
        error_code=code if code in ERROR_CODES else ("other" if code else None),
        enrolled=repo.enrolled(db),
    )
