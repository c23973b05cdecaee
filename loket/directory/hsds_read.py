"""Reading HSDS data (a folder, a .zip of one, or HSDS JSON) into plain records.

Nothing here touches the database: the reader only turns bytes into `Rec`s that remember
their file and row, so that every later error can say exactly where the problem is.  Rows are
counted as a spreadsheet shows them: the header is row 1, the first data row is row 2.  In
HSDS JSON the row is the position of the service in the list (1 = first).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from loket.directory import hsds
from loket.directory.hsds_bundle import Bundle, ImportFailed, Rec
from loket.directory.hsds_clean import unguard
from loket.directory.hsds_json import bundle_from_json
from loket.directory.hsds_report import Report
from loket.directory.hsds_zip import zip_files
from loket.i18n import _


def _empty_to_none(value):
    if isinstance(value, str) and value == "":
        return None
    return value


# -- CSV ------------------------------------------------------------------------------------
def _delimiter(text: str) -> str:
    """`;` when the header is split by semicolons (spreadsheets in Dutch settings)."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def parse_csv(name: str, raw: bytes, report: Report | None = None) -> list[Rec]:
    """Decode and split one CSV file.  Every problem goes into `report`; without one, the
    first refusal is raised."""
    own = report is None
    report = report if report is not None else Report()
    records = _parse_csv(name, raw, report)
    if own and report.refusals:
        first = report.refusals[0]
        raise ImportFailed(first.file, first.row, first.field, first.text, report)
    return records


def _parse_csv(name: str, raw: bytes, report: Report) -> list[Rec]:
    spec = hsds.SPECS[name]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = raw[: err.start].count(b"\n") + 1
        report.refuse(name, row, None, None, _("the file is not UTF-8 text"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=_delimiter(text))
    records: list[Rec] = []
    header: list[str] | None = None
    rownum = 0
    try:
        for values in reader:
            rownum += 1
            if header is None:
                header = [v.strip() for v in values]
                missing = [col for col in spec.required if col not in header]
                for col in missing:
                    report.refuse(name, 1, col, None, _("this required column is missing"))
                seen = set()
                for col in header:
                    if col in seen:
                        report.refuse(name, 1, col, None, _("this column appears twice"))
                        missing.append(col)
                    seen.add(col)
                    if col not in spec.columns:
                        report.ignore_once(name, col, _("column not read by Loket"))
                if missing:
                    return []
                continue
            if not any(v.strip() for v in values):
                continue  # a blank line
            if len(values) != len(header):
                report.refuse(
                    name,
                    rownum,
                    None,
                    None,
                    _("the row has {found} fields but the header has {expected}").format(
                        found=len(values), expected=len(header)
                    ),
                )
                continue
            data = {
                col: _empty_to_none(unguard(v))
                for col, v in zip(header, values, strict=True)
                if col in spec.columns
            }
            records.append(Rec(name, rownum, data))
    except csv.Error as err:
        report.refuse(
            name,
            rownum + 1 if header is not None else 1,
            None,
            None,
            _("the file cannot be read as CSV ({detail})").format(detail=str(err)),
        )
        return []
    if header is None:
        report.refuse(name, None, None, None, _("the file is empty"))
        return []
    for rec in records:
        empty = [
            c for c in spec.required if rec.data.get(c) is None or not str(rec.data[c]).strip()
        ]
        for col in empty:
            report.refuse_record(rec, col, None, _("a value is required here"))
    return _no_duplicates(records, report)


def _no_duplicates(records: list[Rec], report: Report) -> list[Rec]:
    """Two rows with one id: which one did the publisher mean?  Neither is imported.
    Refused records stay in the list, marked, so that what they name is not deleted."""
    first: dict[str, Rec] = {}
    for rec in records:
        rid = rec.data.get("id")
        if rid is None:
            continue
        earlier = first.setdefault(rid, rec)
        if earlier is rec:
            continue
        report.refuse_record(
            rec,
            rec.where("id"),
            rid,
            _("duplicate id {id}: already used in row {other}").format(id=rid, other=earlier.row),
        )
        if not earlier.refused:
            report.refuse_record(
                earlier,
                earlier.where("id"),
                rid,
                _("id {id} is used again in row {other}: neither row is imported").format(
                    id=rid, other=rec.row
                ),
            )
    return records


def bundle_from_files(files: dict[str, bytes], source: str) -> Bundle:
    """`files` maps a file name (no folder) to its bytes; unknown files are ignored (and
    named in the report)."""
    report = Report()
    for required in hsds.REQUIRED_FILES:
        if required not in files:
            report.refuse(
                source,
                None,
                None,
                None,
                _("the required file {name} is missing").format(name=required),
            )
    for name in files:
        if name not in hsds.SPECS and name != "datapackage.json":
            report.ignore_once(name, None, _("file not read by Loket"))
    parsed = {
        name: parse_csv(name, raw, report) for name, raw in files.items() if name in hsds.SPECS
    }
    bundle = Bundle(report=report)
    for name, table in hsds.FILE_TABLE.items():
        for rec in parsed.get(name, []):
            bundle.add(table, rec)
    # A file with only its header says nothing: many tools write every HSDS file, also for
    # kinds of records they do not keep, and that must not wipe out what Loket holds -- no
    # address, accessibility note, need or flag is cleared by an empty file (or, for the
    # attributes, by one that holds none of Loket's taxonomy).
    bundle.whole_tables = {table for name, table in hsds.FILE_TABLE.items() if parsed.get(name)}
    bundle.addresses = parsed.get("addresses.csv") or None
    bundle.accessibility = parsed.get("accessibility.csv") or None
    if parsed.get("attributes.csv"):
        bundle.attributes = (
            _our_attributes(parsed["attributes.csv"], parsed.get("taxonomy_terms.csv", [])) or None
        )
    return bundle


def _our_attributes(attributes: list[Rec], terms: list[Rec]) -> list[Rec]:
    """Keep the attributes that point at a term of the loket taxonomy; ignore the rest."""
    codes: dict[str, str] = {}
    for rec in terms:
        ours = (
            rec.data.get("taxonomy_id") == hsds.TAXONOMY_ID
            or rec.data.get("taxonomy") == hsds.TAXONOMY_NAME
        )
        if ours and rec.data.get("code"):
            codes[rec.data["id"]] = rec.data["code"]
    kept = []
    for rec in attributes:
        term = rec.data["taxonomy_term_id"]
        # None: not named in taxonomy_terms.csv; the importer still knows our stable term ids
        # and drops the attribute when the term is not ours.
        kept.append(
            Rec(
                rec.file,
                rec.row,
                {
                    "link_id": rec.data["link_id"],
                    "link_entity": rec.data.get("link_entity"),
                    "code": codes.get(term),
                    "term_id": term,
                    "value": rec.data.get("value"),
                },
                rec.prefix,
                rec.refused,
            )
        )
    return kept


def read_source(path: Path) -> Bundle:
    """A folder, a .zip of a folder, or a .json file."""
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
        return bundle_from_files(files, path.name)
    if not path.exists():
        raise ImportFailed(path.name, None, None, _("the file or folder does not exist"))
    if path.suffix.lower() == ".zip":
        return bundle_from_files(zip_files(path), path.name)
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFailed(path.name, None, None, _("the file is not UTF-8 text")) from None
    except json.JSONDecodeError as err:
        raise ImportFailed(
            path.name,
            err.lineno,
            None,
            _("the file cannot be read as JSON ({detail})").format(detail=err.msg),
        ) from None
    except RecursionError:
        raise ImportFailed(
            path.name, None, None, _("the JSON is nested too deeply to be HSDS data")
        ) from None
    try:
        return bundle_from_json(path.name, data)
    except RecursionError:
        raise ImportFailed(
            path.name, None, None, _("the JSON is nested too deeply to be HSDS data")
        ) from None
