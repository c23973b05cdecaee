"""Follow-ups due: open referrals whose follow-up date has come — mine, or my desk's.

Activating a row opens that visit's referrals, where the next step can be recorded.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from loket.context import Context
from loket.i18n import _, ngettext
from ui.models.followups_model import FollowupsModel
from ui.views.base import View, plain_label

MINE, DESK = "mine", "desk"


class FollowupsView(View):
    name = "followups"

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("followupsView")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.scope_label = QLabel(self)
        self.scope = QComboBox(self)
        self.scope.setObjectName("followupsScope")
        self.scope.addItem("", MINE)
        self.scope.addItem("", DESK)
        self.scope_label.setBuddy(self.scope)
        top.addWidget(self.scope_label)
        top.addWidget(self.scope)
        top.addStretch(1)
        layout.addLayout(top)
        self.model = FollowupsModel(ctx, self)
        self.table = QTableView(self)
        self.table.setObjectName("followupsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open_row)
        layout.addWidget(self.table, 1)
        self.count_label = plain_label(self)
        self.count_label.setObjectName("followupsCount")
        layout.addWidget(self.count_label)
        self.model.total_changed.connect(self._update_count)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.retranslate_ui()
        self.refresh()

    def title(self) -> str:
        return _("Follow-ups due")

    def retranslate_ui(self) -> None:
        self.scope_label.setText(_("&Show"))
        self.scope.setItemText(0, _("My referrals"))
        self.scope.setItemText(1, _("All referrals of this desk"))
        self.scope.setAccessibleName(_("Whose follow-ups to show"))
        self.table.setAccessibleName(_("Follow-ups due"))
        self.count_label.setAccessibleName(_("Number of follow-ups due"))
        self._update_count()

    def open(self, **kwargs) -> None:
        self.refresh()

    def refresh(self, *_args) -> None:
        if self.scope.currentData() == DESK and self.ctx.desk is not None:
            self.model.set_scope(desk_id=self.ctx.desk.id)
        else:
            self.model.set_scope(staff_id=self.ctx.user.id if self.ctx.user else "")
        # the count label follows model.total_changed

    def _update_count(self) -> None:
        n = self.model.total
        if n is None:  # a long list: counted on a worker thread, the rows are there already
            self.count_label.setText(
                _("Counting the follow-ups due…") if self.model.counting else ""
            )
            return
        self.count_label.setText(ngettext("{n} follow-up due", "{n} follow-ups due", n).format(n=n))

    def _open_row(self, index) -> None:
        window = self.main_window()
        if window is not None and index.isValid():
            window.show_view("referrals", visit_id=self.model.item(index.row()).visit_id)
