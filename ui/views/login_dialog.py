"""Sign-in.  The message after a failure never says whether the user name exists."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from loket.context import Context
from loket.errors import AuthenticationFailed
from loket.i18n import _
from loket.privacy import auth
from ui import theme
from ui.views.base import plain_label, room_for_ink


class LoginDialog(QDialog):
    def __init__(self, ctx: Context, parent=None, *, username: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("loginDialog")
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        room_for_ink(self.intro)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.username_label = QLabel(self)
        self.password_label = QLabel(self)
        self.username_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        layout.addLayout(form)
        self.error = plain_label(self)
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        theme.mark_text(self.error, "error")  # 4.5:1 in every theme
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.accepted.connect(self.try_login)
        layout.addWidget(self.buttons)
        if username:
            self.username.setText(username)
            self.username.setReadOnly(True)
            self.password.setFocus()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Sign in to Loket"))
        self.intro.setText(_("Sign in with your own account."))
        self.username_label.setText(_("&User name"))
        self.password_label.setText(_("&Password"))
        self.username.setAccessibleName(_("User name"))
        self.password.setAccessibleName(_("Password"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))

    def try_login(self) -> None:
        try:
            auth.login(self.ctx, self.username.text(), self.password.text())
        except AuthenticationFailed as err:
            self.error.setText(str(err))
            self.error.setAccessibleName(str(err))
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
