"""Opening hours of a partner service (HSDS 3 `schedule`, weekly): reading what staff typed,
checking it, and storing exactly the rows the editor shows.

Letters to visitors print these hours, so a typo ("17:00" to "09:00", two rows that overlap
on a Monday) must be refused with a message that names the row, not printed.  Rows that an
import tied to one location (`location_id` / `service_at_location_id`) belong to that
location and are never touched here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from babel.core import UnknownLocaleError
from babel.dates import get_day_names

from loket import clock, i18n, validation
from loket.db import directory as repo
from loket.db.connection import Database
from loket.directory.hsds import WEEKDAYS as DAYS
from loket.errors import ValidationError
from loket.i18n import _, pgettext

FREQ = "WEEKLY"
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_MIDNIGHT = re.compile(r"^24[:.]00$")
_SPLIT = re.compile(r"[,;/\s]+")
_RANGE = re.compile(r"\s*(?:-|–|—|t/m|tot en met)\s*", re.IGNORECASE)


@dataclass
class ScheduleEdit:
    """One row of opening hours: the same hours on one or more weekdays."""

    days: list[str]
    opens_at: str
    closes_at: str
    description: str = ""
    id: str = ""  # the stored row this one edits; "" for a new row

    @property
    def blank(self) -> bool:
        return not (self.days or self.opens_at.strip() or self.closes_at.strip()) and not (
            self.description.strip()
        )


@dataclass(frozen=True)
class ScheduleProblem:
    row: int  # 1-based, as the editor numbers its rows
    field: str  # "days", "opens_at", "closes_at" or "description"
    message: str


def day_names() -> dict[str, str]:
    """Weekday code -> its name in the UI language."""
    return {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }


def day_abbreviations() -> dict[str, str]:
    """Weekday code -> the short form staff type and read in the hours table."""
    return {
        "MO": pgettext("weekday, short", "Mon"),
        "TU": pgettext("weekday, short", "Tue"),
        "WE": pgettext("weekday, short", "Wed"),
        "TH": pgettext("weekday, short", "Thu"),
        "FR": pgettext("weekday, short", "Fri"),
        "SA": pgettext("weekday, short", "Sat"),
        "SU": pgettext("weekday, short", "Sun"),
    }


def _lookup() -> dict[str, str]:
    table = {code.lower(): code for code in DAYS}
    try:  # CLDR's names in the UI language too, so that "di" or "Tue." are understood
        for width in ("abbreviated", "wide"):
            cldr = get_day_names(width, locale=i18n.language())  # 0 = Monday
            table.update({cldr[i].casefold().rstrip("."): code for i, code in enumerate(DAYS)})
    except (ValueError, LookupError, UnknownLocaleError):
        pass  # the pseudo-locale of the translation tests
    for names in (day_abbreviations(), day_names()):
        table.update({name.casefold().rstrip("."): code for code, name in names.items()})
    return table


def parse_days(text: str) -> list[str]:
    """ "ma-vr, za" -> ["MO", "TU", "WE", "TH", "FR", "SA"].

    Codes (MO), short and full names in the UI language all count; a word that is not a day
    is kept as typed, so that the check can name it.
    """
    lookup = _lookup()
    out: list[str] = []
    for part in _SPLIT.split(_RANGE.sub("-", text.strip())):
        if not part:
            continue
        ends = part.split("-")
        codes = [lookup.get(e.casefold().rstrip("."), e) for e in ends]
        if len(codes) == 2 and codes[0] in DAYS and codes[1] in DAYS:
            first, last = DAYS.index(codes[0]), DAYS.index(codes[1])
            week = DAYS[first:] + DAYS[:first]  # "za-ma" runs over the weekend
            codes = list(week[: (last - first) % len(DAYS) + 1])
        out.extend(c for c in codes if c)
    return list(dict.fromkeys(out))


def format_days(days: list[str] | str | None) -> str:
    """["MO", "TU", "WE", "FR"] -> "ma–wo, vr": runs of three or more days as a range."""
    if isinstance(days, str) or days is None:
        days = [d.strip().upper() for d in (days or "").split(",") if d.strip()]
    short = day_abbreviations()
    known = sorted({DAYS.index(d) for d in days if d in DAYS})
    runs: list[list[int]] = []
    for i in known:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{short[DAYS[run[0]]]}–{short[DAYS[run[-1]]]}")
        else:
            parts.extend(short[DAYS[i]] for i in run)
    parts += [d for d in days if d not in DAYS]
    return ", ".join(parts)


def _time(value: str, *, closing: bool = False) -> str | None:
    """ "9.00" -> "09:00"; None when it is not a time of day.  A closing time may be 24:00
    (open until midnight), as in HSDS and ISO 8601."""
    text = value.strip()
    if closing and _MIDNIGHT.match(text):
        return "24:00"
    match = _TIME.match(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def problems(schedules: list[ScheduleEdit]) -> tuple[list[ScheduleEdit], list[ScheduleProblem]]:
    """The rows cleaned up (blank rows dropped, days in week order, times as HH:MM) and
    everything wrong with them, each problem naming its row."""
    clean: list[tuple[int, ScheduleEdit]] = []
    found: list[ScheduleProblem] = []
    allowed = ", ".join(day_abbreviations().values())
    for row, item in enumerate(schedules, start=1):
        if item.blank:
            continue
        ok = True
        days = [d.strip() for d in item.days if d.strip()]
        unknown = [d for d in days if d.upper() not in DAYS]
        if not days:
            found.append(
                ScheduleProblem(
                    row,
                    "days",
                    _("Opening hours, row {row}: fill in one or more days.").format(row=row),
                )
            )
            ok = False
        elif unknown:
            message = _(
                "Opening hours, row {row}: “{day}” is not a day of the week. Use {days}."
            ).format(row=row, day=unknown[0], days=allowed)
            found.append(ScheduleProblem(row, "days", message))
            ok = False
        opens, closes = _time(item.opens_at), _time(item.closes_at, closing=True)
        if opens is None:
            message = _(
                "Opening hours, row {row}: write the opening time as hours:minutes, e.g. 09:00."
            ).format(row=row)
            found.append(ScheduleProblem(row, "opens_at", message))
        if closes is None:
            message = _(
                "Opening hours, row {row}: write the closing time as hours:minutes, e.g. 17:00."
            ).format(row=row)
            found.append(ScheduleProblem(row, "closes_at", message))
        elif opens is not None and closes <= opens:
            message = _(
                "Opening hours, row {row}: the closing time must be after the opening time."
            ).format(row=row)
            found.append(ScheduleProblem(row, "closes_at", message))
            ok = False
        try:
            note = validation.free_text(item.description, "description", max_length=200)
        except ValidationError as err:
            message = _("Opening hours, row {row}: {problem}").format(
                row=row, problem=err.errors["description"]
            )
            found.append(ScheduleProblem(row, "description", message))
            ok = False
        if ok and opens and closes:
            week = [d for d in DAYS if d in {x.upper() for x in days}]
            tidy = replace(item, days=week, opens_at=opens, closes_at=closes, description=note)
            clean.append((row, tidy))
    found += _overlaps(clean)
    return [item for _row, item in clean], sorted(found, key=lambda p: p.row)


def _overlaps(rows: list[tuple[int, ScheduleEdit]]) -> list[ScheduleProblem]:
    names = day_names()
    reported: set[tuple[int, int]] = set()
    out = []
    for day in DAYS:
        ranges = sorted((s.opens_at, s.closes_at, row) for row, s in rows if day in s.days)
        latest: tuple[str, int] | None = None  # the latest closing so far, and its row
        for opens, closes, row in ranges:
            if latest is None or latest[0] <= opens:
                latest = (closes, row)
                continue
            first, second = sorted((latest[1], row))
            if closes > latest[0]:
                latest = (closes, row)
            if (first, second) not in reported:
                reported.add((first, second))
                message = _("Opening hours, rows {row} and {other} overlap on {day}.").format(
                    row=first, other=second, day=names[day]
                )
                out.append(ScheduleProblem(second, "opens_at", message))
    return out


def check(schedules: list[ScheduleEdit]) -> list[ScheduleEdit]:
    """The cleaned rows, or ValidationError with every problem under the key "schedules"."""
    clean, found = problems(schedules)
    if found:
        raise ValidationError.single("schedules", "\n".join(p.message for p in found))
    return clean


def own_rows(db: Database, service_id: str) -> list:
    """The service's own opening hours: not those an import tied to one of its locations."""
    return [
        r
        for r in repo.children(db, "schedule", "service_id", service_id)
        if r["location_id"] is None and r["service_at_location_id"] is None
    ]


def sync(db: Database, service_id: str, schedules: list[ScheduleEdit]) -> None:
    """Make the service's own schedule rows exactly `schedules` (already checked).

    A row keeps its id (and HSDS notes) when the editor names it, or when an unnamed row
    says exactly the same: saving unchanged hours changes nothing.
    """
    current = {r["id"]: r for r in own_rows(db, service_id)}
    used: set[str] = set()
    for item in schedules:
        byday = ",".join(item.days)
        values = (byday, item.opens_at, item.closes_at, item.description or None)
        row_id = item.id if item.id in current and item.id not in used else ""
        if not row_id:
            row_id = next(
                (
                    rid
                    for rid, r in current.items()
                    if rid not in used
                    and (r["byday"], r["opens_at"], r["closes_at"], r["description"]) == values
                ),
                "",
            )
        row_id = row_id or clock.new_id()
        used.add(row_id)
        repo.upsert(
            db,
            "schedule",
            {
                "id": row_id,
                "service_id": service_id,
                "freq": FREQ,
                "byday": byday,
                "opens_at": item.opens_at,
                "closes_at": item.closes_at,
                "description": item.description or None,
            },
        )
    for row_id in current:
        if row_id not in used:
            repo.delete(db, "schedule", row_id)


def stored(db: Database, service_id: str) -> list[ScheduleEdit]:
    """The service's own opening hours as the editor shows them, in week order."""
    rows = [
        ScheduleEdit(
            days=[d.strip().upper() for d in (r["byday"] or "").split(",") if d.strip()],
            opens_at=r["opens_at"] or "",
            closes_at=r["closes_at"] or "",
            description=r["description"] or "",
            id=r["id"],
        )
        for r in own_rows(db, service_id)
    ]
    return sorted(rows, key=sort_key)


def sort_key(item: ScheduleEdit) -> tuple:
    first = min((DAYS.index(d) for d in item.days if d in DAYS), default=len(DAYS))
    return (first, item.opens_at, item.id)
