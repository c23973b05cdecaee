"""`loket export referrals`: the referral log as CSV, XLSX or PDF, for supervisors.

Signs in like the app (password from LOKET_PASSWORD or a prompt) and calls the same core
function as the export dialog, so permissions, pseudonyms and the audit log are the same;
on an enrolled PC whose hub answers it reads the hub as the dialog does and says so.
"""

from __future__ import annotations

from argparse import Namespace

from loket.cli.common import add_user_argument, open_database, user_context
from loket.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help=_("export the referral log (supervisors)"))
    sub = p.add_subparsers(dest="export_what", metavar="WHAT", required=True)
    r = sub.add_parser("referrals", help=_("one row per referral in a period"))
    r.add_argument(
        "--from",
        dest="date_from",
        required=True,
        metavar="DATE",
        help=_("first visit date, YYYY-MM-DD"),
    )
    r.add_argument(
        "--to", dest="date_to", required=True, metavar="DATE", help=_("last visit date, YYYY-MM-DD")
    )
    r.add_argument("--format", dest="fmt", required=True, choices=("csv", "xlsx", "pdf"))
    r.add_argument("--out", required=True, metavar="FILE")
    r.add_argument("--desk", metavar="CODE", help=_("only this desk"))
    r.add_argument("--partner", metavar="ID", help=_("only this organisation or service id"))
    r.add_argument("--need", metavar="CODE", help=_("only visits with this need"))
    r.add_argument("--status", metavar="STATUS", help=_("only referrals with this status"))
    r.add_argument(
        "--delimiter",
        default=";",
        choices=(";", ","),
        metavar="SEP",
        help=_("CSV separator: ';' (default) or ','"),
    )
    r.add_argument(
        "--identifiable",
        action="store_true",
        help=_("include names and numbers (needs --reason; audited)"),
    )
    r.add_argument("--reason", metavar="TEXT", help=_("why names and numbers are needed"))
    r.add_argument("--quiet", action="store_true", help=_("no progress output"))
    add_user_argument(r)
    r.set_defaults(func=cmd_export_referrals)


def cmd_export_referrals(args: Namespace) -> int:
    from loket.sync.reading import export_referrals, export_text

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        result, scope, desk = export_referrals(
            ctx,
            date_from=args.date_from,
            date_to=args.date_to,
            fmt=args.fmt,
            out_path=args.out,
            desk_code=args.desk,
            partner=args.partner,
            need=args.need,
            status=args.status,
            delimiter=args.delimiter,
            identifiable=args.identifiable,
            reason=args.reason,
        )
    finally:
        db.close()
    if not args.quiet:
        print(_("{rows} referrals written to {path}").format(rows=result.rows, path=result.path))
        covers = export_text(scope, desk, result.identifiable)  # the hub or this PC only
        if covers:
            print(covers)
    return 0
