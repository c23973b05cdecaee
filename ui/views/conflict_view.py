"""Conflicts decided side by side: each field two PCs changed differently, in one box.

A box shows the value before, this PC's value and the other PC's value (who and when), and
a line to type another value.  Tab reaches each choice, Space picks it, typing picks the
typed line, Enter there or Alt+D decides; the core validates the value as an ordinary edit
(loket.sync.decide), so a bad value is refused with the edit form's own message.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from loket.counter import intake, merge
from loket.errors import LoketError
from loket.i18n import N_, _, ngettext
from loket.i18n.dates import format_moment
from loket.sync import decide
from ui.choice import Choice
from ui.models.counter_models import both_spellings, isolate, lead
from ui.views.base import View, plain_label, scrolling_body

HUB, INCOMING, TYPED = 0, 1, 2
FIELD_LABELS = {
    **dict(merge.FIELDS),
    "summary": N_("Summary"),
    "outcome": N_("Outcome"),
    "topic_code": N_("Reason for the visit"),
    "language": N_("Language"),
    "brought_by_org": N_("Brought by (organisation)"),
    "brought_by_contact": N_("Brought by (contact person)"),
    "referent_involved": N_("Sponsor involved"),
    "follow_up_date": N_("Follow-up date"),
    "status": N_("Status"),
    "reason": N_("Reason"),
    "note": N_("Note"),
    "handover": N_("Handover"),
    "escalation_note": N_("Escalation note"),
}


def field_label(field: str) -> str:
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field


def value_text(value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    if not any(ch.isalpha() for ch in text):
        # a phone number or a date: a left-to-right embedding, or "+31…" reads "…31+" in
        # Arabic (the text engine does not keep isolates apart from the sentence around)
        return f"\u202a{text}\u202c"
    return isolate(text)


def when_text(at: str | None) -> str:
    if not at:
        return ""
    return format_moment(at)


class ConflictBox(QGroupBox):
    """One disputed field; `decided` is set once the core saved the decision."""

    def __init__(self, view: ConflictView, conflict: decide.Conflict) -> None:
        super().__init__(view.sheet)
        self.view = view
        self.conflict = conflict
        self.decided: Any = None
        self.setObjectName(f"conflict_{conflict.id}")
        layout = QVBoxLayout(self)
        self.whose = plain_label(self)
        self.name = view.visitor_name(conflict.visitor_id)
        self.whose.setObjectName("conflictVisitor")
        self.whose.setProperty("i18n_data", True)  # a name, as typed
        self.whose.setVisible(bool(self.name))
        layout.addWidget(self.whose)
        self.before = plain_label(self)
        self.before.setObjectName("conflictBefore")
        self.before.setProperty("i18n_data", True)
        self.before.setWordWrap(True)
        layout.addWidget(self.before)
        self.group = Choice(self)
        self.hub = QRadioButton(self)
        self.hub.setObjectName("conflictHub")
        self.incoming = QRadioButton(self)
        self.incoming.setObjectName("conflictIncoming")
        self.other = QRadioButton(self)
        self.other.setObjectName("conflictTyped")
        for button, side in ((self.hub, HUB), (self.incoming, INCOMING), (self.other, TYPED)):
            button.setProperty("i18n_data", True)
            self.group.addButton(button, side)
        layout.addWidget(self.hub)
        layout.addWidget(self.incoming)
        typed = QHBoxLayout()
        typed.addWidget(self.other)
        self.typed = QLineEdit(self)
        self.typed.setObjectName("conflictTypedValue")
        typed.addWidget(self.typed, 1)
        layout.addLayout(typed)
        bottom = QHBoxLayout()
        self.decide_button = QPushButton(self)
        self.decide_button.setObjectName("conflictDecide")
        bottom.addWidget(self.decide_button)
        self.result = plain_label(self)
        self.result.setObjectName("conflictResult")
        self.result.setWordWrap(True)
        bottom.addWidget(self.result, 1)
        layout.addLayout(bottom)
        self.typed.textEdited.connect(lambda _text: self.other.setChecked(True))
        self.typed.returnPressed.connect(self.decide)
        self.decide_button.clicked.connect(self.decide)
        self.setTabOrder(self.hub, self.incoming)
        self.setTabOrder(self.incoming, self.other)
        self.setTabOrder(self.other, self.typed)
        self.setTabOrder(self.typed, self.decide_button)
        self.retranslate_ui()

    def _choice_text(
        self, value: Any, workstation: str | None, staff: str | None, at: str | None
    ) -> str:
        """ "This PC: value", and under it who wrote it when (a line of its own, so that the
        name and time never mix their direction with the value's)."""
        mine = workstation is not None and workstation == self.view.ctx.workstation
        where = _("This PC") if mine else _("Other PC")
        details = ", ".join(p for p in (staff, when_text(at)) if p)
        first = f"{where}: {value_text(value)}"
        return f"{first}\n{lead(details)}" if details else first

    def retranslate_ui(self) -> None:
        c = self.conflict
        self.whose.setText(lead(self.name))
        self.setTitle(f"{c.table_label} · {field_label(c.field)}")
        self.before.setText(_("Before: {value}").format(value=value_text(c.base)))
        self.hub.setText(self._choice_text(c.hub, c.hub_workstation, c.hub_staff, c.hub_at))
        self.incoming.setText(
            self._choice_text(c.incoming, c.incoming_workstation, c.incoming_staff, c.incoming_at)
        )
        self.other.setText(_("Another value:"))
        self.typed.setAccessibleName(
            _("Another value for {field}").format(field=field_label(c.field))
        )
        for button in (self.hub, self.incoming, self.other):
            spoken = button.text().replace("\n", ", ")
            button.setAccessibleName(f"{field_label(c.field)}: {spoken}")
        self.decide_button.setText(_("&Decide"))
        self.decide_button.setAccessibleName(
            _("Decide {field} with the chosen value").format(field=field_label(c.field))
        )
        if self.decided is not None:
            self._show_decided()

    def decide(self) -> None:
        side = self.group.checkedId()
        if side < 0:
            self.result.setText(_("Choose one of the values, or type another."))
            return
        value = {HUB: self.conflict.hub, INCOMING: self.conflict.incoming}.get(
            side, self.typed.text()
        )
        try:
            saved = decide.resolve_conflict(self.view.ctx, self.conflict.id, value)
        except LoketError as err:
            self.result.setText(str(err))
            if side == TYPED:
                self.typed.setFocus()
            return
        self.decided = saved
        self._show_decided()
        self.view.decided(self)

    def _show_decided(self) -> None:
        self.result.setText(_("Decided: {value}").format(value=value_text(self.decided)))
        for widget in (self.hub, self.incoming, self.other, self.typed, self.decide_button):
            widget.setEnabled(False)


class ConflictView(View):
    name = "conflict"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("conflictView")
        self.visitor_id: str | None = None
        self.boxes: list[ConflictBox] = []
        layout = QVBoxLayout(self)
        self.scroll, body = scrolling_body(self, "conflictList")
        self.explain = plain_label(self)
        self.explain.setObjectName("conflictExplain")
        self.explain.setWordWrap(True)
        body.addWidget(self.explain)
        self.sheet = QWidget(self.scroll)
        self.sheet.setObjectName("conflictSheet")
        self.sheet_layout = QVBoxLayout(self.sheet)
        body.addWidget(self.sheet)
        body.addStretch(1)
        layout.addWidget(self.scroll, 1)
        self.message = plain_label(self)
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Decide what two PCs changed differently")

    def retranslate_ui(self) -> None:
        if self.boxes:
            self.explain.setText(
                _(
                    "Two PCs changed the same thing differently. The other PCs keep the hub's"
                    " value until you decide. Pick the right value, or type another."
                )
            )
        else:
            self.explain.setText(_("Nothing to decide here."))
        for box in self.boxes:
            box.retranslate_ui()

    def open(
        self, conflict_id: str | None = None, visitor_id: str | None = None, **_kwargs
    ) -> None:
        self.message.clear()
        try:
            if conflict_id is not None:
                found = [decide.get_conflict(self.ctx, conflict_id)]
                visitor_id = found[0].visitor_id
                if visitor_id:
                    found += [
                        c
                        for c in decide.conflicts_of_visitor(self.ctx, visitor_id)
                        if c.id != conflict_id
                    ]
            elif visitor_id:
                found = decide.conflicts_of_visitor(self.ctx, visitor_id)
            else:
                found = decide.open_conflicts(self.ctx)
        except LoketError as err:
            found = []
            self.message.setText(str(err))
        self.visitor_id = visitor_id
        for box in self.boxes:
            box.setParent(None)
            box.deleteLater()
        self.boxes = [ConflictBox(self, c) for c in found if c.resolved_at is None]
        for box in self.boxes:
            self.sheet_layout.addWidget(box)
        for before, after in pairwise(self.boxes):
            self.setTabOrder(before.decide_button, after.hub)
        self.retranslate_ui()
        if self.boxes:
            self.boxes[0].hub.setFocus()

    def visitor_name(self, visitor_id: str | None) -> str:
        """Whose file the disputed row belongs to (the queue mixes visitors)."""
        if not visitor_id:
            return ""
        try:
            person = intake.get_visitor(self.ctx, visitor_id, log_view=False)
        except LoketError:
            return ""
        return both_spellings(person.display_name, person.latin_name)

    def decided(self, box: ConflictBox) -> None:
        """After a decision: on to the next open one."""
        rest = [b for b in self.boxes if b.decided is None]
        if rest:
            rest[0].hub.setFocus()
            self.message.setText(
                ngettext(
                    "Saved. {n} still to decide.", "Saved. {n} still to decide.", len(rest)
                ).format(n=len(rest))
            )
        else:
            self.message.setText(_("Saved. Everything here is decided."))
