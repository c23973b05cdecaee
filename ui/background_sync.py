"""Syncing with the hub in the background: every minute and on demand, on the worker thread
(ui.workers), each time on a database connection of its own.  Only a hook: what the status
line shows comes from loket.sync (sync_state), not from here."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from loket.context import Context
from loket.sync import run
from ui.workers import run_in_background

INTERVAL_MS = 60_000


class BackgroundSync(QObject):
    finished = Signal(object)  # the SyncResult, on the main thread

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.sync_now)
        if run.is_enrolled(ctx.db):
            self.timer.start()

    def sync_now(self) -> bool:
        """Start a sync unless one is running; False when none was started."""
        if self.running or not run.is_enrolled(self.ctx.db):
            return False
        self.running = True
        path = self.ctx.db.path
        run_in_background(lambda: run.sync_file(path), self._done, self._failed)
        return True

    def _done(self, result) -> None:
        self.running = False
        self.finished.emit(result)

    def _failed(self, err: BaseException) -> None:  # sync_file records and returns; a bug
        self.running = False
        import logging

        logging.getLogger(__name__).error("background sync failed: %s", err)
