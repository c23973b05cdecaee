"""The Administration menu: accounts and settings (administrators), audit trail
(supervisors), lock and sign out (everybody).
Entries follow the signed-in colleague's role; the core checks the role again anyway."""

from __future__ import annotations

import shiboken6
from PySide6.QtGui import QAction

from loket.i18n import _
from loket.privacy.permissions import Permission


class AdminMenu:
    def __init__(self, window) -> None:
        self.window = window
        self.menu = window.menuBar().addMenu("")
        self.menu.setObjectName("adminMenu")
        self.accounts = QAction(window)
        self.accounts.setObjectName("accountsAction")
        self.accounts.triggered.connect(lambda: window.show_view("accounts"))
        self.audit = QAction(window)
        self.audit.setObjectName("auditAction")
        self.audit.triggered.connect(lambda: window.show_view("audit"))
        self.settings = QAction(window)
        self.settings.setObjectName("adminSettingsAction")
        self.settings.triggered.connect(lambda: window.show_view("admin_settings"))
        self.sync = QAction(window)
        self.sync.setObjectName("syncNowAction")
        self.sync.triggered.connect(lambda: window.sync_line.sync_now())
        self.lock = QAction(window)
        self.lock.setObjectName("lockAction")
        self.lock.triggered.connect(window.lock_requested.emit)
        self.sign_out = QAction(window)
        self.sign_out.setObjectName("signOutAction")
        self.sign_out.triggered.connect(window.sign_out_requested.emit)
        for action in (
            self.accounts,
            self.audit,
            self.settings,
            self.sync,
            self.lock,
            self.sign_out,
        ):
            self.menu.addAction(action)
        self.refresh()

    def refresh(self) -> None:
        """Call after sign-in, a user switch or a language change (a no-op once the window
        is gone: a language signal may outlive it)."""
        if not shiboken6.isValid(self.menu) or not shiboken6.isValid(self.window):
            return
        ctx = self.window.ctx
        self.menu.setTitle(_("&Administration"))
        self.accounts.setText(_("&Accounts"))
        self.audit.setText(_("Audit &trail"))
        self.settings.setText(_("Loket &settings"))
        self.sync.setText(_("&Update sync now (Ctrl+Shift+Y)"))
        self.lock.setText(_("&Lock (Ctrl+L)"))
        self.sign_out.setText(_("Sign &out"))
        self.accounts.setVisible(ctx.can(Permission.ACCOUNTS_MANAGE))
        self.audit.setVisible(ctx.can(Permission.AUDIT_READ))
        self.settings.setVisible(ctx.can(Permission.SETTINGS_MANAGE))
