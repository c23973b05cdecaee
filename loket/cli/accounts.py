"""Account and setting subcommands for administrators (the same core as the Accounts view).

A new or reset password is read like the signing-in one, from LOKET_NEW_PASSWORD or a
prompt, never from the command line (where it would land in the shell history)."""

from __future__ import annotations

import getpass
import os
import sys
from argparse import Namespace

from loket.cli.common import add_user_argument, open_database, user_context
from loket.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("account", help=_("list, create and change staff accounts"))
    sub = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help=_("list every account"))
    add_user_argument(ls)
    ls.set_defaults(func=cmd_list)
    c = sub.add_parser("create", help=_("create an account"))
    c.add_argument("username")
    c.add_argument("--name", required=True, help=_("full name"))
    c.add_argument("--role", required=True, choices=("balie", "supervisor", "beheerder"))
    c.add_argument("--desk", metavar="CODE", help=_("desk code, e.g. ZWL"))
    add_user_argument(c)
    c.set_defaults(func=cmd_create)
    r = sub.add_parser("role", help=_("change the role of an account"))
    r.add_argument("username")
    r.add_argument("role", choices=("balie", "supervisor", "beheerder"))
    add_user_argument(r)
    r.set_defaults(func=cmd_role)
    for name, active in (("deactivate", False), ("activate", True)):
        a = sub.add_parser(
            name, help=_("deactivate an account") if not active else _("activate an account again")
        )
        a.add_argument("username")
        add_user_argument(a)
        a.set_defaults(func=cmd_active, active=active)
    f = sub.add_parser(
        "first-admin", help=_("create the first administrator of a database without accounts")
    )
    f.add_argument("username")
    f.add_argument("--name", required=True, help=_("full name"))
    f.add_argument("--desk", required=True, metavar="CODE", help=_("desk code of this PC"))
    f.add_argument(
        "--desk-phone",
        required=True,
        metavar="NUMBER",
        help=_("the desk's phone number, printed on letters for the visitor to call"),
    )
    f.set_defaults(func=cmd_first_admin)
    pw = sub.add_parser("reset-password", help=_("set a new password for an account"))
    pw.add_argument("username")
    add_user_argument(pw)
    pw.set_defaults(func=cmd_reset)

    s = subparsers.add_parser("setting", help=_("show or change a setting"))
    s.add_argument("key", nargs="?", help=_("e.g. lock_minutes or retention.visit_months"))
    s.add_argument("value", nargs="?")
    add_user_argument(s)
    s.set_defaults(func=cmd_setting)


def _new_password() -> str:
    if "LOKET_NEW_PASSWORD" in os.environ:
        return os.environ["LOKET_NEW_PASSWORD"]
    first = getpass.getpass(_("New password: "))
    if getpass.getpass(_("Repeat the new password: ")) != first:
        from loket.errors import ValidationError

        raise ValidationError.single("password", _("The two passwords are not the same."))
    return first


def _staff_id(db, username: str) -> str:
    from loket.db import staff as repo
    from loket.errors import NotFound

    row = repo.by_username(db, username)
    if row is None:
        raise NotFound(_("This account does not exist."))
    return row["id"]


def cmd_list(args: Namespace) -> int:
    from loket.privacy import accounts

    db = open_database(args)
    ctx = user_context(args, db)
    for staff in accounts.list_accounts(ctx):
        state = _("active") if staff.active else _("deactivated")
        print(f"{staff.username}\t{staff.display_name}\t{staff.role}\t{state}")
    return 0


def cmd_create(args: Namespace) -> int:
    from loket.db import reference
    from loket.errors import ValidationError
    from loket.privacy import accounts

    db = open_database(args)
    ctx = user_context(args, db)
    desk_id = None
    if args.desk:
        desk = reference.desk_by_code(db, args.desk)
        if desk is None:
            raise ValidationError.single(
                "desk", _("Unknown desk code: {code}.").format(code=args.desk)
            )
        desk_id = desk["id"]
    accounts.create_account(
        ctx,
        username=args.username,
        display_name=args.name,
        role=args.role,
        password=_new_password(),
        desk_id=desk_id,
    )
    print(_("Account {name} created.").format(name=args.username))
    return 0


def cmd_role(args: Namespace) -> int:
    from loket.privacy import accounts

    db = open_database(args)
    ctx = user_context(args, db)
    accounts.change_role(ctx, _staff_id(db, args.username), args.role)
    print(_("The role was changed."))
    return 0


def cmd_active(args: Namespace) -> int:
    from loket.privacy import accounts

    db = open_database(args)
    ctx = user_context(args, db)
    accounts.set_active(ctx, _staff_id(db, args.username), args.active)
    print(_("The account was changed."))
    return 0


def cmd_reset(args: Namespace) -> int:
    from loket.privacy import accounts

    db = open_database(args)
    ctx = user_context(args, db)
    accounts.reset_password(ctx, _staff_id(db, args.username), _new_password())
    print(_("The password was reset."))
    return 0


def cmd_setting(args: Namespace) -> int:
    from loket import settings

    db = open_database(args)
    ctx = user_context(args, db)
    if args.key is None:
        for key in sorted(settings.INTEGER_SETTINGS):
            print(f"{key}\t{settings.get_setting(ctx, key)}")
        return 0
    if args.value is None:
        print(settings.get_setting(ctx, args.key) or "")
        return 0
    settings.set_setting(ctx, args.key, args.value)
    print(f"{args.key}\t{settings.get_setting(ctx, args.key)}", file=sys.stdout)
    return 0


def cmd_first_admin(args: Namespace) -> int:
    """Like the app's first start: only on a database that has no account at all."""
    from loket.context import Context
    from loket.db import reference
    from loket.errors import ConflictError, ValidationError
    from loket.privacy import accounts, auth

    db = open_database(args)
    if not accounts.first_run_needed(db):
        raise ConflictError(
            _(
                "This database already has accounts; sign in as an "
                "administrator and use `loket account create`."
            )
        )
    desk = reference.desk_by_code(db, args.desk)
    if desk is None:
        raise ValidationError.single("desk", _("Unknown desk code: {code}.").format(code=args.desk))
    ctx = Context(db=db, origin="cli")
    accounts.set_up_first_administrator(
        ctx,
        desk_id=desk["id"],
        username=args.username,
        display_name=args.name,
        password=_new_password(),
        desk_phone=args.desk_phone,
    )
    auth.logout(ctx)
    print(_("Account {name} created.").format(name=args.username))
    return 0
