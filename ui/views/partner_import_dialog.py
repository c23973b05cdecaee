"""Importing partner data (HSDS) in the app: the check runs first and its report — every
refusal, warning, normalisation and ignored column — is shown before the administrator
confirms.  Nothing is written until "Import" is pressed, and a refused package cannot be
imported at all.

Open it from the partner directory: `PartnerImportDialog(ctx, path, parent).exec()`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout

from loket.directory.transfer import ImportFailed, check_path, import_path
from loket.errors import LoketError
from loket.i18n import _, ngettext
from ui.views.base import plain_label


class PartnerImportDialog(QDialog):
    def __init__(self, ctx, path: str | Path, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.result = None
        self.refused = False
        self.setObjectName("partnerImportDialog")
        layout = QVBoxLayout(self)
        self.summary = plain_label(self)
        self.summary.setObjectName("importSummary")
        layout.addWidget(self.summary)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("importReport")
        self.report.setReadOnly(True)
        self.report.setProperty("i18n_data", True)  # file names and values from the data
        layout.addWidget(self.report, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setObjectName("confirmImport")
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(720, 480)
        self._check()
        self.retranslate_ui()

    def _check(self) -> None:
        try:
            checked = check_path(self.ctx, self.path)
        except ImportFailed as err:
            self.refused = True
            self.report.setPlainText("\n".join(err.report.lines()))
            n = len(err.report.refusals)
            self._summary = ngettext(
                "{n} problem must be solved before this data can be imported. Nothing was written.",
                "{n} problems must be solved before this data can be imported. Nothing was "
                "written.",
                n,
            ).format(n=n)
        except LoketError as err:
            self.refused = True
            self.report.setPlainText(str(err))
            self._summary = _("This data cannot be imported. Nothing was written.")
        else:
            self.report.setPlainText("\n".join(checked.report.lines()) or _("No remarks."))
            n = checked.changed - checked.deleted
            self._summary = ngettext(
                "{n} record will be added or changed, {d} deleted. Read the report, then "
                "press Import.",
                "{n} records will be added or changed, {d} deleted. Read the report, then "
                "press Import.",
                n,
            ).format(n=n, d=checked.deleted)
        self.import_button.setEnabled(not self.refused)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import partner data: {name}").format(name=self.path.name))
        self.summary.setText(self._summary)
        self.report.setAccessibleName(_("Import report"))
        self.import_button.setText(_("&Import"))
        self.import_button.setAccessibleName(_("Import"))

    def confirm(self) -> None:
        try:
            self.result = import_path(self.ctx, self.path)
        except LoketError as err:  # the data changed on disk since the check
            self.refused = True
            report = getattr(err, "report", None)
            self.report.setPlainText("\n".join(report.lines()) if report else str(err))
            self.summary.setText(_("This data cannot be imported. Nothing was written."))
            self.import_button.setEnabled(False)
            return
        self.accept()
