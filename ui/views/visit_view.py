"""The intake of a visit: reason, needs with a short note each, language and interpreter, who
brought the visitor, referent, summary, outcome, follow-up date and status.

Health details (AVG art. 9) sit behind a button: they open only after a deliberate click,
ask for the legal ground, are kept apart from the visit (saved in the same transaction:
intake.save_visit(..., health=...)), are never in a list and never in a draft (a draft is a
plain copy of the form; special-category data is not copied there).  For the same reason the
"health" need has no ordinary note: ticking it points to the protected field instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loket.counter import intake
from loket.counter import lookups as counter
from loket.errors import LoketError, ValidationError
from loket.i18n import N_, _
from loket.i18n.dates import as_typed
from loket.model import VISIT_STATUSES, Visit, VisitNeed
from ui import fonts, theme
from ui.models.counter_models import format_date, isolate, status_label
from ui.views import form_support
from ui.views.base import View, plain_label
from ui.views.form_support import DraftKeeper, FormField

# The legal grounds in use (loket.counter.intake.LEGAL_GROUNDS) in plain words; the article
# of the AVG (the Dutch name of the GDPR) is in each choice's tooltip.
LEGAL_GROUND_LABELS = {
    "explicit_consent": N_("The visitor gives consent"),
    "vital_interests": N_("Needed to protect the visitor's life or health; they cannot consent"),
    "substantial_public_interest": N_("Required by law for an important public interest"),
}
LEGAL_GROUND_ARTICLES = {
    "explicit_consent": N_("AVG art. 9 lid 2 sub a: explicit consent"),
    "vital_interests": N_("AVG art. 9 lid 2 sub c: vital interests"),
    "substantial_public_interest": N_("AVG art. 9 lid 2 sub g: substantial public interest"),
}


class VisitView(View):
    name = "visit"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("visitView")
        self.visitor = None
        self.visit_id: str | None = None
        outer = QVBoxLayout(self)
        self.heading = plain_label(self)
        self.heading.setObjectName("visitHeading")
        theme.emphasise(self.heading, 1.4)
        outer.addWidget(self.heading)
        self.restored = form_support.restored_notice(self)
        outer.addWidget(self.restored)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, which scroll in
        body = QWidget(scroll)
        column = QVBoxLayout(body)
        form = QFormLayout()
        column.addLayout(form)
        self.fields: dict[str, FormField] = {}

        def add(key, widget):
            self.fields[key] = FormField(form, body, key, widget)
            return widget

        self.topic = add("topic_code", QComboBox(body))
        self.status = add("status", QComboBox(body))

        self.needs_box = QGroupBox(body)
        self.needs_box.setObjectName("needsBox")
        needs_grid = QGridLayout(self.needs_box)
        self.need_checks: dict[str, QCheckBox] = {}
        self.need_notes: dict[str, QLineEdit] = {}
        for row, choice in enumerate(counter.needs(ctx)):
            check = QCheckBox(self.needs_box)
            check.setObjectName(f"need_{choice.code}")
            note = QLineEdit(self.needs_box)
            note.setObjectName(f"note_{choice.code}")
            note.setEnabled(False)
            if choice.code in intake.PROTECTED_NEEDS:
                check.toggled.connect(self._protected_need_toggled)
            else:
                check.toggled.connect(lambda on, n=note: self._need_toggled(n, on))
            note.textChanged.connect(self._changed)
            note.editingFinished.connect(self._field_done)
            needs_grid.addWidget(check, row, 0)
            needs_grid.addWidget(note, row, 1)
            self.need_checks[choice.code] = check
            self.need_notes[choice.code] = note
        self.needs_error = plain_label(self.needs_box)
        self.needs_error.setObjectName("error_needs")
        theme.mark_text(self.needs_error, "error")
        self.needs_error.hide()
        needs_grid.addWidget(self.needs_error, len(self.need_checks), 0, 1, 2)
        needs_grid.setColumnStretch(1, 1)
        column.addWidget(self.needs_box)

        form2 = QFormLayout()
        column.addLayout(form2)

        def add2(key, widget):
            self.fields[key] = FormField(form2, body, key, widget)
            return widget

        self.language = add2("language", QComboBox(body))
        self.interpreter = add2("interpreter_needed", QCheckBox(body))
        self.interpreter_language = add2("interpreter_language", QComboBox(body))
        self.brought_by_org = add2("brought_by_org", QLineEdit(body))
        self.brought_by_contact = add2("brought_by_contact", QLineEdit(body))
        self.referent = add2("referent_involved", QCheckBox(body))
        self.summary = add2("summary", QPlainTextEdit(body))
        self.outcome = add2("outcome", QPlainTextEdit(body))
        self.follow_up = add2("follow_up_date", QLineEdit(body))
        for combo in (self.language, self.interpreter_language):
            combo.setProperty("i18n_data", True)  # language names from CLDR (Babel)
        for edit in (self.summary, self.outcome):
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(90)
            edit.textChanged.connect(self._changed)
        for edit in (self.brought_by_org, self.brought_by_contact, self.follow_up):
            edit.textChanged.connect(self._changed)
            edit.editingFinished.connect(self._field_done)
        for combo in (self.topic, self.status, self.language, self.interpreter_language):
            combo.currentIndexChanged.connect(self._changed_now)
        for check in (self.interpreter, self.referent):
            check.toggled.connect(self._changed_now)
        self.interpreter.toggled.connect(self.interpreter_language.setEnabled)

        # Health details: closed until a deliberate click.
        self.health_button = QPushButton(body)
        self.health_button.setObjectName("openHealth")
        self.health_button.clicked.connect(self.open_health)
        column.addWidget(self.health_button)
        self.health_box = QGroupBox(body)
        self.health_box.setObjectName("healthBox")
        health_form = QFormLayout(self.health_box)
        self.health_intro = plain_label(self.health_box)
        self.health_intro.setWordWrap(True)
        health_form.addRow(self.health_intro)
        self.health_ground = QComboBox(self.health_box)
        self.health_ground.currentIndexChanged.connect(self._ground_tooltip)
        self.health_note = QPlainTextEdit(self.health_box)
        self.health_note.setTabChangesFocus(True)
        self.health_note.setMaximumHeight(90)
        self.fields["legal_ground"] = FormField(
            health_form, self.health_box, "legal_ground", self.health_ground
        )
        self.fields["health_note"] = FormField(
            health_form, self.health_box, "health_note", self.health_note
        )
        self.health_box.hide()
        column.addWidget(self.health_box)
        column.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        row = QHBoxLayout()
        self.form_error = plain_label(self)
        self.form_error.setObjectName("formError")
        theme.mark_text(self.form_error, "error")
        self.form_error.setWordWrap(True)
        row.addWidget(self.form_error, 1)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveVisit")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        outer.addLayout(row)
        self.drafts = DraftKeeper(ctx, "visit", self.payload, self)
        self.retranslate_ui()

    # -- View -------------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Visit")

    def retranslate_ui(self) -> None:
        self._update_heading()
        labels = {
            "topic_code": (_("&Reason for the visit"), _("Reason for the visit")),
            "status": (_("S&tatus"), _("Status")),
            "language": (_("Preferred &language"), _("Preferred language")),
            "interpreter_needed": (_("Interpreter"), _("Interpreter needed")),
            "interpreter_language": (_("Interpreter lan&guage"), _("Interpreter language")),
            "brought_by_org": (_("&Brought by (organisation)"), _("Brought by organisation")),
            "brought_by_contact": (_("&Contact person"), _("Contact person")),
            "referent_involved": (_("Referent"), _("Referent or sponsor involved")),
            "summary": (_("Su&mmary"), _("Summary")),
            "outcome": (_("&Outcome"), _("Outcome")),
            "follow_up_date": (_("&Follow-up date (dd-mm-yyyy)"), _("Follow-up date")),
            "legal_ground": (_("Legal &ground"), _("Legal ground for health details")),
            "health_note": (_("Health &details"), _("Health details")),
        }
        for key, (text, accessible) in labels.items():
            self.fields[key].set_label(text, accessible)
        self.interpreter.setText(_("&Interpreter needed"))
        self.referent.setText(_("Re&ferent or sponsor involved"))
        self.follow_up.setPlaceholderText(_("dd-mm-yyyy"))
        self.needs_box.setTitle(_("Needs (tick each, add a short note)"))
        needs = {c.code: c.label for c in counter.needs(self.ctx)}
        for code, check in self.need_checks.items():
            check.setText(needs.get(code, code))
            check.setAccessibleName(_("Need: {need}").format(need=needs.get(code, code)))
            self.need_notes[code].setAccessibleName(
                _("Note for {need}").format(need=needs.get(code, code))
            )
            if code in intake.PROTECTED_NEEDS:
                self.need_notes[code].setPlaceholderText(
                    _("No note here: use the protected health details below")
                )
                self.need_notes[code].setAccessibleDescription(
                    _("Health details go in the protected field, with their legal ground.")
                )
            else:
                self.need_notes[code].setPlaceholderText(_("short note"))
        self.health_button.setText(_("Open &health details…"))
        self.health_button.setToolTip(
            _("Special personal data (AVG art. 9): every opening is logged.")
        )
        self.health_button.setAccessibleName(_("Open health details"))
        self.health_box.setTitle(_("Health details"))
        self.health_intro.setText(
            _("Record only what the referral needs. Every opening of these details is logged.")
        )
        self.save_button.setText(_("Save (Ctrl+S)"))
        self.save_button.setAccessibleName(_("Save visit"))
        self._fill_choices()

    def _fill_choices(self) -> None:
        def refill(combo, items, blank):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if blank:
                combo.addItem("—", None)
            for code, label in items:
                combo.addItem(label, code)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

        refill(self.topic, [(c.code, c.label) for c in counter.topics(self.ctx)], True)
        refill(self.status, [(s, status_label(s)) for s in VISIT_STATUSES], False)
        langs = [(c.code, c.label) for c in counter.visitor_languages()]
        refill(self.language, langs, True)
        refill(self.interpreter_language, langs, True)
        refill(self.health_ground, [(k, _(v)) for k, v in LEGAL_GROUND_LABELS.items()], True)
        for code, article in LEGAL_GROUND_ARTICLES.items():
            index = self.health_ground.findData(code)
            self.health_ground.setItemData(index, _(article), Qt.ItemDataRole.ToolTipRole)
        self._ground_tooltip()

    def _ground_tooltip(self, *_args) -> None:
        """The chosen ground's article, also on the closed field."""
        article = LEGAL_GROUND_ARTICLES.get(self.health_ground.currentData())
        self.health_ground.setToolTip(_(article) if article else "")

    def _update_heading(self) -> None:
        name = isolate(self.visitor.display_name) if self.visitor else ""
        text = (_("Visit of {name}") if self.visit_id else _("New visit: {name}")).format(name=name)
        self.heading.setText(text)

    def open(
        self,
        visitor_id: str | None = None,
        visit_id: str | None = None,
        draft_id: str | None = None,
        **_kwargs,
    ) -> None:
        if self.drafts.dirty:
            self.drafts.save_now()  # opened afresh over unsaved input: keep that as a draft
        self.drafts.paused = True
        form_support.show_restored(self.restored, None)
        self.form_error.clear()
        self.health_box.hide()
        self.health_button.show()
        self.health_note.clear()
        self.health_ground.setCurrentIndex(0)
        values: dict = {}
        if draft_id:
            from loket.counter import drafts

            draft = drafts.load_draft(self.ctx, draft_id)
            form_support.show_restored(self.restored, draft)
            values = draft.payload
            visitor_id = draft.visitor_id or values.get("visitor_id")
            visit_id = values.get("visit_id") or None
            self.drafts.reset(draft_id, visitor_id)
        else:
            self.drafts.reset(None, visitor_id)
            if visit_id:
                visit = intake.get_visit(self.ctx, visit_id)
                values = {
                    k: getattr(visit, k)
                    for k in (
                        "topic_code",
                        "status",
                        "language",
                        "interpreter_needed",
                        "interpreter_language",
                        "brought_by_org",
                        "brought_by_contact",
                        "referent_involved",
                        "summary",
                        "outcome",
                        "follow_up_date",
                    )
                }
                values["needs"] = {n.need_code: n.note for n in visit.needs}
                visitor_id = visit.visitor_id
        self.visit_id = visit_id
        self.visitor = intake.get_visitor(self.ctx, visitor_id, log_view=False)
        if not visit_id and not draft_id:
            values.setdefault("language", self.visitor.preferred_language)
            values.setdefault("interpreter_needed", self.visitor.interpreter_needed)
            values.setdefault("interpreter_language", self.visitor.interpreter_language)
        self.set_values(values)
        self._update_heading()
        self.drafts.paused = False
        self.topic.setFocus()

    def can_leave(self) -> bool:
        return form_support.leave_form(self, self.drafts)

    # -- values -----------------------------------------------------------------------------------
    def payload(self) -> dict:
        return {
            "visitor_id": self.visitor.id if self.visitor else None,
            "visit_id": self.visit_id,
            "topic_code": self.topic.currentData(),
            "status": self.status.currentData(),
            "language": self.language.currentData(),
            "interpreter_needed": self.interpreter.isChecked(),
            "interpreter_language": self.interpreter_language.currentData(),
            "brought_by_org": self.brought_by_org.text(),
            "brought_by_contact": self.brought_by_contact.text(),
            "referent_involved": self.referent.isChecked(),
            "summary": self.summary.toPlainText(),
            "outcome": self.outcome.toPlainText(),
            "follow_up_date": self.follow_up.text(),
            "needs": {
                code: self.need_notes[code].text()
                for code, check in self.need_checks.items()
                if check.isChecked()
            },
        }

    def set_values(self, values: dict) -> None:
        def pick(combo, value):
            combo.setCurrentIndex(max(combo.findData(value), 0))

        pick(self.topic, values.get("topic_code"))
        pick(self.status, values.get("status") or "in_progress")
        pick(self.language, values.get("language"))
        pick(self.interpreter_language, values.get("interpreter_language"))
        self.interpreter.setChecked(bool(values.get("interpreter_needed")))
        self.interpreter_language.setEnabled(self.interpreter.isChecked())
        self.referent.setChecked(bool(values.get("referent_involved")))
        self.brought_by_org.setText(values.get("brought_by_org") or "")
        self.brought_by_contact.setText(values.get("brought_by_contact") or "")
        self.summary.setPlainText(values.get("summary") or "")
        self.outcome.setPlainText(values.get("outcome") or "")
        self.follow_up.setText(as_typed(values.get("follow_up_date")))
        needs = values.get("needs") or {}
        for code, check in self.need_checks.items():
            check.setChecked(code in needs)
            # A protected need carries no note; one stored before this rule is not shown
            # (it would be health data outside the protected field) and goes at the next save.
            protected = code in intake.PROTECTED_NEEDS
            self.need_notes[code].setText("" if protected else needs.get(code) or "")
        form_support.show_errors(self.fields, {})
        self.needs_error.hide()

    def visit(self) -> Visit:
        data = self.payload()
        return Visit(
            id=self.visit_id or "",
            visitor_id=data["visitor_id"],
            topic_code=data["topic_code"],
            status=data["status"] or "in_progress",
            language=data["language"],
            interpreter_needed=int(data["interpreter_needed"]),
            interpreter_language=data["interpreter_language"],
            brought_by_org=data["brought_by_org"],
            brought_by_contact=data["brought_by_contact"],
            referent_involved=int(data["referent_involved"]),
            summary=data["summary"],
            outcome=data["outcome"],
            follow_up_date=data["follow_up_date"] or None,
            needs=[VisitNeed(code, note) for code, note in data["needs"].items()],
        )

    def _need_toggled(self, note: QLineEdit, on: bool) -> None:
        note.setEnabled(on)
        if on:
            note.setFocus()
        self._changed_now()

    def _protected_need_toggled(self, on: bool) -> None:
        """Health stays a tick only; the details are one deliberate click further."""
        if on and not self.drafts.paused and self.health_box.isHidden():
            self.health_button.setFocus()
        self._changed_now()

    def _changed(self, *_args) -> None:
        self.drafts.changed()

    def _changed_now(self, *_args) -> None:
        self.drafts.changed_now()

    def _field_done(self) -> None:
        if self.drafts.dirty:
            self.drafts.changed_now()

    # -- health details ---------------------------------------------------------------------------
    def open_health(self) -> None:
        """The deliberate click: shows the field, and reads stored details (that is logged)."""
        self.health_button.hide()
        self.health_box.show()
        if self.visit_id:
            try:
                stored = intake.get_health(self.ctx, self.visit_id)
            except LoketError as err:
                self.form_error.setText(str(err))
                stored = None
            if stored:
                self.health_note.setPlainText(stored["note"])
                self.health_ground.setCurrentIndex(
                    max(self.health_ground.findData(stored["legal_ground"]), 0)
                )
        self.health_ground.setFocus()

    # -- saving -----------------------------------------------------------------------------------
    def save(self) -> None:
        self.form_error.clear()
        health_note = self.health_note.toPlainText().strip()
        health = (health_note, self.health_ground.currentData()) if health_note else None
        try:
            saved = intake.save_visit(self.ctx, self.visit(), health=health)
        except ValidationError as err:
            self._show_errors(err.errors)
            return
        except LoketError as err:
            self.form_error.setText(str(err))
            return
        self.visit_id = saved.id
        self.drafts.discard(saved=True)
        form_support.show_errors(self.fields, {})
        window = self.main_window()
        if window is not None:
            window.show_view("visitor", visitor_id=saved.visitor_id)
            window.forget(self.name)
            window.notify(
                _("The visit of {date} is saved.").format(date=format_date(saved.visit_date))
            )

    def _show_errors(self, errors: dict[str, str]) -> None:
        first = form_support.show_errors(self.fields, errors)
        if "needs" in errors:
            self.needs_error.setText(f"{fonts.ERROR_MARK} {errors['needs']}")
            self.needs_error.show()
        else:
            self.needs_error.hide()
        unknown = [m for k, m in errors.items() if k not in self.fields and k != "needs"]
        self.form_error.setText("\n".join(unknown) or _("Correct the marked fields."))
        if first is not None:
            first.widget.setFocus()
        self.drafts.changed_now()
