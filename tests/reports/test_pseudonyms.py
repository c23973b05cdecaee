"""One code per visitor per calendar quarter, under a key that is made once and rotated."""

from __future__ import annotations

from datetime import date

import pytest

from loket.db import reference
from loket.reports import pseudonyms


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 1, 1), "2026-Q1"),
        (date(2026, 3, 31), "2026-Q1"),
        (date(2026, 4, 1), "2026-Q2"),
        (date(2026, 12, 3), "2026-Q4"),
    ],
)
def test_the_period_is_the_calendar_quarter(day, period):
    assert pseudonyms.period(day) == period


def test_a_quarter_keeps_its_key_and_the_next_one_deletes_it(db):
    first = pseudonyms.key_for(db, date(2026, 10, 1))
    assert pseudonyms.key_for(db, date(2026, 12, 31)) == first
    assert len(first) == 32
    code = pseudonyms.pseudonymiser(first)("visitor-1")
    assert len(code) == pseudonyms.LENGTH and int(code, 16) >= 0
    later = pseudonyms.key_for(db, date(2027, 1, 2))
    assert later != first
    assert reference.get_setting(db, pseudonyms.KEY_PREFIX + "2026-Q4") is None
    assert pseudonyms.pseudonymiser(later)("visitor-1") != code


def test_a_key_made_elsewhere_first_is_the_one_used(db):
    # two processes making the quarter's key at once: the first stored one wins for both
    made_first = "ab" * 32
    reference.add_setting_once(db, pseudonyms.KEY_PREFIX + "2026-Q4", made_first)
    assert reference.add_setting_once(db, pseudonyms.KEY_PREFIX + "2026-Q4", "cd" * 32) == (
        made_first
    )
    assert pseudonyms.key_for(db, date(2026, 11, 1)) == bytes.fromhex(made_first)


def test_codes_differ_between_visitors():
    pseudonym = pseudonyms.pseudonymiser(b"k" * 32)
    assert len({pseudonym(f"visitor-{n}") for n in range(1000)}) == 1000
