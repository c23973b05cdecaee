"""Export and import of the partner directory as Open Referral HSDS 3 data.

Export writes a folder with `datapackage.json` and the specification's CSV files, every file
sorted by id and free of timestamps, so the same directory always gives the same bytes.

Import (`import_path`) takes such a folder, a .zip of one, or HSDS JSON.  It first reads and
checks everything — files, columns, required values, duplicate ids, references to unknown
ids, values of the wrong kind — and only then writes, in one transaction: either all of it
lands or none of it.  Rows are matched on id and only written when something differs, so
importing the same data twice changes nothing.  What the source does not mention is left as
it is: without addresses.csv no address is touched, without attributes.csv no needs or flags.
"""

from __future__ import annotations

from pathlib import Path

from loket.context import Context
from loket.directory.hsds_apply import ImportResult, apply
from loket.directory.hsds_bundle import ImportFailed
from loket.directory.hsds_read import read_source
from loket.directory.hsds_report import IGNORED, NORMALISED, REFUSED, WARNING, Report
from loket.directory.hsds_write import tables, write_folder
from loket.privacy import audit
from loket.privacy.permissions import Permission

__all__ = ["ImportFailed", "ImportResult", "check_path", "export_dir", "import_path"]


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
    """Import HSDS data all-or-nothing.

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
            audit.record(
                ctx,
                action="directory.import",
                object_type="directory",
                detail={
                    "source": source.name,
                    "changed": result.changed,
                    "deleted": result.deleted,
                    "report": _summary(result.report),
                },
            )
    except ImportFailed as err:
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
                "report": _summary(err.report),
            },
        )
        raise
    return result


class _DryRun(Exception):
    pass


def check_path(ctx: Context, path: str | Path, *, keep_unlisted: bool = False) -> ImportResult:
    """Everything `import_path` would do, without writing: the result's report lists every
    refusal, warning, normalisation and ignored column or table, and its counts say what
    would change.  Raises ImportFailed (with the whole report) when the data is refused."""
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


# The audit row keeps the report's counts and its first lines: enough to see what an import
# did, bounded so that a package with thousands of warnings does not swell the trail.
_AUDIT_LINES = 200


def _summary(report: Report) -> dict:
    return {
        "counts": {level: report.count(level) for level in (REFUSED, WARNING, NORMALISED, IGNORED)},
        "problems": report.as_json()[:_AUDIT_LINES],
    }
