"""One visitor's file: profile, visit history (newest first), open referrals, letters given
and follow-ups due.  Opening it is written to the audit log (intake.get_visitor).

Health details are never shown here: they open only inside a visit, after a deliberate click.
Supervisors and administrators open the visitor's rights (access export, erasure) from here;
after an erasure or retention the file shows that the data was removed, and nothing more.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from loket.counter import intake
from loket.counter import lookups as counter
from loket.errors import LoketError
from loket.i18n import _, ngettext
from loket.privacy.permissions import Permission
from ui import theme
from ui.models.counter_models import VisitHistoryModel, format_date, isolate
from ui.screen_text import join, shown_name
from ui.views.base import View, plain_label, scrolling_body, select_row

PROFILE = (
    "date_of_birth",
    "v_number",
    "bsn",
    "phone",
    "email",
    "address",
    "language",
    "interpreter",
)


class VisitorView(View):
    name = "visitor"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("visitorView")
        self.visitor = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = plain_label(self)
        self.heading.setObjectName("visitorName")
        self.heading.setProperty("i18n_data", True)  # a name, as typed
        self.setProperty("i18n_title_data", True)  # the title is the visitor's name
        theme.emphasise(self.heading, 1.5)
        top.addWidget(self.heading, 1)
        self.new_visit = QPushButton(self)
        self.new_visit.setObjectName("newVisit")
        self.edit = QPushButton(self)
        self.edit.setObjectName("editVisitor")
        self.rights = QPushButton(self)
        self.rights.setObjectName("visitorRights")
        top.addWidget(self.new_visit)
        top.addWidget(self.edit)
        top.addWidget(self.rights)
        layout.addLayout(top)
        self.message = plain_label(self)
        self.message.setObjectName("visitorMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        # What sync or the duplicate check left to decide about this file (text, not colour)
        badges = QHBoxLayout()
        self.badge = plain_label(self)
        self.badge.setObjectName("visitorBadge")
        self.badge.setWordWrap(True)
        theme.emphasise(self.badge)
        self.decide_button = QPushButton(self)
        self.decide_button.setObjectName("decideConflicts")
        self.compare_button = QPushButton(self)
        self.compare_button.setObjectName("compareFiles")
        badges.addWidget(self.badge, 1)
        badges.addWidget(self.decide_button)
        badges.addWidget(self.compare_button)
        layout.addLayout(badges)
        self.decide_button.clicked.connect(self.open_conflicts)
        self.compare_button.clicked.connect(self.open_merge)
        self._conflicts = 0
        self._tasks = 0
        for widget in (self.badge, self.decide_button, self.compare_button):
            widget.setVisible(False)

        # The file scrolls under the name and its buttons: at 200 % text it is taller than a
        # counter screen, and the groups must keep their size rather than squeeze.
        scroll, body = scrolling_body(self, "visitorFile")
        grid = QGridLayout()
        body.addLayout(grid)
        self.profile_box = QGroupBox(self)
        profile_form = QFormLayout(self.profile_box)
        self.profile_labels: dict[str, QLabel] = {}
        self.profile_values: dict[str, QLabel] = {}
        for key in PROFILE:
            label, value = plain_label(self.profile_box), plain_label(self.profile_box)
            value.setObjectName(f"profile_{key}")
            value.setProperty("i18n_data", True)  # the visitor's details, dates and languages
            value.setWordWrap(True)
            self.profile_labels[key], self.profile_values[key] = label, value
            profile_form.addRow(label, value)
        grid.addWidget(self.profile_box, 0, 0)

        self.followups_box = QGroupBox(self)
        self.followups = QListWidget(self.followups_box)
        self.followups.setObjectName("followUps")
        QVBoxLayout(self.followups_box).addWidget(self.followups)
        grid.addWidget(self.followups_box, 0, 1)

        self.history_box = QGroupBox(self)
        self.model = VisitHistoryModel(ctx, self)
        self.history = QTableView(self.history_box)
        self.history.setObjectName("visitHistory")
        self.history.setModel(self.model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setTabKeyNavigation(False)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history.activated.connect(lambda index: self.open_visit(index.row()))
        history_layout = QVBoxLayout(self.history_box)
        history_layout.addWidget(self.history)
        # The next steps for the selected visit, in the views other parts of Loket provide.
        actions = QHBoxLayout()
        self.refer_button = QPushButton(self.history_box)
        self.refer_button.setObjectName("referVisit")
        self.letter_button = QPushButton(self.history_box)
        self.letter_button.setObjectName("letterVisit")
        actions.addWidget(self.refer_button)
        actions.addWidget(self.letter_button)
        actions.addStretch(1)
        history_layout.addLayout(actions)
        self.refer_button.clicked.connect(lambda: self._visit_step("referrals"))
        self.letter_button.clicked.connect(lambda: self._visit_step("letter"))
        grid.addWidget(self.history_box, 1, 0, 1, 2)

        self.referrals_box = QGroupBox(self)
        self.referrals = QListWidget(self.referrals_box)
        self.referrals.setObjectName("openReferrals")
        QVBoxLayout(self.referrals_box).addWidget(self.referrals)
        grid.addWidget(self.referrals_box, 2, 0)

        self.letters_box = QGroupBox(self)
        self.letters = QListWidget(self.letters_box)
        self.letters.setObjectName("lettersGiven")
        self.letters.itemActivated.connect(self.reprint_letter)  # Enter or double-click
        QVBoxLayout(self.letters_box).addWidget(self.letters)
        grid.addWidget(self.letters_box, 2, 1)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(2, 1)
        layout.addWidget(scroll, 1)

        self.new_visit.clicked.connect(self.start_visit)
        self.edit.clicked.connect(self.edit_visitor)
        self.rights.clicked.connect(self.open_rights)
        self.setTabOrder(self.new_visit, self.edit)
        self.setTabOrder(self.edit, self.rights)
        self.setTabOrder(self.rights, self.decide_button)
        self.setTabOrder(self.decide_button, self.compare_button)
        self.setTabOrder(self.compare_button, self.followups)
        self.setTabOrder(self.followups, self.history)
        self.setTabOrder(self.history, self.refer_button)
        self.setTabOrder(self.refer_button, self.letter_button)
        self.setTabOrder(self.letter_button, self.referrals)
        self.setTabOrder(self.referrals, self.letters)
        self.retranslate_ui()

    # -- View -------------------------------------------------------------------------------------
    def title(self) -> str:
        if self.visitor is not None and self.visitor.anonymised_at:
            return _("Visitor whose data was removed")
        return self.visitor.display_name if self.visitor else _("Visitor")

    def retranslate_ui(self) -> None:
        self.new_visit.setText(_("&Record a visit"))
        self.new_visit.setAccessibleName(_("Record a visit for this visitor"))
        self.edit.setText(_("&Edit details"))
        self.edit.setAccessibleName(_("Edit the visitor's details"))
        self.rights.setText(_("Visitor's &rights…"))
        self.rights.setAccessibleName(
            _("The visitor's rights: export everything about them, or erase their data")
        )
        self.profile_box.setTitle(_("Details"))
        self.refer_button.setText(_("Re&fer (selected visit)"))
        self.refer_button.setAccessibleName(_("Refer to a partner for the selected visit"))
        self.letter_button.setText(_("Print a &letter (selected visit)"))
        self.letter_button.setAccessibleName(_("Print a letter for the selected visit"))
        self.followups_box.setTitle(_("Follow-ups due"))
        self.history_box.setTitle(_("Visits (newest first)"))
        self.referrals_box.setTitle(_("Open referrals"))
        self.letters_box.setTitle(_("Letters given"))
        self.history.setAccessibleName(_("Visit history"))
        self.followups.setAccessibleName(_("Follow-ups due"))
        self.referrals.setAccessibleName(_("Open referrals"))
        self.letters.setAccessibleName(_("Letters given"))
        self.letters.setToolTip(_("Double-click or press Enter on a letter to reprint it."))
        self.decide_button.setText(_("&Decide"))
        self.decide_button.setAccessibleName(_("Decide what two PCs changed differently"))
        self.compare_button.setText(_("&Compare files"))
        self.compare_button.setAccessibleName(_("Compare the files that may be this visitor"))
        names = {
            "date_of_birth": _("Date of birth"),
            "v_number": _("V-number"),
            "bsn": _("BSN"),
            "phone": _("Phone"),
            "email": _("E-mail"),
            "address": _("Address"),
            "language": _("Language"),
            "interpreter": _("Interpreter"),
        }
        for key, text in names.items():
            self.profile_labels[key].setText(text)
        if self.visitor is not None:
            self._show()

    def open(self, visitor_id: str | None = None, **_kwargs) -> None:
        if visitor_id:
            try:
                self.visitor = intake.get_visitor(self.ctx, visitor_id)
            except LoketError as err:
                self.visitor = None
                self.message.setText(str(err))
                for widget in (self.badge, self.decide_button, self.compare_button):
                    widget.setVisible(False)
                return
        elif self.visitor is not None:
            self.visitor = intake.get_visitor(self.ctx, self.visitor.id, log_view=False)
        self._show()
        self.new_visit.setFocus()

    # -- showing ----------------------------------------------------------------------------------
    def _show(self) -> None:
        v = self.visitor
        self.message.clear()
        removed = bool(v.anonymised_at)
        name = _("Visitor whose data was removed") if removed else v.display_name
        shown = isolate(name)
        if not removed and v.latin_name and v.latin_name != v.display_name:
            # both spellings: the visitor's own script and the Latin name on the IND document
            shown = f"{shown} · {isolate(v.latin_name)}"
            name = f"{name} · {v.latin_name}"
        self.heading.setText(shown)
        self.heading.setAccessibleName(name)
        if removed:
            self.message.setText(
                _(
                    "This visitor's data was removed on {date} (retention rules or a request "
                    "to erase it). Only what the statistics count is kept."
                ).format(date=format_date(v.anonymised_at[:10]))
            )
        # Nothing is added to a removed record; the rights are for supervisors only.
        self.new_visit.setEnabled(not removed)
        self.edit.setEnabled(not removed)
        may_rights = self.ctx.can(Permission.VISITOR_ACCESS_EXPORT) or self.ctx.can(
            Permission.VISITOR_ERASE
        )
        self.rights.setVisible(may_rights)
        self.rights.setEnabled(not removed)
        address = join((isolate(v.address), isolate(v.postal_code), shown_name(v.city)))
        interpreter = (
            _("yes, {language}").format(language=counter.language_name(v.interpreter_language))
            if v.interpreter_needed and v.interpreter_language
            else _("yes")
            if v.interpreter_needed
            else _("no")
        )
        values = {
            "date_of_birth": format_date(v.date_of_birth),
            "v_number": v.v_number or "",
            "bsn": v.bsn or "",
            # left-to-right isolates: in Arabic "+31…" would otherwise read "…31+"
            "phone": f"\u2066{v.phone}\u2069" if v.phone else "",
            "email": f"\u2066{v.email}\u2069" if v.email else "",
            "address": address,
            "language": counter.language_name(v.preferred_language),
            "interpreter": interpreter,
        }
        for key, text in values.items():
            self.profile_values[key].setText(text or "—")
            self.profile_values[key].setAccessibleName(
                f"{self.profile_labels[key].text()}: {text or '—'}"
            )
        self.model.set_visitor(v.id)
        if self.model.rowCount():
            select_row(self.history, 0)
        from ui.main_window import VIEWS

        has_visit = self.model.rowCount() > 0
        self.refer_button.setVisible("referrals" in VIEWS)
        self.letter_button.setVisible("letter" in VIEWS)
        self.refer_button.setEnabled(has_visit and not removed)
        self.letter_button.setEnabled(has_visit and not removed)
        self._fill_side_lists()
        self._show_badges()

    def _show_badges(self) -> None:
        """Open conflicts and merge tasks of this file, in words."""
        from loket.counter import merge
        from loket.sync import decide

        v = self.visitor
        try:
            self._conflicts = len(decide.conflicts_of_visitor(self.ctx, v.id))
            self._tasks = len(merge.tasks_of(self.ctx, v.id))
        except LoketError:
            self._conflicts = self._tasks = 0
        parts = []
        if self._conflicts:
            parts.append(
                ngettext(
                    "Two PCs changed {n} detail of this file differently.",
                    "Two PCs changed {n} details of this file differently.",
                    self._conflicts,
                ).format(n=self._conflicts)
            )
        if self._tasks:
            parts.append(_("Another file may be the same visitor."))
        self.badge.setText(" ".join(parts))
        self.badge.setVisible(bool(parts))
        self.decide_button.setVisible(self._conflicts > 0)
        self.compare_button.setVisible(self._tasks > 0 and self.ctx.can(Permission.VISITOR_MERGE))

    def open_conflicts(self) -> None:
        window = self.main_window()
        if window is not None and self.visitor is not None:
            window.show_view("conflict", visitor_id=self.visitor.id)

    def open_merge(self) -> None:
        window = self.main_window()
        if window is not None and self.visitor is not None:
            window.show_view("merge", visitor_id=self.visitor.id)

    def _fill_side_lists(self) -> None:
        v = self.visitor
        self.referrals.clear()
        self.letters.clear()
        self.followups.clear()
        plan = []
        try:
            from loket.referrals import lifecycle as referrals

            plan = referrals.visitor_plan(self.ctx, v.id)
        except (ImportError, LoketError):
            plan = []
        for ref in plan:
            self.referrals.addItem(
                _("{organisation}: {service} — {status}").format(
                    organisation=shown_name(ref.organization_name),
                    service=shown_name(ref.service_name),
                    status=referrals.status_label(ref.status),
                )
            )
        if not plan:
            self.referrals.addItem(_("No open referrals."))
        from loket.letters.labels import letter_label  # light: not the renderer

        letters = counter.letters_given(self.ctx, v.id)
        for letter in letters:
            label = letter_label(letter)
            if not letter.get("pdf_kept", True):
                label = _("{letter} (removed under the retention rules)").format(letter=label)
            item = QListWidgetItem(label, self.letters)
            item.setData(Qt.ItemDataRole.UserRole, letter["id"])
            item.setData(Qt.ItemDataRole.UserRole + 1, bool(letter.get("pdf_kept", True)))
        if not letters:
            self.letters.addItem(_("No letters given yet."))
        due = [
            (f["follow_up_date"], _("Visit of {date}").format(date=format_date(f["visit_date"])))
            for f in counter.visit_follow_ups(self.ctx, v.id)
        ]
        due += [
            (
                r.follow_up_date,
                _("Referral to {organisation}").format(
                    organisation=shown_name(r.organization_name)
                ),
            )
            for r in plan
            if r.follow_up_date
        ]
        for when, what in sorted(due):
            self.followups.addItem(f"{format_date(when)} — {what}")
        if not due:
            self.followups.addItem(_("No follow-ups planned."))

    # -- actions ----------------------------------------------------------------------------------
    def start_visit(self) -> None:
        window = self.main_window()
        if window is not None and self.visitor is not None:
            window.show_view("visit", visitor_id=self.visitor.id)

    def edit_visitor(self) -> None:
        window = self.main_window()
        if window is not None and self.visitor is not None:
            window.show_view("register", visitor_id=self.visitor.id)

    def reprint_letter(self, item: QListWidgetItem) -> None:
        """Open the letter panel on a letter given: its stored PDF, to print or save again."""
        letter_id = item.data(Qt.ItemDataRole.UserRole)
        if letter_id and item.data(Qt.ItemDataRole.UserRole + 1) is False:
            self.message.setText(
                _(
                    "This letter was removed under the retention rules: it can no longer be "
                    "reprinted. Make a new letter for a visit if the visitor needs one."
                )
            )
            return
        window = self.main_window()
        if window is not None and letter_id:
            window.show_view("letter", letter_id=letter_id)

    def open_rights(self) -> None:
        """The visitor's rights dialog (access export, erasure); after an erasure the file
        is read again and shows the removed state."""
        if self.visitor is None:
            return
        from ui.views.visitor_rights_dialog import VisitorRightsDialog

        dialog = VisitorRightsDialog(self.ctx, self.visitor.id, self)
        try:
            dialog.exec()
            erased = dialog.erased
        finally:
            dialog.deleteLater()
        if erased:
            self.visitor = intake.get_visitor(self.ctx, self.visitor.id, log_view=False)
            self._show()
            window = self.main_window()
            if window is not None:
                window.refresh_title()
            self.history.setFocus()  # the rights button is disabled now

    def _visit_step(self, view_name: str) -> None:
        window = self.main_window()
        rows = self.history.selectionModel().selectedRows()
        if window is None or not rows:
            self.message.setText(_("Select a visit first."))
            return
        from ui.main_window import VIEWS

        if view_name in VIEWS:
            window.show_view(view_name, visit_id=self.model.item(rows[0].row())["id"])

    def open_visit(self, row: int) -> None:
        window = self.main_window()
        if window is not None and 0 <= row < self.model.rowCount():
            window.show_view(
                "visit", visitor_id=self.visitor.id, visit_id=self.model.item(row)["id"]
            )
