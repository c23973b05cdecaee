"""Editing or creating a partner service (supervisor, beheerder): everything a service has,
grouped as staff think of it (the service, how to reach it, when it is open, who can come
and how, what it helps with), in a scroll area so that it fits a 1366×768 counter screen
at any text size.  Letters print the address, hours, phones and documents from here.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loket.context import Context
from loket.directory import browse as directory
from loket.directory import hsds
from loket.directory import schedule as directory_schedule
from loket.directory.browse import ServiceDetail, ServiceEdit
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from loket.i18n.languages import language_names
from ui import theme
from ui.views.base import plain_label
from ui.views.form_support import FormField
from ui.views.schedule_editor import ScheduleEditor


def status_labels() -> dict[str, str]:
    labels = {
        "active": _("Active"),
        "inactive": _("Inactive"),
        "defunct": _("Closed down"),
        "temporarily closed": _("Temporarily closed"),
    }
    return {code: labels.get(code, code) for code in hsds.SERVICE_STATUSES}


def _multi_line(parent: QWidget, text: str | None, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text or "", parent)
    edit.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
    height = edit.fontMetrics().lineSpacing() * lines + 2 * edit.frameWidth() + 12
    edit.setFixedHeight(height)
    return edit


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _location_text(loc) -> str:
    return ", ".join(p for p in (loc.name, loc.address_1, loc.postal_code, loc.city) if p)


class ServiceEditDialog(QDialog):
    """Edit every field of a service, its opening hours and locations included."""

    def __init__(
        self, ctx: Context, detail: ServiceDetail | None, need_labels: dict[str, str], parent=None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_new = detail is None
        self.stored = (
            directory.service_edit(ctx, detail.id)
            if detail is not None
            else ServiceEdit(organization_id="", name="")
        )
        s = self.stored
        self.saved_id: str | None = None
        self.setObjectName("serviceEditDialog")
        self.setModal(True)
        self.setWindowTitle(
            _("New service") if self.is_new else _("Edit {service}").format(service=s.name)
        )
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setObjectName("serviceEditScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, which scroll in
        self.scroll = scroll
        body = QWidget(scroll)
        column = QVBoxLayout(body)
        self.fields: dict[str, FormField] = {}

        # -- Service ------------------------------------------------------------------------
        box, form = self._group(body, column, _("Service"))
        self.organisation = QComboBox(box)
        self.organisation.setProperty("i18n_data", True)  # organisation names are data
        self.place = QLineEdit(box)
        if self.is_new:
            for org_id, org_name in directory.organisations(ctx):
                self.organisation.addItem(org_name, org_id)
            self._field(form, box, "organization_id", self.organisation, _("Organisation"))
            self._field(
                form, box, "city", self.place, _("Place (leave empty for a national service)")
            )
            self.organisation.setObjectName("serviceOrganisation")
            self.place.setObjectName("servicePlace")
        else:
            self.organisation.hide()
            self.place.hide()
        self.name = QLineEdit(s.name, box)
        self._field(form, box, "name", self.name, _("Name"))
        self.status = QComboBox(box)
        for code, label in status_labels().items():
            self.status.addItem(label, code)
        self.status.setCurrentIndex(max(0, self.status.findData(s.status)))  # CHECKed in SQL
        self._field(form, box, "status", self.status, _("Status"))
        self.description = _multi_line(box, s.description, 4)
        self._field(form, box, "description", self.description, _("Description"))
        self.locations_box = QWidget(box)
        self.locations_box.setProperty("i18n_data", True)  # addresses are data
        self.locations_layout = QVBoxLayout(self.locations_box)
        self.locations_layout.setContentsMargins(0, 0, 0, 0)
        self.locations_empty = plain_label(self.locations_box)
        self.locations_empty.setWordWrap(True)
        self.locations_layout.addWidget(self.locations_empty)
        self.locations: dict[str, QCheckBox] = {}
        self._field(form, box, "location_ids", self.locations_box, _("Locations"))
        self.to_verify = QCheckBox(_("Contact details need checking"), box)
        self.to_verify.setChecked(s.to_verify)
        self.escalation = QCheckBox(_("National escalation route"), box)
        self.escalation.setChecked(s.is_escalation)
        self.checked = QCheckBox(_("I checked these details today"), box)
        for flag in (self.to_verify, self.escalation, self.checked):
            flag.setAccessibleName(flag.text())
            form.addRow(flag)

        # -- Contact ------------------------------------------------------------------------
        box, form = self._group(body, column, _("Contact"))
        self.phones = QLineEdit(", ".join(s.phones), box)
        self._field(form, box, "phones", self.phones, _("Phone numbers (separate with commas)"))
        self.email = QLineEdit(s.email or "", box)
        self._field(form, box, "email", self.email, _("E-mail"))
        self.url = QLineEdit(s.url or "", box)
        self._field(form, box, "url", self.url, _("Website"))
        self.languages = QLineEdit(", ".join(s.languages), box)
        self._field(form, box, "languages", self.languages, _("Language codes (nl, ar, ...)"))
        # the codes named, as the directory and the letters name them (prs: Dari)
        self.language_names = plain_label(box)
        self.language_names.setObjectName("languageNames")
        self.language_names.setWordWrap(True)
        self.language_names.setProperty("i18n_data", True)  # language names from CLDR
        form.addRow("", self.language_names)
        self.languages.textChanged.connect(self._show_language_names)
        self._show_language_names()
        self.interpretation = _multi_line(box, s.interpretation_services, 2)
        self._field(form, box, "interpretation_services", self.interpretation, _("Interpreter"))

        # -- Opening hours ------------------------------------------------------------------
        box, form = self._group(body, column, _("Opening hours"))
        self.schedule = ScheduleEditor(s.schedules, box)
        self.schedule.rows_changed.connect(self._fix_tab_order)
        form.addRow(self.schedule)

        # -- Who and how --------------------------------------------------------------------
        box, form = self._group(body, column, _("Who and how"))
        self.eligibility = _multi_line(box, s.eligibility_description)
        self._field(form, box, "eligibility_description", self.eligibility, _("Who can come"))
        self.application = _multi_line(box, s.application_process)
        self._field(form, box, "application_process", self.application, _("How to get help there"))
        self.fees = _multi_line(box, s.fees_description, 2)
        self._field(form, box, "fees_description", self.fees, _("Costs"))
        self.documents = _multi_line(box, "\n".join(s.required_documents))
        self._field(
            form, box, "required_documents", self.documents, _("Documents to bring (one per line)")
        )
        # letters print the papers and notes on hours on the visitor's page: say which have no
        # translation yet (they print in Dutch, marked so)
        self.translations_missing = plain_label(box)
        self.translations_missing.setObjectName("translationsMissing")
        self.translations_missing.setWordWrap(True)
        form.addRow(self.translations_missing)
        self._show_missing_translations()
        self.warm = QCheckBox(_("Accepts a warm handover"), box)
        self.warm.setChecked(s.warm_handover)
        self.warm.setAccessibleName(self.warm.text())
        form.addRow(self.warm)

        # -- Needs --------------------------------------------------------------------------
        box, form = self._group(body, column, _("Needs"))
        grid_host = QWidget(box)
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        self.needs: dict[str, QCheckBox] = {}
        for i, (code, label) in enumerate(need_labels.items()):
            need = QCheckBox(label, grid_host)
            need.setAccessibleName(label)
            need.setProperty("i18n_data", True)  # labels from the needs table
            need.setChecked(code in s.needs)
            self.needs[code] = need
            grid.addWidget(need, i // 2, i % 2)
        self._field(form, box, "needs", grid_host, "")  # the group's title says it
        column.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.error = plain_label(self)
        self.error.setObjectName("serviceEditError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(_("Message"))
        theme.mark_text(self.error, "error")
        self.error.hide()
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setDefault(True)  # Enter in a one-line field saves
        save.setToolTip(_("Save (Ctrl+S)"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        self.organisation.currentIndexChanged.connect(self._fill_locations)
        self._fill_locations()
        self.resize(self._good_size())

    def _show_missing_translations(self) -> None:
        from loket.directory import translations
        from loket.letters.catalogue import available_languages

        texts = translations.service_texts(
            self.stored.required_documents, [x.description for x in self.stored.schedules]
        )
        lacking = translations.missing(self.ctx, texts, available_languages()) if texts else {}
        lines = [
            _("{text}: {languages}").format(text=text, languages=", ".join(langs))
            for text, langs in lacking.items()
        ]
        self.translations_missing.setText(
            _("Not yet translated for letters (printed in Dutch):") + "\n" + "\n".join(lines)
            if lines
            else ""
        )
        self.translations_missing.setVisible(bool(lines))

    # -- building -----------------------------------------------------------------------------
    def _group(self, body: QWidget, column: QVBoxLayout, title: str):
        box = QGroupBox(title, body)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column.addWidget(box)
        return box, form

    def _show_language_names(self, *_args) -> None:
        codes = [c.strip() for c in self.languages.text().split(",") if c.strip()]
        self.language_names.setText(language_names(codes))
        self.language_names.setVisible(bool(codes))

    def _field(self, form, parent, key: str, widget: QWidget, label: str) -> FormField:
        field = FormField(form, parent, key, widget)
        field.set_label(label, label)
        self.fields[key] = field
        return field

    def sizeHint(self) -> QSize:
        """Big enough to show the whole form; `_good_size` fits it to the screen."""
        hint = super().sizeHint()
        body = self.scroll.widget().sizeHint()
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        rest = hint.height() - self.scroll.sizeHint().height()
        return QSize(max(hint.width(), body.width() + bar + 24), body.height() + rest + 8)

    def _good_size(self):
        """As tall as the screen allows (the form scrolls), as wide as the fields want."""
        screen = self.screen().availableGeometry() if self.screen() else None
        want = self.sizeHint()
        width = max(want.width(), self.fontMetrics().averageCharWidth() * 90)
        height = want.height()
        if screen is not None:
            width = min(width, screen.width() - 40)
            height = min(height, screen.height() - 80)
        return QSize(width, height)

    def _fill_locations(self, *_args) -> None:
        ticked = {lid for lid, b in self.locations.items() if b.isChecked()}
        if not self.locations:
            ticked = set(self.stored.location_ids)
        for box in self.locations.values():
            self.locations_layout.removeWidget(box)
            box.hide()  # at once: deleteLater() waits for the event loop
            box.deleteLater()
        self.locations = {}
        org = self.organisation.currentData() if self.is_new else self.stored.organization_id
        for loc in directory.locations(self.ctx, org, sorted(ticked)):
            text = _location_text(loc) or loc.id
            box = QCheckBox(text, self.locations_box)
            box.setAccessibleName(text)
            box.setChecked(loc.id in ticked)
            self.locations[loc.id] = box
            self.locations_layout.addWidget(box)
        self.locations_empty.setText(
            _("This organisation has no addresses in the directory yet.")
            if not self.locations
            else ""
        )
        self.locations_empty.setVisible(not self.locations)
        self._fix_tab_order()

    def focus_order(self) -> list[QWidget]:
        """Every field in the order the eye reads the form."""
        order: list[QWidget] = []
        if self.is_new:
            order += [self.organisation, self.place]
        order += [self.name, self.status, self.description, *self.locations.values()]
        order += [self.to_verify, self.escalation, self.checked]
        order += [self.phones, self.email, self.url, self.languages, self.interpretation]
        order += self.schedule.focus_order()
        order += [self.eligibility, self.application, self.fees, self.documents, self.warm]
        order += list(self.needs.values())
        return order  # the Save and Cancel buttons follow, in the order the platform puts them

    def _fix_tab_order(self) -> None:
        order = self.focus_order()
        for a, b in itertools.pairwise(order):
            QWidget.setTabOrder(a, b)

    # -- saving -------------------------------------------------------------------------------
    def edit(self) -> ServiceEdit:
        s = self.stored
        documents = [d.strip() for d in self.documents.toPlainText().splitlines() if d.strip()]
        return ServiceEdit(
            id=s.id,
            organization_id=self.organisation.currentData() if self.is_new else s.organization_id,
            name=self.name.text(),
            description=self.description.toPlainText(),
            url=self.url.text().strip() or None,
            email=self.email.text().strip() or None,
            status=self.status.currentData(),
            interpretation_services=self.interpretation.toPlainText(),
            application_process=self.application.toPlainText(),
            fees_description=self.fees.toPlainText(),
            eligibility_description=self.eligibility.toPlainText(),
            assured_date=s.assured_date,
            warm_handover=self.warm.isChecked(),
            is_escalation=self.escalation.isChecked(),
            to_verify=self.to_verify.isChecked(),
            needs=[c for c, b in self.needs.items() if b.isChecked()],
            languages=_split(self.languages.text()),
            phones=_split(self.phones.text()),
            required_documents=documents,
            location_ids=[lid for lid, b in self.locations.items() if b.isChecked()],
            schedules=self.schedule.schedules(),
        )

    def show_errors(self, errors: dict[str, str], edit: ServiceEdit) -> QWidget | None:
        """Every message next to its field; returns the first invalid field in form order."""
        schedule_first = None
        if "schedules" in errors:
            _clean, found = directory_schedule.problems(edit.schedules)
            schedule_first = self.schedule.show_problems(found)
        else:
            self.schedule.show_problems([])
        shown = {k: v for k, v in errors.items() if k in self.fields}
        for key, field in self.fields.items():
            field.set_error(shown.get(key))
        rest = [m for k, m in errors.items() if k not in shown and k != "schedules"]
        self.error.setText("\n".join(rest) or _("Correct the marked fields.") if errors else "")
        self.error.setVisible(bool(errors))
        invalid = {f.widget for k, f in self.fields.items() if k in shown}
        if schedule_first is not None:
            invalid.add(schedule_first)
        for widget in self.focus_order():
            # a location or a need: its group of boxes is the marked field
            if widget in invalid or widget.parentWidget() in invalid:
                return widget
        return None

    def save(self) -> None:
        edit = self.edit()
        try:
            checked = self.checked.isChecked()  # saved in the same transaction
            if self.is_new:
                service_id = directory.create_service(
                    self.ctx, edit, city=self.place.text(), checked_today=checked
                )
            else:
                service_id = directory.save_service(self.ctx, edit, checked_today=checked)
            self.saved_id = service_id
        except ValidationError as err:
            first = self.show_errors(err.errors, edit)
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scroll.ensureWidgetVisible(first)
            return
        except LoketError as err:
            self.show_errors({}, edit)
            self.error.setText(str(err))
            self.error.show()
            return
        self.show_errors({}, edit)
        self.accept()
