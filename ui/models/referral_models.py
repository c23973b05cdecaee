"""The referral panel's two tables: routing suggestions (checkable) and a visit's referrals."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from loket.directory.routing import Suggestion
from loket.i18n import _
from loket.referrals import lifecycle as referrals
from loket.referrals.lifecycle import Referral
from ui.models.counter_models import format_date
from ui.screen_text import names_in, partner, shown_name

Index = QModelIndex | QPersistentModelIndex


class SuggestionsModel(QAbstractTableModel):
    """Suggestions best first; the first column is checkable to pick partners."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Suggestion] = []
        self._checked: set[str] = set()

    def set_items(self, items: list[Suggestion]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._checked &= {s.service_id for s in items}
        self.endResetModel()

    def item(self, row: int) -> Suggestion:
        return self._items[row]

    def checked(self) -> list[Suggestion]:
        return [s for s in self._items if s.service_id in self._checked]

    def clear_checks(self, keep: set[str] | None = None) -> None:
        """Untick every suggestion but those in `keep` (service ids)."""
        self.beginResetModel()
        self._checked &= keep or set()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return [_("Partner"), _("Place"), _("Why")][section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == 0:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == 0:
                if role == Qt.ItemDataRole.AccessibleTextRole:
                    return f"{item.organization_name}: {item.service_name}"
                return f"{item.service_name}\n{item.organization_name}"
            if col == 1:
                # isolated: right to left, "'s-Hertogenbosch" read "s-Hertogenbosch'"
                city = shown_name(item.city)
                if item.other_municipality and city:
                    return _("only in {city}").format(city=city)
                return city or _("national")
            return names_in(item.explanation)
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return names_in(item.explanation)
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return (
                Qt.CheckState.Checked
                if item.service_id in self._checked
                else Qt.CheckState.Unchecked
            )
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        sid = self._items[index.row()].service_id
        state = Qt.CheckState(value) if not isinstance(value, Qt.CheckState) else value
        if state == Qt.CheckState.Checked:
            self._checked.add(sid)
        else:
            self._checked.discard(sid)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class VisitReferralsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Referral] = []

    def set_items(self, items: list[Referral]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> Referral:
        return self._items[row]

    def items(self) -> list[Referral]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return [_("Partner"), _("Status"), _("Handover"), _("Consent"), _("Follow up on")][
                section
            ]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and col in (0, 3):  # the column may cut it
            role = Qt.ItemDataRole.DisplayRole
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if col == 0:
            return partner(item.organization_name, item.service_name)
        if col == 1:
            return referrals.status_label(item.status)
        if col == 2:
            return _("warm") if item.handover == "warm" else _("cold")
        if col == 3:
            if item.consent is None:
                return _("not asked yet") if item.handover == "warm" else ""
            return referrals.consent_summary(item.consent)
        return format_date(item.follow_up_date) if item.is_open else ""
