"""The visits of this desk today, in order of arrival, with their status.

Keyboard: Enter opens the visit; 1, 2 and 3 set the selected visit to waiting, in progress or
done (also Alt+1/2/3 on the buttons, whose labels show the digit).  Digits rather than initial
letters, so that the keys are the same in every UI language and script.  The status is a word
in the table, not a colour.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from loket.errors import LoketError
from loket.i18n import _, ngettext
from ui import theme
from ui.models.counter_models import TodayModel, format_date
from ui.views.base import View, plain_label, select_row

STATUS_KEYS = {Qt.Key.Key_1: "waiting", Qt.Key.Key_2: "in_progress", Qt.Key.Key_3: "done"}


class TodayView(View):
    name = "today"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("todayView")
        layout = QVBoxLayout(self)
        self.heading = plain_label(self)
        theme.emphasise(self.heading, 1.4)
        layout.addWidget(self.heading)
        self.summary = plain_label(self)
        self.summary.setObjectName("todaySummary")
        layout.addWidget(self.summary)
        self.model = TodayModel(ctx, self)
        self.table = QTableView(self)
        self.table.setObjectName("todayTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.installEventFilter(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for status in ("waiting", "in_progress", "done"):
            button = QPushButton(self)
            button.setObjectName(f"status_{status}")
            button.clicked.connect(lambda _c=False, s=status: self.set_status(s))
            row.addWidget(button)
            self.buttons[status] = button
        row.addStretch(1)
        layout.addLayout(row)
        self.message = plain_label(self)
        self.message.setObjectName("todayMessage")
        layout.addWidget(self.message)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Today at this desk")

    def retranslate_ui(self) -> None:
        from loket.clock import today

        day = format_date(today().isoformat(), "full")
        if self.ctx.desk is not None:
            self.heading.setText(
                _("Today at {desk}, {date}").format(desk=self.ctx.desk.name, date=day)
            )
        else:
            self.heading.setText(_("Today, {date} (no desk chosen)").format(date=day))
        self.table.setAccessibleName(_("Visits today"))
        # Translators: the digit is the key that sets this status, in every language.
        self.buttons["waiting"].setText(_("Waiting (&1)"))
        self.buttons["in_progress"].setText(_("In progress (&2)"))
        self.buttons["done"].setText(_("Done (&3)"))
        self.buttons["waiting"].setAccessibleName(_("Set to waiting"))
        self.buttons["in_progress"].setAccessibleName(_("Set to in progress"))
        self.buttons["done"].setAccessibleName(_("Set to done"))
        self._summarise()

    def open(self, **_kwargs) -> None:
        self.model.reload()
        if self.model.rowCount():
            select_row(self.table, 0)
        self._summarise()
        self.table.setFocus()

    def _summarise(self) -> None:
        from loket.counter import intake

        try:
            counts = intake.today_status_counts(self.ctx)
        except LoketError:
            counts = {}
        total, waiting = sum(counts.values()), counts.get("waiting", 0)
        self.summary.setText(
            ngettext("{n} visit today", "{n} visits today", total).format(n=total)
            + " · "
            + ngettext("{n} waiting", "{n} waiting", waiting).format(n=waiting)
        )

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def set_status(self, status: str) -> None:
        row = self.selected_row()
        if row < 0:
            return
        try:
            self.model.set_status(row, status)
        except LoketError as err:
            self.message.setText(str(err))
            return
        self.message.clear()
        self._summarise()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            status = STATUS_KEYS.get(event.key())
            if status and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self.set_status(status)
                return True
        return super().eventFilter(obj, event)

    def open_row(self, row: int) -> None:
        window = self.main_window()
        if window is not None and 0 <= row < self.model.rowCount():
            item = self.model.item(row)
            window.show_view("visit", visitor_id=item["visitor_id"], visit_id=item["id"])
