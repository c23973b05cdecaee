"""Make a letter for a visit: choose letter and language, preview, print or save as PDF.

For the appointment letter staff pick one of the visit's stored appointments or type a new
one; "Save appointment" stores it, and printing or saving the letter stores it too, so the
appointment is kept as a record and not only inside the archived PDF.

The PDF is rendered off the UI thread (`ui.workers.run_in_background`); the preview shows
its pages rendered by pypdfium2.  Printing and saving first *produce* the letter (archive +
audit log, in the core), so what the visitor takes home can be reprinted identically.  When
the translation was not checked by a certified translator, the dialog says so.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loket import appointments, letters
from loket.context import Context
from loket.errors import LoketError
from loket.i18n import _
from loket.letters import catalogue
from loket.letters.formats import display_language
from ui.views.base import View, plain_label
from ui.workers import run_in_background

PREVIEW_SCALE = 1.0  # 72 dpi: a whole A4 page fits the dialog


def pdf_page_images(data: bytes, scale: float) -> list[QImage]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    images = []
    for page in doc:
        pil = page.render(scale=scale).to_pil().convert("RGB")
        raw = pil.tobytes("raw", "RGB")
        img = QImage(raw, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888)
        images.append(img.copy())  # own the pixels: `raw` goes away
    return images


class LetterView(View):
    """The letter panel: a main-window view (`show_view("letter", visit_id=..., language=...)`)
    and the body of `LetterDialog`."""

    name = "letter"

    def __init__(
        self,
        ctx: Context,
        parent: QWidget | None = None,
        *,
        visit_id: str = "",
        language: str = "nl",
    ) -> None:
        super().__init__(ctx, parent)
        self.visit_id = visit_id
        self.pdf: bytes | None = None
        self._pending = 0
        self._stored: dict[str, appointments.Appointment] = {}
        self.template = QComboBox(self)
        self.template.setObjectName("letterTemplate")
        # long template descriptions must not widen the panel at 200 % text size; the open
        # list still shows them in full
        self.template.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.template.setMinimumContentsLength(24)
        for name in letters.template_names():
            self.template.addItem(name, name)
        self.language = QComboBox(self)
        self.language.setObjectName("letterLanguage")
        self.language.setProperty("i18n_data", True)  # languages named in their own script
        for code in catalogue.available_languages():
            self.language.addItem(f"{display_language(code)} ({code})", code)
        idx = self.language.findData(language)
        self.language.setCurrentIndex(max(0, idx))
        self.large_print = QCheckBox(self)
        self.dutch_only = QCheckBox(self)
        self.appointment_choice = QComboBox(self)
        self.appointment_choice.setObjectName("appointmentChoice")
        self.appointment_choice.setProperty("i18n_data", True)  # places typed by staff
        self.save_appointment_button = QPushButton(self)
        self.save_appointment_button.setObjectName("saveAppointment")
        self.at = QDateTimeEdit(QDateTime.currentDateTime().addDays(1), self)
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.place = QLineEdit(self)
        self.ask_for = QLineEdit(self)
        self.bring = QLineEdit(self)
        self.at.setObjectName("appointmentAt")
        self.place.setObjectName("appointmentPlace")
        self.ask_for.setObjectName("appointmentAskFor")
        self.bring.setObjectName("appointmentBring")
        self.warning = plain_label(self)
        self.warning.setObjectName("translationWarning")
        self.warning.setWordWrap(True)
        self.status = plain_label(self)
        self.pages = QWidget(self)
        self.pages_layout = QVBoxLayout(self.pages)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages)
        scroll.setMinimumSize(640, 600)
        self.preview_button = QPushButton(self)
        self.print_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.close_button = QPushButton(self)

        self.form = QFormLayout()
        self.form.addRow("", self.template)
        self.form.addRow("", self.language)
        self.form.addRow("", self.large_print)
        self.form.addRow("", self.dutch_only)
        for w in (self.appointment_choice, self.at, self.place, self.ask_for, self.bring):
            self.form.addRow("", w)
        self.form.addRow("", self.save_appointment_button)
        side = QVBoxLayout()
        side.addLayout(self.form)
        side.addWidget(self.warning)
        side.addWidget(self.status)
        side.addStretch(1)
        for b in (self.preview_button, self.print_button, self.save_button, self.close_button):
            side.addWidget(b)
        layout = QHBoxLayout(self)
        layout.addLayout(side, 0)
        layout.addWidget(scroll, 1)
        self.preview_area = scroll
        scroll.setObjectName("letterPreview")
        QWidget.setTabOrder(self.close_button, scroll)  # Tab: the form, its buttons, then the pages

        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_letter)
        self.close_button.clicked.connect(self._close)
        self.template.currentIndexChanged.connect(self._options_changed)
        self.language.currentIndexChanged.connect(self._options_changed)
        self.dutch_only.toggled.connect(self._options_changed)
        self.appointment_choice.currentIndexChanged.connect(self._appointment_chosen)
        self.save_appointment_button.clicked.connect(self.save_appointment)
        self.retranslate_ui()
        self._load_appointments()
        self._options_changed()

    def title(self) -> str:
        return _("Letter for the visitor")

    def open(self, visit_id: str | None = None, language: str | None = None, **_kw) -> None:
        if visit_id:
            self.visit_id = visit_id
            self._load_appointments()
        if language:
            self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.pdf = None
        self._clear_pages()
        self.status.setText("")

    def _close(self) -> None:
        window = self.window()
        if isinstance(window, QDialog):
            window.reject()
        elif hasattr(window, "back"):
            window.back()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.preview_area.setAccessibleName(_("Preview of the letter"))
        labels = [
            _("Letter"),
            _("Language"),
            "",
            "",
            _("Appointment"),
            _("When"),
            _("Place"),
            _("Ask for"),
            _("Bring (comma-separated)"),
        ]
        for row, text in enumerate(labels):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item and item.widget():
                item.widget().setText(text)
        self.large_print.setText(_("Large print (16 pt)"))
        self.dutch_only.setText(_("Dutch only"))
        self.preview_button.setText(_("Preview"))
        self.print_button.setText(_("Print…"))
        self.save_button.setText(_("Save as PDF…"))
        self.close_button.setText(_("Close"))
        self.save_appointment_button.setText(_("Save appointment"))
        new = self.appointment_choice.findData("")
        if new >= 0:
            self.appointment_choice.setItemText(new, _("New appointment"))
        for i in range(self.template.count()):
            tpl = letters.get_template(self.template.itemData(i))
            self.template.setItemText(i, _(tpl.description))
        self.template.setAccessibleName(_("Letter"))
        self.language.setAccessibleName(_("Language"))
        for widget, text in zip(
            (self.appointment_choice, self.at, self.place, self.ask_for, self.bring),
            labels[4:],
            strict=True,
        ):
            widget.setAccessibleName(text)
        self._update_warning()

    # -- state ---------------------------------------------------------------------------
    def _lang(self) -> str:
        return self.language.currentData()

    def _appointment_widgets(self) -> tuple[QWidget, ...]:
        return (
            self.appointment_choice,
            self.at,
            self.place,
            self.ask_for,
            self.bring,
            self.save_appointment_button,
        )

    def _options_changed(self) -> None:
        is_appointment = self.template.currentData() == "afspraak"
        for w in self._appointment_widgets():
            w.setVisible(is_appointment)
            label = self.form.labelForField(w)
            if label:
                label.setVisible(is_appointment)
        self._update_warning()

    def _update_warning(self) -> None:
        lang = self._lang()
        unchecked = False
        if lang != "nl" and not self.dutch_only.isChecked():
            try:
                unchecked = not letters.is_checked(lang)
            except LoketError:
                unchecked = True
        self.warning.setText(
            _("This translation was not checked by a certified translator.") if unchecked else ""
        )
        self.warning.setVisible(unchecked)

    # -- appointments ----------------------------------------------------------------------
    def _load_appointments(self, select: str | None = None) -> None:
        """Fill the choice with the visit's stored appointments (latest first) and "New"."""
        self._stored = {}
        if self.visit_id:
            try:
                self._stored = {a.id: a for a in appointments.for_visit(self.ctx, self.visit_id)}
            except LoketError as err:
                self.status.setText(str(err))
        box = self.appointment_choice
        box.blockSignals(True)
        box.clear()
        for appt in self._stored.values():
            when = appt.starts_at.isoformat(sep=" ", timespec="minutes")
            box.addItem(f"{when} – {appt.place}", appt.id)
        box.addItem(_("New appointment"), "")
        box.setCurrentIndex(max(0, box.findData(select)) if select else 0)
        box.blockSignals(False)
        self._appointment_chosen()

    def _appointment_chosen(self) -> None:
        appt = self._stored.get(self.appointment_choice.currentData() or "")
        if appt is None:
            self.at.setDateTime(QDateTime.currentDateTime().addDays(1))
            for w in (self.place, self.ask_for, self.bring):
                w.clear()
            return
        self.at.setDateTime(QDateTime(appt.starts_at))
        self.place.setText(appt.place)
        self.ask_for.setText(appt.contact_person)
        self.bring.setText(", ".join(appt.bring))

    def _typed_appointment(self) -> appointments.Appointment:
        at = self.at.dateTime().toPython()
        bring = [x.strip() for x in self.bring.text().split(",") if x.strip()]
        stored = self._stored.get(self.appointment_choice.currentData() or "")
        return appointments.Appointment(
            datetime(at.year, at.month, at.day, at.hour, at.minute),
            self.place.text(),
            self.ask_for.text(),
            bring,
            id=stored.id if stored else None,
            referral_id=stored.referral_id if stored else None,
        )

    def _appointment(self) -> appointments.Appointment | None:
        if self.template.currentData() != "afspraak":
            return None
        return self._typed_appointment()

    def save_appointment(self) -> None:
        """Store the appointment as typed (a new one, or changes to the chosen one)."""
        try:
            saved = appointments.save(self.ctx, self.visit_id, self._typed_appointment())
        except LoketError as err:
            self.status.setText(str(err))
            return
        self._load_appointments(select=saved.id)
        self.status.setText(_("Appointment saved."))

    def _produced(self, letter: letters.Letter) -> None:
        """A produced letter stored its appointment: show it as the chosen one."""
        if letter.appointment is not None and letter.appointment.id:
            self._load_appointments(select=letter.appointment.id)

    def _job(self, produce: bool):
        ctx, visit_id = self.ctx, self.visit_id
        template, lang = self.template.currentData(), self._lang()
        kwargs = dict(
            large_print=self.large_print.isChecked(),
            dutch_only=self.dutch_only.isChecked(),
            appointment=self._appointment(),
        )
        make = letters.produce if produce else letters.compose
        return lambda: make(ctx, visit_id, template, lang, **kwargs)

    def _busy(self, busy: bool) -> None:
        self._pending += 1 if busy else -1
        for b in (self.preview_button, self.print_button, self.save_button):
            b.setEnabled(self._pending == 0)
        self.status.setText(_("Making the letter…") if self._pending else "")

    def _failed(self, err: BaseException) -> None:
        self._busy(False)
        self.status.setText(str(err))

    # -- actions -------------------------------------------------------------------------
    def preview(self) -> None:
        self._busy(True)
        run_in_background(self._job(produce=False), self._show_preview, self._failed)

    def _show_preview(self, letter: letters.Letter) -> None:
        self._busy(False)
        self.pdf = letter.pdf
        self._clear_pages()
        for n, image in enumerate(pdf_page_images(letter.pdf, PREVIEW_SCALE), start=1):
            label = QLabel(self.pages)
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(_("Page {n}").format(n=n))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.pages_layout.addWidget(label)

    def _clear_pages(self) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def page_count(self) -> int:
        return self.pages_layout.count()

    def save_letter(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save as PDF"),
            f"{self.template.currentData()}-{self._lang()}.pdf",
            "PDF (*.pdf)",
        )
        if not path:
            return
        self._busy(True)
        run_in_background(
            self._job(produce=True), lambda letter: self._saved(letter, path), self._failed
        )

    def _saved(self, letter: letters.Letter, path: str) -> None:
        self._busy(False)
        self._produced(letter)
        try:
            letters.write_atomically(Path(path), letter.pdf)
        except OSError as err:
            self.status.setText(str(err))
            return
        self.status.setText(_("Saved: {path}").format(path=path))

    def print_letter(self) -> None:
        self._busy(True)
        run_in_background(self._job(produce=True), self._print, self._failed)

    def _print(self, letter: letters.Letter) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        self._busy(False)
        self._produced(letter)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            QMessageBox.information(
                self,
                _("Not printed"),
                _(
                    "The letter was archived but not printed. You can reprint it from the "
                    "visitor's letters."
                ),
            )
            return
        print_pdf(printer, letter.pdf)
        self.status.setText(_("Sent to the printer."))


class LetterDialog(QDialog):
    """The letter panel in a window of its own, for use outside the main window."""

    def __init__(
        self, ctx: Context, visit_id: str, language: str = "nl", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.panel = LetterView(ctx, self, visit_id=visit_id, language=language)
        QVBoxLayout(self).addWidget(self.panel)
        self.setWindowTitle(self.panel.title())


def print_pdf(printer, data: bytes) -> None:
    """Paint each page at the printer's resolution."""
    painter = QPainter(printer)
    try:
        dpi = printer.resolution()
        for n, image in enumerate(pdf_page_images(data, dpi / 72)):
            if n:
                printer.newPage()
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(0, 0, image.scaled(size))
    finally:
        painter.end()
