"""Table models of the counter screens: search results, a visitor's visit history, today's
visits at this desk.  Each asks the core for one page at a time (canFetchMore / fetchMore),
so no list ever holds every row; they work as plain objects in tests (no view needed).

Names are shown as typed, wrapped in Unicode first-strong isolates, so that an Arabic name
keeps its own direction inside a left-to-right table and punctuation is not mirrored.
Dates go through Babel in the UI language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from loket.i18n import _, dates
from ui.screen_text import FSI, PDI, isolate, join

if TYPE_CHECKING:
    from loket.counter import search

Index = QModelIndex | QPersistentModelIndex


def lead(text: str) -> str:
    """Text of a data label that starts where the UI's lines start: a name in Latin letters
    in the Arabic UI is drawn from the right edge, as the labels around it (a label aligns
    by its own text's direction; a right-to-left mark makes that the UI's)."""
    from PySide6.QtWidgets import QApplication

    return f"\u200f{text}" if text and QApplication.isRightToLeft() else text


def both_spellings(own: str | None, latin: str | None) -> str:
    """The name in the visitor's own script and, beside it, the Latin name on their IND
    document (when it differs), each isolated so that the two never mix their direction."""
    if latin and latin != own:
        return f"{isolate(own or '')} · {isolate(latin)}"
    return isolate(own or latin or "")


# One date format everywhere: the core's helper (Babel, in the UI language).
babel_locale = dates.babel_locale
format_date = dates.format_date
format_time = dates.format_time


def status_label(status: str) -> str:
    return {"waiting": _("waiting"), "in_progress": _("in progress"), "done": _("done")}.get(
        status, status
    )


class PagedTableModel(QAbstractTableModel):
    """Rows come from `fetch_page(offset, limit)`; more are fetched while a page comes full."""

    PAGE = 50

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._more = False

    # subclasses
    def headers(self) -> list[str]:
        raise NotImplementedError

    def fetch_page(self, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def cell(self, item: Any, column: int) -> str:
        raise NotImplementedError

    # public
    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.fetch_page(0, self.PAGE)
        self._more = len(self._rows) >= self.PAGE
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows, self._more = [], False
        self.endResetModel()

    def item(self, row: int) -> Any:
        return self._rows[row]

    def items(self) -> list[Any]:
        return list(self._rows)

    # Qt
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        more = self.fetch_page(len(self._rows), self.PAGE)
        self._more = len(more) >= self.PAGE
        if not more:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(item, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.cell(item, index.column()).replace(FSI, "").replace(PDI, "")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None


class SearchResultsModel(PagedTableModel):
    """The visitor search; a further page re-runs the (bounded) search with a larger limit."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query = ""
        self.badges: dict[str, str] = {}  # visitor id -> what is left to decide about them

    def set_query(self, query: str) -> None:
        self.query = query
        self.reload()

    def headers(self) -> list[str]:
        return [_("Name"), _("Date of birth"), _("V-number"), _("Last visit"), _("Found by")]

    def fetch_page(self, offset: int, limit: int) -> list[search.SearchResult]:
        from loket.counter import search

        if not self.query.strip() or offset >= search.MAX_LIMIT:
            return []
        found = search.search_visitors(self.ctx, self.query, offset + limit)[offset:]
        self._mark(found)
        return found

    def _mark(self, found: list) -> None:
        """Which visitors have something to decide: a badge in words beside the name."""
        from loket.counter import merge
        from loket.sync import decide

        ids = [item.visitor_id for item in found]
        conflicts = decide.visitors_with_conflicts(self.ctx, ids)
        tasks = merge.with_open_tasks(self.ctx, ids)
        for visitor_id in ids:
            if visitor_id in conflicts:
                self.badges[visitor_id] = _("to decide: two versions")
            elif visitor_id in tasks:
                self.badges[visitor_id] = _("possibly registered twice")
            else:
                self.badges.pop(visitor_id, None)

    def cell(self, item: search.SearchResult, column: int) -> str:
        if column == 0:
            name = both_spellings(item.display_name, item.latin_name)
            badge = self.badges.get(item.visitor_id)
            return f"{name} — {badge}" if badge else name
        if column == 1:
            return format_date(item.date_of_birth)
        if column == 2:
            return item.v_number or ""
        if column == 3:
            return format_date(item.last_visit)
        from loket.counter.search import reason_label

        return reason_label(item.reason)

    def variants_only(self) -> bool:
        """Every row found by another spelling, script, sound or typo (none literally)."""
        rows = self.items()
        return bool(rows) and all(r.is_variant for r in rows)


class VisitHistoryModel(PagedTableModel):
    """A visitor's visits, newest first (no health details: they are never in a list)."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visitor_id: str | None = None
        self.need_label: Callable[[str], str] = str
        self.topic_label: Callable[[str | None], str] = lambda code: code or ""

    def set_visitor(self, visitor_id: str | None) -> None:
        from loket.counter import lookups as counter

        labels = {c.code: c.label for c in counter.needs(self.ctx)}
        topics = {c.code: c.label for c in counter.topics(self.ctx)}
        self.need_label = lambda code: labels.get(code, code)
        self.topic_label = lambda code: topics.get(code, code or "")
        self.visitor_id = visitor_id
        self.reload()

    def headers(self) -> list[str]:
        return [_("Date"), _("Reason"), _("Needs"), _("Status"), _("Follow-up")]

    def fetch_page(self, offset: int, limit: int) -> list[dict]:
        if not self.visitor_id:
            return []
        from loket.counter import intake

        return intake.visit_history(self.ctx, self.visitor_id, limit=limit, offset=offset)

    def cell(self, item: dict, column: int) -> str:
        if column == 0:
            return format_date(item["visit_date"])
        if column == 1:
            return self.topic_label(item.get("topic_code"))
        if column == 2:
            codes = [c for c in (item.get("need_codes") or "").split(",") if c]
            # Translators: between the items of a list ("Housing, Debts or money"); Arabic
            # script writes "، ".
            return join(self.need_label(c) for c in codes)
        if column == 3:
            return status_label(item["status"])
        return format_date(item.get("follow_up_date"))


class TodayModel(PagedTableModel):
    """The visits of this desk today, in order of arrival, with their status."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def headers(self) -> list[str]:
        return [_("Arrived"), _("Name"), _("V-number"), _("Status")]

    def fetch_page(self, offset: int, limit: int) -> list[dict]:
        from loket.counter import intake

        return intake.today_at_desk(self.ctx, limit=limit, offset=offset)

    def cell(self, item: dict, column: int) -> str:
        if column == 0:
            return format_time(item["arrived_at"])
        if column == 1:
            return both_spellings(
                " ".join(p for p in (item["given_names"], item["family_name"]) if p),
                " ".join(p for p in (item["latin_given_names"], item["latin_family_name"]) if p),
            )
        if column == 2:
            return item.get("v_number") or ""
        return status_label(item["status"])

    def set_status(self, row: int, status: str) -> None:
        item = self._rows[row]
        from loket.counter import intake

        intake.set_status(self.ctx, item["id"], status)
        item["status"] = status
        index = self.index(row, 3)
        self.dataChanged.emit(index, index)
