"""What the app does around sign-in: refuse a file that is not a readable Loket database,
and off the UI thread, once a day: the full integrity check (on damage: refuse writes and
show how to restore), then the automatic backup and retention."""

from __future__ import annotations

import logging
from pathlib import Path

from loket import startup_check
from loket.i18n import _

log = logging.getLogger(__name__)


def damaged_database(path: Path) -> list[str]:
    """The cheap check before the login window (the file opens and is a Loket database);
    the full integrity_check runs in the background after sign-in (daily_jobs)."""
    return startup_check.open_problems(Path(path))


def left_open(path: Path) -> bool:
    """The last session ended without closing the database (crash, power cut)."""
    return startup_check.left_open(Path(path))


def refuse_damaged(path: Path, problems: list[str], parent=None) -> None:
    """Tell staff the database is damaged and how to restore; the app then stops, so
    nothing is written to the damaged file."""
    from PySide6.QtWidgets import QMessageBox

    from loket.privacy import backup

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Loket cannot start"))
    box.setText(backup.damaged_message(Path(path)))  # how to restore
    box.setDetailedText("\n".join(problems[:50]))
    box.exec()


def daily_jobs(db_path: Path, *, force_check: bool = False) -> dict:
    """Runs on a worker thread with connections of its own.  The full check comes first
    (skipped when done today): a damaged file is neither backed up -- rotation would push
    out the sound backups -- nor changed by retention."""
    from loket.db.connection import Database
    from loket.privacy import backup, retention

    problems = backup.background_check(Path(db_path), force=force_check)
    if problems:
        return {"problems": problems, "backup": None, "retention": None}
    db = Database(db_path)
    try:
        made = backup.daily_backup(db)
        result = retention.run_if_due(db)
    finally:
        db.close()
    return {"problems": problems, "backup": made, "retention": result}


RECHECK_MS = 60 * 60 * 1000  # an app left open for days still checks and backs up daily


def show_damaged_banner(window, message: str) -> None:
    """A persistent banner above every view: the words say what is wrong and what to do."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    banner = getattr(window, "damaged_banner", None)
    if banner is None:
        central = window.centralWidget()
        banner = QLabel(central)
        banner.setObjectName("damagedBanner")
        banner.setWordWrap(True)
        banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner.setStyleSheet(
            "QLabel#damagedBanner { background: #fde2e1; color: #1a1a1a; font-weight: bold;"
            " border-bottom: 3px solid #b00020; padding: 8px; }"
        )
        central.layout().insertWidget(0, banner)
        window.damaged_banner = banner
    banner.setText(message)
    banner.setAccessibleName(message)
    banner.setVisible(True)


def start_daily_jobs(db_path: Path, *, ctx=None, window=None, force_check: bool = False):
    """Run the daily jobs now and then every hour (each does its work once per day).  When
    the check finds damage, `ctx.db` refuses writes and `window` shows the banner."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.workers import run_in_background

    force = [force_check]

    def done(result: dict) -> None:
        problems = result.get("problems")
        if problems and ctx is not None:
            from loket.privacy import backup

            log.error("the database is damaged: %s", problems[:5])
            message = backup.refuse_writes(ctx.db, problems)
            if window is not None:
                show_damaged_banner(window, message)

    def failed(err: BaseException) -> None:
        log.error("integrity check, daily backup or retention failed: %s", err)

    def run() -> None:
        forced, force[0] = force[0], False
        run_in_background(lambda: daily_jobs(Path(db_path), force_check=forced), done, failed)

    run()
    # Owned by the window when there is one: the timer and its callbacks go with it.
    timer = QTimer(window if window is not None else QApplication.instance())
    timer.setInterval(RECHECK_MS)
    timer.timeout.connect(run)
    timer.start()
    return timer
