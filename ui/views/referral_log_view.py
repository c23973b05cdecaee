"""The referral log for supervisors: the rows an export with the same filters would write,
pseudonymised, newest first, in one table that scrolls from the first referral to the
millionth without waiting.

Filters as in the export dialog (period, desk, partner, need, status; the last three months
to start with); "Show" (Enter) applies them, F5 reads the log again, "Export…" opens the
export dialog with the same filters.  The count comes when the core's scan is done; until
then the first rows are already there.  Rows have one fixed height and columns are not
sized to their contents, so a view of a million rows costs what a view of fifty costs.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from loket.db.exports import Filters
from loket.errors import LoketError, ValidationError
from loket.i18n import _, ngettext
from loket.privacy.permissions import Permission
from loket.referrals import log as referral_log
from loket.reports import pseudonyms
from ui.models.counter_models import babel_locale
from ui.models.referral_log_model import SHOWN, ReferralLogModel
from ui.views.base import View, plain_label
from ui.views.referral_filters import ReferralFilters

PERMISSION = Permission.EXPORT_PSEUDONYMISED


def format_count(n: int) -> str:
    """A number as the UI language writes it (1.032.500 in Dutch)."""
    from babel.numbers import format_decimal

    return format_decimal(n, locale=babel_locale())


def configure_table(table: QTableView) -> None:
    """What keeps a table of a million rows cheap: one fixed row height (Qt then never asks
    a row for its size) and fixed column widths (no pass over the contents)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setVisible(False)
    fit_rows(table)
    columns = table.horizontalHeader()
    columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    columns.setDefaultSectionSize(table.fontMetrics().averageCharWidth() * 12)
    columns.setStretchLastSection(False)
    fit_headers(table)


# How many characters a column usually needs (the rows are never measured); partner and
# service share the room that is left.
_CHARS = {
    "visit_date": 11,
    "desk": 5,
    "staff": 16,
    "needs": 26,
    "handover": 6,
    "status": 13,
    "follow_up_date": 11,
    "visitor": 17,
}
_STRETCH = ("partner", "service")
APPLY_DELAY_MS = 400


def fit_rows(table: QTableView) -> None:
    """One row height for the text size in use: set again when the text size changes."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)


def fit_headers(table: QTableView) -> None:
    """Each column as wide as its header text or its usual contents, whichever is wider;
    partner and service stretch (ten columns; the rows are never measured)."""
    model = table.model()
    if model is None:
        return
    columns = table.horizontalHeader()
    metrics = columns.fontMetrics()
    char = metrics.averageCharWidth()
    for c, key in enumerate(SHOWN[: model.columnCount()]):
        if key in _STRETCH:
            columns.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
            continue
        text = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        wanted = max(metrics.horizontalAdvance(text) + 3 * char, _CHARS.get(key, 12) * char)
        if key == "visitor":  # a code cut short ("…1f704ab2") tells one visitor from none
            wanted = max(wanted, metrics.horizontalAdvance("0" * pseudonyms.LENGTH) + 3 * char)
        columns.resizeSection(c, wanted)


class ReferralLogView(View):
    name = "referral_log"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("referralLogView")
        self.loaded = False
        self._return_to: int | None = None  # the row to come back to after F5
        self.export_dialog = None
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        grid = QGridLayout()
        start, end = referral_log.default_period()
        self.filter_fields = ReferralFilters(
            self, date_from=start, date_to=end, prefix="log", min_chars=14, status_mnemonic_a=True
        )
        f = self.filter_fields
        self.date_from, self.date_to = f.date_from, f.date_to
        self.desk, self.partner, self.need, self.status_filter = f.desk, f.partner, f.need, f.status
        self.labels = f.labels
        f.add_to_grid(grid)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)
        top.addLayout(grid, 1)
        buttons = QVBoxLayout()
        self.show_button = QPushButton(self)
        self.show_button.setObjectName("logShow")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.apply_filters)
        # Filters apply as they change (a count of the old filters beside new ones misled):
        # a short pause first, so that typing a date does not read the log at every digit.
        self._apply_soon = QTimer(self)
        self._apply_soon.setSingleShot(True)
        self._apply_soon.setInterval(APPLY_DELAY_MS)
        self._apply_soon.timeout.connect(self._filters_changed)
        f.on_change(self._apply_soon.start)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("logExport")
        self.export_button.clicked.connect(self.open_export)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        top.addLayout(buttons)
        outer.addLayout(top)
        self.scope_label = plain_label(self)  # from the hub (which desks), or this PC only
        self.scope_label.setObjectName("logScope")
        self.scope_label.setWordWrap(True)
        outer.addWidget(self.scope_label)
        self.scope_label.setVisible(False)
        self.count_label = plain_label(self)
        self.count_label.setObjectName("logCount")
        outer.addWidget(self.count_label)
        self.message = plain_label(self)
        self.message.setObjectName("logMessage")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        self.message.setVisible(False)  # shown only with something to say
        self.model = ReferralLogModel(ctx, self)
        self.model.ready.connect(self._update_count)
        # after the view has taken in the inserted rows (it hears rowsInserted after us)
        self.model.ready.connect(self._go_back_to_row)
        self.model.failed.connect(self._failed)
        self.model.rowsInserted.connect(self._update_count)
        self.table = QTableView(self)
        self.table.setObjectName("logTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        outer.addWidget(self.table, 1)
        self.refresh_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        self.refresh_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_shortcut.activated.connect(self.refresh)
        self.destroyed.connect(self.model.close)
        self._fill_choices()
        self.retranslate_ui()

    def _fill_choices(self) -> None:
        if self.ctx.can(PERMISSION):
            self.filter_fields.fill_from(self.ctx)

    # -- texts ------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Referral log")

    def retranslate_ui(self) -> None:
        self.filter_fields.retranslate()
        self.show_button.setText(_("Show &referrals"))
        self.show_button.setToolTip(_("Show the referrals for these filters (F5: read again)"))
        self.export_button.setText(_("&Export…"))
        self.export_button.setToolTip(_("Export these referrals as CSV, Excel or PDF"))
        self.table.setAccessibleName(_("Referral log"))
        self.table.setAccessibleDescription(
            _("One row per referral, newest first; visitors appear under a code")
        )
        self.count_label.setAccessibleName(_("Number of referrals"))
        self.message.setAccessibleName(_("Message"))
        self.model.retranslate()
        fit_headers(self.table)
        self._update_count()
        if self.loaded:
            self._show_scope()

    # -- filters and loading --------------------------------------------------------------
    def filters(self) -> Filters:
        return Filters(**self.filter_fields.values())

    def open(self, **kwargs) -> None:
        if not self.loaded:
            self.apply_filters()

    def apply_filters(self) -> None:
        """Show the log for the filters on screen; a bad filter gets the export's message
        and leaves the table as it was."""
        if not self.ctx.can(PERMISSION):
            self._say(_("The referral log is for supervisors."))
            return
        values = self.filter_fields.values()
        try:
            referral_log.check_filters(self.ctx, **values)
        except ValidationError as err:
            self._say(err.message)
            return
        self._load(Filters(**values))

    def _filters_changed(self) -> None:
        if self.isVisible() and self.loaded and self.filters() != self.model.filters:
            self.apply_filters()

    def hideEvent(self, event) -> None:
        # another view, or the window closed: a pending re-read is not wanted any more
        self._apply_soon.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """F5: read the log again with the filters it shows (after a change elsewhere), and
        come back to the row the supervisor was at once the log is counted."""
        current = self.table.currentIndex()
        row = current.row() if current.isValid() else self.table.rowAt(0)
        self._load(self.model.filters if self.loaded else self.filters())
        self._return_to = row if row > 0 else None

    def _load(self, filters: Filters) -> None:
        self._return_to = None
        self._say("")
        try:
            self.model.set_filters(filters)
        except LoketError as err:
            self._say(str(err))
            return
        self.loaded = True
        self._update_count()
        self._show_scope()

    def _show_scope(self) -> None:
        from loket.sync.reading import scope_text

        log = self.model.log
        text = scope_text(log.scope, log.filters.desk_code) if log is not None else ""
        self.scope_label.setText(text)
        self.scope_label.setAccessibleName(_("What the log covers"))
        self.scope_label.setVisible(bool(text))

    def _go_back_to_row(self) -> None:
        row, total = self._return_to, self.model.total
        if row is None or total is None:
            return
        self._return_to = None
        if total:
            index = self.model.index(min(row, total - 1), 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _update_count(self, *_args) -> None:
        total = self.model.total
        if not self.loaded:
            self.count_label.setText("")
        elif total is None:
            self.count_label.setText(_("Counting the referrals…"))
        else:
            self.count_label.setText(
                ngettext("{n} referral", "{n} referrals", total).format(n=format_count(total))
            )

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _failed(self, message: str) -> None:
        self._say(message)
        self._update_count()

    def changeEvent(self, event) -> None:
        # The text size (My settings, up to 200 %) changed: rows and columns follow it.
        # The table hears of the new font after this view: fit it once it has.
        if event.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self, self._fit_table)
        super().changeEvent(event)

    def _fit_table(self) -> None:
        fit_rows(self.table)
        fit_headers(self.table)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.table.hasFocus():
            self.apply_filters()
            return
        super().keyPressEvent(event)

    # -- export ---------------------------------------------------------------------------
    def open_export(self) -> None:
        from ui.views.export_dialog import ExportDialog

        dialog = ExportDialog(self.ctx, self, filters=self.filters())
        dialog.open()
        self.export_dialog = dialog
