"""Referring a visit: suggestions with their reasons → pick partners (a warm handover asks
each partner's consent right then) → sent → accepted → completed.

Only the steps the core allows for the selected referral are offered (the others are hidden
and disabled); the core still checks every step.  Reasons, the escalation note and consent
are asked in small modal dialogs (`ask_reason`, `ask_escalation_note`, `ConsentDialog.ask`),
which tests replace.  A refusal of consent makes the referral cold (the visitor goes alone);
the list and the history say what was agreed.  A message appears under the row of buttons
that caused it, and the handover note always belongs to the selected referral.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHeaderView,
    QInputDialog,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from loket.context import Context
from loket.directory import routing
from loket.errors import LoketError
from loket.i18n import _
from loket.i18n.dates import format_moment
from loket.referrals import lifecycle as referrals
from loket.referrals.lifecycle import Consent, Referral
from ui.flow_layout import FlowLayout
from ui.models.counter_models import format_date
from ui.models.referral_models import SuggestionsModel, VisitReferralsModel
from ui.views.base import (
    WrappingDelegate,
    localise_date_edit,
    plain_label,
    select_row,
    wrap_lines,
)
from ui.views.consent_dialog import ConsentDialog

# status reached -> button label (the verb staff click)
# The partner column of the referrals is never narrower than this many characters.
PARTNER_CHARS = 28
# ... and no other column wider than this (or its header).
OTHER_CHARS = 20
ACTIONS = ("sent", "accepted", "declined", "completed", "no_show", "cancelled")


def action_label(status: str) -> str:
    return {
        "sent": _("Mark as sent"),
        "accepted": _("Partner accepted"),
        "declined": _("Partner declined…"),
        "completed": _("Completed"),
        "no_show": _("Did not show up"),
        "cancelled": _("Cancel referral…"),
    }[status]


class ReferralPanel(QWidget):
    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id: str | None = None
        self.setObjectName("referralPanel")
        layout = QVBoxLayout(self)

        # Whose referrals these are, so that nobody refers the wrong person.
        self.heading = plain_label(self)
        self.heading.setObjectName("referralVisitor")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)

        self.suggestions_label = plain_label(self)
        layout.addWidget(self.suggestions_label)
        self.suggestions = SuggestionsModel(self)
        self.suggestions_view = QTableView(self)
        self.suggestions_view.setObjectName("suggestions")
        self.suggestions_view.setModel(self.suggestions)
        self.suggestions_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # The partner (service over organisation) and the place are shown whole, up to a
        # share of the width (`_fit_columns`); the reasons take the rest and wrap.
        header = self.suggestions_view.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Row heights follow the wrapped reasons whenever the columns change width (at most
        # ten rows, so this is cheap).
        header.sectionResized.connect(lambda *_a: self.suggestions_view.resizeRowsToContents())
        self.suggestions_view.setWordWrap(True)
        self.suggestions_view.setItemDelegate(WrappingDelegate(self.suggestions_view))
        self.suggestions_label.setBuddy(self.suggestions_view)
        layout.addWidget(self.suggestions_view, 2)

        # Rows of controls wrap onto a second line rather than widen the screen (200 % text).
        pick_row = FlowLayout()
        self.warm_check = QCheckBox(self)
        self.warm_check.setObjectName("warmHandover")
        pick_row.addWidget(self.warm_check)
        self.refer_button = QPushButton(self)
        self.refer_button.setObjectName("referButton")
        self.refer_button.clicked.connect(self.refer_checked)
        pick_row.addWidget(self.refer_button)
        layout.addLayout(pick_row)
        self.refer_error = self._error_label("referError")
        layout.addWidget(self.refer_error)

        self.referrals_label = plain_label(self)
        layout.addWidget(self.referrals_label)
        self.referrals = VisitReferralsModel(self)
        self.referrals_view = QTableView(self)
        self.referrals_view.setObjectName("visitReferrals")
        self.referrals_view.setModel(self.referrals)
        self.referrals_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.referrals_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Every column as wide as its header and contents; the partner takes what is left, at
        # least a readable width (its whole name in the tooltip); beyond that the table scrolls
        # sideways, not the page (`_fit_referral_columns`).
        header = self.referrals_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.referrals_view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.referrals_view.setWordWrap(False)
        self.referrals_view.selectionModel().selectionChanged.connect(self._update_actions)
        self.referrals_label.setBuddy(self.referrals_view)
        layout.addWidget(self.referrals_view, 1)

        actions = FlowLayout()
        self.consent_button = QPushButton(self)
        self.consent_button.setObjectName("consentButton")
        self.consent_button.clicked.connect(self.record_consent)
        actions.addWidget(self.consent_button)
        self.action_buttons: dict[str, QPushButton] = {}
        for status in ACTIONS:
            button = QPushButton(self)
            button.setObjectName(f"action_{status}")
            button.clicked.connect(lambda _checked=False, s=status: self.move_to(s))
            actions.addWidget(button)
            self.action_buttons[status] = button
        self.note_button = QPushButton(self)
        self.note_button.setObjectName("handoverNoteButton")
        self.note_button.clicked.connect(self._note_clicked)
        actions.addWidget(self.note_button)
        layout.addLayout(actions)
        self.error = self._error_label("referralError")
        layout.addWidget(self.error)

        follow = FlowLayout()
        self.follow_label = plain_label(self)
        self.follow_date = QDateEdit(self)
        self.follow_date.setObjectName("followUpDate")
        self.follow_date.setCalendarPopup(True)
        localise_date_edit(self.follow_date)
        # No referral chosen (or a closed one): the field says so instead of showing the
        # minimum date 01-01-2000 as if it were a follow-up date.
        self.follow_date.setMinimumDate(QDate(2000, 1, 1))
        self.follow_label.setBuddy(self.follow_date)
        self.follow_button = QPushButton(self)
        self.follow_button.setObjectName("followUpButton")
        self.follow_button.clicked.connect(self.set_follow_up)
        for widget in (self.follow_label, self.follow_date, self.follow_button):
            follow.addWidget(widget)
        layout.addLayout(follow)
        self.follow_error = self._error_label("followUpError")
        layout.addWidget(self.follow_error)

        self.history = QListWidget(self)
        self.history.setObjectName("referralHistory")
        wrap_lines(self.history)
        layout.addWidget(self.history, 1)
        self.note_text = QPlainTextEdit(self)
        self.note_text.setObjectName("handoverNote")
        self.note_text.setReadOnly(True)
        self.note_text.hide()
        self._note_for: str | None = None  # the referral whose note is shown
        layout.addWidget(self.note_text)
        self.retranslate_ui()
        self._update_actions()

    def _error_label(self, name: str):
        label = plain_label(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setStyleSheet("font-weight: bold;")
        label.hide()
        return label

    # -- text -----------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.suggestions_label.setText(_("&Suggested partners, best first"))
        self.suggestions_view.setAccessibleName(_("Suggested partners"))
        self.warm_check.setText(_("&Warm handover: the desk contacts the partner"))
        self.warm_check.setAccessibleName(_("Warm handover"))
        self.refer_button.setText(_("&Refer to the chosen partners"))
        self.refer_button.setAccessibleName(_("Refer to the chosen partners"))
        self.referrals_label.setText(_("R&eferrals of this visit"))
        self.referrals_view.setAccessibleName(_("Referrals of this visit"))
        self.consent_button.setText(_("Consent…"))
        self.consent_button.setAccessibleName(_("Record consent"))
        for status, button in self.action_buttons.items():
            button.setText(action_label(status))
            button.setAccessibleName(action_label(status).rstrip("…"))
        self.note_button.setText(_("Handover note"))
        self.note_button.setAccessibleName(_("Show the handover note"))
        self.follow_label.setText(_("&Follow up on"))
        self.follow_date.setAccessibleName(_("Follow-up date"))
        self.follow_button.setText(_("Set follow-up date"))
        self.follow_button.setAccessibleName(_("Set follow-up date"))
        self.follow_date.setSpecialValueText(_("no date"))
        self.history.setAccessibleName(_("History of the selected referral"))
        self.heading.setAccessibleName(_("Visitor"))
        self._update_heading()
        self.note_text.setAccessibleName(_("Handover note"))
        for label in (self.refer_error, self.error, self.follow_error):
            label.setAccessibleName(_("Message"))
        localise_date_edit(self.follow_date)

    # -- data -----------------------------------------------------------------------------------
    def set_visit(self, visit_id: str) -> None:
        self.visit_id = visit_id
        self._heading = referrals.visit_heading(self.ctx, visit_id)
        self._update_heading()
        self.suggestions.set_items(routing.suggest(self.ctx, visit_id, limit=10))
        self._fit_columns()
        self.refresh_referrals()

    def _fit_columns(self) -> None:
        view = self.suggestions_view
        width = view.viewport().width()
        char = view.fontMetrics().averageCharWidth()
        for column, share, least in ((0, 0.4, 0), (1, 0.2, 14 * char)):
            wanted = max(
                view.sizeHintForColumn(column), view.horizontalHeader().sectionSizeHint(column)
            )
            # a place name whole ("'s-Hertogenbosch"), even where a share of the width is less
            view.setColumnWidth(column, min(wanted, max(int(width * share), least)))
        view.resizeRowsToContents()
        self._fit_referral_columns()

    def _fit_referral_columns(self) -> None:
        view = self.referrals_view
        header = view.horizontalHeader()
        char = view.fontMetrics().averageCharWidth()
        columns = range(1, self.referrals.columnCount())
        wanted = {c: max(view.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in columns}
        least = PARTNER_CHARS * char
        whole = max(view.sizeHintForColumn(0), header.sectionSizeHint(0))
        room = view.viewport().width()
        if whole + sum(wanted.values()) > room:  # the partner whole comes first
            # what was agreed can be a long line: it is in the tooltip and the history; it
            # gets what the partner's whole name leaves over
            full = dict(wanted)
            for c in columns:
                wanted[c] = min(wanted[c], max(header.sectionSizeHint(c), OTHER_CHARS * char))
            spare = room - min(whole, max(least, room // 2)) - sum(wanted.values())
            for c in columns:
                grow = max(0, min(full[c] - wanted[c], spare))
                wanted[c] += grow
                spare -= grow
        for c, width in wanted.items():
            header.resizeSection(c, width)
        header.resizeSection(0, max(min(whole, least), room - sum(wanted.values())))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange):
            self._fit_columns()

    def _update_heading(self) -> None:
        heading = getattr(self, "_heading", None)
        if heading is None:
            self.heading.setText("")
        elif heading.visitor_name:
            self.heading.setText(
                _("Referrals for {name}, visit of {date}").format(
                    # isolated, so that an Arabic name does not reorder the sentence around it
                    name=f"\u2068{heading.visitor_name}\u2069",
                    date=format_date(heading.visit_date),
                )
            )
        else:
            self.heading.setText(
                _("Referrals for the visit of {date}").format(date=format_date(heading.visit_date))
            )

    def refresh_referrals(self, select_id: str | None = None) -> None:
        current = select_id or (self.selected().id if self.selected() else None)
        self.referrals.set_items(referrals.for_visit(self.ctx, self.visit_id))
        self._fit_referral_columns()
        rows = [r.id for r in self.referrals.items()]
        if current in rows:
            select_row(self.referrals_view, rows.index(current))
        self._update_actions()

    def selected(self) -> Referral | None:
        rows = self.referrals_view.selectionModel().selectedRows()
        return self.referrals.item(rows[0].row()) if rows else None

    def select_referral(self, referral_id: str) -> None:
        rows = [r.id for r in self.referrals.items()]
        select_row(self.referrals_view, rows.index(referral_id))

    def offered_actions(self) -> list[str]:
        return [s for s, b in self.action_buttons.items() if not b.isHidden() and b.isEnabled()]

    def _update_actions(self, *_args) -> None:
        ref = self.selected()
        legal = referrals.legal_next(ref.status) if ref else ()
        for status, button in self.action_buttons.items():
            button.setVisible(status in legal)
            button.setEnabled(status in legal)
        warm_proposed = ref is not None and ref.handover == "warm" and ref.status == "proposed"
        self.consent_button.setVisible(warm_proposed)
        self.consent_button.setEnabled(warm_proposed)
        self.note_button.setVisible(ref is not None and ref.handover == "warm")
        is_open = ref is not None and ref.is_open
        for widget in (self.follow_label, self.follow_date, self.follow_button):
            widget.setEnabled(is_open)
        if is_open and ref.follow_up_date:
            self.follow_date.setDate(QDate.fromString(ref.follow_up_date, "yyyy-MM-dd"))
        elif is_open:
            self.follow_date.setDate(QDate.currentDate().addDays(referrals.DEFAULT_FOLLOW_UP_DAYS))
        else:
            self.follow_date.setDate(self.follow_date.minimumDate())  # shows "no date"
        self.history.clear()
        if ref is not None:
            lines = []
            for event in referrals.events(self.ctx, ref.id):
                line = f"{format_moment(event.at)}  {referrals.status_label(event.to_status)}"
                if event.staff_name:
                    line += f" · {event.staff_name}"
                if event.note:
                    line += f" · {event.note}"
                lines.append((event.at, line))
            if ref.consent_at:
                line = f"{format_moment(ref.consent_at)}  {referrals.consent_summary(ref.consent)}"
                if ref.consent.refused:
                    line += " · " + _("the visitor goes alone (cold referral)")
                if ref.consent_by:
                    line += f" · {ref.consent_by}"
                lines.append((ref.consent_at, line))
            for _at, line in sorted(lines, key=lambda pair: pair[0]):
                self.history.addItem(line)
        self._follow_note(ref)

    def _follow_note(self, ref: Referral | None) -> None:
        """The note on screen is the selected referral's, or none (it showed the previous
        referral's while another row was selected)."""
        if ref is not None and ref.id == self._note_for:
            return
        has_note = ref is not None and ref.handover == "warm" and ref.consent_at is not None
        if not self.note_text.isHidden() and has_note:
            self.show_handover_note()
            return
        self._note_for = None
        self.note_text.clear()
        self.note_text.hide()

    def _show_error(self, err: Exception | None, where=None) -> None:
        """The message under the row of buttons that caused it (`where`: its label)."""
        where = where if where is not None else self.error
        for label in (self.refer_error, self.error, self.follow_error):
            label.setVisible(label is where and err is not None)
        text = err.message if isinstance(err, LoketError) else (str(err) if err else "")
        where.setText(text)
        if err is not None:
            self._scroll_to(where)

    def _scroll_to(self, widget) -> None:
        """In a scrolling view: scrolled into sight, not left below the fold."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is None:
            return
        self.layout().activate()
        parent.widget().layout().activate()
        parent.ensureWidgetVisible(widget)
        # Once the layout has settled (a label just shown grows the page): again.
        QTimer.singleShot(0, self, lambda: parent.ensureWidgetVisible(widget))

    # -- modal questions (replaced in tests) ----------------------------------------------------
    def ask_reason(self, title: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, _("Reason:"))
        return text if ok else None

    def ask_escalation_note(self) -> str | None:
        text, ok = QInputDialog.getMultiLineText(
            self,
            _("National escalation"),
            _("Which local and regional escalation was tried first?"),
        )
        return text if ok else None

    # -- actions --------------------------------------------------------------------------------
    def ask_consent(self, partner: str) -> Consent | None:
        """What the visitor agrees this partner may know; None: do not refer there now."""
        return ConsentDialog.ask(self, partner, None)

    def refer_checked(self) -> list[Referral]:
        made, error = [], None
        handover = "warm" if self.warm_check.isChecked() else "cold"
        for suggestion in self.suggestions.checked():
            note = None
            if suggestion.is_escalation:
                note = self.ask_escalation_note()
                if note is None:
                    continue
            consent = None
            if handover == "warm":  # asked as part of making the referral, per partner
                consent = self.ask_consent(
                    f"{suggestion.organization_name}: {suggestion.service_name}"
                )
                if consent is None:
                    continue
            try:
                made.append(
                    referrals.propose(
                        self.ctx,
                        self.visit_id,
                        suggestion.service_id,
                        handover=handover,
                        location_id=suggestion.location_id,
                        escalation_note=note,
                        consent=consent,
                    )
                )
            except LoketError as err:
                error = err
        # What was not referred (the dialog cancelled, or refused) stays ticked.
        self.suggestions.clear_checks(
            {s.service_id for s in self.suggestions.checked()} - {r.service_id for r in made}
        )
        self.refresh_referrals(made[0].id if made else None)
        self._show_error(error, self.refer_error)
        return made

    def record_consent(self) -> None:
        ref = self.selected()
        if ref is None:
            return
        consent = ConsentDialog.ask(
            self,
            f"{ref.organization_name}: {ref.service_name}",
            referrals.get_consent(self.ctx, ref.id),
        )
        if consent is None:
            return
        try:
            referrals.record_consent(self.ctx, ref.id, consent)
            self._show_error(None)
        except LoketError as err:
            self._show_error(err)
        self.refresh_referrals(ref.id)

    def move_to(self, status: str) -> None:
        ref = self.selected()
        if ref is None or status not in referrals.legal_next(ref.status):
            return
        reason = None
        if status in referrals.NEEDS_REASON:
            reason = self.ask_reason(action_label(status).rstrip("…"))
            if reason is None:
                return
        try:
            referrals.transition(self.ctx, ref.id, status, reason=reason)
            self._show_error(None)
        except LoketError as err:
            self._show_error(err)
        self.refresh_referrals(ref.id)

    def set_follow_up(self) -> None:
        ref = self.selected()
        if ref is None:
            return
        day = self.follow_date.date().toString("yyyy-MM-dd")
        try:
            referrals.set_follow_up(self.ctx, ref.id, day)
            self._show_error(None, self.follow_error)
        except LoketError as err:
            self._show_error(err, self.follow_error)
        self.refresh_referrals(ref.id)

    def _note_clicked(self) -> None:
        self.show_handover_note()
        if not self.note_text.isHidden():
            self._scroll_to(self.note_text)

    def show_handover_note(self) -> None:
        ref = self.selected()
        if ref is None:
            return
        try:
            self.note_text.setPlainText(referrals.handover_note(self.ctx, ref.id))
            self._note_for = ref.id
            self.note_text.show()
            self._show_error(None)
        except LoketError as err:
            self._note_for = None
            self.note_text.hide()
            self._show_error(err)
