"""Set-up subcommands: `init` (new database) and `demo` (a database full of synthetic data)."""

from __future__ import annotations

from argparse import Namespace

from loket.cli.common import open_database
from loket.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("init", help=_("create or upgrade the database and load seed data"))
    p.set_defaults(func=cmd_init)

    p = subparsers.add_parser("demo", help=_("fill a database with synthetic demo data"))
    p.add_argument("--visitors", type=int, default=300, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.add_argument(
        "--desk-phone",
        metavar="NUMBER",
        help=_(
            "the phone number every demo desk prints on letters (by default the IND's public "
            "number); empty for none"
        ),
    )
    p.set_defaults(func=cmd_demo)


def cmd_init(args: Namespace) -> int:
    from loket.directory import seed

    db = open_database(args)
    seed.load_all(db)
    print(_("Database ready: {path}").format(path=db.path))
    return 0


def cmd_demo(args: Namespace) -> int:
    from loket.demo import generate as demo

    db = open_database(args)
    stats = demo.generate(
        db,
        visitors=args.visitors,
        seed=args.seed,
        progress=lambda msg: print(msg, flush=True),
        desk_phone=demo.DEMO_DESK_PHONE if args.desk_phone is None else args.desk_phone,
    )
    print(
        _(
            "Demo data ready: {visitors} visitors, {visits} visits, {referrals} referrals in {path}"
        ).format(path=db.path, **stats)
    )
    return 0
