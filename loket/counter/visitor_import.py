"""Importing the visitor list a desk keeps in Excel (CSV or XLSX), checked whole first.

Columns are found by their header, in Dutch or English; a header Loket does not know refuses
the file, naming the headers it does know.  Every row is checked as the registration form
checks it.  The report says which rows would be added, which look like a visitor already
registered (the same V-nummer, BSN, or a matching name with the same birth date: flagged and
left out, never merged) and which are refused and why.  Nothing is written on a dry run, when
the file cannot be read, or when any row is refused; otherwise every row is added in one
transaction, with one audit row for the import besides each visitor's own.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path

from loket.context import Context
from loket.counter import intake
from loket.counter.textfold import fold
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from loket.model import Visitor
from loket.privacy import audit
from loket.privacy.permissions import Permission

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000

# field -> headers (Dutch first, then English); compared folded, without spaces and dashes
HEADERS: dict[str, tuple[str, ...]] = {
    "given_names": ("voornamen", "voornaam", "given names", "given name", "first name"),
    "family_name": ("achternaam", "familienaam", "family name", "surname", "last name"),
    "latin_given_names": (
        "voornamen latijns",
        "voornaam latijns",
        "latin given names",
        "given names latin",
    ),
    "latin_family_name": (
        "achternaam latijns",
        "latin family name",
        "family name latin",
        "surname latin",
    ),
    "date_of_birth": ("geboortedatum", "date of birth", "birth date", "born"),
    "v_number": ("v-nummer", "vnummer", "v-number", "v number"),
    "bsn": ("bsn", "burgerservicenummer"),
    "phone": ("telefoon", "telefoonnummer", "phone", "telephone"),
    "email": ("e-mail", "email"),
    "address": ("adres", "address"),
    "postal_code": ("postcode", "postal code"),
    "city": ("woonplaats", "plaats", "city"),
    "preferred_language": ("taal", "language"),
}


def _norm(header: str) -> str:
    return "".join(fold(header).split())


_BY_HEADER = {_norm(h): f for f, hs in HEADERS.items() for h in hs}


class ImportRefused(LoketError):
    """The file as a whole cannot be imported (unreadable, unknown header, too big)."""


@dataclass
class ImportReport:
    added: list[tuple[int, str]] = field(default_factory=list)  # (row, name)
    flagged: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, name, id, why
    refused: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # row, errors
    written: bool = False


def known_headers() -> list[str]:
    return [h for hs in HEADERS.values() for h in hs]


def read_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """(row number as the spreadsheet shows it, field -> text) for every non-empty row."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportRefused(_("The file is too large to import (at most 20 MB)."))
        if path.suffix.lower() == ".xlsx":
            table = _xlsx(path)
        elif path.suffix.lower() in (".csv", ".txt"):
            table = _csv(path.read_bytes())
        else:
            raise ImportRefused(_("Import a .csv or .xlsx file."))
    except ImportRefused:
        raise
    except Exception as err:  # missing, unreadable, not really a spreadsheet
        raise ImportRefused(_("The file cannot be read: {error}").format(error=err)) from err
    if not table:
        raise ImportRefused(_("The file is empty."))
    header, *body = table
    columns = []
    unknown = []
    for cell in header:
        name = _norm(cell or "")
        if not name:
            columns.append(None)
            continue
        if name not in _BY_HEADER:
            unknown.append(str(cell))
        columns.append(_BY_HEADER.get(name))
    if unknown:
        raise ImportRefused(
            _("Unknown column header(s): {unknown}. Known headers: {known}.").format(
                unknown=", ".join(unknown), known=", ".join(known_headers())
            )
        )
    if "given_names" not in columns and "family_name" not in columns:
        raise ImportRefused(_("The file has no column with a name."))
    if len(body) > MAX_ROWS:
        raise ImportRefused(_("The file has more than 20,000 rows; split it."))
    rows = []
    for number, cells in enumerate(body, start=2):
        values = {
            col: _text(cell) for col, cell in zip(columns, cells, strict=False) if col is not None
        }
        if any(values.values()):
            rows.append((number, values))
    return rows


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel's "CSV" on a Dutch Windows PC
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx(path: Path) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)]
    finally:
        book.close()


def import_visitors(ctx: Context, path: str | Path, *, dry_run: bool = False) -> ImportReport:
    ctx.require(Permission.VISITOR_WRITE, object_type="visitor")
    rows = read_rows(path)
    report = ImportReport()
    ready: list[tuple[int, Visitor]] = []
    seen_ids: dict[str, int] = {}
    for number, values in rows:
        person = Visitor(**{k: v for k, v in values.items() if k in HEADERS})
        for key in ("date_of_birth", "v_number", "bsn", "phone", "email", "postal_code"):
            if not getattr(person, key):
                setattr(person, key, None)
        person.preferred_language = values.get("preferred_language") or "nl"
        try:
            intake.clean_visitor(person)
        except ValidationError as err:
            report.refused.append((number, dict(err.errors)))
            continue
        name = person.display_name or person.latin_name
        twin = next((seen_ids[n] for n in (person.v_number, person.bsn) if n in seen_ids), None)
        if twin is not None:
            report.refused.append(
                (number, {"v_number": _("The same person as row {row}.").format(row=twin)})
            )
            continue
        for n in (person.v_number, person.bsn):
            if n:
                seen_ids[n] = number
        matches = intake.find_duplicates(ctx, person)
        if matches:
            m = matches[0]
            report.flagged.append((number, name, m.visitor.id, m.name_reason or m.reason))
            continue
        ready.append((number, person))
        report.added.append((number, name))
    if dry_run or report.refused:
        return report
    with ctx.db.transaction():
        for _number, person in ready:
            intake.register_visitor(ctx, person, confirmed_new=True)
        audit.record(
            ctx,
            action="visitor.import",
            object_type="visitor",
            detail={
                "file": Path(path).name,
                "added": len(report.added),
                "flagged": len(report.flagged),
            },
        )
    report.written = True
    return report
