"""The visitor's rights, for supervisors: export everything about this visitor (PDF + JSON,
AVG art. 15) or erase their data now on request (art. 17), with a reason.

Open it from a visitor's file: `VisitorRightsDialog(ctx, visitor_id, parent).exec()`.  The
core checks the rights again and logs both actions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from loket.errors import LoketError
from loket.i18n import _
from loket.privacy import rights as visitor_rights
from loket.privacy.permissions import Permission
from ui.views.base import plain_label


class VisitorRightsDialog(QDialog):
    def __init__(self, ctx, visitor_id: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visitor_id = visitor_id
        self.erased = False
        self.setObjectName("visitorRightsDialog")
        layout = QVBoxLayout(self)
        self.access_box = QGroupBox(self)
        access = QVBoxLayout(self.access_box)
        self.access_intro = QLabel(self.access_box)
        self.access_intro.setWordWrap(True)
        access.addWidget(self.access_intro)
        self.export_button = QPushButton(self.access_box)
        self.export_button.setObjectName("accessExport")
        access.addWidget(self.export_button)
        layout.addWidget(self.access_box)
        self.erase_box = QGroupBox(self)
        erase = QVBoxLayout(self.erase_box)
        self.erase_intro = QLabel(self.erase_box)
        self.erase_intro.setWordWrap(True)
        erase.addWidget(self.erase_intro)
        self.reason = QPlainTextEdit(self.erase_box)
        self.reason.setObjectName("eraseReason")
        self.reason.setMaximumHeight(80)
        erase.addWidget(self.reason)
        self.confirm = QCheckBox(self.erase_box)
        self.confirm.setObjectName("eraseConfirm")
        erase.addWidget(self.confirm)
        self.erase_button = QPushButton(self.erase_box)
        self.erase_button.setObjectName("eraseButton")
        self.erase_button.setEnabled(False)
        erase.addWidget(self.erase_button)
        layout.addWidget(self.erase_box)
        self.message = plain_label(self)
        self.message.setObjectName("rightsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.access_box.setEnabled(ctx.can(Permission.VISITOR_ACCESS_EXPORT))
        self.erase_box.setEnabled(ctx.can(Permission.VISITOR_ERASE))
        self.confirm.toggled.connect(self.erase_button.setEnabled)
        self.export_button.clicked.connect(self.choose_and_export)
        self.erase_button.clicked.connect(self.erase)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("The visitor's rights"))
        self.access_box.setTitle(_("Right of access"))
        self.access_intro.setText(
            _("Everything Loket holds about this visitor, as a readable PDF and as a JSON file.")
        )
        self.export_button.setText(_("Export…"))
        self.erase_box.setTitle(_("Erasure on request"))
        self.erase_intro.setText(
            _(
                "Removes names, numbers, contact details, free text and "
                "health notes now. This cannot be undone."
            )
        )
        self.reason.setAccessibleName(_("Reason for the erasure"))
        self.reason.setPlaceholderText(
            _("Why, not who: do not name the visitor (the reason stays in the audit trail)")
        )
        self.confirm.setText(_("I have checked that this is the right visitor"))
        self.erase_button.setText(_("Erase now"))

    def choose_and_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Export"), "inzage.pdf", "PDF (*.pdf)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        try:
            pdf, data = visitor_rights.access_export(self.ctx, self.visitor_id, path)
        except LoketError as err:
            self.message.setText(str(err))
            return
        self.message.setText(_("Written: {pdf} and {json}").format(pdf=pdf, json=data))

    def erase(self) -> None:
        try:
            visitor_rights.erase_visitor(self.ctx, self.visitor_id, self.reason.toPlainText())
        except LoketError as err:
            self.message.setText(err.message)
            return
        self.erased = True
        self.erase_box.setEnabled(False)
        self.message.setText(_("The visitor's data was removed."))
