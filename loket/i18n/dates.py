"""Dates and times on screen: one format for every view, from Babel (CLDR) in the UI
language.  The default ("medium") is the one format of lists, tables, fields and sentences:
day, short month name and year (CLDR skeleton yMMMd: nl "3 dec 2026", en "Dec 3, 2026",
ar "3 ديسمبر 2026"), never digits alone whose order a reader must guess (03-12 or 12/03,
and in Arabic 2026/12/03 as a left-to-right reader sees it); "full" only for a heading that
names the weekday.  Letters have their own formats, in the letter's language
(`loket.letters.formats`).  A test checks that `ui/` formats dates nowhere else.
"""

from __future__ import annotations

from datetime import date, datetime

from loket import i18n

FSI, PDI = "\u2068", "\u2069"
_MARKS = ("\u200f", "\u200e", "\u061c")


def babel_locale(language: str | None = None) -> str:
    lang = language or i18n.language()
    return lang if lang in i18n.UI_LANGUAGES else "en"


def _isolated(text: str) -> str:
    """A right-to-left date (Arabic month names, direction marks) would reorder the digits
    around it in a left-to-right cell or sentence: isolated, it cannot."""
    if i18n.is_rtl() or any(m in text for m in _MARKS):
        return f"{FSI}{text}{PDI}"
    return text


def _moment(value: str | datetime) -> datetime:
    """A stored UTC timestamp in the PC's local time (a datetime without a zone is local)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone()
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone()


def format_date(value: date | str | None, fmt: str = "medium") -> str:
    """A day (a date or an ISO string; a timestamp counts by its local day); nothing for none."""
    if not value:
        return ""
    from babel.dates import format_date as babel_format_date
    from babel.dates import format_skeleton

    try:
        if isinstance(value, str):
            day = _moment(value).date() if "T" in value else date.fromisoformat(value[:10])
        else:
            day = value
        if fmt == "medium":
            text = format_skeleton("yMMMd", day, locale=babel_locale())
        else:
            text = babel_format_date(day, format=fmt, locale=babel_locale())
    except ValueError:
        return str(value)
    return _isolated(text)


def format_time(iso: str | datetime | None) -> str:
    """The local time of day of a UTC timestamp, on the 24-hour clock in every language, as
    the letters and the Netherlands write it (CLDR's short time gave Arabic "2:05 م" and
    English "2:05 PM" beside the letters' 14:05)."""
    if not iso:
        return ""
    from babel.dates import format_skeleton

    try:
        moment = _moment(iso)
    except ValueError:
        return iso
    return format_skeleton("Hm", moment, locale=babel_locale())


def format_moment(value: str | datetime | None) -> str:
    """A timestamp as its local day and time: "3 dec 2026 14:05"."""
    if not value:
        return ""
    try:
        moment = _moment(value)
    except ValueError:
        return str(value)
    return f"{format_date(moment.date())} {format_time(moment)}"


def edit_format(language: str | None = None) -> str:
    """The display format of a date field (QDateEdit): the UI language's numeric order and
    separators with a four-digit year (nl dd-MM-yyyy, en M/d/yyyy, ar d/M/yyyy)."""
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=babel_locale(language)).pattern
    for mark in _MARKS:
        pattern = pattern.replace(mark, "")
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        run = 1
        while i + run < len(pattern) and pattern[i + run] == ch:
            run += 1
        if ch == "y":
            out.append("yyyy")
        elif ch in "dM":
            out.append(ch * min(run, 2))
        else:
            out.append(ch * run)
        i += run
    return "".join(out)


def format_month(value: str | None) -> str:
    """A month key "2026-12" as a month of the year: nl "dec 2026"."""
    if not value:
        return ""
    from babel.dates import format_skeleton

    try:
        year, month = (int(p) for p in value[:7].split("-"))
        text = format_skeleton("yMMM", date(year, month, 1), locale=babel_locale())
    except ValueError:
        return value
    return _isolated(text)


def as_typed(iso: str | None) -> str:
    """A stored date put back into a typed date field as staff write it (dd-mm-yyyy, what
    `loket.validation.parse_date` reads); anything else unchanged."""
    value = iso or ""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}-{value[5:7]}-{value[0:4]}"
    return value
