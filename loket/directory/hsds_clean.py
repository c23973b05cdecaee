"""Normalising what has one obvious meaning in real HSDS files, and saying so in the report.

Publishers write phone numbers in quotes or with the extension behind them, web addresses
without https://, e-mail addresses with spaces, dates as 15-01-2026 or 2026-01-15T00:00:00Z.
Each of those is turned into the value Loket stores and reported as a normalisation; what has
no single meaning (a latitude of NaN, a date of 13/13/2026) is refused.

Spreadsheet formulas: the CSV export puts a `'` before a cell that a spreadsheet would run
(`=`, `+`, `-`, `@`, their fullwidth forms, tab, CR), and the CSV import takes that one `'`
off again, so our own export and import stay byte-for-byte stable.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from loket.directory.hsds import SERVICE_STATUSES
from loket.directory.hsds_bundle import Rec
from loket.directory.hsds_report import Report
from loket.i18n import _

FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
# Numbers and phone numbers (+31 20 123 4567, -4.89) hold no function or reference: a
# spreadsheet may compute them but cannot run anything, so they travel unchanged.
_NUMERIC = re.compile(r"^[+\-]?[0-9][0-9 ()\-.]*$")
_QUOTES = "\"'“”‘’«»"
_EXTENSION = re.compile(
    r"^(?P<number>.*?)[\s,;]*(?:ext\.?|extension|x|toestel|tst\.?|#)\s*(?P<ext>[0-9]{1,8})$",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")
_NEEDS_SCHEME = re.compile(r"^[^\s/:@]+\.[a-z]{2,}(/|$)", re.IGNORECASE)
URL_COLUMNS = {"url", "website", "uri"}
EMAIL_COLUMNS = {"email", "assurer_email"}


def needs_guard(value: str) -> bool:
    text = value.lstrip("'")
    return bool(text) and text[0] in FORMULA_START and not _NUMERIC.match(text)


def guard(value: str) -> str:
    """The cell as the export writes it."""
    return "'" + value if needs_guard(value) else value


def unguard(value: str) -> str:
    """The cell as the export meant it: the one `'` the export added is taken off."""
    return value[1:] if value.startswith("'") and needs_guard(value) else value


def _date(text: str) -> str | None:
    candidate = text.strip()
    if "T" in candidate:
        try:
            return datetime.fromisoformat(candidate.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def clean(table: str, rec: Rec, report: Report) -> bool:
    """Normalise `rec.data` in place; False (with the refusals reported) when a value cannot
    be stored."""
    ok = True
    data = rec.data
    for col, value in list(data.items()):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                report.refuse_record(
                    rec,
                    rec.where(col),
                    value,
                    _("the text holds an invalid character (a lone surrogate)"),
                )
                ok = False
                continue
            if not value.strip():
                data[col] = None
    if not ok:
        return False

    def changed(col: str, before, text: str) -> None:
        report.normalised(rec.file, rec.row, rec.where(col), before, text)

    if table == "phone" and isinstance(data.get("number"), str):
        before = data["number"]
        number = before.strip().strip(_QUOTES).strip()
        match = _EXTENSION.match(number)
        if match and not data.get("extension"):
            number = match["number"].strip()
            data["extension"] = match["ext"]
        if number != before:
            data["number"] = number
            text = _("read as {number}").format(number=number)
            if data.get("extension") and match:
                text = _("read as {number}, extension {ext}").format(
                    number=number, ext=data["extension"]
                )
            changed("number", before, text)
    for col in URL_COLUMNS & data.keys():
        value = data[col]
        if isinstance(value, str) and "://" not in value and _NEEDS_SCHEME.match(value.strip()):
            data[col] = "https://" + value.strip()
            changed(col, value, _("read as {value}").format(value=data[col]))
    for col in EMAIL_COLUMNS & data.keys():
        value = data[col]
        if isinstance(value, str) and re.search(r"\s", value):
            data[col] = re.sub(r"\s+", "", value)
            changed(col, value, _("read as {value}").format(value=data[col]))
    if table == "service" and data.get("status") not in (None, *SERVICE_STATUSES):
        report.refuse_record(
            rec,
            rec.where("status"),
            data["status"],
            _("use one of: {values}").format(values=", ".join(SERVICE_STATUSES)),
        )
        ok = False
    if table == "service" and isinstance(data.get("assured_date"), str):
        value = data["assured_date"]
        try:
            date.fromisoformat(value)
        except ValueError:
            iso = _date(value)
            if iso is None:
                report.refuse_record(
                    rec,
                    rec.where("assured_date"),
                    value,
                    _("write the date as YYYY-MM-DD"),
                )
                ok = False
            else:
                data["assured_date"] = iso
                changed("assured_date", value, _("read as {value}").format(value=iso))
    if table == "location":
        for col, limit in (("latitude", 90.0), ("longitude", 180.0)):
            value = data.get(col)
            if value is None:
                continue
            try:
                number = float(value) if not isinstance(value, bool) else math.nan
            except (TypeError, ValueError):
                number = math.nan
            if not math.isfinite(number) or abs(number) > limit:
                report.refuse_record(
                    rec,
                    rec.where(col),
                    value,
                    _("a number from -{limit} to {limit} is expected here").format(
                        limit=int(limit)
                    ),
                )
                ok = False
    return ok
