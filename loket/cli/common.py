"""What every subcommand needs: the database opened and migrated, and a signed-in user."""

from __future__ import annotations

import getpass
import os
import sys
from argparse import Namespace

from loket.context import Context, system_context
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.paths import database_path

_OPENED: list[Database] = []


def open_database(args: Namespace) -> Database:
    db = Database(database_path(getattr(args, "data_dir", None)))
    _OPENED.append(db)
    migrate(db)
    return db


def close_databases() -> None:
    """Close what this command opened: a restore waits until no connection is left."""
    while _OPENED:
        db = _OPENED.pop()
        try:
            db.close()
        except Exception:  # already closed (a restore closes its own)
            pass


def add_user_argument(parser) -> None:
    from loket.i18n import _

    parser.add_argument(
        "--user",
        required=True,
        metavar="NAME",
        help=_("user name; the password comes from LOKET_PASSWORD or a prompt"),
    )


def read_password() -> str:
    if "LOKET_PASSWORD" in os.environ:
        return os.environ["LOKET_PASSWORD"]
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass("Wachtwoord / password: ")


def read_passphrase(*, confirm: bool = False) -> str:
    """The backup passphrase: LOKET_BACKUP_PASSPHRASE, a line on stdin, or a prompt (twice
    when it is being set)."""
    from loket.errors import ValidationError
    from loket.i18n import _

    if "LOKET_BACKUP_PASSPHRASE" in os.environ:
        return os.environ["LOKET_BACKUP_PASSPHRASE"]
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(_("Backup passphrase: "))
    if confirm and getpass.getpass(_("The same passphrase again: ")) != first:
        raise ValidationError.single("passphrase", _("The two passphrases differ."))
    return first


def user_context(args: Namespace, db: Database) -> Context:
    """Authenticate like the app does; raises AuthenticationFailed (exit status 2)."""
    from loket.privacy import auth

    ctx = Context(db=db, origin="cli")
    auth.login(ctx, args.user, read_password())
    return ctx


def anonymous_context(db: Database) -> Context:
    ctx = system_context(db)
    ctx.origin = "cli"
    return ctx
