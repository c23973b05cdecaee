"""Accounts, for administrators: who may sign in, with which role; new accounts, role
changes, (de)activation and password resets.  The core checks the right again for every
action (loket.privacy.accounts), so this view only offers what it will be allowed to do."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from loket.errors import LoketError
from loket.i18n import _
from loket.privacy import accounts
from loket.privacy.permissions import ROLES, Permission
from ui.views.base import View, plain_label, scrolling_body, select_row


def role_label(role: str) -> str:
    return {
        "balie": _("Counter staff"),
        "supervisor": _("Supervisor"),
        "beheerder": _("Administrator"),
    }.get(role, role)


class AccountsView(View):
    name = "accounts"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self._staff = []
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("accountsTable")
        self.table.setProperty("i18n_data", True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        # The selected account and a new one scroll under the table: with the selected
        # account's five controls in one row they needed 900×714 px at 200 % text, and side
        # by side 1,508 px.
        boxes_area, boxes = scrolling_body(self, "accountForms")
        self.selected_box = QGroupBox(self)
        sel = QGridLayout(self.selected_box)
        self.role = QComboBox(self.selected_box)
        self.role.setObjectName("role")
        self.role_button = QPushButton(self.selected_box)
        self.role_button.setObjectName("changeRole")
        self.active_button = QPushButton(self.selected_box)
        self.active_button.setObjectName("toggleActive")
        self.reset_password = QLineEdit(self.selected_box)
        self.reset_password.setObjectName("resetPassword")
        self.reset_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reset_button = QPushButton(self.selected_box)
        self.reset_button.setObjectName("resetButton")
        sel.addWidget(self.role, 0, 0)
        sel.addWidget(self.role_button, 0, 1)
        sel.addWidget(self.active_button, 1, 0, 1, 2)
        sel.addWidget(self.reset_password, 2, 0)
        sel.addWidget(self.reset_button, 2, 1)
        boxes.addWidget(self.selected_box)

        self.new_box = QGroupBox(self)
        form = QFormLayout(self.new_box)
        self.new_username = QLineEdit(self.new_box)
        self.new_username.setObjectName("newUsername")
        self.new_name = QLineEdit(self.new_box)
        self.new_name.setObjectName("newName")
        self.new_role = QComboBox(self.new_box)
        self.new_role.setObjectName("newRole")
        self.new_desk = QComboBox(self.new_box)
        self.new_desk.setObjectName("newDesk")
        self.new_desk.setProperty("i18n_data", True)  # desk names are data
        for desk_id, label in accounts.desk_choices(ctx):
            self.new_desk.addItem(label, desk_id)
        self.new_password = QLineEdit(self.new_box)
        self.new_password.setObjectName("newPassword")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_labels = []
        for widget in (
            self.new_username,
            self.new_name,
            self.new_role,
            self.new_desk,
            self.new_password,
        ):
            label = QLabel(self.new_box)
            label.setBuddy(widget)
            self.new_labels.append(label)
            form.addRow(label, widget)
        self.create_button = QPushButton(self.new_box)
        self.create_button.setObjectName("createAccount")
        form.addRow(self.create_button)
        boxes.addWidget(self.new_box)
        boxes.addStretch(1)
        layout.addWidget(boxes_area, 1)

        self.message = plain_label(self)
        self.message.setObjectName("accountsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.role_button.clicked.connect(self.change_role)
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset)
        self.create_button.clicked.connect(self.create)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Accounts")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Accounts"))
        self.table.setAccessibleName(_("Accounts"))
        self.table.setHorizontalHeaderLabels([_("User name"), _("Name"), _("Role"), _("Status")])
        for combo in (self.role, self.new_role):
            current = combo.currentData()
            combo.clear()
            for role in ROLES:
                combo.addItem(role_label(role), role)
            if current:
                combo.setCurrentIndex(combo.findData(current))
        self.selected_box.setTitle(_("Selected account"))
        self.role.setAccessibleName(_("New role"))
        self.role_button.setText(_("Change role"))
        self.reset_password.setPlaceholderText(_("New password"))
        self.reset_password.setAccessibleName(_("New password"))
        self.reset_button.setText(_("Reset password"))
        self.new_box.setTitle(_("New account"))
        for label, text in zip(
            self.new_labels,
            (_("&User name"), _("&Full name"), _("&Role"), _("&Desk"), _("&Password")),
            strict=True,
        ):
            label.setText(text)
            label.buddy().setAccessibleName(text.replace("&", ""))
        self.create_button.setText(_("Create account"))
        self._selection_changed()
        if self._staff:
            self._fill()

    def open(self, **kwargs) -> None:
        self.reload()

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.ctx.can(Permission.ACCOUNTS_MANAGE):
            self._staff = []
            self.table.setRowCount(0)
            self.setEnabled(False)
            return
        self.setEnabled(True)
        self._staff = accounts.list_accounts(self.ctx)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self._staff))
        for row, staff in enumerate(self._staff):
            status = _("Active") if staff.active else _("Deactivated")
            for col, text in enumerate(
                (staff.username, staff.display_name, role_label(staff.role), status)
            ):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self._selection_changed()

    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self._staff[rows[0].row()] if rows else None

    def select_username(self, username: str) -> None:
        for row, staff in enumerate(self._staff):
            if staff.username == username:
                select_row(self.table, row)

    def _selection_changed(self) -> None:
        staff = self.selected()
        self.selected_box.setEnabled(staff is not None)
        if staff is not None:
            self.role.setCurrentIndex(self.role.findData(staff.role))
            self.active_button.setText(_("Deactivate") if staff.active else _("Activate"))
        else:
            self.active_button.setText(_("Deactivate"))

    def _run(self, action, done: str) -> bool:
        try:
            action()
        except LoketError as err:
            self.message.setText(err.message)
            return False
        self.message.setText(done)
        keep = self.selected().username if self.selected() else None
        self.reload()
        if keep:
            self.select_username(keep)
        return True

    # -- actions -------------------------------------------------------------------------------
    def change_role(self) -> None:
        staff = self.selected()
        if staff is not None:
            self._run(
                lambda: accounts.change_role(self.ctx, staff.id, self.role.currentData()),
                _("The role was changed."),
            )

    def toggle_active(self) -> None:
        staff = self.selected()
        if staff is not None:
            self._run(
                lambda: accounts.set_active(self.ctx, staff.id, not staff.active),
                _("The account was changed."),
            )

    def reset(self) -> None:
        staff = self.selected()
        if staff is not None:
            password = self.reset_password.text()
            self.reset_password.clear()
            self._run(
                lambda: accounts.reset_password(self.ctx, staff.id, password),
                _("The password was reset."),
            )

    def create(self) -> None:
        password = self.new_password.text()
        self.new_password.clear()
        ok = self._run(
            lambda: accounts.create_account(
                self.ctx,
                username=self.new_username.text(),
                display_name=self.new_name.text(),
                role=self.new_role.currentData(),
                password=password,
                desk_id=self.new_desk.currentData(),
            ),
            _("The account was created."),
        )
        if ok:
            self.select_username(self.new_username.text().strip())
            self.new_username.clear()
            self.new_name.clear()
