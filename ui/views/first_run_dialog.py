"""First start on a database without accounts: choose this PC's desk, give its phone number
(letters print it for the visitor to call, so letters work from day one) and create the
administrator, who is then signed in.  Every other account is made later by that
administrator (Accounts view); the desk's phone can be changed under Loket settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from loket.context import Context
from loket.errors import LoketError
from loket.i18n import _
from loket.privacy import accounts
from ui.views.base import plain_label, room_for_ink


class FirstRunDialog(QDialog):
    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("firstRunDialog")
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        room_for_ink(self.intro)
        layout.addWidget(self.intro)
        self.enrolment = plain_label(self)  # a new PC: not part of a hub yet (and says so)
        self.enrolment.setObjectName("enrolmentState")
        self.enrolment.setWordWrap(True)
        layout.addWidget(self.enrolment)
        form = QFormLayout()
        self.desk = QComboBox(self)
        self.desk.setObjectName("desk")
        self.desk.setProperty("i18n_data", True)  # desk names are data
        for desk_id, label in accounts.desk_choices(ctx):
            self.desk.addItem(label, desk_id)
        self.desk_phone = QLineEdit(self)
        self.desk_phone.setObjectName("deskPhone")
        self.desk_phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.display_name = QLineEdit(self)
        self.display_name.setObjectName("displayName")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = {}
        for key, widget in (
            ("desk", self.desk),
            ("desk_phone", self.desk_phone),
            ("username", self.username),
            ("display_name", self.display_name),
            ("password", self.password),
            ("repeat", self.repeat),
        ):
            label = QLabel(self)
            label.setBuddy(widget)
            self.labels[key] = label
            form.addRow(label, widget)
        # optional: the enrolment file an administrator made with `loket hub enroll`, so that
        # this PC joins the desk's other PCs from its first start
        self.enrolment_file = QLineEdit(self)
        self.enrolment_file.setObjectName("enrolmentFile")
        self.choose_file = QPushButton(self)
        self.choose_file.setObjectName("chooseEnrolmentFile")
        self.choose_file.clicked.connect(self._choose_file)
        row = QHBoxLayout()
        row.addWidget(self.enrolment_file, 1)
        row.addWidget(self.choose_file)
        label = QLabel(self)
        label.setBuddy(self.enrolment_file)
        self.labels["enrolment_file"] = label
        form.addRow(label, row)
        layout.addLayout(form)
        self.error = plain_label(self)
        self.error.setObjectName("firstRunError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("font-weight: bold;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Set up Loket"))
        self.intro.setText(
            _(
                "Loket has no accounts yet. Choose the desk of this computer, fill in its "
                "phone number (letters print it for the visitor to call) and create the "
                "administrator account."
            )
        )
        texts = {
            "desk": _("&Desk"),
            "desk_phone": _("Desk's phone &number"),
            "username": _("&User name"),
            "display_name": _("&Full name"),
            "password": _("&Password"),
            "repeat": _("&Repeat password"),
            "enrolment_file": _("&Enrolment file (optional, from the hub)"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
            self.labels[key].buddy().setAccessibleName(text.replace("&", ""))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create and sign in"))
        self.choose_file.setText(_("C&hoose…"))
        self.choose_file.setAccessibleName(_("Choose the enrolment file"))
        from loket.sync.status import enrolment_text, identity, read_status

        self.enrolment.setText(enrolment_text(read_status(self.ctx.db), identity(self.ctx.db)))

    def _show(self, message: str) -> None:
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.show()

    def create(self) -> None:
        if self.password.text() != self.repeat.text():
            self._show(_("The two passwords are not the same."))
            self.repeat.clear()
            self.repeat.setFocus()
            return
        enrolment = self.enrolment_file.text().strip()
        if enrolment:
            from loket.sync.enroll import read_bundle

            try:  # checked before any account is made: a wrong file changes nothing
                read_bundle(enrolment)
            except LoketError as err:
                self._show(err.message)
                self.enrolment_file.setFocus()
                return
        try:
            accounts.set_up_first_administrator(
                self.ctx,
                desk_id=self.desk.currentData(),
                username=self.username.text(),
                display_name=self.display_name.text(),
                password=self.password.text(),
                desk_phone=self.desk_phone.text(),
            )
        except LoketError as err:
            self._show(err.message)
            return
        if enrolment:
            from loket.sync.enroll import enroll_pc

            enroll_pc(self.ctx, enrolment)  # the file was read above; logged as sync.enroll
        self.accept()

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the enrolment file"), "", _("Enrolment files (*.json)")
        )
        if path:
            self.enrolment_file.setText(path)
