"""A table model that fetches its rows in batches as the view scrolls (canFetchMore /
fetchMore), so a long list costs one small query up front instead of one big one.

Subclasses say how to count, how to fetch a page and how to show a cell; everything Qt
needs is here.  Fetching is a quick indexed SQLite read, so it runs on the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class LazyTableModel(QAbstractTableModel):
    BATCH = 50

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self._total = 0

    # -- for subclasses -----------------------------------------------------------------------
    def headers(self) -> list[str]:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def fetch(self, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def cell(self, item: Any, column: int) -> str:
        raise NotImplementedError

    def tooltip(self, item: Any, column: int) -> str | None:
        return None

    # -- public -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.beginResetModel()
        self._total = self.count()
        self._items = self.fetch(0, self.BATCH) if self._total else []
        self.endResetModel()

    def item(self, row: int) -> Any:
        return self._items[row]

    def items(self) -> list[Any]:
        return list(self._items)

    @property
    def total(self) -> int:
        return self._total

    def find_row(self, predicate: Callable[[Any], bool]) -> int:
        return next((i for i, it in enumerate(self._items) if predicate(it)), -1)

    # -- Qt -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._items) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self.fetch(len(self._items), self.BATCH)
        if not more:
            self._total = len(self._items)
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
