"""`loket hub …` (the PostgreSQL hub's side) and `loket sync …` (a counter PC's side)."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

from loket.cli.common import add_user_argument, anonymous_context, open_database, user_context
from loket.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("hub", help=_("the hub several PCs share (PostgreSQL)"))
    sub = p.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help=_("make the hub's tables and its deployment key"))
    init.add_argument("--dsn", required=True, help=_("PostgreSQL connection string"))
    init.add_argument(
        "--authority", metavar="DIR", help=_("folder for the hub's certificate authority")
    )
    init.add_argument("--host", default="127.0.0.1", help=_("the hub's host name or address"))
    init.set_defaults(func=cmd_hub_init)
    issue = sub.add_parser("enroll", help=_("make the enrolment file of a new PC"))
    issue.add_argument("--dsn", required=True, help=_("PostgreSQL connection string"))
    issue.add_argument("--name", required=True, help=_("a name for the PC, e.g. ZWL-2"))
    issue.add_argument("--desk", required=True, metavar="CODE", help=_("the desk's code"))
    issue.add_argument(
        "--pc-dsn", required=True, help=_("how the PC reaches the hub (host, port, dbname)")
    )
    issue.add_argument(
        "--authority", metavar="DIR", help=_("folder of the hub's certificate authority")
    )
    issue.add_argument("--out", required=True, metavar="FILE", help=_("the enrolment file"))
    issue.set_defaults(func=cmd_hub_enroll)
    rep = sub.add_parser(
        "report", help=_("every PC, broken audit chains, refused batches, open conflicts")
    )
    rep.add_argument("--dsn", required=True, help=_("PostgreSQL connection string"))
    rep.add_argument("--json", action="store_true", help=_("print JSON"))
    rep.set_defaults(func=cmd_hub_report)
    log = sub.add_parser(
        "referrals", help=_("the referral log of every desk, or one, from the hub (CSV)")
    )
    log.add_argument("--dsn", required=True, help=_("PostgreSQL connection string"))
    log.add_argument("--desk", metavar="CODE", help=_("only this desk"))
    log.add_argument("--out", required=True, metavar="FILE", help=_("the CSV file"))
    log.set_defaults(func=cmd_hub_referrals)

    p = subparsers.add_parser("sync", help=_("this PC and the hub: enrol, sync, status"))
    sub = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    enroll = sub.add_parser("enroll", help=_("enrol this PC at a hub (administrators)"))
    enroll.add_argument("file", metavar="FILE", help=_("the file `loket hub enroll` made"))
    add_user_argument(enroll)
    enroll.set_defaults(func=cmd_enroll)
    now = sub.add_parser("now", help=_("send this PC's changes and fetch the others' now"))
    now.set_defaults(func=cmd_now)
    status = sub.add_parser("status", help=_("last sync, changes waiting, conflicts open"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))
    status.set_defaults(func=cmd_status)


def cmd_hub_init(args: Namespace) -> int:
    import psycopg

    from loket.sync.enroll import init_hub

    authority = Path(args.authority) if args.authority else None
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        init_hub(conn, authority, args.host)
    print(_("The hub is ready."))
    return 0


def cmd_hub_enroll(args: Namespace) -> int:
    import psycopg

    from loket.sync.enroll import issue_pc, write_bundle

    authority = Path(args.authority) if args.authority else None
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        bundle = issue_pc(
            conn, name=args.name, desk_code=args.desk, dsn=args.pc_dsn, authority=authority
        )
    write_bundle(bundle, Path(args.out))
    print(
        _("Enrolment of {name} written to {path}. Carry it to the PC; it holds its key.").format(
            name=args.name, path=args.out
        )
    )
    return 0


def cmd_hub_report(args: Namespace) -> int:
    """Exit status 1 when an audit chain is broken or a batch was refused: a monitor can
    act on it."""
    import psycopg

    from loket.db.hub import report

    with psycopg.connect(args.dsn, autocommit=True) as conn:
        data = report(conn)
    if args.json:
        print(json.dumps(data, indent=2, sort_keys=True, default=str))
    else:
        for w in data["workstations"]:
            broken = _("audit chain BROKEN") if w["audit_broken"] else _("audit chain intact")
            print(
                _("{name} ({desk}): last contact {when}, batch {seq}, audit row {audit},"
                  " {broken}").format(
                    name=w["name"], desk=w["desk_code"], when=w["last_contact_at"] or _("never"),
                    seq=w["last_seq"], audit=w["audit_seq"], broken=broken,
                )
            )  # fmt: skip
        for q in data["audit_quarantine"]:
            print(
                _("Quarantined: {name}, audit row {seq}: {reason}").format(
                    name=q["name"] or q["workstation"], seq=q["seq"], reason=q["reason"]
                )
            )
        for r in data["refusals"]:
            print(_("Refused batch {id}: {reason}").format(id=r["batch_id"], reason=r["reason"]))
        print(_("Conflicts open: {n}").format(n=data["conflicts_open"]))
        print(_("Possible duplicates open: {n}").format(n=data["tasks_open"]))
    return 1 if data["audit_quarantine"] or data["refusals"] else 0


def cmd_hub_referrals(args: Namespace) -> int:
    import psycopg

    from loket.db.hub import copy_referral_log
    from loket.paths import create_private

    create_private(args.out)
    with psycopg.connect(args.dsn, autocommit=True) as conn, open(args.out, "wb") as out:
        copy_referral_log(conn, out, args.desk)
    print(_("Referral log written to {path}.").format(path=args.out))
    return 0


def cmd_enroll(args: Namespace) -> int:
    from loket.cli.common import read_passphrase
    from loket.sync.enroll import enroll_pc

    db = open_database(args)
    ctx = user_context(args, db)
    # asked only when backups carry a sealed key copy: it is sealed again with the new keys
    ws = enroll_pc(ctx, Path(args.file), passphrase=read_passphrase)
    print(_("This PC is enrolled at the hub ({id}).").format(id=ws))
    return 0


def cmd_now(args: Namespace) -> int:
    from loket.sync.run import sync_now

    db = open_database(args)
    result = sync_now(anonymous_context(db), names_budget=None)  # the name search too
    if not result.ok:
        print(error_message(result.error_code))
        print(_("Changes waiting: {n}").format(n=result.waiting))
        return 1
    print(
        _(
            "Synced: {pulled} changes fetched, {waiting} waiting, {conflicts} conflicts open."
        ).format(pulled=result.pulled, waiting=result.waiting, conflicts=result.conflicts_open)
    )
    return 0


def error_message(code: str | None) -> str:
    from loket.sync.status import error_sentence

    return error_sentence(code)


def status_data(db) -> dict:
    """`loket sync status --json`: what the status line reads (`read_status`)."""
    from loket.clock import to_iso
    from loket.sync.status import read_status

    st = read_status(db)
    return {
        "names_indexed": None if st.names_progress is None else round(st.names_progress, 3),
        "enrolled": st.enrolled,
        "last_attempt_at": to_iso(st.last_attempt_at) if st.last_attempt_at else None,
        "last_success_at": to_iso(st.last_success_at) if st.last_success_at else None,
        "hub_reachable": st.hub_reachable,
        "waiting": st.waiting,
        "conflicts_open": st.conflicts_open,
        "error_code": st.error_code,
    }


def cmd_status(args: Namespace) -> int:
    db = open_database(args)
    data = status_data(db)
    if args.json:
        print(json.dumps(data, indent=2, sort_keys=True))
        return 0
    reachable = {True: _("yes"), False: _("no"), None: _("not known yet")}[data["hub_reachable"]]
    never = _("never")
    print(_("Enrolled: {value}").format(value=_("yes") if data["enrolled"] else _("no")))
    print(_("Last sync: {value}").format(value=data["last_success_at"] or never))
    print(_("Last attempt: {value}").format(value=data["last_attempt_at"] or never))
    print(_("Hub reachable: {value}").format(value=reachable))
    print(_("Changes waiting: {n}").format(n=data["waiting"]))
    print(_("Conflicts open: {n}").format(n=data["conflicts_open"]))
    if data["names_indexed"] is not None:
        from loket.sync.status import names_text

        print(names_text(data["names_indexed"]))
    if data["error_code"]:
        print(error_message(data["error_code"]))
    return 0
