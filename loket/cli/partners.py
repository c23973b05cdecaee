"""`loket partners export|import`: the partner directory as Open Referral HSDS 3 data."""

from __future__ import annotations

from argparse import Namespace

from loket.cli.common import add_user_argument, open_database, user_context
from loket.i18n import _, ngettext

# Exit status of `import` (and `--check`) when valid records were (or would be) imported and
# others refused; 1 = nothing written, 2 = any other error (loket.cli).
REFUSED_SOME = 3


def register(subparsers) -> None:
    p = subparsers.add_parser("partners", help=_("export or import the partner directory (HSDS 3)"))
    sub = p.add_subparsers(dest="partners_command", metavar="ACTION", required=True)

    e = sub.add_parser(
        "export", help=_("write the directory as HSDS 3 CSV files and datapackage.json")
    )
    e.add_argument("--out", required=True, metavar="DIR", help=_("folder to write to"))
    add_user_argument(e)
    e.set_defaults(func=cmd_export)

    i = sub.add_parser(
        "import",
        help=_(
            "read HSDS data: a folder, a .zip of one, or HSDS JSON; the valid records are "
            "imported in one transaction, refused ones are listed and left out (exit status 0: "
            "all imported, 3: some refused, 1: nothing written)"
        ),
    )
    i.add_argument("path", metavar="PATH")
    i.add_argument(
        "--keep-unlisted",
        action="store_true",
        help=_(
            "add and update only: delete no phone, language, schedule, document or location "
            "link that the data no longer lists"
        ),
    )
    i.add_argument(
        "--check",
        action="store_true",
        help=_("read and check everything, print the report, and write nothing"),
    )
    add_user_argument(i)
    i.set_defaults(func=cmd_import)

    r = sub.add_parser("reports", help=_("list past imports of partner data, newest first"))
    r.add_argument("--limit", type=int, default=50, metavar="N", help=_("at most N imports"))
    add_user_argument(r)
    r.set_defaults(func=cmd_reports)

    one = sub.add_parser("report", help=_("print the full report of a past import"))
    one.add_argument("report_id", metavar="ID", help=_("the id that `reports` shows"))
    add_user_argument(one)
    one.set_defaults(func=cmd_report)

    t = sub.add_parser(
        "translate",
        help=_(
            "translate a directory text that letters print (a paper to bring, a note on "
            "opening hours) into a letter language; an empty --to removes it"
        ),
    )
    t.add_argument("--text", required=True, metavar="DUTCH", help=_("the Dutch text"))
    t.add_argument("--lang", required=True, metavar="LANG", help=_("letter language code"))
    t.add_argument("--to", required=True, metavar="TEXT", help=_("the translation"))
    add_user_argument(t)
    t.set_defaults(func=cmd_translate)


def cmd_export(args: Namespace) -> int:
    from loket.directory.transfer import export_dir

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        files = export_dir(ctx, args.out)
    finally:
        db.close()
    print(
        ngettext("Wrote {n} file to {folder}", "Wrote {n} files to {folder}", len(files)).format(
            n=len(files), folder=args.out
        )
    )
    return 0


def _print_report(report) -> None:
    for line in report.lines():
        print(line)


def cmd_import(args: Namespace) -> int:
    from loket.directory.transfer import ImportFailed, check_path, import_path

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        run = check_path if args.check else import_path
        try:
            result = run(ctx, args.path, keep_unlisted=args.keep_unlisted)
        except ImportFailed as err:
            _print_report(err.report)
            n = len(err.report.package_refusals)
            print(
                ngettext(
                    "Refused: {n} problem must be solved first; nothing was written",
                    "Refused: {n} problems must be solved first; nothing was written",
                    n,
                ).format(n=n)
            )
            return 1
    finally:
        db.close()
    _print_report(result.report)
    written = result.changed - result.deleted
    if args.check:
        print(
            ngettext(
                "Check done: {n} record would be added or changed; nothing was written",
                "Check done: {n} records would be added or changed; nothing was written",
                written,
            ).format(n=written)
        )
    else:
        print(
            ngettext(
                "Import done: {n} record added or changed",
                "Import done: {n} records added or changed",
                written,
            ).format(n=written)
        )
    if result.deleted and not args.check:
        print(
            ngettext(
                "{n} phone number, language, schedule, document or location link that the "
                "data no longer lists was deleted",
                "{n} phone numbers, languages, schedules, documents or location links that "
                "the data no longer lists were deleted",
                result.deleted,
            ).format(n=result.deleted)
        )
    if result.refused:
        print(
            ngettext(
                "{n} refused record is not imported: see the report above",
                "{n} refused records are not imported: see the report above",
                result.refused,
            ).format(n=result.refused)
        )
        return REFUSED_SOME
    return 0


def _counts_line(past) -> str:
    from loket.directory.hsds_report import LEVELS, level_label

    counts = past.counts
    parts = [f"{level_label(level)} {counts.get(level, 0)}" for level in LEVELS]
    return ", ".join(parts)


def cmd_reports(args: Namespace) -> int:
    from loket.directory.transfer import past_imports

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        found = past_imports(ctx, limit=max(1, args.limit))
    finally:
        db.close()
    if not found:
        print(_("No partner data has been imported yet."))
        return 0
    for past in found:
        result = _("imported") if past.result == "ok" else _("nothing written")
        who = past.actor or _("system")
        print(f"{past.id}  {past.at}  {who}  {past.source}  {result}  ({_counts_line(past)})")
    return 0


def cmd_report(args: Namespace) -> int:
    from loket.directory.transfer import past_import

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        past = past_import(ctx, args.report_id)
    finally:
        db.close()
    result = _("imported") if past.result == "ok" else _("nothing written")
    print(
        _("Import of {source} on {at} by {who}: {result}").format(
            source=past.source, at=past.at, who=past.actor or _("system"), result=result
        )
    )
    print(_counts_line(past))
    for line in past.report.lines():
        print(line)
    return 0


def cmd_translate(args: Namespace) -> int:
    from loket.directory.translations import set_translation

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        stored = set_translation(ctx, args.text, args.lang, args.to)
    finally:
        db.close()
    print(_("Translation saved.") if stored else _("Translation removed."))
    return 0
