"""The opening-hours table of the service editor: one line of fields per row (days, opens,
closes, note) with a Remove button, and an Add button below.

Real line edits rather than a QTableWidget: every cell then has its own accessible name
("Opens, row 2"), takes the Tab key in reading order, and can show its error right under
its row, as the other fields of the form do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loket.directory.schedule import ScheduleEdit, ScheduleProblem, format_days, parse_days
from loket.i18n import _
from ui import fonts, theme
from ui.views.base import plain_label

FIELDS = ("days", "opens_at", "closes_at", "description")


class ScheduleRow:
    """The widgets of one row of opening hours."""

    def __init__(self, parent: QWidget, item: ScheduleEdit) -> None:
        self.id = item.id
        self.days = QLineEdit(format_days(item.days), parent)
        self.opens = QLineEdit(item.opens_at, parent)
        self.closes = QLineEdit(item.closes_at, parent)
        self.note = QLineEdit(item.description, parent)
        self.days.setPlaceholderText(format_days(["MO", "TU", "WE", "TH", "FR"]))
        self.opens.setPlaceholderText("09:00")
        self.closes.setPlaceholderText("17:00")
        self.remove = QPushButton(parent)
        self.remove.setAutoDefault(False)
        self.error = plain_label(parent)
        self.error.setWordWrap(True)
        theme.mark_text(self.error, "error")
        self.error.hide()

    def widgets(self) -> dict[str, QLineEdit]:
        return {
            "days": self.days,
            "opens_at": self.opens,
            "closes_at": self.closes,
            "description": self.note,
        }

    def edits(self) -> list[QWidget]:
        return [*self.widgets().values(), self.remove]

    def value(self) -> ScheduleEdit:
        return ScheduleEdit(
            days=parse_days(self.days.text()),
            opens_at=self.opens.text().strip(),
            closes_at=self.closes.text().strip(),
            description=self.note.text(),
            id=self.id,
        )

    def number(self, row: int) -> None:
        names = {
            "days": _("Days, row {row}"),
            "opens_at": _("Opens, row {row}"),
            "closes_at": _("Closes, row {row}"),
            "description": _("Note, row {row}"),
        }
        for key, widget in self.widgets().items():
            widget.setAccessibleName(names[key].format(row=row))
        self.days.setToolTip(
            _("For example {range} or {days}").format(
                range=format_days(["MO", "TU", "WE", "TH", "FR"]), days=format_days(["TU", "TH"])
            )
        )
        self.remove.setText(_("Remove"))
        self.remove.setAccessibleName(_("Remove row {row}").format(row=row))
        self.error.setAccessibleName(_("Problem in row {row}").format(row=row))

    def delete(self) -> None:
        for w in (*self.edits(), self.error):
            w.hide()
            w.deleteLater()


class ScheduleEditor(QWidget):
    """Opening hours per weekday; `schedules()` gives what the rows say (blank rows too, so
    that the core's row numbers match the rows on screen)."""

    rows_changed = Signal()  # the dialog then puts the Tab order right again

    def __init__(self, schedules: list[ScheduleEdit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleEditor")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.empty = plain_label(self)
        self.empty.setObjectName("scheduleEmpty")
        self.empty.setWordWrap(True)
        outer.addWidget(self.empty)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.headers = [plain_label(self.grid_host) for _key in FIELDS]
        for col, label in enumerate(self.headers):
            self.grid.addWidget(label, 0, col)
        for col, stretch in enumerate((3, 2, 2, 5, 0)):
            self.grid.setColumnStretch(col, stretch)
        outer.addWidget(self.grid_host)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addScheduleRow")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        outer.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeading)
        self.rows: list[ScheduleRow] = []
        for item in schedules:
            self.add_row(item)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        for label, text in zip(
            self.headers, (_("Days"), _("Opens"), _("Closes"), _("Note")), strict=True
        ):
            label.setText(text)
        self.empty.setText(_("No opening hours yet. Add a row for each set of hours."))
        self.add_button.setText(_("&Add opening hours"))
        self.add_button.setAccessibleName(_("Add opening hours"))
        self.add_button.setToolTip(_("A new row: days, opening time, closing time, note"))
        for i, row in enumerate(self.rows, start=1):
            row.number(i)

    def add_row(self, item: ScheduleEdit | None = None, *, focus: bool = False) -> ScheduleRow:
        row = ScheduleRow(self.grid_host, item or ScheduleEdit([], "", ""))
        row.remove.clicked.connect(lambda: self.remove_row(row))
        self.rows.append(row)
        self._relayout()
        if focus:
            self._focus(row.days)
        return row

    def remove_row(self, row: ScheduleRow) -> None:
        index = self.rows.index(row)
        self.rows.remove(row)
        for w in (*row.edits(), row.error):
            self.grid.removeWidget(w)
        row.delete()
        self._relayout()
        # the keyboard stays where the row was: the next row, else the Add button
        self._focus(self.rows[index].days if index < len(self.rows) else self.add_button)

    def _focus(self, widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:  # the form scrolls: bring the field into view once laid out
            QTimer.singleShot(0, parent, lambda: self._show(parent, widget))

    def _show(self, scroll: QScrollArea, widget: QWidget) -> None:
        alive = [w for row in self.rows for w in row.edits()] + [self.add_button]
        if widget in alive:  # not a row removed in the meantime
            scroll.ensureWidgetVisible(widget)

    def _relayout(self) -> None:
        for i, row in enumerate(self.rows):
            line = 1 + 2 * i
            for col, w in enumerate(row.edits()):
                self.grid.addWidget(w, line, col)
            self.grid.addWidget(row.error, line + 1, 0, 1, len(FIELDS) + 1)
            row.number(i + 1)
        self.grid_host.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        self.rows_changed.emit()

    def schedules(self) -> list[ScheduleEdit]:
        return [row.value() for row in self.rows]

    def focus_order(self) -> list[QWidget]:
        return [w for row in self.rows for w in row.edits()] + [self.add_button]

    def show_problems(self, problems: list[ScheduleProblem]) -> QWidget | None:
        """Each problem under its row, and as the description of the field it is about;
        returns the first field to put the keyboard on."""
        first = None
        for number, row in enumerate(self.rows, start=1):
            mine = [p for p in problems if p.row == number]
            row.error.setText("\n".join(f"{fonts.ERROR_MARK} {p.message}" for p in mine))
            row.error.setVisible(bool(mine))
            for key, widget in row.widgets().items():
                about = [p.message for p in mine if p.field == key]
                widget.setAccessibleDescription(" ".join(about))
                if about and first is None:
                    first = widget
        return first
