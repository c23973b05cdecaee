"""`loket` — with no subcommand it opens the app; subcommands serve administrators and
supervisors.  Each subcommand lives in its own module with a `register(subparsers)` function
that adds its parser and sets `func`; the CLI and the UI call the same core functions.
"""

from __future__ import annotations

import gc
import importlib
import os
import sqlite3
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING

from loket import __version__
from loket.errors import LoketError, disk_full, file_problem
from loket.i18n import _, set_language
from loket.paths import keep_new_files_private

if TYPE_CHECKING:
    import argparse

# Modules under loket/cli/ that add subcommands (each has register(subparsers)).
COMMAND_MODULES = [
    "loket.cli.setup",
    "loket.cli.export",
    "loket.cli.admin",
    "loket.cli.accounts",
    "loket.cli.partners",
    "loket.cli.letters",
    "loket.cli.visitors",
    "loket.cli.sync",
]


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="loket",
        description=_(
            "Loket: the counter app of the IND maatwerkloketten. "
            "Without a command it opens the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"Loket {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_("folder holding the database (default: LOKET_DATA_DIR or the user's data folder)"),
    )
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help=_("open the app and quit as soon as the first window is shown"),
    )
    if not commands:
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def app_options(argv: list[str]) -> SimpleNamespace | None:
    """The app's own start -- no arguments, `--data-dir DIR` (or `--data-dir=DIR`) and
    `--exit-when-ready` -- read without argparse, which with its help formatter costs the
    start of every counter PC some milliseconds.  None for anything else: argparse then
    parses it, with its usual messages."""
    options = SimpleNamespace(command=None, data_dir=None, exit_when_ready=False)
    args = iter(argv)
    for arg in args:
        if arg == "--exit-when-ready":
            options.exit_when_ready = True
        elif arg == "--data-dir":
            value = next(args, None)
            if not value or value.startswith("-"):
                return None
            options.data_dir = value
        elif arg.startswith("--data-dir=") and len(arg) > len("--data-dir="):
            options.data_dir = arg.partition("=")[2]
        else:
            return None
    return options


def _parse(argv: list[str]) -> argparse.Namespace | SimpleNamespace:
    """Opening the app (no command) is the common case and must start fast, so it is parsed
    with the global options only; the command modules, and all they import, load only when
    a command (or --help) is given."""
    options = app_options(argv)
    if options is not None:
        return options
    if not any(arg in ("-h", "--help") for arg in argv):
        args, rest = build_parser(commands=False).parse_known_args(argv)
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    keep_new_files_private()  # database, WAL, backups, exports, letters: this user only
    set_language(os.environ.get("LOKET_LANG", "nl"))
    args = _parse(sys.argv[1:] if argv is None else list(argv))
    if args.command is None:
        # Start-up allocates many long-lived objects (Qt's bindings, the views) and no
        # garbage worth a collection: the app switches the collector back on once its first
        # window is shown (ui.app.startup_done), after moving those objects out of its way.
        gc.disable()
        # The core never imports the UI package; the desktop app is handed control by name,
        # only when it is asked for, so every subcommand runs without Qt installed.
        run_app = importlib.import_module("ui.app").run_app
        return run_app(data_dir=args.data_dir, exit_when_ready=args.exit_when_ready)
    try:
        return int(args.func(args) or 0)
    except LoketError as err:
        print(_("Error: {message}").format(message=err), file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as err:
        problem = disk_full(err) or file_problem(err)
        if problem is None:
            raise
        print(_("Error: {message}").format(message=problem), file=sys.stderr)
        return 2
    except EOFError:
        # A password prompt with nothing to read (no terminal, empty input).
        print(
            _(
                "Error: no password was given. Run the command in a terminal, or set "
                "LOKET_PASSWORD (and LOKET_NEW_PASSWORD for a new password)."
            ),
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        common = sys.modules.get("loket.cli.common")
        if common is not None:
            common.close_databases()
