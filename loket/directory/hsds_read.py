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
import zipfile
from pathlib import Path, PurePosixPath

from loket.directory import hsds
from loket.directory.hsds_bundle import Bundle, ImportFailed, Rec
from loket.directory.hsds_json import bundle_from_json
from loket.i18n import _


def _empty_to_none(value):
    if isinstance(value, str) and value == "":
        return None
    return value


# -- CSV ------------------------------------------------------------------------------------
def parse_csv(name: str, raw: bytes) -> list[Rec]:
    """Decode and split one CSV file, refusing anything that is not clean UTF-8 CSV."""
    spec = hsds.SPECS[name]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = raw[: err.start].count(b"\n") + 1
        raise ImportFailed(name, row, None, _("the file is not UTF-8 text")) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[Rec] = []
    header: list[str] | None = None
    rownum = 0
    try:
        for values in reader:
            rownum += 1
            if header is None:
                header = [v.strip() for v in values]
                for col in spec.required:
                    if col not in header:
                        raise ImportFailed(name, 1, col, _("this required column is missing"))
                seen = set()
                for col in header:
                    if col in seen:
                        raise ImportFailed(name, 1, col, _("this column appears twice"))
                    seen.add(col)
                continue
            if not any(v.strip() for v in values):
                continue  # a blank line
            if len(values) != len(header):
                raise ImportFailed(
                    name,
                    rownum,
                    None,
                    _("the row has {found} fields but the header has {expected}").format(
                        found=len(values), expected=len(header)
                    ),
                )
            data = {
                col: _empty_to_none(v)
                for col, v in zip(header, values, strict=True)
                if col in spec.columns
            }
            records.append(Rec(name, rownum, data))
    except csv.Error as err:
        raise ImportFailed(
            name,
            rownum + 1 if header is not None else 1,
            None,
            _("the file cannot be read as CSV ({detail})").format(detail=str(err)),
        ) from None
    if header is None:
        raise ImportFailed(name, None, None, _("the file is empty"))
    for rec in records:
        for col in spec.required:
            if rec.data.get(col) is None or not str(rec.data[col]).strip():
                raise ImportFailed(name, rec.row, col, _("a value is required here"))
    _no_duplicates(records)
    return records


def _no_duplicates(records: list[Rec]) -> None:
    seen: dict[str, int] = {}
    for rec in records:
        rid = rec.data["id"]
        if rid in seen:
            raise ImportFailed(
                rec.file,
                rec.row,
                rec.where("id"),
                _("duplicate id {id}: already used in row {other}").format(id=rid, other=seen[rid]),
            )
        seen[rid] = rec.row


def bundle_from_files(files: dict[str, bytes], source: str) -> Bundle:
    """`files` maps a file name (no folder) to its bytes; unknown files are ignored."""
    for required in hsds.REQUIRED_FILES:
        if required not in files:
            raise ImportFailed(
                source, None, None, _("the required file {name} is missing").format(name=required)
            )
    parsed = {name: parse_csv(name, raw) for name, raw in files.items() if name in hsds.SPECS}
    bundle = Bundle()
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
        return bundle_from_files(_zip_files(path), path.name)
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
    return bundle_from_json(path.name, data)


def _zip_files(path: Path) -> dict[str, bytes]:
    """The files of the folder inside the zip that holds organizations.csv (or the root)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            anchors = [n for n in names if PurePosixPath(n).name == "organizations.csv"]
            folder = str(PurePosixPath(anchors[0]).parent) if anchors else "."
            return {
                PurePosixPath(n).name: zf.read(n)
                for n in names
                if str(PurePosixPath(n).parent) == folder
            }
    except (zipfile.BadZipFile, OSError) as err:
        raise ImportFailed(
            path.name,
            None,
            None,
            _("the zip file cannot be read ({detail})").format(detail=str(err)),
        ) from None
