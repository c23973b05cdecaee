"""What the app does around sign-in: refuse a damaged database (explaining how to restore),
and once a day, off the UI thread, make the automatic backup and apply retention."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from loket import backup
from loket.i18n import _

log = logging.getLogger(__name__)


def damaged_database(path: Path) -> list[str]:
    """The start-up check (integrity_check + foreign_key_check, as `loket check`) on a
    read-only connection, made before anything is migrated or written; [] when the file is
    sound or not there yet."""
    import sqlite3

    path = Path(path)
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError as err:
        return [str(err)]
    try:
        return backup.check_connection(conn)
    finally:
        conn.close()


def refuse_damaged(path: Path, problems: list[str], parent=None) -> None:
    """Tell staff the database is damaged and how to restore; the app then stops, so
    nothing is written to the damaged file."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Loket cannot start"))
    box.setText(backup.damaged_message(Path(path)))
    box.setDetailedText("\n".join(problems[:50]))
    box.exec()


def daily_jobs(db_path: Path) -> dict:
    """Runs on a worker thread with a connection of its own."""
    from loket import retention
    from loket.db.connection import Database

    db = Database(db_path)
    try:
        made = backup.daily_backup(db)
        result = retention.run_if_due(db)
    finally:
        db.close()
    return {"backup": made, "retention": result}


RECHECK_MS = 60 * 60 * 1000  # an app left open for days still makes its daily backup


def start_daily_jobs(db_path: Path):
    """Run the daily jobs now and then every hour (each does its work once per day)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.workers import run_in_background

    def failed(err: BaseException) -> None:
        log.error("daily backup or retention failed: %s", err)

    def run() -> None:
        run_in_background(lambda: daily_jobs(Path(db_path)), None, failed)

    run()
    timer = QTimer(QApplication.instance())
    timer.setInterval(RECHECK_MS)
    timer.timeout.connect(run)
    timer.start()
    return timer
