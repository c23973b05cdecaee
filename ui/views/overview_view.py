"""The supervisors' overview: visits and referrals per month, need, partner and outcome,
time to completion and overdue follow-ups, as tables and as bar charts.

The numbers come from `loket.reports.overview` (the same function the PDF and XLSX summaries use),
so the screen and the export agree, suppression included.  The queries run off the UI thread;
every chart has its numbers next to it in a table, for screen readers and for anyone who
does not read bars.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from loket.db.exports import Filters
from loket.i18n import _
from loket.i18n.dates import format_month
from loket.privacy.permissions import Permission
from loket.reports import overview as core
from ui.charts import BarChart
from ui.views.base import View, plain_label
from ui.views.referral_filters import ReferralFilters
from ui.workers import run_in_background

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _Section(QGroupBox):
    """One summary table: its numbers as a table, and one chart per charted column."""

    def __init__(self, key: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.key = key
        layout = QHBoxLayout(self)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 2)
        self.charts_box = QVBoxLayout()
        self.charts_box.addStretch(1)
        layout.addLayout(self.charts_box, 3)
        self.charts: list[BarChart] = []
        self.data: core.SummaryTable | None = None

    def _label(self, data: core.SummaryTable, label: str) -> str:
        return format_month(label) if self.key == "month" else data.label(label)

    def show_table(self, data: core.SummaryTable) -> None:
        self.data = data
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        data = self.data
        if data is None:
            self.setTitle(_(core.TITLES[self.key]))
            self.table.setAccessibleName(_(core.TITLES[self.key]))
            return
        self.setTitle(_(data.title))
        self.table.setAccessibleName(_(data.title))
        self.table.clear()
        self.table.setColumnCount(len(data.headers))
        self.table.setRowCount(len(data.rows))
        self.table.setHorizontalHeaderLabels([_(h) for h in data.headers])
        for r, (label, cells) in enumerate(data.rows):
            self.table.setItem(r, 0, QTableWidgetItem(self._label(data, label)))
            for c, cell in enumerate(cells, start=1):
                item = QTableWidgetItem(cell.shown)
                item.setTextAlignment(_RIGHT)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        rows_height = sum(self.table.rowHeight(r) for r in range(len(data.rows)))
        wanted = min(360, header.sizeHint().height() + rows_height + 4)
        self.table.setMinimumHeight(max(wanted, self.table.minimumSizeHint().height()))
        while len(self.charts) < len(data.chart_columns):
            chart = BarChart(self)
            self.charts_box.insertWidget(len(self.charts), chart)
            self.charts.append(chart)
        for chart, col in zip(self.charts, data.chart_columns, strict=False):
            chart.set_data(
                _(data.headers[col + 1]),
                [(self._label(data, label), cells[col]) for label, cells in data.rows],
            )


class OverviewView(View):
    name = "overview"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("overviewView")
        self.result: core.Overview | None = None
        self.scope = ""  # what the counts cover: from the hub (which desks) or this PC only
        self._pending = 0
        outer = QVBoxLayout(self)
        filters = QHBoxLayout()
        form = QFormLayout()
        today = date.today()
        self.filter_fields = ReferralFilters(
            self,
            date_from=date(today.year - 1, today.month, 1).isoformat(),
            date_to=today.isoformat(),
            keys=("from", "to", "desk"),
            prefix="overview",
        )
        f = self.filter_fields
        self.date_from, self.date_to, self.desk = f.date_from, f.date_to, f.desk
        f.add_to_form(form)
        filters.addLayout(form)
        buttons = QVBoxLayout()
        self.show_button = QPushButton(self)
        self.show_button.setObjectName("overviewShow")
        self.show_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("overviewExport")
        self.export_button.clicked.connect(self.open_export)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        filters.addLayout(buttons)
        filters.addStretch(1)
        outer.addLayout(filters)
        self.status = plain_label(self)
        self.status.setObjectName("overviewStatus")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setObjectName("overviewScroll")
        content = QWidget(self.scroll)
        self.content_layout = QVBoxLayout(content)
        self.facts = QTableWidget(0, 2, content)
        self.facts.setObjectName("overviewFacts")
        self.facts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.facts.verticalHeader().setVisible(False)
        self.facts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.content_layout.addWidget(self.facts)
        self.sections: dict[str, _Section] = {}
        for key in ("month", "need", "partner", "outcome", "completion", "overdue"):
            section = _Section(key, content)
            section.setObjectName(f"overview_{key}")
            section.table.setObjectName(f"overviewTable_{key}")
            section.setVisible(False)
            self.sections[key] = section
            self.content_layout.addWidget(section)
        self.content_layout.addStretch(1)
        self.scroll.setWidget(content)
        outer.addWidget(self.scroll, 1)
        self._fill_desks()
        self.retranslate_ui()

    # -- texts ---------------------------------------------------------------------------
    def title(self) -> str:
        return _("Overview")

    def retranslate_ui(self) -> None:
        self.filter_fields.retranslate()
        self.show_button.setText(_("&Show"))
        self.export_button.setText(_("&Export…"))
        self.facts.setAccessibleName(_("Totals"))
        self.facts.setHorizontalHeaderLabels([_("What"), _("Number")])
        self.scroll.setAccessibleName(_("Overview"))
        self._render_facts()
        for section in self.sections.values():
            section.retranslate_ui()
        self._set_status()

    def _set_status(self, message: str | None = None) -> None:
        if message is not None:
            self.status.setText(message)
        elif self._pending:
            self.status.setText(_("Counting…"))
        elif self.result is not None and self.result.suppress_below > 1:
            self.status.setText(
                " ".join(
                    t
                    for t in (
                        self.scope,
                        _(
                            'Counts from 1 to {n} are shown as "<{m}" so that nobody can be'
                            " recognised."
                        ).format(n=self.result.suppress_below - 1, m=self.result.suppress_below),
                    )
                    if t
                )
            )
        else:
            self.status.setText(self.scope)

    def _fill_desks(self) -> None:
        from loket.db import reference

        self.filter_fields.fill(
            desks=[(r["code"], r["name"]) for r in reference.desks(self.ctx.db)]
        )

    # -- data ----------------------------------------------------------------------------
    def open(self, **kwargs) -> None:
        self.refresh()

    def filters(self) -> Filters:
        return Filters(**self.filter_fields.values())

    def refresh(self) -> None:
        if not self.ctx.can(Permission.OVERVIEW_READ):
            self._set_status(_("The overview is for supervisors."))
            return
        filters = self.filters()
        if filters.date_from > filters.date_to:
            self._set_status(_("The end date lies before the start date."))
            return
        ctx = self.ctx
        below = core.suppress_threshold(ctx.db)
        self._pending += 1
        self.show_button.setEnabled(False)
        self._set_status()

        def work():
            from loket.sync.reading import overview  # from the hub when it answers

            return overview(ctx, filters, suppress_below=below)

        run_in_background(work, self._loaded, self._failed)

    def _loaded(self, outcome: tuple[core.Overview, str, str | None]) -> None:
        if not isValid(self):
            return
        from loket.sync.reading import scope_text

        result, scope, desk = outcome
        self.scope = scope_text(scope, desk)  # what the counts cover (hub or this PC)
        self._pending -= 1
        self.show_button.setEnabled(True)
        self.result = result
        for table in result.tables:
            section = self.sections[table.key]
            section.show_table(table)
            section.setVisible(True)
        self._render_facts()
        self._set_status()
        # lay the new tables and charts out now, not at the next turn of the event loop
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _failed(self, err: BaseException) -> None:
        if not isValid(self):
            return
        self._pending -= 1
        self.show_button.setEnabled(True)
        self._set_status(str(err))

    def _render_facts(self) -> None:
        facts = self.result.facts if self.result is not None else []
        self.facts.setRowCount(len(facts))
        for r, (label, cell) in enumerate(facts):
            self.facts.setItem(r, 0, QTableWidgetItem(_(label)))
            item = QTableWidgetItem(cell.shown)
            item.setTextAlignment(_RIGHT)
            self.facts.setItem(r, 1, item)
        rows_height = sum(self.facts.rowHeight(r) for r in range(len(facts)))
        header = self.facts.horizontalHeader().sizeHint().height()
        self.facts.setMinimumHeight(max(120, header + rows_height + 4))

    @property
    def busy(self) -> bool:
        return self._pending > 0

    # -- export --------------------------------------------------------------------------
    def open_export(self) -> None:
        from ui.views.export_dialog import ExportDialog

        dialog = ExportDialog(self.ctx, self, filters=self.filters())
        dialog.open()
        self.export_dialog = dialog
