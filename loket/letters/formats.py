"""Dates, times, weekdays and language names written out in the letter's language (Babel/CLDR).

Dates are always written out ("3 december 2026", "3 ديسمبر 2026", "3 ታሕሳስ 2026"): a
numeric date is read differently across countries.  Times use the 24-hour clock everywhere,
as Dutch appointments do, so no AM/PM marker has to be understood.
"""

from __future__ import annotations

from datetime import date, time

from babel import Locale
from babel.dates import format_date, get_day_names
from babel.dates import format_time as babel_format_time

from loket.directory.hsds import WEEKDAYS as BYDAY
from loket.letters.catalogue import RTL_LANGUAGES

# Languages whose CLDR "long" date puts the month first; letters put the day first.
_DAY_FIRST_PATTERN = "d MMMM y"
_LONG_IS_DAY_FIRST = {"nl", "ar", "tr", "fa", "uk", "ps", "ru", "fr"}


def format_long_date(value: date, lang: str) -> str:
    if lang in _LONG_IS_DAY_FIRST:
        text = format_date(value, "long", locale=lang)
        # uk/ru add a year abbreviation ("р.", "г."): plain day-month-year reads simpler
        return (
            text
            if lang not in ("uk", "ru")
            else format_date(value, _DAY_FIRST_PATTERN, locale=lang)
        )
    return format_date(value, _DAY_FIRST_PATTERN, locale=lang)


def format_time(value: time, lang: str) -> str:
    return babel_format_time(value, "HH:mm", locale=lang)


def format_days(byday: str | None, lang: str) -> str:
    """ "MO,TU,WE" -> "maandag, dinsdag, woensdag" in the letter's language."""
    names = get_day_names("wide", locale=lang)
    days = [d.strip().upper()[-2:] for d in (byday or "").split(",") if d.strip()]
    comma = "، " if lang in RTL_LANGUAGES else ", "  # as LetterCatalogue.comma
    return comma.join(names[BYDAY.index(d)] for d in days if d in BYDAY)


def language_name(code: str, lang: str) -> str:
    try:
        return Locale.parse(lang).languages.get(code) or code
    except (ValueError, LookupError):
        return code


def display_language(lang: str) -> str:
    """The language's own name for itself (shown at the top of each language version)."""
    try:
        name = Locale.parse(lang).display_name or lang
    except (ValueError, LookupError):
        return lang
    return name[:1].upper() + name[1:]
