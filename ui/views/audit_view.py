"""The audit trail for supervisors: browse and filter, newest first.

Rows are fetched in pages as the table scrolls (a lazy model keyed on `seq`), so a trail of
millions of rows opens as fast as one of ten.  The core checks AUDIT_READ on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from loket.context import reader
from loket.i18n import _, ngettext
from loket.i18n.dates import format_moment
from loket.privacy import audit
from loket.privacy.permissions import Permission
from ui.models.lazy import LazyTableModel
from ui.views.base import View, localise_date_edit, plain_label

COLUMNS = ("at", "actor", "action", "object_type", "object_id", "result", "origin", "detail")


class AuditModel(LazyTableModel):
    BATCH = 200
    # Years of a busy desk's trail are millions of rows: the first page is there at once,
    # the number follows from a worker thread.
    COUNT_IN_BACKGROUND = True

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filters: dict[str, Any] = {}

    def headers(self) -> list[str]:
        return [
            _("When (UTC)"),
            _("Who"),
            _("Action"),
            _("Object"),
            _("Object id"),
            _("Result"),
            _("Workstation"),
            _("Details"),
        ]

    def count_job(self) -> Callable[[], int]:
        ctx, filters = self.ctx, dict(self.filters)

        def count() -> int:
            with reader(ctx) as own:
                return audit.count_entries(own, **filters)

        return count

    def fetch(self, offset: int, limit: int) -> list[dict]:
        if not self.ctx.can(Permission.AUDIT_READ):
            return []
        before = self._items[-1]["seq"] if offset and self._items else None
        return audit.entries(self.ctx, before_seq=before, limit=limit, **self.filters)

    def cell(self, item: dict, column: int) -> str:
        value = item.get(COLUMNS[column])
        if COLUMNS[column] == "at" and value:
            return format_moment(value)  # local time; the tooltip keeps the exact UTC stamp
        if COLUMNS[column] == "result":
            return {"ok": _("ok"), "refused": _("refused"), "failed": _("failed")}.get(
                value, value or ""
            )
        return "" if value is None or value == "{}" else str(value)

    def tooltip(self, item: dict, column: int) -> str | None:
        return str(item.get(COLUMNS[column]) or "") or None


class AuditView(View):
    name = "audit"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        grid = QGridLayout()
        self.actor = QLineEdit(self)
        self.actor.setObjectName("filterActor")
        self.action = QLineEdit(self)
        self.action.setObjectName("filterAction")
        self.subject = QLineEdit(self)
        self.subject.setObjectName("filterSubject")
        self.result = QComboBox(self)
        self.result.setObjectName("filterResult")
        self.use_dates = QCheckBox(self)
        self.use_dates.setObjectName("filterUseDates")
        self.since = QDateEdit(self)
        self.since.setObjectName("filterSince")
        self.since.setCalendarPopup(True)
        self.since.setDate(QDate.currentDate().addDays(-7))
        localise_date_edit(self.since)
        self.until = QDateEdit(self)
        self.until.setObjectName("filterUntil")
        self.until.setCalendarPopup(True)
        self.until.setDate(QDate.currentDate())
        localise_date_edit(self.until)
        self.apply_button = QPushButton(self)
        self.apply_button.setObjectName("applyFilters")
        self.labels = []
        # two filters a row and the dates below them: one row of six filters needed a
        # window 1,287 px wide at 200 % text
        for i, widget in enumerate((self.actor, self.action, self.subject, self.result)):
            label = QLabel(self)
            label.setBuddy(widget)
            self.labels.append(label)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        self.since_label, self.until_label = QLabel(self), QLabel(self)
        self.since_label.setBuddy(self.since)
        self.until_label.setBuddy(self.until)
        for widget in (self.since_label, self.since, self.until_label, self.until):
            dates.addWidget(widget)
        dates.addStretch(1)
        dates.addWidget(self.apply_button)
        grid.addLayout(dates, 2, 0, 1, 4)
        layout.addLayout(grid)
        self.model = AuditModel(ctx, self)
        self.model.total_changed.connect(self._update_total)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setProperty("i18n_data", True)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.total = plain_label(self)
        self.total.setObjectName("auditTotal")
        layout.addWidget(self.total)
        self.apply_button.clicked.connect(self.apply_filters)
        for edit in (self.actor, self.action, self.subject):
            edit.returnPressed.connect(self.apply_filters)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Audit trail")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Audit trail"))
        self.table.setAccessibleName(_("Audit trail"))
        for label, text in zip(
            self.labels, (_("&Who"), _("&Action"), _("V-nummer or &BSN"), _("&Result")), strict=True
        ):
            label.setText(text)
            label.buddy().setAccessibleName(text.replace("&", ""))
        current = self.result.currentData()
        self.result.clear()
        for value, text in (
            (None, _("All")),
            ("ok", _("ok")),
            ("refused", _("refused")),
            ("failed", _("failed")),
        ):
            self.result.addItem(text, value)
        self.result.setCurrentIndex(max(0, self.result.findData(current)))
        self.action.setPlaceholderText(_("e.g. export or visitor.view"))
        self.use_dates.setText(_("Only between these dates"))
        self.since_label.setText(_("&From"))
        self.until_label.setText(_("&To"))
        self.apply_button.setText(_("Show"))
        self._update_total()

    def open(self, **kwargs) -> None:
        self.apply_filters()

    def apply_filters(self) -> None:
        filters = {
            "actor": self.actor.text().strip(),
            "action": self.action.text().strip(),
            "subject": self.subject.text().strip(),
            "result": self.result.currentData(),
        }
        if self.use_dates.isChecked():
            filters["since"] = self.since.date().toString("yyyy-MM-dd")
            filters["until"] = self.until.date().addDays(1).toString("yyyy-MM-dd")
        self.model.filters = {k: v for k, v in filters.items() if v}
        self.model.reload()  # the total label follows model.total_changed

    def _update_total(self) -> None:
        n = self.model.total
        if n is None:  # a long list: counted on a worker thread, the rows are there already
            self.total.setText(_("Counting the rows…") if self.model.counting else "")
            return
        self.total.setText(ngettext("{n} row", "{n} rows", n).format(n=n))
