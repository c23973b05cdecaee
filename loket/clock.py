"""Time and identity helpers shared by every record the core writes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def now_iso() -> str:
    """UTC in ISO 8601 with a Z, to the second: sortable as text."""
    return utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> date:
    """The local calendar date of the desk (visits are filed by the day the visitor came)."""
    return datetime.now().date()


def new_id() -> str:
    return str(uuid.uuid4())
