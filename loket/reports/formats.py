"""The columns of the referral log and the CSV and XLSX writers.

Rows arrive in batches from `loket.db.exports.referral_rows` and are turned into records of
typed values (ISO date text, int, text, None).  Writers take an iterator of batches and never
hold more than one batch.  Every text that reaches a spreadsheet passes through `inert()`.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO

from loket.i18n import N_, _
from loket.reports import pseudonyms
from loket.reports.overview import status_label

STEPS = ("proposed", "sent", "accepted", "declined", "completed", "no_show", "cancelled")
_STEP_INDEX = {s: i for i, s in enumerate(STEPS)}
_COMPLETED = _STEP_INDEX["completed"]
FORMULA_STARTS = frozenset("=+-@\t\r")
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, without the header row


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # msgid, translated when written
    kind: str  # 'text', 'date' or 'int'


COLUMNS = (
    Column("visit_date", N_("Visit date"), "date"),
    Column("desk", N_("Desk"), "text"),
    Column("staff", N_("Staff member"), "text"),
    Column("needs", N_("Needs"), "text"),
    Column("needs_codes", N_("Needs (codes)"), "text"),
    Column("partner", N_("Partner"), "text"),
    Column("service", N_("Service"), "text"),
    Column("handover", N_("Handover (warm/cold)"), "text"),
    Column("handover_code", N_("Handover (code)"), "text"),
    Column("status", N_("Status"), "text"),
    Column("status_code", N_("Status (code)"), "text"),
    Column("proposed_on", N_("Proposed on"), "date"),
    Column("sent_on", N_("Sent on"), "date"),
    Column("accepted_on", N_("Accepted on"), "date"),
    Column("declined_on", N_("Declined on"), "date"),
    Column("completed_on", N_("Completed on"), "date"),
    Column("no_show_on", N_("Did not come, noted on"), "date"),
    Column("cancelled_on", N_("Cancelled on"), "date"),
    Column("days_to_completion", N_("Days until completion"), "int"),
    Column("follow_up_date", N_("Follow-up date"), "date"),
    Column("visitor", N_("Visitor (pseudonym)"), "text"),
)
IDENTIFIABLE = (
    Column("given_names", N_("Given names"), "text"),
    Column("family_name", N_("Family name"), "text"),
    Column("date_of_birth", N_("Date of birth"), "date"),
    Column("v_number", N_("V-number"), "text"),
    Column("bsn", N_("BSN"), "text"),
    Column("phone", N_("Phone"), "text"),
)


def columns(identifiable: bool) -> tuple[Column, ...]:
    return COLUMNS + IDENTIFIABLE if identifiable else COLUMNS


def headers(identifiable: bool) -> list[str]:
    return [_(c.header) for c in columns(identifiable)]


# Look-alikes NFKC does not fold onto an ASCII formula start (minus signs, dashes).
_ODD_STARTS = frozenset("\u2212\u2010\u2011\u2012\u2013\u2014\u2015\u02d7\u2796")


def starts_formula(value: str) -> bool:
    """Whether a spreadsheet might read `value` as a formula: its first visible character,
    after spaces and invisible format characters (zero-width, bidi marks), is = + - @ or a
    tab/CR/LF, in any width or form (fullwidth ＝, small ﹦, minus sign −)."""
    for ch in value[:64]:
        if ch in FORMULA_STARTS or ch == "\n":
            return True
        if ch.isspace() or unicodedata.category(ch) == "Cf":
            continue
        return ch in _ODD_STARTS or unicodedata.normalize("NFKC", ch)[:1] in FORMULA_STARTS
    return False


def inert(value):
    """A text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value.__class__ is str and value and not value[0].isalnum() and starts_formula(value):
        return "'" + value
    return value


HANDOVER_LABELS = {
    # Translators: a warm referral: the desk contacts the partner and hands the visitor over.
    "warm": N_("Warm: the desk handed over"),
    # Translators: a cold referral: the visitor gets the address and goes alone.
    "cold": N_("Cold: the visitor goes alone"),
}


@dataclass(frozen=True)
class Words:
    """How the codes of a row read in the export's language: people read the words, and
    whoever imports the file elsewhere uses the codes beside them."""

    needs: Mapping[str, str]

    def need_list(self, codes: str | None) -> str | None:
        if not codes:
            return codes
        return ", ".join(self.needs.get(c.strip(), c.strip()) for c in codes.split(","))

    @staticmethod
    def handover(code: str | None) -> str | None:
        return _(HANDOVER_LABELS[code]) if code in HANDOVER_LABELS else code

    @staticmethod
    def status(code: str | None) -> str | None:
        return status_label(code) if code else code


def records(
    batches: Iterable[list[tuple]], key: bytes, identifiable: bool, words: Words
) -> Iterator[list[list]]:
    """Database rows (loket.db.exports.ROW_COLUMNS order) → records in COLUMNS order."""
    pseudonym = pseudonyms.pseudonymiser(key)
    fromiso = date.fromisoformat
    for batch in batches:
        out = []
        for row in batch:
            vid, vdate, desk, staff, needs, partner, service, handover, status, steps, follow = row[
                :11
            ]
            slots: list = [None] * 7
            if steps:
                for part in steps.split(","):
                    name, _sep, day = part.partition("=")
                    i = _STEP_INDEX.get(name)
                    if i is not None and slots[i] is None:
                        slots[i] = day
            done = slots[_COMPLETED]
            days = None
            if done:
                try:
                    days = (fromiso(done) - fromiso(vdate)).days
                except ValueError:
                    days = None
            rec = [
                vdate,
                desk,
                staff,
                words.need_list(needs),
                needs,
                partner,
                service,
                words.handover(handover),
                handover,
                words.status(status),
                status,
                *slots,
                days,
                follow,
                pseudonym(vid),
            ]
            if identifiable:
                rec.extend(row[11:])
            out.append(rec)
        yield out


def write_csv(
    fh: IO[str],
    batches: Iterable[list[list]],
    *,
    delimiter: str,
    identifiable: bool,
    on_batch: Callable[[int], None],
) -> int:
    """UTF-8 with BOM is the caller's encoding; returns the number of rows written."""
    writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([inert(h) for h in headers(identifiable)])
    n = 0
    starts = FORMULA_STARTS
    for batch in batches:
        writer.writerows(
            [("'" + v if v.__class__ is str and v and v[0] in starts else v) for v in rec]
            for rec in batch
        )
        n += len(batch)
        on_batch(n)
    return n


def write_xlsx(
    path: str,
    batches: Iterable[list[list]],
    *,
    identifiable: bool,
    on_batch: Callable[[int], None],
    summary=None,
) -> int:
    """Typed cells (dates as dates, numbers as numbers), frozen header, autofilter.

    constant_memory mode flushes each row as soon as the next one starts, so memory stays
    flat; rows beyond Excel's limit continue on a further sheet."""
    import xlsxwriter

    cols = columns(identifiable)
    book = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    if summary is not None:
        _summary_sheet(book, summary, bold)
    fromiso = date.fromisoformat
    sheet = None
    r = 0
    n = 0
    sheets = 0

    def new_sheet():
        nonlocal sheets
        sheets += 1
        name = _("Referrals") if sheets == 1 else f"{_('Referrals')} ({sheets})"
        ws = book.add_worksheet(name[:31])
        for c, col in enumerate(cols):
            ws.write_string(0, c, inert(_(col.header)), bold)
            ws.set_column(
                c, c, 12 if col.kind != "text" else 18, date_fmt if col.kind == "date" else None
            )
        ws.freeze_panes(1, 0)
        return ws

    def close_sheet(ws, last_row):
        ws.autofilter(0, 0, max(last_row, 1), len(cols) - 1)

    kinds = [c.kind for c in cols]
    for batch in batches:
        for rec in batch:
            if sheet is None or r > XLSX_MAX_ROWS:
                if sheet is not None:
                    close_sheet(sheet, r - 1)
                sheet = new_sheet()
                r = 1
            for c, value in enumerate(rec):
                if value is None or value == "":
                    continue
                kind = kinds[c]
                if kind == "date":
                    try:
                        sheet.write_datetime(r, c, fromiso(value), date_fmt)
                    except (TypeError, ValueError):
                        sheet.write_string(r, c, inert(str(value)))
                elif kind == "int":
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, inert(str(value)))
            r += 1
        n += len(batch)
        on_batch(n)
    if sheet is None:
        sheet = new_sheet()
        r = 1
    close_sheet(sheet, r - 1)
    book.close()
    return n


def _summary_sheet(book, summary, bold) -> None:
    """The overview's tables, suppressed counts shown as "<N" text, others as numbers."""
    ws = book.add_worksheet(_("Summary")[:31])
    ws.set_column(0, 0, 40)
    ws.set_column(1, 3, 14)
    r = 0
    for label, value in summary.facts:
        ws.write_string(r, 0, inert(_(label)), bold)
        _write_count(ws, r, 1, value)
        r += 1
    for table in summary.tables:
        r += 1
        ws.write_string(r, 0, inert(_(table.title)), bold)
        r += 1
        for c, h in enumerate(table.headers):
            ws.write_string(r, c, inert(_(h)), bold)
        r += 1
        for label, cells in table.rows:
            ws.write_string(r, 0, inert(table.label(label)))
            for c, value in enumerate(cells, start=1):
                _write_count(ws, r, c, value)
            r += 1


def _write_count(ws, r: int, c: int, value) -> None:
    if isinstance(value, str):
        ws.write_string(r, c, inert(value))
    elif value.suppressed:
        ws.write_string(r, c, value.shown)
    else:
        ws.write_number(r, c, value.value)
