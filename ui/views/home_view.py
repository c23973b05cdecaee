"""The start view until the counter views are registered: who is signed in, and where."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from loket.i18n import _
from ui.views.base import View, plain_label


class HomeView(View):
    name = "home"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.heading = plain_label(self)
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        layout.addStretch(1)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Welcome")

    def retranslate_ui(self) -> None:
        name = self.ctx.user.display_name if self.ctx.user else ""
        self.heading.setText(_("Welcome, {name}").format(name=name))
