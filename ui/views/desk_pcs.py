"""The PCs of this desk as the hub knows them, for administrators (in Loket settings): each
with its last contact, and revoking one (asked first).  Read and revoked on the worker thread
through `loket.sync.pcs`; offline the box says the hub cannot be reached."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from loket.errors import LoketError
from loket.i18n import _
from ui.views.base import plain_label
from ui.workers import run_in_background


def pc_line(pc) -> str:
    from loket.i18n.dates import format_moment

    when = format_moment(pc.last_contact) if pc.last_contact else _("never")
    line = _("{name} — last contact: {when}").format(name=pc.name, when=when)
    if pc.is_me:
        line += " " + _("(this PC)")
    if pc.revoked_at:
        line += " " + _("(revoked)")
    return line


class DeskPCsBox(QGroupBox):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("deskPCs")
        self.pcs: list = []
        self.busy = False
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setObjectName("deskPCList")
        # as tall as its lines (a few), not half the screen
        self.list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.list.currentRowChanged.connect(self._selection_changed)
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        self.show_button = QPushButton(self)
        self.show_button.setObjectName("showDeskPCs")
        self.show_button.clicked.connect(self.load)
        self.revoke_button = QPushButton(self)
        self.revoke_button.setObjectName("revokePC")
        self.revoke_button.setEnabled(False)
        self.revoke_button.clicked.connect(self.ask_revoke)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = plain_label(self)
        self.message.setObjectName("deskPCMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("PCs of this desk"))
        self.list.setAccessibleName(_("PCs of this desk"))
        self.show_button.setText(_("Show the desk's &PCs"))
        self.revoke_button.setText(_("&Revoke this PC…"))
        self.revoke_button.setToolTip(_("The hub then refuses this PC: it can no longer sync"))
        self._fill()

    def load(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.message.setText(_("Asking the hub…"))
        from loket.sync import pcs

        ctx = self.ctx
        run_in_background(lambda: pcs.desk_pcs(ctx), self._loaded, self._failed)

    def _loaded(self, found) -> None:
        self.busy = False
        self.pcs = list(found)
        self.message.setText("")
        self._fill()

    def _failed(self, err: BaseException) -> None:
        self.busy = False
        self.message.setText(str(err) if isinstance(err, LoketError) else _("That did not work."))

    def _fill(self) -> None:
        self.list.clear()
        for pc in self.pcs:
            item = QListWidgetItem(pc_line(pc))
            item.setData(Qt.ItemDataRole.UserRole, pc.id)
            self.list.addItem(item)
        self._selection_changed(self.list.currentRow())

    def _selection_changed(self, row: int) -> None:
        pc = self.pcs[row] if 0 <= row < len(self.pcs) else None
        self.revoke_button.setEnabled(bool(pc and not pc.is_me and not pc.revoked_at))

    def ask_revoke(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.pcs):
            return
        pc = self.pcs[row]
        answer = QMessageBox.question(
            self,
            _("Revoke this PC?"),
            _(
                "Revoke {name}? The hub then refuses it: it can no longer send or fetch changes"
                " until it is enrolled again."
            ).format(name=pc.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.busy = True
        from loket.sync import pcs

        ctx = self.ctx

        def work():
            pcs.revoke(ctx, pc.id)
            return pcs.desk_pcs(ctx)

        run_in_background(work, self._revoked, self._failed)

    def _revoked(self, found) -> None:
        self._loaded(found)
        self.message.setText(_("The PC is revoked."))
