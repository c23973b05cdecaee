"""Settings of this Loket installation, for administrators: the phone number of this PC's
desk (printed on letters), when the screen locks, how long personal data is kept per record
type, how many automatic backups are kept.  The ranges and the phone check come from the core
(loket.settings, loket.letters.contact), which checks the right and logs each change."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout

from loket import settings
from loket.errors import LoketError
from loket.i18n import _
from loket.letters import contact
from loket.letters.data import display_phone
from loket.privacy.permissions import Permission
from ui.views.base import View, scrolling_body


def _labels() -> dict[str, str]:
    return {
        "lock_minutes": _("Lock the screen after (minutes without input)"),
        "retention.visit_months": _("Keep visit notes and health notes (months)"),
        "retention.referral_months": _("Keep referral notes (months)"),
        "retention.letter_months": _("Keep printed letters (months)"),
        "retention.visitor_months": _("Keep names and contact details (months)"),
        "retention.draft_days": _("Keep unsaved forms (drafts) (days)"),
        "backup.keep_daily": _("Daily backups to keep"),
        "backup.keep_weekly": _("Weekly backups to keep"),
        "backup.keep_restore_copies": _("Old copies kept after a restore or an upgrade"),
    }


class AdminSettingsView(View):
    name = "admin_settings"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        scroll, body = scrolling_body(self, "settingsForm")
        layout.addWidget(scroll, 1)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        body.addWidget(self.intro)
        self.enrolment = QLabel(self)  # is this PC part of the hub? (loket.sync.status)
        self.enrolment.setObjectName("enrolmentState")
        self.enrolment.setTextFormat(Qt.TextFormat.PlainText)
        self.enrolment.setWordWrap(True)
        body.addWidget(self.enrolment)
        from ui.views.desk_pcs import DeskPCsBox

        self.desk_pcs = DeskPCsBox(ctx, self)  # shown once this PC is enrolled
        body.addWidget(self.desk_pcs)
        form = QFormLayout()
        # the number letters print for the visitor to call; without it no letter is given
        self.desk_phone = QLineEdit(self)
        self.desk_phone.setObjectName("deskPhone")
        self.desk_phone_label = QLabel(self)
        self.desk_phone_label.setBuddy(self.desk_phone)
        form.addRow(self.desk_phone_label, self.desk_phone)
        self.fields: dict[str, QSpinBox] = {}
        self.labels: dict[str, QLabel] = {}
        for key, (_default, low, high) in settings.INTEGER_SETTINGS.items():
            spin = QSpinBox(self)
            spin.setObjectName(key.replace(".", "_"))
            spin.setRange(low, high)
            label = QLabel(self)
            label.setBuddy(spin)
            self.fields[key] = spin
            self.labels[key] = label
            form.addRow(label, spin)
        body.addLayout(form)
        self.key_info = QLabel(self)
        self.key_info.setObjectName("keyInfo")
        self.key_info.setWordWrap(True)
        body.addWidget(self.key_info)
        body.addStretch(1)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveSettings")
        self.save_button.clicked.connect(self.save)
        layout.addWidget(self.save_button)
        self.message = QLabel(self)
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Loket settings")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Loket settings"))
        self.intro.setText(
            _(
                "Retention periods count from the visitor's last activity. What "
                "has expired is removed once a day; counts for statistics stay."
            )
        )
        desk = self.ctx.desk
        text = _("Desk phone (printed on letters)")
        self.desk_phone_label.setText(text)
        self.desk_phone.setAccessibleName(text)
        which = _("Phone number of {desk}, printed on letters").format(
            desk=desk.name if desk else _("this desk")
        )
        self.desk_phone.setToolTip(which)
        self.desk_phone.setAccessibleDescription(which)
        for key, text in _labels().items():
            self.labels[key].setText(text)
            self.fields[key].setAccessibleName(text)
        self.save_button.setText(_("Save settings"))
        self.desk_pcs.retranslate_ui()
        self._show_enrolment()
        if self.key_info.text():
            self.show_key_info()

    def open(self, **kwargs) -> None:
        self.setEnabled(self.ctx.can(Permission.SETTINGS_MANAGE))
        for key, spin in self.fields.items():
            spin.setValue(settings.integer(self.ctx.db, key))
        self.desk_phone.setText(display_phone(self._stored_phone()) or "")
        self.desk_phone.setEnabled(self.ctx.desk is not None)
        self.message.clear()
        self._show_enrolment()
        self.show_key_info()

    def _show_enrolment(self) -> None:
        from loket.sync.status import enrolment_text, identity, read_status

        status = read_status(self.ctx.db)
        text = enrolment_text(status, identity(self.ctx.db))
        self.enrolment.setText(text)
        self.enrolment.setAccessibleName(text)
        self.desk_pcs.setVisible(status.enrolled)

    def _stored_phone(self) -> str | None:
        """The stored number (E.164); the field shows it as letters print it."""
        desk = self.ctx.desk
        if desk is None or not self.ctx.can(Permission.SETTINGS_MANAGE):
            return None
        return contact.desk_phone(self.ctx, desk.code)

    def show_key_info(self) -> None:
        """Where the subject key is kept (key store or file) and whether backups carry it."""
        from loket.privacy import audit, backup

        try:
            where = _("The key of the audit trail is kept {where}.").format(
                where=audit.key_location(self.ctx.db)
            )
            copy = (
                _("Backups carry a copy of it sealed with the backup passphrase.")
                if backup.has_key_copy(self.ctx.db)
                else _(
                    "Backups carry no copy of it: no backup passphrase is set "
                    "(loket backup-passphrase --user NAME)."
                )
            )
        except LoketError as err:
            where, copy = err.message, ""
        text = f"{where} {copy}".strip()
        # A path and a command read left to right inside an Arabic sentence too
        # (left-to-right isolates: "/tmp/x/subject.key" would otherwise end in its "/").
        path = str(audit.key_path(self.ctx.db))
        text = text.replace(path, f"\u2066{path}\u2069")
        text = re.sub(r"loket backup-passphrase --user [A-Z]+", "\u2066\\g<0>\u2069", text)
        self.key_info.setText(text)

    def save(self) -> None:
        try:
            desk = self.ctx.desk
            shown = display_phone(self._stored_phone()) or ""
            if desk is not None and self.desk_phone.text().strip() != shown:
                stored = contact.set_desk_phone(self.ctx, desk.code, self.desk_phone.text())
                self.desk_phone.setText(display_phone(stored) or "")
            for key, spin in self.fields.items():
                if spin.value() != settings.integer(self.ctx.db, key):
                    settings.set_setting(self.ctx, key, str(spin.value()))
        except LoketError as err:
            self.message.setText(err.message)  # nothing after the refused field was saved
            return
        self.message.setText(_("The settings were saved."))
        window = self.main_window()
        lock = window.findChild(_lock_class()) if window is not None else None
        if lock is not None:
            lock.set_minutes(settings.lock_minutes(self.ctx.db))


def _lock_class():
    from ui.lock import LockController

    return LockController
