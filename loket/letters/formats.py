"""Dates, times, weekdays and language names written out in the letter's language (Babel/CLDR).

Dates are always written out, with the weekday in the body of a letter ("maandag 7 december
2026", "الاثنين، 7 كانون الأول 2026", "ሰኑይ፣ 7 ታሕሳስ 2026"): a numeric date is read
differently across countries, and the weekday is what a visitor plans by.  Arabic uses the
month names of Syria and Iraq (CLDR `ar_SY`: كانون الأول), Dari those of Afghanistan (`fa_AF`:
دسمبر); digits are Latin everywhere, like the phone numbers and V-nummers beside them.  Times
use the 24-hour clock ("14.30 uur" in Dutch), so no AM/PM marker has to be understood.
"""

from __future__ import annotations

from datetime import date, time

from babel import Locale
from babel.dates import format_date, get_date_format, get_day_names
from babel.dates import format_time as babel_format_time

from loket.directory.hsds import WEEKDAYS as BYDAY

# The CLDR locale behind a letter language where the bare code is not the right one.
BABEL_LOCALE = {"ar": "ar_SY", "prs": "fa_AF"}
# Codes a partner directory may use for the same language as a letter language.
ALIASES = {"fa-af": "prs", "fa_af": "prs"}
# Each language's own name at the top of its version, where CLDR's differs from the one
# readers at the desk use.
OWN_NAMES = {"prs": "دری", "fa": "فارسی", "ckb": "کوردی (سۆرانی)"}

_DAY_FIRST_PATTERN = "d MMMM y"
_WEEKDAY_PATTERN = "EEEE d MMMM y"
# Languages whose CLDR "long" date puts the day first; the others get `_DAY_FIRST_PATTERN`.
_LONG_IS_DAY_FIRST = {"nl", "ar", "tr", "fa", "fr", "prs"}
# Languages whose CLDR "full" date (with the weekday) reads well as it is.
_FULL_AS_IS = {"nl", "ar", "ti", "tr", "fa", "prs", "fr"}


def babel_locale(lang: str) -> str:
    return BABEL_LOCALE.get(lang, lang)


def normal_language(code: str) -> str:
    code = (code or "").strip()
    return ALIASES.get(code.lower(), code)


def format_long_date(value: date, lang: str, *, weekday: bool = True) -> str:
    loc = babel_locale(lang)
    if weekday:
        if lang in _FULL_AS_IS:
            return format_date(value, "full", locale=loc)
        if lang in ("uk", "ru"):  # without the year abbreviation ("р.", "г.")
            return format_date(value, "EEEE, d MMMM y", locale=loc)
        return format_date(value, _WEEKDAY_PATTERN, locale=loc)
    if lang in _LONG_IS_DAY_FIRST:
        return format_date(value, "long", locale=loc)
    return format_date(value, _DAY_FIRST_PATTERN, locale=loc)


def full_date_pattern(lang: str) -> str:
    return get_date_format("full", locale=babel_locale(lang)).pattern


def format_time(value: time, lang: str) -> str:
    """14:30, and 14.30 in Dutch (the sentence adds "uur")."""
    if lang == "nl":
        return f"{value.hour}.{value.minute:02d}"
    return babel_format_time(value, "HH:mm", locale=babel_locale(lang))


def format_days(byday: str | None, lang: str, comma: str = ", ") -> str:
    """ "MO,TU,WE" -> "maandag, dinsdag, woensdag" in the letter's language."""
    names = get_day_names("wide", locale=babel_locale(lang))
    days = [d.strip().upper()[-2:] for d in (byday or "").split(",") if d.strip()]
    return comma.join(names[BYDAY.index(d)] for d in days if d in BYDAY)


def language_name(code: str, lang: str) -> str:
    code = normal_language(code)
    try:
        return Locale.parse(babel_locale(lang)).languages.get(code) or code
    except (ValueError, LookupError):
        return code


def display_language(lang: str) -> str:
    """The language's own name for itself (shown at the top of each language version)."""
    if lang in OWN_NAMES:
        return OWN_NAMES[lang]
    try:
        name = Locale.parse(lang).display_name or lang
    except (ValueError, LookupError):
        return lang
    return name[:1].upper() + name[1:]
