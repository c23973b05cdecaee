"""Time and identity helpers shared by every record the core writes."""

from __future__ import annotations

import os
import time
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
    """A time-ordered UUID (version 7 layout: 48-bit milliseconds, then random bits).

    Unique across counter PCs like any random UUID, but new rows land at the end of the
    primary-key B-tree instead of at random places in it, which keeps inserts fast.
    """
    return uuid7(int(time.time() * 1000), int.from_bytes(os.urandom(10), "big") >> 6)


def uuid7(millis: int, rand74: int) -> str:
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand74 >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand74 & ((1 << 62) - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
