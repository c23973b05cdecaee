"""Export and import of the partner directory as Open Referral HSDS 3 data.

Export writes a folder with `datapackage.json` and the specification's CSV files, every file
sorted by id and free of timestamps, so the same directory always gives the same bytes.

Import (`import_path`) takes such a folder, a .zip of one, or HSDS JSON.  It first reads and
checks everything — files, columns, required values, duplicate ids, references to unknown
ids, values of the wrong kind — and only then writes, in one transaction, every record that
was not refused.  A refused record is left out (the report says which and why) and a
reference to it is handled like one to a record outside the package; only a package that
cannot be read as a whole (a file that is not CSV, a missing required column) writes nothing.
Rows are matched on id and only written when something differs, so importing the same data
twice changes nothing.  What the source does not mention is left as it is: without
addresses.csv no address is touched, without attributes.csv no needs or flags.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from loket.clock import new_id, now_iso
from loket.context import Context
from loket.db import import_reports as reports_repo
from loket.directory.hsds_apply import ImportResult, apply
from loket.directory.hsds_bundle import ImportFailed
from loket.directory.hsds_read import read_source
from loket.directory.hsds_report import IGNORED, NORMALISED, REFUSED, WARNING, Problem, Report
from loket.directory.hsds_write import tables, write_folder
from loket.errors import NotFound
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

__all__ = [
    "ImportFailed",
    "ImportResult",
    "PastImport",
    "check_path",
    "export_dir",
    "import_path",
    "past_import",
    "past_imports",
]


def export_dir(ctx: Context, out_dir: str | Path) -> list[Path]:
    """Write the directory as HSDS 3 tabular data; returns the files written."""
    ctx.require(Permission.DIRECTORY_READ, object_type="directory")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = tables(ctx.db)
    written = write_folder(out, data)
    audit.record(
        ctx,
        action="directory.export",
        object_type="directory",
        detail={"services": len(data["services.csv"]), "files": len(written)},
    )
    return written


def import_path(
    ctx: Context,
    path: str | Path,
    *,
    trusted: bool = False,
    keep_existing: bool = False,
    keep_unlisted: bool = False,
) -> ImportResult:
    """Import HSDS data: the valid records in one transaction, the refused ones left out
    (the result's report says which and why, and `result.refused` how many).  A refusal of
    the package itself (ImportFailed) writes nothing.  Either way the full report is saved
    beside the audit row (`past_imports`, `past_import`).

    `trusted=True` skips the permission check; only the shipped seed uses it (it runs with
    the system context, before anyone can sign in).  Everyone else needs DIRECTORY_EDIT.
    `keep_existing=True` adds only what is new and never overwrites a record that exists:
    the seed uses it, so that running `loket init` again keeps the desk's own corrections.
    `keep_unlisted=True` adds and updates but deletes no phone, language, schedule, document
    or location link that the data no longer lists for its owner.
    """
    if not trusted:
        ctx.require(Permission.DIRECTORY_EDIT, object_type="directory")
    source = Path(path)
    try:
        bundle = read_source(source)
        with ctx.db.transaction():
            result = apply(ctx.db, bundle, keep_existing=keep_existing, keep_unlisted=keep_unlisted)
            counts = {"changed": result.changed, "deleted": result.deleted}
            counts["refused_records"] = result.refused
            audit.record(
                ctx,
                action="directory.import",
                object_type="directory",
                detail={
                    "source": source.name,
                    **counts,
                    "report": _save_report(ctx, source.name, "ok", result.report, counts),
                },
            )
    except ImportFailed as err:
        with ctx.db.transaction(essential=True):
            audit.record(
                ctx,
                action="directory.import",
                object_type="directory",
                result="failed",
                detail={
                    "source": source.name,
                    "file": err.file,
                    "row": err.row,
                    "field": err.field,
                    "report": _save_report(ctx, source.name, "failed", err.report, {}),
                },
            )
        raise
    return result


class _DryRun(Exception):
    pass


def check_path(ctx: Context, path: str | Path, *, keep_unlisted: bool = False) -> ImportResult:
    """Everything `import_path` would do, without writing: the result's report lists every
    refusal, warning, normalisation and ignored column or table, and its counts say what
    would change (`refused`: the records that would be left out).  Raises ImportFailed (with
    the whole report) when the package itself is refused."""
    ctx.require(Permission.DIRECTORY_EDIT, object_type="directory")
    bundle = read_source(Path(path))
    outcome: list[ImportResult] = []
    try:
        with ctx.db.transaction():
            outcome.append(apply(ctx.db, bundle, keep_unlisted=keep_unlisted))
            raise _DryRun
    except _DryRun:
        pass
    return outcome[0]


# -- the full report beside the audit row ---------------------------------------------------
# The audit row keeps the counts and the report's id and SHA-256; the report itself, however
# long, is a row of `import_report` in the same database, so a backup carries both together
# and the hash chain vouches for the report.


def _problems_json(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, sort_keys=True)


def _level_counts(report: Report) -> dict[str, int]:
    return {level: report.count(level) for level in (REFUSED, WARNING, NORMALISED, IGNORED)}


def _save_report(ctx: Context, source: str, result: str, report: Report, counts: dict) -> dict:
    problems = _problems_json(report)
    report_id = new_id()
    levels = _level_counts(report)
    reports_repo.insert(
        ctx.db,
        {
            "id": report_id,
            "at": now_iso(),
            "actor": ctx.actor,
            "source": source,
            "result": result,
            "counts": json.dumps({**levels, **counts}, sort_keys=True),
            "problems": problems,
            **ctx.db.stamp(),
        },
    )
    digest = hashlib.sha256(problems.encode("utf-8")).hexdigest()
    return {"counts": levels, "id": report_id, "sha256": digest}


@dataclass(frozen=True)
class PastImport:
    id: str
    at: str
    actor: str | None
    source: str
    result: str  # 'ok' or 'failed'
    counts: dict  # problems per level; changed, deleted and refused_records when it ran
    report: Report | None = None  # only from past_import()


def _past(row, report: Report | None = None) -> PastImport:
    return PastImport(
        row["id"],
        row["at"],
        row["actor"],
        row["source"],
        row["result"],
        json.loads(row["counts"]),
        report,
    )


def past_imports(ctx: Context, *, limit: int = 50) -> list[PastImport]:
    """The newest imports first, without their reports."""
    ctx.require(Permission.DIRECTORY_EDIT, object_type="directory")
    return [_past(row) for row in reports_repo.newest(ctx.db, limit)]


def past_import(ctx: Context, report_id: str) -> PastImport:
    """One import with its full report."""
    ctx.require(Permission.DIRECTORY_EDIT, object_type="directory")
    wanted = report_id.strip()
    row = reports_repo.get(ctx.db, wanted)
    if row is None:
        raise NotFound(_("There is no import report {id}.").format(id=wanted))
    report = Report()
    for item in json.loads(row["problems"]):
        report.problems.append(Problem(**item))
    return _past(row, report)
