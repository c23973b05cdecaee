"""Export the referral log: period, filters, format and file; runs off the UI thread with a
progress bar and a Cancel button.

The work is `loket.reports.exports.export_referrals`, the same as `loket export referrals`: it
writes
under a temporary name and renames at the end, so a cancelled or failed export leaves no file.
Progress comes from the worker thread through a queued signal.
"""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)
from shiboken6 import isValid

from loket.db.exports import Filters
from loket.i18n import _
from loket.privacy.permissions import Permission
from loket.reports import exports
from ui.views.base import plain_label, scrolling_body
from ui.views.referral_filters import ReferralFilters
from ui.workers import run_in_background

FORMATS = (("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("pdf", "PDF"))


class _Progress(QObject):
    """Lives on the UI thread; the worker emits, Qt queues the call to the UI thread."""

    moved = Signal(int, int)


class ExportDialog(QDialog):
    def __init__(self, ctx, parent=None, *, filters: Filters | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("exportDialog")
        self.cancel_event: threading.Event | None = None
        self.result: exports.ExportResult | None = None
        self.scope: str | None = None  # what the last export covered (loket.sync.reading)
        self.error: BaseException | None = None
        self.running = False
        self._progress = _Progress(self)
        self._progress.moved.connect(self._moved)
        today = date.today().isoformat()
        filters = filters or Filters(f"{date.today().year}-01-01", today)

        layout = QVBoxLayout(self)
        # The form scrolls; progress, messages and the buttons stay in sight under it (at
        # 200 % text the whole dialog was taller than a 768-pixel counter screen).
        scroll, body_layout = scrolling_body(self, "exportForm")
        form = QFormLayout()
        self.filter_fields = ReferralFilters(
            self, date_from=filters.date_from, date_to=filters.date_to
        )
        self.filter_fields.fill_from(ctx)
        self.filter_fields.set_values(filters)
        f = self.filter_fields
        self.date_from, self.date_to = f.date_from, f.date_to
        self.desk, self.partner, self.need, self.status_filter = f.desk, f.partner, f.need, f.status
        self.format = QComboBox(self)
        for code, label in FORMATS:
            self.format.addItem(label, code)
        self.format.setProperty("i18n_data", True)  # names of file formats
        self.format.currentIndexChanged.connect(self._format_changed)
        self.delimiter = QComboBox(self)
        self.delimiter.addItem("", ";")
        self.delimiter.addItem("", ",")
        self.path = QLineEdit(self)
        self.path.setObjectName("exportPath")
        self.browse = QPushButton(self)
        self.browse.clicked.connect(self._choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        self.identifiable = QCheckBox(self)
        self.identifiable.setObjectName("exportIdentifiable")
        self.identifiable.setVisible(ctx.can(Permission.EXPORT_IDENTIFIABLE))
        self.identifiable.toggled.connect(self._identifiable_changed)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("exportReason")
        self.reason.setEnabled(False)
        self.labels = dict(self.filter_fields.labels)
        self.labels.update({k: QLabel(self) for k in ("format", "delimiter", "file", "reason")})
        self.filter_fields.add_to_form(form)
        for key, widget in (("format", self.format), ("delimiter", self.delimiter)):
            self.labels[key].setBuddy(widget)
            form.addRow(self.labels[key], widget)
        self.labels["file"].setBuddy(self.path)
        form.addRow(self.labels["file"], path_row)
        form.addRow("", self.identifiable)
        self.labels["reason"].setBuddy(self.reason)
        form.addRow(self.labels["reason"], self.reason)
        body_layout.addLayout(form)
        self.note = QLabel(self)
        self.note.setObjectName("exportNote")
        self.note.setWordWrap(True)
        body_layout.addWidget(self.note)
        body_layout.addStretch(1)
        layout.addWidget(scroll, 1)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("exportProgress")
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        layout.addWidget(self.bar)
        self.message = plain_label(self)
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportStart")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("exportCancel")
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._format_changed()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Export the referral log"))
        self.filter_fields.retranslate()
        texts = {
            "format": _("F&ormat"),
            "delimiter": _("&Separator (CSV)"),
            "file": _("F&ile"),
            "reason": _("&Reason"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.format.setAccessibleName(_("Format"))
        self.delimiter.setAccessibleName(_("Separator"))
        self.delimiter.setItemText(0, _("Semicolon (;)"))
        self.delimiter.setItemText(1, _("Comma (,)"))
        self.path.setAccessibleName(_("File to write"))
        self.browse.setText(_("&Choose…"))
        self.identifiable.setText(_("With names and numbers (the reason is logged)"))
        self.reason.setAccessibleName(_("Why names and numbers are needed"))
        self.note.setText(
            _(
                "Without names and numbers, each visitor appears under a code that holds only "
                "within this file. Every export is written to the audit trail."
            )
        )
        self.bar.setAccessibleName(_("Export progress"))
        self.export_button.setText(_("&Export"))
        self.cancel_button.setText(_("Cancel") if self.running else _("Close"))

    # -- input ---------------------------------------------------------------------------
    def _format_changed(self, *_args) -> None:
        self.delimiter.setEnabled(self.format.currentData() == "csv")
        path = self.path.text().strip()
        if path:
            stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
            self.path.setText(f"{stem}.{self.format.currentData()}")

    def _identifiable_changed(self, on: bool) -> None:
        self.reason.setEnabled(on)

    def _choose_file(self) -> None:
        fmt = self.format.currentData()
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export the referral log"),
            self.path.text() or f"verwijzingen.{fmt}",
            f"{fmt.upper()} (*.{fmt})",
        )
        if path:
            self.path.setText(path)

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        path = self.path.text().strip()
        if not path:
            self.message.setText(_("Choose a file to write."))
            return
        self.cancel_event = threading.Event()
        kwargs = dict(
            **self.filter_fields.values(),
            fmt=self.format.currentData(),
            out_path=path,
            delimiter=self.delimiter.currentData(),
            identifiable=self.identifiable.isChecked(),
            reason=self.reason.text(),
            progress=self._progress.moved.emit,
            cancel=self.cancel_event,
        )
        ctx = self.ctx
        self.running = True
        self.result = self.error = None
        self.bar.setValue(0)
        self.export_button.setEnabled(False)
        self.message.setText(_("Exporting…"))
        self.retranslate_ui()

        def work():
            from loket.sync.reading import export_referrals  # from the hub when it answers

            return export_referrals(ctx, **kwargs)

        run_in_background(work, self._done, self._failed)

    def _moved(self, done: int, total: int) -> None:
        if isValid(self) and total > 0:
            self.bar.setValue(min(100, round(100 * done / total)))

    def cancel(self) -> None:
        if self.running and self.cancel_event is not None:
            self.cancel_event.set()
            self.message.setText(_("Stopping…"))
        else:
            self.reject()

    def _finish(self) -> None:
        self.running = False
        self.export_button.setEnabled(True)
        self.retranslate_ui()

    def _done(self, outcome: tuple[exports.ExportResult, str, str | None]) -> None:
        if not isValid(self):
            return
        from loket.sync.reading import export_text

        result, scope, desk = outcome
        self.result, self.scope = result, scope
        self._finish()
        self.bar.setValue(100)
        # the path read left to right also in an Arabic sentence (a directional isolate)
        path = f"\u2066{result.path}\u2069"
        written = _("{rows} referrals written to {path}").format(rows=result.rows, path=path)
        covers = export_text(scope, desk, result.identifiable)  # the hub or this PC only
        self.message.setText(f"{written}\n{covers}".strip())  # what it covers on a line of its own

    def _failed(self, err: BaseException) -> None:
        if not isValid(self):
            return
        self.error = err
        self._finish()
        self.bar.setValue(0)
        self.message.setText(str(err))
