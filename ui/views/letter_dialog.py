"""Make a letter for a visit: choose letter and language, preview, print or save as PDF.

For the appointment letter staff pick one of the visit's stored appointments or type a new
one; "Save appointment" stores it, and printing or saving the letter stores it too, so the
appointment is kept as a record and not only inside the archived PDF.

The panel opens on a visit in the visit's language, with every option reset, says whom the
letter is for and renders the preview at once.

The preview is the letter.  Any change of letter, language or option renders it again off
the UI thread (`ui.workers.run_in_background`: the PDF and its page images); every render
has a number and only the newest one's result is shown, older ones are dropped.  Print and
Save are disabled from the change until the preview shows the new letter, and they hand over
the very bytes that were previewed -- nothing is rendered a second time.  Printing itself
(rasterising at the printer's resolution, spooling) runs on a worker too
(`ui.printing.print_pdf`), with a busy bar, while the panel stays responsive.

A letter is recorded as given (archive + audit log, in the core) only *after* the printer
accepted it or the file was written: a cancelled print dialog or a failed save records
nothing; handing the same letter over again is logged as a reprint.  When a letter cannot be
given (no phone number to call, nothing to put in it), Print and Save stay disabled and one
plain sentence says why and who can fix it.  Opened on an archived letter (`letter_id`), the
panel shows the stored PDF and prints or saves those exact bytes (a reprint).  Sensitive
needs (safety at home, health) are printed only when staff tick the box.  When the
translation was not checked by a certified translator, the panel says so.
"""

from __future__ import annotations

from datetime import datetime

import shiboken6
from PySide6.QtCore import QDateTime, QEvent, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loket import letters
from loket.context import Context
from loket.counter import appointments
from loket.errors import LoketError
from loket.i18n import _
from loket.i18n.dates import format_moment
from loket.letters import catalogue, contact
from loket.letters.formats import display_language
from ui import printing, theme
from ui.models.counter_models import format_date
from ui.views.base import View, localise_date_edit, plain_label, scrolling_body
from ui.workers import run_in_background

PREVIEW_SCALE = 1.0  # 72 dpi: a whole A4 page fits the dialog
REFRESH_MS = 250  # typing in the appointment fields renders once the typing pauses


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
        language: str | None = None,
        letter_id: str | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.visit_id = visit_id
        self.pdf: bytes | None = None
        self.letter: letters.Letter | None = None  # the letter in the preview
        self.archived: letters.Letter | None = None  # set when reprinting a letter given
        self._facts: dict | None = None
        self._request = 0  # every render asked for is numbered; only the newest is shown
        self._pending = 0  # renders still running (their results may be dropped)
        self._current = False  # the preview shows the letter the options describe
        self._refusal = ""  # why no letter can be given now (shown in `problems`)
        self._printing = False
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.preview)
        self._stored: dict[str, appointments.Appointment] = {}
        self.heading = plain_label(self)
        self.heading.setObjectName("letterFor")
        self.heading.setWordWrap(True)
        self.heading.setProperty("i18n_data", True)  # the visitor's name, as typed
        theme.emphasise(self.heading, 1.2)
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
        self.include_sensitive = QCheckBox(self)
        self.include_sensitive.setObjectName("includeSensitive")
        self.appointment_choice = QComboBox(self)
        self.appointment_choice.setObjectName("appointmentChoice")
        self.appointment_choice.setProperty("i18n_data", True)  # places typed by staff
        self.save_appointment_button = QPushButton(self)
        self.save_appointment_button.setObjectName("saveAppointment")
        self.at = QDateTimeEdit(QDateTime.currentDateTime().addDays(1), self)
        localise_date_edit(self.at)
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
        self.problems = plain_label(self)
        self.problems.setObjectName("letterProblems")
        self.problems.setWordWrap(True)
        self.problems.hide()
        # what to check before giving (incomplete partner, text in Dutch, a hard note)
        self.letter_warnings = plain_label(self)
        self.letter_warnings.setObjectName("letterWarnings")
        self.letter_warnings.setWordWrap(True)
        self.letter_warnings.hide()
        # administrators fill in the missing number right here
        self.desk_phone_button = QPushButton(self)
        self.desk_phone_button.setObjectName("deskPhone")
        self.desk_phone_button.hide()
        self.desk_phone_button.clicked.connect(self.ask_desk_phone)
        self.status = plain_label(self)  # messages may quote typed text
        self.status.setObjectName("letterStatus")
        self.status.setWordWrap(True)
        self.activity = plain_label(self)  # what is being made: the preview, the print
        self.activity.setObjectName("letterActivity")
        self.activity.setWordWrap(True)
        self.activity.hide()
        self.progress = QProgressBar(self)  # busy while a letter is printed
        self.progress.setObjectName("printProgress")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.pages = QWidget(self)
        self.pages_layout = QVBoxLayout(self.pages)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages)
        scroll.setMinimumSize(560, 360)
        self.print_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.close_button = QPushButton(self)

        self.form = QFormLayout()
        self.form.addRow("", self.template)
        self.form.addRow("", self.language)
        self.form.addRow("", self.large_print)
        self.form.addRow("", self.dutch_only)
        self.form.addRow("", self.include_sensitive)
        for w in (self.appointment_choice, self.at, self.place, self.ask_for, self.bring):
            self.form.addRow("", w)
        self.form.addRow("", self.save_appointment_button)
        # The options scroll; Preview, Print, Save and Close stay in sight under them (at
        # 200 % text the Close button was pushed off a 768-pixel screen).
        options, options_layout = scrolling_body(self, "letterOptions")
        options.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        options_layout.addLayout(self.form)
        options_layout.addWidget(self.warning)
        options_layout.addWidget(self.letter_warnings)
        options_layout.addStretch(1)
        self.options = options
        side = QVBoxLayout()
        side.addWidget(options, 1)
        # why Print and Save are disabled, and what is going on, stays next to them
        side.addWidget(self.problems)
        side.addWidget(self.desk_phone_button)
        side.addWidget(self.status)
        side.addWidget(self.activity)
        side.addWidget(self.progress)
        for b in (self.print_button, self.save_button, self.close_button):
            side.addWidget(b)
        outer = QVBoxLayout(self)
        outer.addWidget(self.heading)
        layout = QHBoxLayout()
        outer.addLayout(layout, 1)
        layout.addLayout(side, 0)
        layout.addWidget(scroll, 1)
        self.preview_area = scroll
        scroll.setObjectName("letterPreview")
        QWidget.setTabOrder(self.close_button, scroll)  # Tab: the form, its buttons, then the pages

        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_letter)
        self.close_button.clicked.connect(self._close)
        # every option the letter depends on renders it again
        self.template.currentIndexChanged.connect(self._options_changed)
        self.language.currentIndexChanged.connect(self._options_changed)
        for box in (self.dutch_only, self.large_print, self.include_sensitive):
            box.toggled.connect(self._options_changed)
        self.appointment_choice.currentIndexChanged.connect(self._appointment_chosen)
        self.at.dateTimeChanged.connect(self._appointment_edited)
        for line in (self.place, self.ask_for, self.bring):
            line.textChanged.connect(self._appointment_edited)
        self.save_appointment_button.clicked.connect(self.save_appointment)
        self.retranslate_ui()
        if visit_id or letter_id:
            self.open(visit_id=visit_id, language=language, letter_id=letter_id)
        else:
            self._load_appointments()
            self._options_changed()

    def title(self) -> str:
        return _("Letter for the visitor")

    def open(
        self,
        visit_id: str | None = None,
        language: str | None = None,
        letter_id: str | None = None,
        **_kw,
    ) -> None:
        """Start afresh for a visit (its language preselected, options reset, preview made),
        or show an archived letter for a reprint."""
        self._request += 1  # whatever is still being made is for what was open before
        self._refresh.stop()
        self.pdf = self.letter = self.archived = None
        self._facts = None
        self._current = False
        self._clear_pages()
        self.status.setText("")
        self._refuse("")
        self._show_warnings([])
        if letter_id:
            self._open_archived(letter_id)
            return
        self._set_reprint_mode(False)
        if visit_id:
            self.visit_id = visit_id
        if self.visit_id:
            try:
                self._facts = letters.visit_facts(self.ctx, self.visit_id)
            except LoketError as err:
                self._refuse(letters.explain(err))
                self._current = True  # nothing to preview: the panel says why
        lang = language or (self._facts or {}).get("language") or "nl"
        self.template.setCurrentIndex(0)
        self.language.setCurrentIndex(max(0, self.language.findData(lang)))
        for box in (self.large_print, self.dutch_only, self.include_sensitive):
            box.setChecked(False)
        self._show_heading()
        self._load_appointments()
        self._options_changed()
        if self._facts is not None:
            self.preview()
        self._update_actions()

    def _open_archived(self, letter_id: str) -> None:
        self._set_reprint_mode(True)
        try:
            letter = letters.archived(self.ctx, letter_id)
            self._facts = letters.visit_facts(self.ctx, letter.visit_id)
        except LoketError as err:
            self.heading.setText("")
            self._refuse(letters.explain(err))
            self._current = True
            self._update_actions()
            return
        self.archived = letter  # first: the options set below do not render a new letter
        self.visit_id = letter.visit_id
        for box, value in ((self.template, letter.template), (self.language, letter.languages[0])):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self.dutch_only.setChecked(letter.languages == ["nl"])
        self.large_print.setChecked(letter.large_print)
        self._options_changed()
        self._show_heading()
        self._show_pdf(letter, printing.pdf_page_images(letter.pdf, PREVIEW_SCALE))
        self._current = True
        self._update_actions()

    def _set_reprint_mode(self, on: bool) -> None:
        """A reprint is the archived letter as it was: its options cannot be changed."""
        for w in (
            self.template,
            self.language,
            self.large_print,
            self.dutch_only,
            self.include_sensitive,
            *self._appointment_widgets(),
        ):
            w.setEnabled(not on)

    def _show_heading(self) -> None:
        facts = self._facts
        if facts is None:
            self.heading.setText("")
            return
        if self.archived is not None:
            text = _("Reprint for {name}: {letter}").format(
                name=facts["visitor_name"], letter=letters.letter_label(self.archived.__dict__)
            )
        else:
            text = _("Letter for {name}, visit of {date}").format(
                name=facts["visitor_name"], date=format_date(facts["visit_date"], "long")
            )
        self.heading.setText(text)
        self.heading.setAccessibleName(text)

    def _close(self) -> None:
        window = self.window()
        if isinstance(window, QDialog):
            window.reject()
        elif hasattr(window, "back"):
            window.back()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.preview_area.setAccessibleName(_("Preview of the letter"))
        for n in range(1, self.pages_layout.count() + 1):  # the pages already shown
            page = self.pages_layout.itemAt(n - 1).widget()
            if page is not None:
                page.setAccessibleName(_("Page {n}").format(n=n))
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
        self.desk_phone_button.setText(_("Desk phone…"))
        # short, so that it fits beside the preview at 200 % text size; the tooltip says more
        self.include_sensitive.setText(_("Also print sensitive needs"))
        self.include_sensitive.setToolTip(
            _(
                "Safety at home and health. Left out by default: the visitor takes the letter "
                "home, where others may read it. Tick only when the visitor wants them on paper."
            )
        )
        self.include_sensitive.setAccessibleDescription(self.include_sensitive.toolTip())
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
        self._show_heading()
        self._update_actions()
        self._fit_options()

    def _fit_options(self) -> None:
        """The options column as wide as its widest option: a scroll area on its own asks
        for little, and wrapped texts were cut at the right edge."""
        body = self.options.widget()
        body.layout().activate()
        scrollbar = self.options.verticalScrollBar().sizeHint().width()
        self.options.setMinimumWidth(body.minimumSizeHint().width() + scrollbar)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_options()
        super().changeEvent(event)

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
        self.include_sensitive.setVisible(self.template.currentData() == "plan")
        self._update_warning()
        self._outdated()

    def _appointment_edited(self) -> None:
        if self.template.currentData() == "afspraak":
            self._outdated()

    def _outdated(self) -> None:
        """The options changed: the preview no longer shows the letter they describe.  Print
        and Save wait (from now on, not from when the render starts) for the new preview."""
        if self.archived is not None or self._facts is None:
            return
        self._request += 1  # a render already running is for the old options: dropped
        self._current = False
        self._update_actions()
        self._refresh.start()

    def _refuse(self, reason: str, *, phone: bool = False) -> None:
        """Say in one sentence, beside Print and Save, why no letter can be given (empty:
        it can).  An administrator gets the button that fixes a missing phone number."""
        self._refusal = reason
        self.problems.setText(reason)
        self.problems.setAccessibleName(reason)
        self.problems.setVisible(bool(reason))
        self.desk_phone_button.setVisible(
            phone and self._facts is not None and contact.can_set_desk_phone(self.ctx)
        )

    def ask_desk_phone(self) -> None:
        """Ask an administrator for the desk's phone number, store it, preview again."""
        if self._facts is None:
            return
        number, ok = QInputDialog.getText(
            self,
            _("Desk phone"),
            _("Phone number of {desk}, printed on letters:").format(desk=self._facts["desk_name"]),
        )
        if not ok or not number.strip():
            return
        try:
            contact.set_desk_phone(self.ctx, self._facts["desk_code"], number)
        except LoketError as err:
            self.status.setText(letters.explain(err))
            return
        self.preview()
        self.status.setText(_("Desk phone saved."))

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
                self.status.setText(letters.explain(err))
        box = self.appointment_choice
        box.blockSignals(True)
        box.clear()
        for appt in self._stored.values():
            when = format_moment(appt.starts_at)
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
            self.status.setText(letters.explain(err))
            return
        self._load_appointments(select=saved.id)
        self.status.setText(_("Appointment saved."))

    def _produced(self, letter: letters.Letter) -> None:
        """A produced letter stored its appointment: show it as the chosen one."""
        if letter.appointment is not None and letter.appointment.id:
            self._load_appointments(select=letter.appointment.id)

    def _job(self):
        """Compose the letter as the form says (nothing recorded) and rasterise its pages:
        both off the UI thread."""
        ctx, visit_id = self.ctx, self.visit_id
        template, lang = self.template.currentData(), self._lang()
        kwargs = dict(
            large_print=self.large_print.isChecked(),
            dutch_only=self.dutch_only.isChecked(),
            appointment=self._appointment(),
            include_sensitive=self.include_sensitive.isChecked() and template == "plan",
        )

        def job():
            letter = letters.compose(ctx, visit_id, template, lang, **kwargs)
            return letter, printing.pdf_page_images(letter.pdf, PREVIEW_SCALE)

        return job

    # -- the preview ---------------------------------------------------------------------
    def preview(self) -> None:
        """Render the letter the options describe now; only the newest render is shown."""
        self._refresh.stop()
        if self.archived is not None or not self.visit_id or self._facts is None:
            return
        self._request += 1
        request = self._request
        self._current = False
        self._pending += 1
        self._update_actions()

        def done(result) -> None:
            if not shiboken6.isValid(self.status):
                return  # the panel was closed while the letter was made
            self._pending -= 1
            if request == self._request:
                letter, images = result
                self._refuse(" ".join(letter.problems), phone=letter.no_phone)
                self._show_warnings(letter.warnings)
                self._show_pdf(letter, images)
                self._current = True
            self._update_actions()

        def failed(err: BaseException) -> None:
            if not shiboken6.isValid(self.status):
                return
            self._pending -= 1
            if request == self._request:
                self.letter = self.pdf = None
                self._clear_pages()
                self._show_warnings([])
                self._refuse(letters.explain(err) if isinstance(err, LoketError) else str(err))
                self._current = True  # the preview shows that there is no letter, and why
            self._update_actions()

        run_in_background(self._job(), done, failed)

    def _handed_letter(self) -> letters.Letter | None:
        """The letter Print and Save hand over: the one in the preview, if it is current."""
        if self.archived is not None:
            return self.archived
        if not self._current or self._refusal or self.letter is None:
            return None
        return self.letter

    def _update_actions(self) -> None:
        """Print and Save only for the letter the preview shows, and one sentence why not."""
        if not shiboken6.isValid(self.status):
            return
        ready = self._handed_letter() is not None and not self._printing
        for b in (self.print_button, self.save_button):
            b.setEnabled(ready)
        text = ""
        if self._printing:
            text = _("Printing…")
        elif self.archived is None and not self._current and self._facts is not None:
            text = _("Making the preview… Print and Save follow when it is ready.")
        self.activity.setText(text)
        self.activity.setAccessibleName(text)
        self.activity.setVisible(bool(text))

    def _show_warnings(self, warnings: list[str]) -> None:
        text = "\n".join(["• " + w for w in warnings])
        self.letter_warnings.setText(_("Check before giving:") + "\n" + text if warnings else "")
        self.letter_warnings.setVisible(bool(warnings))

    def _show_pdf(self, letter: letters.Letter, images) -> None:
        """Show `images`, the pages of `letter.pdf`: what Print and Save will hand over."""
        self.letter = letter
        self.pdf = letter.pdf
        self._clear_pages()
        for n, image in enumerate(images, start=1):
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

    def _not_ready(self) -> bool:
        """True (and says why) when nothing may be handed over now (a call while the
        buttons are disabled: a shortcut, a test)."""
        if self._handed_letter() is not None and not self._printing:
            return False
        self._update_actions()
        if not self._printing and self._refusal:
            self.status.setText(_("Nothing was printed or saved."))
        return True

    def _hand_over(self, letter: letters.Letter) -> None:
        """The letter left the building: record it, or log a reprint of one given before
        (an archived letter, or this preview handed over a second time)."""
        if letter.id is not None:
            letters.record_reprint(self.ctx, letter)
        else:
            letters.record(self.ctx, letter)
            self._produced(letter)

    # -- actions -------------------------------------------------------------------------
    def save_letter(self) -> None:
        """Save the previewed letter's bytes.  The file dialog opens only for a letter that
        can be given, and every outcome is said."""
        if self._not_ready():
            return
        letter = self._handed_letter()
        name = f"{letter.template}-{letter.languages[0]}.pdf"
        path, _filter = QFileDialog.getSaveFileName(self, _("Save as PDF"), name, "PDF (*.pdf)")
        if not path:
            self.status.setText(_("Not saved. Nothing was recorded."))
            return
        self._save(letter, path)

    def _save(self, letter: letters.Letter, path: str) -> None:
        try:
            written = letters.write_file(path, letter.pdf)
        except LoketError as err:
            self.status.setText(_("Not saved: {reason}").format(reason=letters.explain(err)))
            return
        try:
            self._hand_over(letter)
        except LoketError as err:
            written.unlink(missing_ok=True)  # not recorded, so not given
            self.status.setText(_("Not saved: {reason}").format(reason=letters.explain(err)))
            return
        self.status.setText(_("Saved: {path}").format(path=path))

    def ask_printer(self):
        """The system print dialog: the printer chosen, or None when cancelled."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def print_letter(self) -> None:
        """Print the previewed letter's bytes.  The print dialog returns at once: the pages
        are rasterised and spooled on a worker while a busy bar shows; the letter is
        recorded once the printer took it."""
        if self._not_ready():
            return
        letter = self._handed_letter()
        printer = self.ask_printer()
        if printer is None:
            self.status.setText(_("Not printed. Nothing was recorded."))
            return
        self._printing = True
        self.progress.show()
        self._update_actions()
        data = letter.pdf

        def finished() -> None:
            self._printing = False
            self.progress.hide()

        def done(_result) -> None:
            if not shiboken6.isValid(self.status):
                return
            finished()
            try:
                self._hand_over(letter)
            except LoketError as err:
                self.status.setText(letters.explain(err))
            else:
                self.status.setText(_("Sent to the printer."))
            self._update_actions()

        def failed(err: BaseException) -> None:
            if not shiboken6.isValid(self.status):
                return
            finished()
            reason = letters.explain(err) if isinstance(err, LoketError) else str(err)
            self.status.setText(
                _("Not printed: {reason}. Nothing was recorded.").format(reason=reason)
            )
            self._update_actions()

        # the worker holds the printer until the job is done; the UI thread leaves it alone
        run_in_background(lambda: printing.print_pdf(printer, data), done, failed)


class LetterDialog(QDialog):
    """The letter panel in a window of its own, for use outside the main window."""

    def __init__(
        self,
        ctx: Context,
        visit_id: str = "",
        language: str | None = None,
        parent: QWidget | None = None,
        *,
        letter_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = LetterView(
            ctx, self, visit_id=visit_id, language=language, letter_id=letter_id
        )
        QVBoxLayout(self).addWidget(self.panel)
        self.setWindowTitle(self.panel.title())
