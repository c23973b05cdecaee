"""The sync status line in the main window's status bar: always there, calm, one sentence.

Its text comes from `loket.sync.status.read_status` on a worker thread (a read-only
connection of its own), so the counter never waits for it.  When the hub side of Loket is
installed (`loket.sync.run.sync_now`), the line also runs a sync every minute and on demand
(Ctrl+Shift+Y or the Administration menu), again on the worker thread, one at a time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QStatusBar

from loket.context import reader, worker
from loket.i18n import _
from ui.workers import run_in_background

if TYPE_CHECKING:  # the status module loads with the first read, after the first window
    from loket.sync.status import SyncStatus

INTERVAL_MS = 60_000
SHORTCUT = "Ctrl+Shift+Y"


def sync_function():
    """`loket.sync.run.sync_now`, or None while this installation has no hub side."""
    try:
        module = importlib.import_module("loket.sync.run")
    except ImportError:
        return None
    return getattr(module, "sync_now", None)


def _look_for_duplicates(ctx) -> None:
    from loket.counter import merge
    from loket.errors import LoketError

    try:
        merge.scan(ctx)
    except LoketError:
        pass  # signed out or locked: the next round looks again


class SyncLine(QObject):
    """Made by the main window; `start()` (the app) begins the minute-by-minute refresh."""

    updated = Signal(object)  # the SyncStatus just shown

    def __init__(self, window, status_bar: QStatusBar) -> None:
        super().__init__(window)  # the window is reached as parent(): no cycle that
        # would keep its wrapper alive after Qt deleted it
        self.label = QLabel(status_bar)
        self.label.setObjectName("syncStatus")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # a long sentence (an error at 200 % text) wraps instead of widening the window
        self.label.setWordWrap(True)
        status_bar.addPermanentWidget(self.label, 1)
        self.status: SyncStatus | None = None
        self.busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.tick)
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), window)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.sync_now)
        self.retranslate_ui()

    def start(self) -> None:
        self.tick()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def retranslate_ui(self) -> None:
        self.label.setToolTip(
            _("Where sharing with the other PCs stands. Ctrl+Shift+Y: update now.")
        )
        self._show()

    # -- work on the worker thread ----------------------------------------------------------
    def tick(self) -> None:
        """Every minute: sync when Loket can, else only read where things stand."""
        if sync_function() is not None:
            self.sync_now()
        else:
            self.refresh()

    def refresh(self) -> None:
        if self.busy:
            return
        self.busy = True
        ctx = self.parent().ctx

        def read() -> SyncStatus:
            from loket.sync.status import read_status

            with reader(ctx) as quiet:
                return read_status(quiet.db)

        run_in_background(read, self._done, self._failed)

    def sync_now(self) -> None:
        run = sync_function()
        if run is None:
            self.refresh()
            return
        if self.busy:
            return
        self.busy = True
        ctx = self.parent().ctx

        def work() -> SyncStatus:
            from loket.db import sync as sync_repo
            from loket.sync.status import read_status

            # on a connection of its own: the counter's is not held while rows are applied
            with worker(ctx) as own:
                if sync_repo.enrolled(own.db):  # a PC on its own has nothing to send
                    run(own)  # never raises for an unreachable hub: it records it
                _look_for_duplicates(own)  # visitors pulled from other PCs may be one of ours
            with reader(ctx) as quiet:
                return read_status(quiet.db)

        run_in_background(work, self._done, self._failed)

    def _done(self, status: SyncStatus) -> None:
        self.busy = False
        if not shiboken6.isValid(self.label):
            return
        self.status = status
        self._show()
        self.updated.emit(status)

    def _failed(self, _err: BaseException) -> None:
        # the line stays as it was: a failed read says nothing new about sync
        self.busy = False

    def _show(self) -> None:
        if not shiboken6.isValid(self.label):
            return
        if self.status is None:
            text = ""
        else:
            from loket.sync.status import describe

            text = describe(self.status)
        self.label.setText(text)
        self.label.setAccessibleName(text or _("Sync status"))
