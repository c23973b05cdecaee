"""Pseudonyms for the referral log and its exports: one code per visitor per quarter.

A supervisor follows one visitor through the log (the same code after a reload, in this
week's and last week's export), but cannot link a code to a person, nor one quarter's codes
to the next.  The code is a keyed hash (BLAKE2b) of the visitor's internal id under a random
key for the calendar quarter in which the log is opened or the export is made.

How the key is kept and rotated: it is made on first use in a quarter and stored in the
database's settings (`pseudonym.key.2026-Q4`), never shown, printed or exported; making a new
quarter's key deletes the earlier ones, so after the turn of a quarter nobody, the database
included, can recompute the old codes.  A pseudonym is still personal data (AVG art. 4(5)):
whoever holds the database and its current key can link this quarter's codes to visitors,
which is why exports are made only with EXPORT_PSEUDONYMISED and written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import date

from loket.db import reference

KEY_PREFIX = "pseudonym.key."
LENGTH = 12  # hex characters: 48 bits, no collision to expect among a desk's visitors


def period(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def key_for(db, day: date) -> bytes:
    """The key of `day`'s quarter, made (and the older ones deleted) on first use."""
    name = KEY_PREFIX + period(day)
    stored = reference.get_setting(db, name)
    if stored is None:
        with db.transaction():
            stored = reference.add_setting_once(db, name, secrets.token_hex(32))
            reference.delete_settings_like(db, KEY_PREFIX, keep=name)
    return bytes.fromhex(stored)


def pseudonymiser(key: bytes) -> Callable[[str], str]:
    """visitor id -> its code under `key`."""

    def pseudonym(visitor_id: str) -> str:
        digest = hashlib.blake2b(visitor_id.encode(), key=key, digest_size=LENGTH // 2)
        return digest.hexdigest()

    return pseudonym
