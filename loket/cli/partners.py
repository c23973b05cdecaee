"""`loket partners export|import`: the partner directory as Open Referral HSDS 3 data."""

from __future__ import annotations

from argparse import Namespace

from loket.cli.common import add_user_argument, open_database, user_context
from loket.i18n import _, ngettext


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
        "import", help=_("read HSDS data: a folder, a .zip of one, or HSDS JSON; all or nothing")
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
            n = len(err.report.refusals)
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
        return 0
    print(
        ngettext(
            "Import done: {n} record added or changed",
            "Import done: {n} records added or changed",
            written,
        ).format(n=written)
    )
    if result.deleted:
        print(
            ngettext(
                "{n} phone number, language, schedule, document or location link that the "
                "data no longer lists was deleted",
                "{n} phone numbers, languages, schedules, documents or location links that "
                "the data no longer lists were deleted",
                result.deleted,
            ).format(n=result.deleted)
        )
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
