"""One date format on every screen, from Babel in the UI language (loket.i18n.dates)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from loket import i18n
from loket.i18n import dates

FSI, PDI = "\u2068", "\u2069"


@pytest.fixture
def language():
    before = i18n.language()
    yield i18n.set_language
    i18n.set_language(before)


def test_the_one_format_writes_the_month_as_a_word(language):
    language("nl")
    assert dates.format_date("2026-12-03") == "3 dec 2026"
    assert dates.format_date(date(2026, 12, 3)) == "3 dec 2026"
    language("en")
    assert dates.format_date("2026-12-03") == "Dec 3, 2026"
    language("ar")
    text = dates.format_date("2026-12-03")
    # No digits-only 03/12/2026 that a left-to-right reader sees as 2026/12/03; isolated so
    # it cannot reorder a sentence or cell around it.
    assert text == f"{FSI}3 ديسمبر 2026{PDI}"


def test_times_are_local_and_nothing_stays_nothing(language):
    language("nl")
    moment = datetime(2026, 12, 3, 14, 5).astimezone()
    stamp = moment.astimezone().isoformat()
    assert dates.format_moment(stamp) == "3 dec 2026 14:05"
    assert dates.format_moment(datetime(2026, 12, 3, 9, 30)) == "3 dec 2026 09:30"
    assert dates.format_date(None) == dates.format_date("") == dates.format_moment(None) == ""
    assert dates.format_date("not a date") == "not a date"


def test_times_are_on_the_24_hour_clock_in_every_language(language):
    # the referral history in Arabic read "10:15 ص", in English "2:05 PM"; letters say 14:05
    moment = datetime(2026, 12, 3, 14, 5)
    for lang in ("nl", "en", "ar"):
        language(lang)
        assert dates.format_time(moment) == "14:05"
    assert dates.format_moment(moment).endswith(" 14:05")


def test_months_date_fields_and_typed_dates(language):
    language("nl")
    assert dates.format_month("2026-01") == "jan 2026"
    assert dates.edit_format() == "dd-MM-yyyy"
    language("en")
    assert dates.edit_format() == "M/d/yyyy"
    language("ar")
    assert "\u200f" not in dates.edit_format() and "yyyy" in dates.edit_format()
    assert dates.as_typed("2026-12-03") == "03-12-2026"
    assert dates.as_typed("03-12-2026") == "03-12-2026" and dates.as_typed(None) == ""
