"""The Go menu: every place in Loket a colleague may go to, by mouse or keyboard.

Views that need a visitor or a visit (visitor, visit, referrals, letter) open from the
search results and the visitor's file; every other view has an entry here, shown only to the
roles that may use it (the core checks the role again anyway).  Alt opens the menu bar; each
entry has a mnemonic, most have a shortcut.  Ctrl+F, Ctrl+N and Ctrl+T are the main window's
own shortcuts: the menu only shows them.  The others are window shortcuts made here, so that
the lock screen switches them off like every other shortcut of the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from loket.i18n import N_, _
from loket.privacy.permissions import Permission


@dataclass(frozen=True)
class Entry:
    key: str  # a view name of VIEWS, or "export" (the overview's export dialog)
    object_name: str
    text: str  # msgid, with a mnemonic
    help: str  # msgid: the accessible description and tooltip
    shortcut: str | None  # portable text, e.g. "Ctrl+Shift+D"
    permission: Permission | None  # None: every signed-in colleague
    own_shortcut: bool = True  # False: the main window already has this shortcut


ENTRIES: tuple[Entry | None, ...] = (
    Entry(
        "search",
        "goSearchAction",
        N_("&Search visitors"),
        N_("Find a visitor by name, V-number, BSN, date of birth or phone"),
        "Ctrl+F",
        Permission.VISITOR_READ,
        own_shortcut=False,
    ),
    Entry(
        "register",
        "goRegisterAction",
        N_("&New visitor"),
        N_("Register a new visitor"),
        "Ctrl+N",
        Permission.VISITOR_WRITE,
        own_shortcut=False,
    ),
    Entry(
        "today",
        "goTodayAction",
        N_("&Today at this desk"),
        N_("The visits of this desk today"),
        "Ctrl+T",
        Permission.VISITOR_READ,
        own_shortcut=False,
    ),
    Entry(
        "followups",
        "goFollowupsAction",
        N_("&Follow-ups due"),
        N_("Referrals whose follow-up date has come"),
        "Ctrl+Shift+F",
        Permission.VISITOR_READ,
    ),
    Entry(
        "directory",
        "goDirectoryAction",
        N_("Partner &directory"),
        N_("Organisations and services the desk refers to"),
        "Ctrl+Shift+D",
        Permission.DIRECTORY_READ,
    ),
    Entry(
        "decisions",
        "goDecisionsAction",
        N_("To dec&ide"),
        N_("What two PCs changed differently, and files that may be one visitor"),
        "Ctrl+Shift+K",
        Permission.CONFLICT_RESOLVE,
    ),
    None,  # what supervisors and administrators use
    Entry(
        "overview",
        "goOverviewAction",
        N_("&Overview with charts"),
        N_("Visits and referrals per month, need, partner and outcome"),
        "Ctrl+Shift+O",
        Permission.OVERVIEW_READ,
    ),
    Entry(
        "referral_log",
        "goReferralLogAction",
        N_("&Referral log"),
        N_("Every referral of a period, newest first, without names or numbers"),
        "Ctrl+Shift+R",
        Permission.EXPORT_PSEUDONYMISED,
    ),
    Entry(
        "export",
        "goExportAction",
        N_("&Export the referral log…"),
        N_("Export the referral log as CSV, Excel or PDF"),
        "Ctrl+Shift+E",
        Permission.EXPORT_PSEUDONYMISED,
    ),
    Entry(
        "letter_text",
        "goLetterTextAction",
        N_("&Check a letter text"),
        N_("Check letter text for plain Dutch (B1)"),
        None,
        Permission.LETTER_TEXT_EDIT,
    ),
)


def entries() -> list[Entry]:
    return [e for e in ENTRIES if e is not None]


class NavMenu:
    """Build with the main window once it exists; `refresh()` after a user switch."""

    def __init__(self, window) -> None:
        from ui import i18n_qt

        self.window = window
        bar = window.menuBar()
        self.menu = window.menuBar().addMenu("")
        self.menu.setObjectName("goMenu")
        first = bar.actions()[0] if bar.actions() else None
        if first is not None and first is not self.menu.menuAction():
            bar.insertMenu(first, self.menu)  # the first menu: where everything starts
        self.actions: dict[str, QAction] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        for entry in ENTRIES:
            if entry is None:
                self.menu.addSeparator()
                continue
            action = QAction(window)
            action.setObjectName(entry.object_name)
            action.triggered.connect(lambda _checked=False, key=entry.key: self.go(key))
            self.menu.addAction(action)
            self.actions[entry.key] = action
            if entry.shortcut and entry.own_shortcut:
                shortcut = QShortcut(QKeySequence(entry.shortcut), window)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda key=entry.key: self._shortcut(key))
                self.shortcuts[entry.key] = shortcut
        window.go_menu = self  # kept alive with the window
        self.refresh()
        i18n_qt.notifier().language_changed.connect(lambda _language: self.refresh())

    def allowed(self, entry: Entry) -> bool:
        ctx = self.window.ctx
        return entry.permission is None or ctx.can(entry.permission)

    def refresh(self) -> None:
        """Texts in the UI language, entries for the signed-in colleague's role (a no-op once
        the window is gone: a language signal may outlive it)."""
        if not shiboken6.isValid(self.menu) or not shiboken6.isValid(self.window):
            return
        self.menu.setTitle(_("&Go"))
        for entry in entries():
            action = self.actions[entry.key]
            text = _(entry.text)
            if entry.shortcut:
                shown = QKeySequence(entry.shortcut).toString(
                    QKeySequence.SequenceFormat.NativeText
                )
                text = f"{text}\t{shown}"
            action.setText(text)
            action.setToolTip(_(entry.help))
            action.setStatusTip(_(entry.help))
            action.setVisible(self.allowed(entry))

    def _shortcut(self, key: str) -> None:
        action = self.actions[key]
        if action.isVisible():  # the role may use it (checked now: users switch)
            action.trigger()

    def go(self, key: str) -> None:
        entry = next(e for e in entries() if e.key == key)
        if not self.allowed(entry):
            return
        if key == "export":
            view = self.window.show_view("overview")
            if view.name == "overview":  # not held back by an unsaved form
                view.open_export()
            return
        self.window.show_view(key)
