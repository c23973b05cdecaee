"""The main window: a stack of task views, one file each, with global keyboard shortcuts.

Views are registered in `VIEWS` (name → "module:Class") and imported lazily the first time
they are shown, so start-up only pays for the first view.  Navigation keeps a history:
`show_view(name, **kwargs)` pushes, Esc (`back()`) pops.  Global shortcuts: Ctrl+F search,
Ctrl+N new visitor, Ctrl+S save the current view, Ctrl+L lock, Esc back.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from loket.context import Context
from loket.i18n import _, is_rtl
from loket.paths import resources_dir
from ui import i18n_qt, window_state
from ui.views.base import View, ViewHost

VIEWS: dict[str, str] = {
    "home": "ui.views.home_view:HomeView",
    "search": "ui.views.search_view:SearchView",
    "register": "ui.views.register_view:RegisterView",
    "visitor": "ui.views.visitor_view:VisitorView",
    "visit": "ui.views.visit_view:VisitView",
    "today": "ui.views.today_view:TodayView",
    "directory": "ui.views.directory_view:DirectoryView",
    "referrals": "ui.views.referrals_view:ReferralView",
    "followups": "ui.views.followups_view:FollowupsView",
    "letter": "ui.views.letter_dialog:LetterView",
    "letter_text": "ui.views.letter_text_view:LetterTextView",
    "preferences": "ui.views.settings_view:SettingsView",
    "accounts": "ui.views.accounts_view:AccountsView",
    "audit": "ui.views.audit_view:AuditView",
    "admin_settings": "ui.views.admin_settings_view:AdminSettingsView",
    "overview": "ui.views.overview_view:OverviewView",
    "referral_log": "ui.views.referral_log_view:ReferralLogView",
    "decisions": "ui.views.decisions_view:DecisionsView",
    "conflict": "ui.views.conflict_view:ConflictView",
    "merge": "ui.views.merge_view:MergeView",
}
START_VIEW = "search"
# What the counter opens within its first minute, prepared while the app waits for the first
# keystroke, one step per idle moment, so that opening the first visitor does not pay for
# loading code and locale data and for building the view's widgets.
PRELOAD = (
    "dates:",  # Babel's date formats of the UI language (its locale data loads on first use)
    "module:loket.referrals.lifecycle",
    "view:visitor",
    "module:ui.views.register_view",
    "module:ui.views.visit_view",
    "module:ui.views.today_view",
)
PRELOAD_AFTER_MS = 400
NOTICE_MS = 15_000  # long enough to glance at after turning back to the visitor


def back_icon(right_to_left: bool) -> QIcon:
    """The Back button's arrow, pointing the way the text reads (right in Arabic).  Our own
    files rather than the style's standard arrow: asking the style costs the first window
    Python's wrapper of QStyle with its enums (~6 ms)."""
    icon = QIcon()
    name = "back-rtl" if right_to_left else "back-ltr"
    for size in (16, 32, 64):
        icon.addFile(str(resources_dir() / "icons" / f"{name}-{size}.png"))
    return icon


class MainWindow(QMainWindow, ViewHost):
    view_changed = Signal(str)
    lock_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, ctx: Context, *, demo: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.demo = demo
        self.setObjectName("mainWindow")
        self.resize(1200, 700)  # when not maximised and nothing is saved (ui/window_state.py)
        self._window_settings = window_state.settings_beside(ctx.db.path)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.demo_banner = QLabel(central)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setStyleSheet(
            "QLabel#demoBanner { background: #ffe066; color: #1a1a1a; font-weight: bold;"
            " padding: 6px; border-bottom: 2px solid #1a1a1a; }"
        )
        self.demo_banner.setVisible(demo)
        layout.addWidget(self.demo_banner)
        self.stack = QStackedWidget(central)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._views: dict[str, View] = {}
        self._history: list[tuple[str, dict]] = []
        # Back for those who do not know Esc: one button, enabled when there is a way back
        # (the arrow follows the layout direction, pointing right in Arabic)
        self.nav_bar = QToolBar(self)
        self.nav_bar.setObjectName("navigationBar")
        self.nav_bar.setMovable(False)
        self.nav_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.back_action = QAction(self)
        self.back_action.setObjectName("backAction")
        self.back_action.triggered.connect(self.back)
        self.nav_bar.addAction(self.back_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.nav_bar)
        # Calm confirmations ("The visit is saved."): a line at the bottom, never a dialog.
        # Made at once, so that the first message does not shift the screen.
        self.statusBar().setObjectName("statusBar")
        self.statusBar().setSizeGripEnabled(False)
        self._shortcuts()
        from ui.sync_line import SyncLine

        self.sync_line = SyncLine(self, self.statusBar())  # the app calls start()
        i18n_qt.follow_language(self)
        self.retranslate_ui()
        self.show_view(START_VIEW)
        self._preload = list(PRELOAD)
        self._preload_timer = QTimer(self)  # a child: it goes when the window goes
        self._preload_timer.setSingleShot(True)
        self._preload_timer.timeout.connect(self._preload_next)
        self._preload_timer.start(PRELOAD_AFTER_MS)

    def _preload_next(self) -> None:
        """One step of PRELOAD; the next one after the events that came in meanwhile."""
        if not self._preload:
            return
        kind, _sep, name = self._preload.pop(0).partition(":")
        try:
            if kind == "view":
                if name in VIEWS:
                    self.view(name)
            elif kind == "dates":
                from ui.models.counter_models import format_date

                format_date("2000-01-31", "long")
                format_date("2000-01-31")
            else:
                importlib.import_module(name)
        except ImportError:
            pass  # a view still being written must not stop the app
        if self._preload:
            self._preload_timer.start(0)

    # -- navigation -------------------------------------------------------------------------
    def show_where_left(self) -> None:
        """Open maximised the first time, then as the colleague left it (ui/window_state.py)."""
        window_state.show(self, self._window_settings)

    def closeEvent(self, event) -> None:
        window_state.save(self, self._window_settings)
        super().closeEvent(event)

    def view(self, name: str) -> View:
        if name not in self._views:
            module, _sep, cls = VIEWS[name].partition(":")
            view_cls = getattr(importlib.import_module(module), cls)
            widget = view_cls(self.ctx, self.stack)
            self._views[name] = widget
            self.stack.addWidget(widget)
        return self._views[name]

    def open_views(self) -> list[View]:
        """Every view built so far (the lock screen keeps their forms as drafts)."""
        return list(self._views.values())

    def reset_views(self) -> None:
        """Another colleague signed in: drop every view and start afresh for ctx.user."""
        for view in self._views.values():
            self.stack.removeWidget(view)
            view.deleteLater()
        self._views.clear()
        self._history.clear()
        self.show_view(START_VIEW)

    def current_view(self) -> View | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, View) else None

    def show_view(self, name: str, *, remember: bool = True, **kwargs) -> View:
        current = self.current_view()
        if current is not None and current.name != name and not current.can_leave():
            return current
        target = self.view(name)
        if remember:
            self._history.append((name, kwargs))
        self.stack.setCurrentWidget(target)
        target.open(**kwargs)
        self._update_title()
        self.view_changed.emit(name)
        return target

    def forget(self, name: str) -> None:
        """Drop a view from the history behind the current one: a saved form is not a place
        to go back to (Esc after saving a visit returns to the search, not to the form)."""
        self._history[:-1] = [entry for entry in self._history[:-1] if entry[0] != name]
        if len(self._history) >= 2 and self._history[-2] == self._history[-1]:
            del self._history[-2]
        self.back_action.setEnabled(len(self._history) > 1)

    def back(self) -> None:
        if len(self._history) <= 1:
            return
        current = self.current_view()
        if current is not None and not current.can_leave():
            return
        self._history.pop()
        name, kwargs = self._history[-1]
        target = self.view(name)
        self.stack.setCurrentWidget(target)
        target.open(**kwargs)
        self._update_title()
        self.view_changed.emit(name)

    def notify(self, message: str) -> None:
        """Say that something worked, in the status bar, for NOTICE_MS; nothing to click."""
        self.statusBar().showMessage(message, NOTICE_MS)
        self.statusBar().setAccessibleDescription(message)

    # -- shortcuts --------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        def add(key, slot) -> None:
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
            sc.activated.connect(slot)

        add("Ctrl+F", lambda: self._go("search"))
        add("Ctrl+N", lambda: self._go("register"))
        add("Ctrl+T", lambda: self._go("today"))
        add("Ctrl+S", self._save)
        add("Ctrl+L", self.lock_requested.emit)
        add("Escape", self.back)

    def _go(self, name: str) -> None:
        if name in VIEWS:
            self.show_view(name)

    def _save(self) -> None:
        view = self.current_view()
        if view is not None:
            view.save()

    # -- text -------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.back_action.setIcon(back_icon(is_rtl()))
        self.nav_bar.setWindowTitle(_("Navigation"))
        self.back_action.setText(_("Back (Esc)"))
        self.back_action.setToolTip(_("Back to the previous screen (Esc)"))
        self.demo_banner.setText(
            _("DEMO — this database holds synthetic demo data, not real visitors")
        )
        self.demo_banner.setAccessibleName(self.demo_banner.text())
        self.sync_line.retranslate_ui()
        for view in self._views.values():
            view.retranslate_ui()
        self._update_title()

    def refresh_title(self) -> None:
        """A view whose title changed while shown (a visitor's data erased) calls this."""
        self._update_title()

    def _update_title(self) -> None:
        self.back_action.setEnabled(len(self._history) > 1)
        view = self.current_view()
        parts = [view.title()] if view is not None and view.title() else []
        if self.ctx.desk is not None:
            parts.append(self.ctx.desk.name)
        parts.append("Loket")
        if self.demo:
            parts.append("DEMO")
        self.setWindowTitle(" — ".join(parts))
