"""A table model that fetches its rows in batches as the view scrolls (canFetchMore /
fetchMore), so a long list costs one small query up front instead of one big one.

Subclasses say how to count, how to fetch a page and how to show a cell; everything Qt
needs is here.  Fetching is a quick indexed SQLite read, so it runs on the main thread.

Counting is not always quick: one desk's follow-ups among a million referrals means joining
every open referral with its visit (most of a second).  A subclass that sets
`COUNT_IN_BACKGROUND` shows the first page at once; when that page is not the whole list,
the count runs on a worker thread (`count_job()`, on a connection of its own) and
`total_changed` says when it is known.  Until then `total` is None and the view scrolls on
by pages as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from shiboken6 import isValid

Index = QModelIndex | QPersistentModelIndex
log = logging.getLogger(__name__)


class LazyTableModel(QAbstractTableModel):
    BATCH = 50
    COUNT_IN_BACKGROUND = False
    total_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self._total: int | None = 0
        self._exhausted = True  # the last fetch returned fewer rows than asked: no more
        self._generation = 0  # a count that comes back after a reload is for the old list
        self._count_failed = False

    # -- for subclasses -----------------------------------------------------------------------
    def headers(self) -> list[str]:
        raise NotImplementedError

    def count(self) -> int:
        """The number of rows (on the UI thread; not used with COUNT_IN_BACKGROUND)."""
        raise NotImplementedError

    def fetch(self, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def cell(self, item: Any, column: int) -> str:
        raise NotImplementedError

    def count_job(self) -> Callable[[], int]:
        """With COUNT_IN_BACKGROUND: a function that counts on a worker thread, touching
        nothing of the main thread's (use `loket.context.reader(ctx)` for the connection)."""
        raise NotImplementedError

    def tooltip(self, item: Any, column: int) -> str | None:
        return None

    # -- public -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._generation += 1
        self._count_failed = False
        if not self.COUNT_IN_BACKGROUND:
            self.beginResetModel()
            self._total = self.count()
            self._items = self.fetch(0, self.BATCH) if self._total else []
            self._exhausted = len(self._items) >= self._total
            self.endResetModel()
            self.total_changed.emit()
            return
        self.beginResetModel()
        self._items = self.fetch(0, self.BATCH)
        self._exhausted = len(self._items) < self.BATCH
        # A first page that is not full is the whole list: its count is known at once.
        self._total = len(self._items) if self._exhausted else None
        self.endResetModel()
        self.total_changed.emit()
        if self._total is None:
            self._count_in_background(self._generation)

    def _count_in_background(self, generation: int) -> None:
        from ui.workers import run_in_background

        def done(n: int) -> None:
            # once the last page came, the rows shown are the number (the count may be older)
            if isValid(self) and generation == self._generation and not self._exhausted:
                self._total = max(int(n), len(self._items))
                self.total_changed.emit()

        def failed(err: BaseException) -> None:
            # the list stays usable page by page; only the number is not shown
            if isValid(self) and generation == self._generation:
                log.warning("counting %s failed: %s", type(self).__name__, err)
                self._count_failed = True
                self.total_changed.emit()

        run_in_background(self.count_job(), done, failed)

    def item(self, row: int) -> Any:
        return self._items[row]

    def items(self) -> list[Any]:
        return list(self._items)

    @property
    def total(self) -> int | None:
        """How many rows the list has; None while a background count is still running (or
        when it failed: see `counting`)."""
        return self._total

    @property
    def counting(self) -> bool:
        """A background count is running: say so instead of a number."""
        return self._total is None and not self._count_failed

    def find_row(self, predicate: Callable[[Any], bool]) -> int:
        return next((i for i, it in enumerate(self._items) if predicate(it)), -1)

    # -- Qt -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return False
        return self._total is None or len(self._items) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self.fetch(len(self._items), self.BATCH)
        if len(more) < self.BATCH:
            self._exhausted = True
            if self._total is None or len(self._items) + len(more) != self._total:
                self._total = len(self._items) + len(more)
                self.total_changed.emit()
        if not more:
            return
        start = len(self._items)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._items.extend(more)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cell(item, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, index.column())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None
