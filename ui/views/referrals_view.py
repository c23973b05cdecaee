"""A visit's referrals as a main-window view, with the visitor's plan beside it:
`show_view("referrals", visit_id=...)`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QListWidget,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loket.context import Context
from loket.i18n import _
from loket.referrals import lifecycle as referrals
from ui.models.counter_models import format_date
from ui.screen_text import partner
from ui.views.base import View, plain_label, wrap_lines
from ui.views.referral_panel import ReferralPanel

# Below this width (in average characters of the text size in use) the plan goes under
# the panel instead of beside it: at 200 % text on a 1366-pixel screen, beside it, it was
# squeezed to a few words a line and the page scrolled sideways.
SIDE_BY_SIDE_CHARS = 120


class ReferralView(View):
    """The panel as a main-window view: `show_view("referrals", visit_id=...)`, with the
    visitor's plan (open referrals across all visits) beside it, or under it when the window
    is narrow for the text size."""

    name = "referrals"

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # A scroll area, so that at double text size nothing is clipped (WCAG 1.4.4).
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("referralsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to what it holds
        outer.addWidget(self.scroll)
        content = QWidget(self.scroll)
        layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, content)
        self.columns = layout
        self.panel = ReferralPanel(ctx, content)
        layout.addWidget(self.panel, 3)
        side = QVBoxLayout()
        self.plan_label = plain_label(content)
        self.plan_label.setWordWrap(True)
        side.addWidget(self.plan_label)
        self.plan = QListWidget(content)
        self.plan.setObjectName("visitorPlan")
        wrap_lines(self.plan)
        self.plan_label.setBuddy(self.plan)
        side.addWidget(self.plan, 1)
        layout.addLayout(side, 1)
        self.scroll.setWidget(content)
        self.visitor_id: str | None = None
        self.panel.referrals.modelReset.connect(self.refresh_plan)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Referrals")

    def plan_beside(self) -> bool:
        return self.columns.direction() == QBoxLayout.Direction.LeftToRight

    def _arrange(self) -> None:
        wide = self.width() >= SIDE_BY_SIDE_CHARS * (self.fontMetrics().averageCharWidth())
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._arrange()

    def retranslate_ui(self) -> None:
        self.panel.retranslate_ui()
        self.plan_label.setText(_("&Plan: all open referrals of this visitor"))
        self.plan.setAccessibleName(_("Open referrals of this visitor"))

    def open(self, visit_id: str | None = None, **_kwargs) -> None:
        if visit_id:
            from loket.counter import intake

            self.visitor_id = intake.get_visit(self.ctx, visit_id).visitor_id
            self.panel.set_visit(visit_id)

    def refresh_plan(self) -> None:
        self.plan.clear()
        if not self.visitor_id:
            return
        for ref in referrals.visitor_plan(self.ctx, self.visitor_id):
            parts = [
                partner(ref.organization_name, ref.service_name),
                referrals.status_label(ref.status),
            ]
            if ref.follow_up_date:
                parts.append(_("follow up on {date}").format(date=format_date(ref.follow_up_date)))
            self.plan.addItem(" · ".join(parts))
