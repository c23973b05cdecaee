"""Possibly the same visitor: the two files side by side, one choice per differing field.

Keyboard first: Tab goes from value to value (left, right, next line), Space picks one,
Alt+M merges, Alt+N says "two people".
Nothing is merged without a confirmation; the core checks the permission and validates the
result as an ordinary edit (loket.counter.merge).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from loket.counter import intake, merge
from loket.counter import lookups as counter
from loket.errors import ConflictError, LoketError
from loket.i18n import _, ngettext
from loket.model import Visitor
from loket.privacy.permissions import Permission
from ui import theme
from ui.choice import Choice
from ui.models.counter_models import format_date, isolate, lead
from ui.views.base import View, plain_label, scrolling_body

LEFT, RIGHT = 0, 1


def shown_value(visitor: Visitor, name: str) -> str:
    """A field's value as the file shows it (an empty one as a dash)."""
    value = getattr(visitor, name)
    if name == "date_of_birth":
        return format_date(value, "long") or "—"
    if name in ("preferred_language", "interpreter_language"):
        return counter.language_name(value) if value else "—"
    if name == "interpreter_needed":
        return _("yes") if value else _("no")
    return isolate(str(value)) if value not in (None, "") else "—"


class MergeView(View):
    name = "merge"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("mergeView")
        self.files: tuple[Visitor, Visitor] | None = None
        self.task: merge.MergeTask | None = None
        self.groups: dict[str, Choice] = {}
        layout = QVBoxLayout(self)
        self.heading = plain_label(self)
        self.heading.setObjectName("mergeHeading")
        theme.emphasise(self.heading, 1.3)
        layout.addWidget(self.heading)
        # the explanation scrolls with the files: at 200 % text the lines need the room
        self.scroll, body = scrolling_body(self, "mergeFiles")
        self.explain = plain_label(self)
        self.explain.setObjectName("mergeExplain")
        self.explain.setWordWrap(True)
        body.addWidget(self.explain)
        self.sheet = QWidget(self.scroll)
        self.sheet.setObjectName("mergeSheet")
        self.grid = QGridLayout(self.sheet)
        body.addWidget(self.sheet)
        body.addStretch(1)
        layout.addWidget(self.scroll, 1)
        self.message = plain_label(self)
        self.message.setObjectName("mergeMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.merge_button = QPushButton(self)
        self.merge_button.setObjectName("mergeButton")
        self.dismiss_button = QPushButton(self)
        self.dismiss_button.setObjectName("notSamePerson")
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.merge_button.clicked.connect(self.do_merge)
        self.dismiss_button.clicked.connect(self.do_dismiss)
        self.retranslate_ui()

    # -- View -----------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Possibly the same visitor")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Possibly the same visitor"))
        self.merge_button.setText(_("&Merge into one file"))
        self.merge_button.setAccessibleName(_("Merge the two files into one, as chosen"))
        self.dismiss_button.setText(_("&Not the same person"))
        self.dismiss_button.setAccessibleName(
            _("These are two people: do not propose this pair again")
        )
        if self.files is not None:
            self._build()
        else:
            self._explain_nothing()

    def open(
        self,
        task_id: str | None = None,
        visitor_id: str | None = None,
        other_id: str | None = None,
        **_kwargs,
    ) -> None:
        self.message.clear()
        self.task, self.files = None, None
        try:
            if task_id is None and other_id is None:
                tasks = merge.tasks_of(self.ctx, visitor_id) if visitor_id else []
                if not tasks and not visitor_id and self.ctx.can(Permission.VISITOR_MERGE):
                    tasks = merge.open_tasks(self.ctx, limit=1)
                task_id = tasks[0].id if tasks else None
            if task_id is not None:
                self.task = merge.get_task(self.ctx, task_id)
                if self.task.status != "open":
                    raise ConflictError(_("This merge task was already decided."))
                first, second = self.task.visitor_a, self.task.visitor_b
                if visitor_id == second:  # the file it was opened from on the left
                    first, second = second, first
            elif visitor_id and other_id:
                first, second = visitor_id, other_id
            else:
                first = second = None
            if first is not None:
                self.files = merge.pair(self.ctx, first, second)
        except LoketError as err:
            self.files = None
            self.message.setText(str(err))
        self._build() if self.files is not None else self._explain_nothing()

    # -- building ---------------------------------------------------------------------------------
    def _clear(self) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        for group in self.groups.values():
            group.deleteLater()
        self.groups.clear()

    def _explain_nothing(self) -> None:
        self._clear()
        self.sheet.hide()
        self.explain.setText(_("There is no pair of files to compare here."))
        self.merge_button.setEnabled(False)
        self.dismiss_button.setEnabled(False)

    def _file_heading(self, visitor: Visitor, number: int) -> str:
        visits = len(intake.visit_history(self.ctx, visitor.id, limit=1000))
        return _("File {n}: registered {date}, {visits}").format(
            n=number,
            date=format_date(visitor.created_at, "long"),
            visits=ngettext("{n} visit", "{n} visits", visits).format(n=visits),
        )

    def _build(self) -> None:
        self._clear()
        self.sheet.show()
        a, b = self.files
        reason = self.task.reason_text if self.task else ""
        self.explain.setText(
            (_("Found by {reason}.").format(reason=reason) + " " if reason else "")
            + _(
                "Choose on each line the value to keep, and which file stays. Visits,"
                " referrals, letters and appointments of both files become one visitor's."
            )
        )
        differing = set(merge.differing_fields(a, b))
        row = 0
        for col, (visitor, number) in enumerate(((a, 1), (b, 2)), start=1):
            head = plain_label(self.sheet, self._file_heading(visitor, number))
            head.setObjectName(f"mergeFile{number}")
            head.setWordWrap(True)
            theme.emphasise(head)
            self.grid.addWidget(head, row, col)
        row += 1
        self._choice_row(
            row, "keep", _("Which file stays"), (_("File 1 stays"), _("File 2 stays")), LEFT
        )
        for name, label in merge.FIELDS:
            row += 1
            left, right = shown_value(a, name), shown_value(b, name)
            if name not in differing:
                caption = plain_label(self.sheet, lead(_(label)))
                value = plain_label(self.sheet, lead(left))
                value.setObjectName(f"same_{name}")
                value.setProperty("i18n_data", True)
                value.setWordWrap(True)
                self.grid.addWidget(caption, row, 0)
                self.grid.addWidget(value, row, 1, 1, 2)
                continue
            # the value there is, where one file has none
            default = RIGHT if getattr(a, name) in (None, "") else LEFT
            self._choice_row(row, name, _(label), (left, right), default, data=True)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.merge_button.setEnabled(True)
        self.dismiss_button.setEnabled(self.task is not None and self.task.status == "open")
        # Tab in reading order: line by line, left then right, then the buttons below
        chain = [b for group in self.groups.values() for b in group.buttons()]
        chain += [self.merge_button, self.dismiss_button]
        for before, after in pairwise(chain):
            self.setTabOrder(before, after)
        self.groups["keep"].button(LEFT).setFocus()

    def _choice_row(
        self, row: int, key: str, label: str, texts: tuple[str, str], default: int, data=False
    ) -> None:
        caption = plain_label(self.sheet, lead(label))
        caption.setObjectName(f"label_{key}")
        self.grid.addWidget(caption, row, 0)
        group = Choice(self.sheet)
        for side, text in ((LEFT, texts[0]), (RIGHT, texts[1])):
            button = QRadioButton(text, self.sheet)
            button.setObjectName(f"{key}_{'left' if side == LEFT else 'right'}")
            if data:
                button.setProperty("i18n_data", True)
            button.setAccessibleName(
                _("{field}: {value} (file {n})").format(field=label, value=text, n=side + 1)
            )
            group.addButton(button, side)
            self.grid.addWidget(button, row, side + 1)
        group.button(default).setChecked(True)
        self.groups[key] = group

    # -- deciding ---------------------------------------------------------------------------------
    def choices(self) -> tuple[str, str, set[str]]:
        """(kept id, merged-away id, the fields whose value comes from the merged-away file)."""
        a, b = self.files
        keep_side = self.groups["keep"].checkedId()
        kept, other = (a, b) if keep_side == LEFT else (b, a)
        take = {
            name
            for name, group in self.groups.items()
            if name != "keep" and group.checkedId() != keep_side
        }
        return kept.id, other.id, take

    def do_merge(self) -> None:
        if self.files is None:
            return
        answer = QMessageBox.question(
            self,
            _("Merge into one file"),
            _("Merge these two files into one? This cannot be undone in Loket."),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        kept, other, take = self.choices()
        try:
            merge.merge(
                self.ctx,
                kept,
                other,
                take_from_other=take,
                task_id=self.task.id if self.task else None,
            )
        except LoketError as err:
            self.message.setText(str(err))
            return
        window = self.main_window()
        if window is not None:
            window.show_view("visitor", visitor_id=kept)
            window.forget("merge")

    def do_dismiss(self) -> None:
        if self.task is None:
            return
        try:
            merge.dismiss(self.ctx, self.task.id)
        except LoketError as err:
            self.message.setText(str(err))
            return
        self.task = merge.get_task(self.ctx, self.task.id)
        self.message.setText(_("Noted: two people. This pair is not proposed again."))
        self.dismiss_button.setEnabled(False)
        self.merge_button.setEnabled(False)
