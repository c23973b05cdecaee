"""The referral log as a table model that scrolls a million rows without stalling the UI.

How: `reload()` opens the log in the core (permission, filters, audit) and starts its scan
off the UI thread (`ui.workers.run_in_background`).  The scan hands over the first page at
once and, when done, the total and the key of every page's first row ("anchors"); then the
rows are *inserted* (beginInsertRows, not a reset, so the position and selection stay).
From then on `data()` for a row not in memory reads exactly its page: one index seek and at
most PAGE rows, on the UI thread, one or two milliseconds wherever the page lies.

Until the anchors are there, `canFetchMore()` is True and `fetchMore()` adds the next page
after the last row shown (keyset), as the older lazy models do.

Memory is bounded: at most MAX_PAGES (100) pages of PAGE (50) rows, 5,000 rows, are kept
however far one scrolls, plus the anchors (one key per page: ~20,000 keys, ~2 MB, for a
million referrals); the least recently read page goes first.
A page that cannot be read (the database changed or is busy) shows empty cells until
`reload()` (F5 in the view).
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from loket.context import Context
from loket.db.exports import Filters
from loket.directory import browse as directory
from loket.errors import LoketError
from loket.i18n import _
from loket.referrals import log as referral_log
from loket.referrals.log import Anchors, LogRow, ReferralLog
from loket.reports.formats import COLUMNS
from loket.reports.overview import status_label
from ui.models.counter_models import format_date
from ui.screen_text import join, shown_name
from ui.workers import run_in_background

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

MAX_PAGES = 100
_DISPLAY = Qt.ItemDataRole.DisplayRole
# Qt asks a cell for a dozen roles each time it paints it; all but these get None at once.
# The tooltip shows a cell cut off by its column (needs, partner, service) in full.
_TEXT_ROLES = frozenset(
    {
        int(_DISPLAY),
        int(Qt.ItemDataRole.AccessibleTextRole),
        int(Qt.ItemDataRole.ToolTipRole),
    }
)
SHOWN = (
    "visit_date",
    "desk",
    "staff",
    "needs",
    "partner",
    "service",
    "handover",
    "status",
    "follow_up_date",
    "visitor",
)
_HEADERS = {c.key: c.header for c in COLUMNS}


class _Relay(QObject):
    """Carries the scan's first page from the worker thread to the model (a queued signal);
    owned by the job, so a model deleted meanwhile is simply not called."""

    first_page = Signal(int, object)


def _cell(row: LogRow, key: str, need_labels: dict[str, str]) -> str:
    if key == "needs":  # the export's codes, "debts, housing", as words in the UI language
        codes = [c.strip() for c in (row.needs or "").split(",") if c.strip()]
        return join(need_labels.get(c, c) for c in codes)
    if key in ("visit_date", "follow_up_date"):
        return format_date(getattr(row, key))
    if key == "status":
        return status_label(row.status)
    if key == "handover":
        return _("warm") if row.handover == "warm" else _("cold")
    if key in ("partner", "service"):  # "'s-Hertogenbosch" whole, its apostrophe in front
        return shown_name(getattr(row, key))
    return getattr(row, key) or ""


class ReferralLogModel(QAbstractTableModel):
    ready = Signal()  # the total and the anchors are known: every row can be shown
    failed = Signal(str)  # the scan failed: a translated message

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filters = Filters(*referral_log.default_period())
        self.log: ReferralLog | None = None
        self.anchors: Anchors | None = None
        self.error: str | None = None
        self.pages_fetched = 0  # pages read on the UI thread since the last reload
        self._generation = 0
        self._head: list[list[LogRow]] = []  # pages before the anchors arrive, in order
        self._cache: OrderedDict[int, list[LogRow]] = OrderedDict()
        # the cells of a page as shown (formatted once, not on every paint), for the pages
        # in _head or _cache only
        self._text: dict[int, tuple[list[LogRow], list[tuple[str, ...] | None]]] = {}
        self._rows = 0
        self._scanning = False
        self._labels: dict[str, str] | None = None  # need code -> label, in the UI language

    # -- public -----------------------------------------------------------------------------
    @property
    def total(self) -> int | None:
        """Rows the log holds (the export's count), or None while still counting."""
        return self.anchors.total if self.anchors is not None else None

    @property
    def scanning(self) -> bool:
        return self._scanning

    def cached_pages(self) -> int:
        return len(self._cache) + len(self._head)

    def set_filters(self, filters: Filters) -> None:
        """Show the log for these filters (ValidationError / PermissionDenied as the core)."""
        self.filters = filters
        self.reload()

    def reload(self) -> None:
        """Open the log again with the current filters: audited, a fresh scan."""
        self._stop()
        if self.log is not None:
            self.log.close()  # a log read at the hub lets go of its connection
        self._generation += 1
        self.beginResetModel()
        self.log = None
        self.anchors = None
        self.error = None
        self.pages_fetched = 0
        self._head = []
        self._cache.clear()
        self._text.clear()
        self._rows = 0
        self.endResetModel()
        f = self.filters
        from loket.sync.reading import open_referral_log  # from the hub when it answers

        self.log = open_referral_log(
            self.ctx,
            date_from=f.date_from,
            date_to=f.date_to,
            desk_code=f.desk_code,
            partner=f.partner,
            need=f.need,
            status=f.status,
        )
        self._scanning = True
        log, generation = self.log, self._generation
        relay = _Relay()
        relay.first_page.connect(self._first_page)
        # The callbacks hold the relay too: they are let go on the UI thread, after the
        # worker has let go of its own reference, so the relay is never deleted there.
        run_in_background(
            lambda: log.scan(lambda rows: relay.first_page.emit(generation, rows)),
            lambda anchors, relay=relay: self._scanned(generation, anchors),
            lambda err, relay=relay: self._scan_failed(generation, err),
        )

    def row(self, row: int) -> LogRow | None:
        """The row at this position, read from the database if need be; None if it is gone."""
        page, offset = divmod(row, self._page_size())
        rows = self._page(page)
        return rows[offset] if offset < len(rows) else None

    def _need_labels(self) -> dict[str, str]:
        if self._labels is None:
            self._labels = directory.need_labels(self.ctx)
        return self._labels

    def retranslate(self) -> None:
        """The language changed: statuses, needs, handovers and headers are shown anew."""
        self._text.clear()
        self._labels = None
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, len(SHOWN) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(SHOWN) - 1)

    def close(self) -> None:
        """Stop a running scan and ignore what it still sends (the view is going away)."""
        self._stop()
        if self.log is not None:
            self.log.close()
        self._generation += 1

    # -- scan results -----------------------------------------------------------------------
    def _stop(self) -> None:
        if self.log is not None and self._scanning:
            self.log.stop()
        self._scanning = False

    def _first_page(self, generation: int, rows: list[LogRow]) -> None:
        if generation != self._generation or self.anchors is not None or self._head or not rows:
            return
        self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
        self._head = [rows]
        self._rows = len(rows)
        self.endInsertRows()

    def _current(self, generation: int) -> bool:
        """A scan's result is wanted: from the latest reload, and the model still exists."""
        return shiboken6.isValid(self) and generation == self._generation

    def _scanned(self, generation: int, anchors: Anchors) -> None:
        if not self._current(generation):
            return
        self._scanning = False
        self.anchors = anchors
        # Pages read before the anchors stay if they hold exactly what the anchors say
        # (first key, length, nothing of the next page); otherwise (a referral came or went
        # in between) they are read again when shown.
        stale: list[int] = []
        for k, rows in enumerate(self._head):
            if self._fits(anchors, k, rows):
                self._cache[k] = rows
            else:
                stale.append(k)
        self._head = []
        self._text.clear()
        while len(self._cache) > MAX_PAGES:
            self._cache.popitem(last=False)
        shown = self._rows
        if anchors.total > shown:
            self.beginInsertRows(QModelIndex(), shown, anchors.total - 1)
            self._rows = anchors.total
            self.endInsertRows()
        elif anchors.total < shown:
            self.beginRemoveRows(QModelIndex(), anchors.total, shown - 1)
            self._rows = anchors.total
            self.endRemoveRows()
        size = anchors.page_size
        for k in stale:
            first, last = k * size, min((k + 1) * size, shown, self._rows) - 1
            if first <= last:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(SHOWN) - 1))
        self.ready.emit()

    @staticmethod
    def _fits(anchors: Anchors, k: int, rows: list[LogRow]) -> bool:
        if k >= anchors.pages or len(rows) != anchors.page_length(k):
            return False
        if rows[0].key != anchors.keys[k]:
            return False
        return k + 1 >= anchors.pages or rows[-1].key > anchors.keys[k + 1]

    def _scan_failed(self, generation: int, err: BaseException) -> None:
        if not self._current(generation):
            return
        self._scanning = False
        if isinstance(err, LoketError) and str(err):
            self.error = str(err)  # Loket's own messages are translated
        else:  # SQLite's are not: say it in the user's language, keep the detail in the log
            log.error("reading the referral log failed: %r", err)
            self.error = _("The referral log could not be read.")
        self.failed.emit(self.error)

    # -- pages ------------------------------------------------------------------------------
    def _page_size(self) -> int:
        return self.log.page_size if self.log is not None else referral_log.PAGE

    def _page(self, k: int) -> list[LogRow]:
        if self.anchors is None:
            return self._head[k] if 0 <= k < len(self._head) else []
        rows = self._cache.get(k)
        if rows is not None:
            self._cache.move_to_end(k)
            return rows
        try:
            rows = self.log.page(self.anchors, k)
        except Exception:  # the database changed under us, or is busy: empty cells
            rows = []
        self.pages_fetched += 1
        self._cache[k] = rows
        if len(self._cache) > MAX_PAGES:
            gone, _rows = self._cache.popitem(last=False)
            self._text.pop(gone, None)
        return rows

    def _cells(self, k: int) -> tuple[list[LogRow], list[tuple[str, ...] | None]]:
        """Page k with room for its cells as shown; a row's cells are formatted when it is
        first painted (a scroll step shows ~25 of the rows it reads)."""
        entry = self._text.get(k)
        if entry is None:
            rows = self._page(k)
            entry = (rows, [None] * len(rows))
            if self.anchors is None or k in self._cache:
                self._text[k] = entry
        return entry

    # -- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SHOWN)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._scanning

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Before the anchors: the next page after the last row shown."""
        if parent.isValid() or self.anchors is not None or self.log is None or not self._head:
            return
        last = self._head[-1]
        if len(last) < self._page_size() or len(self._head) >= MAX_PAGES:
            return  # the end, or as many pages as the cache holds: the anchors will come
        try:
            rows = self.log.rows_after(last[-1].key, self._page_size())
        except Exception:
            return
        self.pages_fetched += 1
        if not rows:
            return
        start = self._rows
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._head.append(rows)
        self._rows += len(rows)
        self.endInsertRows()

    def data(self, index: Index, role: int = _DISPLAY):
        if role not in _TEXT_ROLES:
            return None
        row = index.row()
        if not 0 <= row < self._rows:
            return None
        k, offset = divmod(row, self._page_size())
        rows, cells = self._cells(k)
        if offset >= len(rows):
            return ""  # removed since the count (retention): an empty row until F5
        shown = cells[offset]
        if shown is None:
            labels = self._need_labels()
            shown = cells[offset] = tuple(_cell(rows[offset], key, labels) for key in SHOWN)
        return shown[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(_HEADERS[SHOWN[section]]) if 0 <= section < len(SHOWN) else None
        return str(section + 1)
