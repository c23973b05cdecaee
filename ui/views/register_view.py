"""Register a new visitor (or edit one): validated fields, each error next to its field, and
a duplicate warning that offers to open the visitor already registered.

Saving is refused until every field is valid; nothing is written before that.  While staff
type, the form is kept as a draft (see form_support.DraftKeeper).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loket.counter import intake
from loket.counter import lookups as counter
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from loket.i18n.dates import as_typed
from loket.model import Visitor
from ui import fonts, theme
from ui.models.counter_models import format_date, isolate
from ui.screen_text import shown_name
from ui.views import form_support
from ui.views.base import View, plain_label
from ui.views.form_support import DraftKeeper, FormField

TEXT_FIELDS = (
    "given_names",
    "family_name",
    "latin_given_names",
    "latin_family_name",
    "date_of_birth",
    "v_number",
    "bsn",
    "phone",
    "email",
    "address",
    "postal_code",
    "city",
)


class RegisterView(View):
    name = "register"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("registerView")
        self.editing_id: str | None = None
        self._confirmed_new = False
        outer = QVBoxLayout(self)
        self.heading = plain_label(self)
        theme.emphasise(self.heading, 1.4)
        outer.addWidget(self.heading)
        self.intro = plain_label(self)
        self.intro.setWordWrap(True)
        outer.addWidget(self.intro)
        self.restored = form_support.restored_notice(self)
        outer.addWidget(self.restored)

        # The duplicate warning sits above the form, in the flow of the page (not a dialog).
        self.duplicate = QFrame(self)
        self.duplicate.setObjectName("duplicateWarning")
        self.duplicate.setFrameShape(QFrame.Shape.Box)
        self.duplicate.setStyleSheet(
            "QFrame#duplicateWarning { border: 2px solid #8a5a00; background: #fff4d6; }"
            " QFrame#duplicateWarning QLabel { color: #1a1a1a; }"
        )
        dup = QVBoxLayout(self.duplicate)
        self.duplicate_text = plain_label(self.duplicate)
        self.duplicate_text.setObjectName("duplicateText")
        self.duplicate_text.setWordWrap(True)
        dup.addWidget(self.duplicate_text)
        buttons = QHBoxLayout()
        self.open_existing = QPushButton(self.duplicate)
        self.open_existing.setObjectName("openExisting")
        self.go_on = QPushButton(self.duplicate)
        self.go_on.setObjectName("goOn")
        buttons.addWidget(self.open_existing)
        buttons.addWidget(self.go_on)
        buttons.addStretch(1)
        dup.addLayout(buttons)
        self.duplicate.hide()
        outer.addWidget(self.duplicate)
        self._duplicate_id: str | None = None
        self._duplicate_elsewhere = False  # the match is a file of another desk (the hub's)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, which scroll in
        body = QWidget(scroll)
        form = QFormLayout(body)
        self.fields: dict[str, FormField] = {}
        for key in TEXT_FIELDS:
            edit = QLineEdit(body)
            self.fields[key] = FormField(form, body, key, edit)
            edit.textChanged.connect(self._changed)
            edit.editingFinished.connect(self._field_done)
        self.language = QComboBox(body)
        self.fields["preferred_language"] = FormField(
            form, body, "preferred_language", self.language
        )
        self.interpreter = QCheckBox(body)
        self.fields["interpreter_needed"] = FormField(
            form, body, "interpreter_needed", self.interpreter
        )
        self.interpreter_language = QComboBox(body)
        self.fields["interpreter_language"] = FormField(
            form, body, "interpreter_language", self.interpreter_language
        )
        for combo in (self.language, self.interpreter_language):
            combo.setProperty("i18n_data", True)  # language names from CLDR (Babel)
        self.language.currentIndexChanged.connect(self._field_done)
        self.interpreter.toggled.connect(self._interpreter_toggled)
        self.interpreter_language.currentIndexChanged.connect(self._field_done)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        row = QHBoxLayout()
        self.form_error = plain_label(self)
        self.form_error.setObjectName("formError")
        theme.mark_text(self.form_error, "error")
        self.form_error.setWordWrap(True)
        row.addWidget(self.form_error, 1)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveVisitor")
        self.save_button.setDefault(True)
        row.addWidget(self.save_button)
        outer.addLayout(row)

        self.save_button.clicked.connect(self.save)
        self.open_existing.clicked.connect(self._open_duplicate)
        self.go_on.clicked.connect(self._go_on)
        self.drafts = DraftKeeper(ctx, "visitor", self.payload, self)
        self._fill_languages()
        self.retranslate_ui()

    # -- View -------------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Edit visitor") if self.editing_id else _("New visitor")

    def retranslate_ui(self) -> None:
        self.heading.setText(self.title())
        self.intro.setText(
            _("Only a name is required. Fields marked with {mark} need a correction.").format(
                mark=fonts.ERROR_MARK
            )
        )
        labels = {
            "given_names": (_("&Given names"), _("Given names")),
            "family_name": (_("&Family name"), _("Family name")),
            "latin_given_names": (
                _("Given names in La&tin letters (IND document)"),
                _("Given names in Latin letters, as on the IND document"),
            ),
            "latin_family_name": (
                _("Family name in Lati&n letters (IND document)"),
                _("Family name in Latin letters, as on the IND document"),
            ),
            "date_of_birth": (_("&Date of birth (dd-mm-yyyy)"), _("Date of birth")),
            "v_number": (_("&V-number"), _("V-number")),
            "bsn": (_("&BSN"), _("BSN")),
            "phone": (_("&Phone"), _("Phone")),
            "email": (_("E-&mail"), _("E-mail")),
            "address": (_("&Address"), _("Address")),
            "postal_code": (_("P&ostcode"), _("Postcode")),
            "city": (_("&City"), _("City")),
            "preferred_language": (_("&Language"), _("Preferred language")),
            "interpreter_needed": (_("Interpreter"), _("Interpreter needed")),
            "interpreter_language": (_("Interpreter lan&guage"), _("Interpreter language")),
        }
        for key, (text, accessible) in labels.items():
            self.fields[key].set_label(text, accessible)
        self.interpreter.setText(_("&Interpreter needed"))
        self.fields["date_of_birth"].widget.setPlaceholderText(_("dd-mm-yyyy"))
        self.save_button.setText(_("Save (Ctrl+S)"))
        self.save_button.setAccessibleName(_("Save visitor"))
        self.open_existing.setText(_("&Open this visitor"))
        self.go_on.setText(_("It is someone &else, go on"))
        self.open_existing.setAccessibleName(_("Open the visitor already registered"))
        self.go_on.setAccessibleName(_("Register as a different person"))
        self._fill_languages()

    def open(
        self,
        prefill: dict | None = None,
        draft_id: str | None = None,
        visitor_id: str | None = None,
        **_kwargs,
    ) -> None:
        if self.drafts.dirty:
            self.drafts.save_now()  # opened afresh over unsaved input: keep that as a draft
        self.drafts.paused = True
        form_support.show_restored(self.restored, None)
        self.editing_id = visitor_id
        self._confirmed_new = False
        self.duplicate.hide()
        self.form_error.clear()
        values: dict = {}
        if draft_id:
            from loket.counter import drafts

            draft = drafts.load_draft(self.ctx, draft_id)
            form_support.show_restored(self.restored, draft)
            values = draft.payload
            self.editing_id = values.get("editing_id") or None
            self.drafts.reset(draft_id)
        else:
            self.drafts.reset()
            if visitor_id:
                values = intake.visitor_as_dict(
                    intake.get_visitor(self.ctx, visitor_id, log_view=False)
                )
            values.update(prefill or {})
        self.set_values(values)
        self.drafts.paused = False
        self.heading.setText(self.title())
        self.fields["given_names"].widget.setFocus()

    def can_leave(self) -> bool:
        if not self.drafts.dirty and not self.drafts.has_draft:
            return True
        if not any(self.payload().get(k) for k in TEXT_FIELDS):
            self.drafts.discard(saved=False)
            return True
        return form_support.leave_form(self, self.drafts)

    # -- values -----------------------------------------------------------------------------------
    def _fill_languages(self) -> None:
        for combo, blank in ((self.language, False), (self.interpreter_language, True)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if blank:
                combo.addItem("—", None)
            for choice in counter.visitor_languages():
                combo.addItem(choice.label, choice.code)
            index = combo.findData(current if current is not None else (None if blank else "nl"))
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def payload(self) -> dict:
        data = {key: self.fields[key].widget.text() for key in TEXT_FIELDS}
        data["preferred_language"] = self.language.currentData() or "nl"
        data["interpreter_needed"] = self.interpreter.isChecked()
        data["interpreter_language"] = self.interpreter_language.currentData()
        data["editing_id"] = self.editing_id
        return data

    def set_values(self, values: dict) -> None:
        for key in TEXT_FIELDS:
            value = values.get(key) or ""
            if key == "date_of_birth":
                value = as_typed(value)  # as staff write it
            self.fields[key].widget.setText(value)
            self.fields[key].set_error(None)
        self.language.setCurrentIndex(
            max(self.language.findData(values.get("preferred_language") or "nl"), 0)
        )
        self.interpreter.setChecked(bool(values.get("interpreter_needed")))
        self.interpreter_language.setCurrentIndex(
            max(self.interpreter_language.findData(values.get("interpreter_language")), 0)
        )
        self.interpreter_language.setEnabled(self.interpreter.isChecked())

    def _changed(self, *_args) -> None:
        self.drafts.changed()

    def _field_done(self, *_args) -> None:
        if self.drafts.dirty:
            self.drafts.changed_now()
        elif not self.drafts.paused and self.sender() in (self.language, self.interpreter_language):
            self.drafts.changed_now()

    def _interpreter_toggled(self, on: bool) -> None:
        self.interpreter_language.setEnabled(on)
        self.drafts.changed_now()

    def visitor(self) -> Visitor:
        data = self.payload()
        data.pop("editing_id")
        for key in TEXT_FIELDS:
            names = ("given_names", "family_name", "latin_given_names", "latin_family_name")
            if key not in names and not data[key].strip():
                data[key] = None
        data["interpreter_needed"] = int(data["interpreter_needed"])
        return Visitor(id=self.editing_id or "", **data)

    # -- saving -----------------------------------------------------------------------------------
    def save(self) -> None:
        self.form_error.clear()
        try:
            if self.editing_id:
                saved = intake.update_visitor(
                    self.ctx, self.visitor(), confirmed=self._confirmed_new
                )
            else:
                saved = intake.register_visitor(
                    self.ctx, self.visitor(), confirmed_new=self._confirmed_new
                )
        except ValidationError as err:
            first = form_support.show_errors(self.fields, err.errors)
            unknown = [m for k, m in err.errors.items() if k not in self.fields]
            self.form_error.setText("\n".join(unknown) or _("Correct the marked fields."))
            if first is not None:
                first.widget.setFocus()
            self.drafts.changed_now()
            return
        except intake.DuplicateVisitor as dup:
            form_support.show_errors(self.fields, {})
            self._show_duplicate(dup.matches)
            return
        except LoketError as err:
            self.form_error.setText(str(err))
            return
        form_support.show_errors(self.fields, {})
        self.drafts.discard(saved=True)
        self.duplicate.hide()
        window = self.main_window()
        if window is not None:
            window.show_view("visitor", visitor_id=saved.id)
            window.forget(self.name)

    def _show_duplicate(self, matches) -> None:
        from loket.counter.merge import REASONS

        match = matches[0]
        reason = _(REASONS[match.reason]) if match.reason in REASONS else match.reason
        v = match.visitor
        if v is None:  # a file of another desk, known from the keyed index: no name here
            where = shown_name(match.elsewhere_desk) if match.elsewhere_desk else _("another desk")
            lines = [
                _("This visitor may already have a file at {desk}, with {reason}.").format(
                    desk=where, reason=reason
                ),
                _("Open it to fetch it from the hub, instead of making a second file."),
            ]
        else:
            if self.editing_id:
                first = _("These details are also those of another visitor, with {reason}:")
            else:
                first = _("This visitor may already be registered, with {reason}:")
            lines = [first.format(reason=reason), " · ".join(self._details(v, match))]
        if len(matches) > 1:
            lines.append(_("{n} more possible matches.").format(n=len(matches) - 1))
        if self.editing_id:
            self.go_on.setText(_("It is someone &else, save anyway"))
            self.go_on.setAccessibleName(_("Save the changes anyway"))
        else:
            self.go_on.setText(_("It is someone &else, go on"))
            self.go_on.setAccessibleName(_("Register as a different person"))
        self.duplicate_text.setText("\n".join(lines))
        self.duplicate.setAccessibleName(
            "\n".join(lines).replace("\u2068", "").replace("\u2069", "")
        )
        self._duplicate_id = match.visitor_id
        self._duplicate_elsewhere = v is None
        self.duplicate.show()
        self.open_existing.setFocus()

    @staticmethod
    def _details(v, match) -> list[str]:
        details = [isolate(v.display_name)]
        if v.latin_name and v.latin_name != v.display_name:
            details.append(isolate(v.latin_name))
        if match.name_reason:
            from loket.counter.search import reason_label

            details.append(reason_label(match.name_reason))
        if v.date_of_birth:
            details.append(_("born {date}").format(date=format_date(v.date_of_birth)))
        if v.v_number:
            details.append(_("V-number {number}").format(number=v.v_number))
        return details

    def _open_duplicate(self) -> None:
        if self._duplicate_id is None:
            return
        if self._duplicate_elsewhere:
            self._fetch_duplicate(self._duplicate_id)
            return
        self.drafts.discard(saved=False)
        self.duplicate.hide()
        window = self.main_window()
        if window is not None:
            window.show_view("visitor", visitor_id=self._duplicate_id)
            window.forget(self.name)

    def _fetch_duplicate(self, visitor_id: str) -> None:
        """Another desk's file: fetched from the hub on the worker thread, then opened."""
        from loket.context import worker
        from ui.workers import run_in_background

        ctx = self.ctx
        self.form_error.setText(_("Fetching the file from the hub…"))
        self.open_existing.setEnabled(False)

        def work():
            from loket.sync import elsewhere

            with worker(ctx) as own:
                return elsewhere.fetch(own, visitor_id).id

        def done(fetched_id: str) -> None:
            self.open_existing.setEnabled(True)
            self.form_error.clear()
            self._duplicate_elsewhere = False
            self._duplicate_id = fetched_id
            self._open_duplicate()

        def failed(err: BaseException) -> None:
            self.open_existing.setEnabled(True)
            self.form_error.setText(
                str(err) if isinstance(err, LoketError) else _("That did not work.")
            )

        run_in_background(work, done, failed)

    def _go_on(self) -> None:
        self._confirmed_new = True
        self.duplicate.hide()
        self.save()
