"""`loket visitors search|import`: the counter's own search, and the desk's Excel list."""

from __future__ import annotations

import json
from argparse import Namespace

from loket.cli.common import add_user_argument, open_database, user_context
from loket.i18n import _, ngettext


def register(subparsers) -> None:
    p = subparsers.add_parser("visitors", help=_("find visitors or import a list of them"))
    sub = p.add_subparsers(dest="visitors_command", metavar="ACTION", required=True)

    s = sub.add_parser(
        "search", help=_("find visitors by name in any spelling or script, or by number or date")
    )
    s.add_argument("query", metavar="QUERY")
    s.add_argument("--limit", type=int, default=20, metavar="N", help=_("at most N results"))
    s.add_argument("--json", action="store_true", help=_("print the results as JSON"))
    add_user_argument(s)
    s.set_defaults(func=cmd_search)

    i = sub.add_parser(
        "import",
        help=_(
            "add the visitors of a CSV or XLSX list (headers in Dutch or English); all or nothing"
        ),
    )
    i.add_argument("path", metavar="FILE")
    i.add_argument(
        "--dry-run", action="store_true", help=_("only report what would happen; write nothing")
    )
    add_user_argument(i)
    i.set_defaults(func=cmd_import)


def cmd_search(args: Namespace) -> int:
    from loket.counter.search import reason_label, search_visitors

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        results = search_visitors(ctx, args.query, max(1, min(args.limit, 500)))
    finally:
        db.close()
    if args.json:
        rows = [
            {
                "id": r.visitor_id,
                "given_names": r.given_names,
                "family_name": r.family_name,
                "latin_given_names": r.latin_given_names,
                "latin_family_name": r.latin_family_name,
                "date_of_birth": r.date_of_birth,
                "v_number": r.v_number,
                "last_visit": r.last_visit,
                "reason": r.reason,
                "reason_label": reason_label(r.reason),
            }
            for r in results
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not results:
        print(_("No visitor found."))
        return 0
    for r in results:
        name = r.display_name
        if r.latin_name and r.latin_name != name:
            name = f"{name} / {r.latin_name}"
        print(
            "\t".join(
                [
                    name,
                    r.date_of_birth or "-",
                    r.v_number or "-",
                    r.last_visit or "-",
                    reason_label(r.reason),
                    r.visitor_id,
                ]
            )
        )
    return 0


def cmd_import(args: Namespace) -> int:
    from loket.counter.search import reason_label
    from loket.counter.visitor_import import import_visitors

    db = open_database(args)
    try:
        ctx = user_context(args, db)
        report = import_visitors(ctx, args.path, dry_run=args.dry_run)
    finally:
        db.close()
    for number, name in report.added:
        print(_("row {row}: add {name}").format(row=number, name=name))
    for number, name, visitor_id, why in report.flagged:
        print(
            _("row {row}: {name} looks like visitor {id} ({why}); not added").format(
                row=number, name=name, id=visitor_id, why=reason_label(why)
            )
        )
    for number, errors in report.refused:
        print(
            _("row {row}: refused: {errors}").format(
                row=number, errors="; ".join(f"{k}: {v}" for k, v in errors.items())
            )
        )
    summary = ngettext("{n} visitor to add", "{n} visitors to add", len(report.added)).format(
        n=len(report.added)
    )
    if report.refused:
        print(_("{summary}; nothing written, because rows were refused.").format(summary=summary))
        return 1
    if not report.written:
        print(_("{summary}; nothing written (dry run).").format(summary=summary))
        return 0
    print(
        ngettext("Added {n} visitor.", "Added {n} visitors.", len(report.added)).format(
            n=len(report.added)
        )
    )
    return 0
