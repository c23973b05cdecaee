"""Start the app: open (and migrate) the database, sign in, show the main window.

Kept light: only what the first window needs is imported here; ReportLab, Babel's heavy
parts and the other views load when first used.
"""

from __future__ import annotations

import gc
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from loket import __version__
from loket.context import Context
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.i18n import DEFAULT_LANGUAGE, language, set_language
from loket.paths import database_path


def open_context(data_dir: str | None) -> tuple[Context, bool]:
    from loket.db import reference

    db = Database(database_path(data_dir))
    migrate(db, triggers=False)  # the capture triggers' check: after the first window
    if not reference.desks(db):
        from loket.directory import seed

        seed.load_all(db)
    demo = reference.get_setting(db, "demo") == "1"
    return Context(db=db, origin="app"), demo


def make_application(argv: list[str] | None = None) -> QApplication:
    from ui import fonts, i18n_qt, theme

    fonts.defer_rest()  # the first window's fonts now, the others once it is shown
    app = QApplication.instance() or theme.application(argv or sys.argv[:1])
    app.setApplicationName("Loket")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Loket")

    theme.apply(app)
    i18n_qt.install()  # Qt's own catalogue, locale and layout direction follow set_language()
    return app


def startup_done() -> None:
    """Once the first window is shown: the objects made so far live as long as the app, so
    they are moved out of the collector's way (`gc.freeze`: later full collections do not
    walk them, which keeps them short while a long list scrolls), and the collector that
    `loket.cli` switched off for the start is switched on again.  The fonts the first window
    did not need are registered next (ui/fonts.py)."""
    from ui import fonts

    gc.freeze()
    gc.enable()
    QTimer.singleShot(0, fonts.register_rest)


def after_first_window(ctx: Context) -> None:
    """Once the first window is up, before anyone can sign in: the hub's capture triggers
    made to follow this version's synced tables (they change only with a new Loket; nothing
    is written when they are current), then `startup_done`."""
    from loket.db.migrate import capture_triggers

    capture_triggers(ctx.db)
    startup_done()


def run_app(*, data_dir: str | None = None, exit_when_ready: bool = False) -> int:
    # Dutch until a user signs in (then their own language); LOKET_LANG overrides, e.g. pseudo.
    wanted = os.environ.get("LOKET_LANG") or DEFAULT_LANGUAGE
    if language() != wanted:  # `loket` (loket.cli.main) has read its catalogue already
        set_language(wanted)
    app = make_application()
    from ui import startup

    crashed = False
    if not exit_when_ready:
        # Only the cheap look here: the full check runs in the background after sign-in.
        problems = startup.damaged_database(database_path(data_dir))
        if problems:  # not a readable Loket database: checked before anything is written
            startup_done()
            startup.refuse_damaged(database_path(data_dir), problems)
            return 3
        crashed = startup.left_open(database_path(data_dir))
    ctx, demo = open_context(data_dir)
    from ui.main_window import MainWindow

    if exit_when_ready:
        # Start-up measurement and the bundle's smoke test: show the first window, let the
        # event loop go idle once, quit with status 0.
        window = MainWindow(ctx, demo=demo)
        window.show()
        QTimer.singleShot(0, lambda: after_first_window(ctx))
        QTimer.singleShot(0, app.quit)
        return app.exec()
    from loket.privacy.accounts import first_run_needed

    if first_run_needed(ctx.db):
        from ui.views.first_run_dialog import FirstRunDialog as SignIn
    else:
        from ui.views.login_dialog import LoginDialog as SignIn
    login = SignIn(ctx)
    QTimer.singleShot(0, lambda: after_first_window(ctx))  # as soon as sign-in is up
    if login.exec() != SignIn.DialogCode.Accepted:
        return 0
    from ui.views.settings_view import apply_user_preferences

    apply_user_preferences(ctx)  # language, text size and contrast of who signed in
    window = MainWindow(ctx, demo=demo)
    window.show_where_left()
    from ui.admin_menu import AdminMenu
    from ui.lock import LockController
    from ui.nav_menu import NavMenu

    go_menu = NavMenu(window)  # every view a colleague's role may open, with shortcuts
    menu = AdminMenu(window)
    from ui import i18n_qt
    from ui.views.settings_view import add_menu_entry

    add_menu_entry(window)  # My settings (Ctrl+,): language, text size, contrast
    i18n_qt.notifier().language_changed.connect(lambda _language: menu.refresh())
    lock = LockController(window, ctx)  # idle timeout and Ctrl+L
    lock.user_switched.connect(menu.refresh)
    lock.user_switched.connect(go_menu.refresh)
    lock.user_switched.connect(lambda: apply_user_preferences(ctx))
    # Once a day: the full integrity check (always after a crash), then the automatic backup
    # and retention; on damage, writes are refused and a banner says how to restore.
    startup.start_daily_jobs(ctx.db.path, ctx=ctx, window=window, force_check=crashed)
    window.sync_line.start()  # where sync stands; syncs every minute once the hub side is there
    from ui.views.form_support import offer_drafts

    offer_drafts(window)  # unsaved forms from before a crash or power cut
    return app.exec()
