"""Importing partner data (HSDS) in the app: the check runs first and its report is shown
before the administrator confirms: what will be added, changed and deleted, the refused
records that will be left out (each with file, row, field, value and why), and every warning,
normalisation and ignored column.  Nothing is written until "Import" is pressed; then the
valid records land in one transaction.  A package that cannot be read as a whole cannot be
imported at all.

Open it from the partner directory: `PartnerImportDialog(ctx, path, parent).exec()`; the
reports of past imports with `PastImportsDialog(ctx, parent).exec()`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
)

from loket.directory.hsds_report import REFUSED, Report
from loket.directory.transfer import (
    ImportFailed,
    check_path,
    import_path,
    past_import,
    past_imports,
)
from loket.errors import LoketError
from loket.i18n import _, ngettext
from ui.models.counter_models import format_date, format_time
from ui.views.base import plain_label


def _lines(report: Report, *, refused: bool) -> str:
    problems = [p for p in report.problems if (p.level == REFUSED) == refused]
    shown = Report(problems=problems)
    return "\n".join(shown.lines())


class PartnerImportDialog(QDialog):
    def __init__(self, ctx, path: str | Path, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.result = None
        self.refused = False  # the package as a whole: nothing can be imported
        self.refused_records = 0
        self.setObjectName("partnerImportDialog")
        layout = QVBoxLayout(self)
        self.summary = plain_label(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.refused_heading = plain_label(self)
        self.refused_heading.setObjectName("refusedHeading")
        layout.addWidget(self.refused_heading)
        self.refused_list = QPlainTextEdit(self)
        self.refused_list.setObjectName("refusedRecords")
        self.refused_list.setReadOnly(True)
        self.refused_list.setProperty("i18n_data", True)  # file names and values from the data
        layout.addWidget(self.refused_list, 1)
        self.report_heading = plain_label(self)
        self.report_heading.setObjectName("reportHeading")
        layout.addWidget(self.report_heading)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("importReport")
        self.report.setReadOnly(True)
        self.report.setProperty("i18n_data", True)
        layout.addWidget(self.report, 2)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setObjectName("confirmImport")
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(720, 520)
        self._check()
        self.retranslate_ui()

    def _show(self, report: Report) -> None:
        refused = _lines(report, refused=True)
        self.refused_list.setPlainText(refused)
        self.refused_list.setVisible(bool(refused))
        self.refused_heading.setVisible(bool(refused))
        self.report.setPlainText(_lines(report, refused=False) or _("No remarks."))

    def _check(self) -> None:
        try:
            checked = check_path(self.ctx, self.path)
        except ImportFailed as err:
            self.refused = True
            self._show(err.report)
            n = len(err.report.package_refusals)
            self._summary = ngettext(
                "{n} problem must be solved before this data can be imported. Nothing was written.",
                "{n} problems must be solved before this data can be imported. Nothing was "
                "written.",
                n,
            ).format(n=n)
        except LoketError as err:
            self.refused = True
            self._show(Report())
            self.report.setPlainText(str(err))
            self._summary = _("This data cannot be imported. Nothing was written.")
        else:
            self._show(checked.report)
            self.refused_records = checked.refused
            n = checked.changed - checked.deleted
            self._summary = ngettext(
                "{n} record will be added or changed, {d} deleted.",
                "{n} records will be added or changed, {d} deleted.",
                n,
            ).format(n=n, d=checked.deleted)
            if checked.refused:
                self._summary += " " + ngettext(
                    "{n} refused record will be left out (listed below); what refers to it "
                    "is imported without that link.",
                    "{n} refused records will be left out (listed below); what refers to them "
                    "is imported without that link.",
                    checked.refused,
                ).format(n=checked.refused)
            self._summary += " " + _("Read the report, then press Import.")
        self.import_button.setEnabled(not self.refused)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import partner data: {name}").format(name=self.path.name))
        self.summary.setText(self._summary)
        self.refused_heading.setText(_("Refused, not imported:"))
        self.refused_list.setAccessibleName(_("Refused records"))
        self.report_heading.setText(_("Warnings and changes made while reading:"))
        self.report.setAccessibleName(_("Import report"))
        self.import_button.setText(_("&Import"))
        self.import_button.setAccessibleName(_("Import"))

    def confirm(self) -> None:
        try:
            self.result = import_path(self.ctx, self.path)
        except LoketError as err:  # the data changed on disk since the check
            self.refused = True
            report = getattr(err, "report", None)
            if report is not None:
                self._show(report)
            else:
                self.report.setPlainText(str(err))
            self.summary.setText(_("This data cannot be imported. Nothing was written."))
            self.import_button.setEnabled(False)
            return
        self.accept()


class PastImportsDialog(QDialog):
    """The imports of partner data so far, newest first, and the full report of the one
    chosen (kept beside its audit row: loket.directory.transfer.past_import)."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("pastImportsDialog")
        layout = QVBoxLayout(self)
        self.heading = plain_label(self)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.imports = QListWidget(self)
        self.imports.setObjectName("pastImports")
        self.imports.setProperty("i18n_data", True)  # file names and moments from the data
        layout.addWidget(self.imports, 1)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("pastImportReport")
        self.report.setReadOnly(True)
        self.report.setProperty("i18n_data", True)
        layout.addWidget(self.report, 2)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(720, 520)
        self.past = past_imports(ctx)
        for past in self.past:
            outcome = _("imported") if past.result == "ok" else _("nothing written")
            when = f"{format_date(past.at)} {format_time(past.at)}"
            item = QListWidgetItem(f"{when}  {past.source}  {outcome}")
            item.setData(Qt.ItemDataRole.UserRole, past.id)
            self.imports.addItem(item)
        self.imports.currentItemChanged.connect(self._show)
        if self.past:
            self.imports.setCurrentRow(0)
        else:
            self.report.setPlainText(_("No partner data has been imported yet."))
        self.retranslate_ui()

    def _show(self, item, _previous=None) -> None:
        if item is None:
            return
        past = past_import(self.ctx, item.data(Qt.ItemDataRole.UserRole))
        self.report.setPlainText("\n".join(past.report.lines()) or _("No remarks."))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Past imports of partner data"))
        self.heading.setText(_("Choose an import to read its full report."))
        self.imports.setAccessibleName(_("Past imports"))
        self.report.setAccessibleName(_("Import report"))
