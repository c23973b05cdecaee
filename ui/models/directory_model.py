"""The partner directory as a lazily fetched table: service, organisation, places, check."""

from __future__ import annotations

from loket.context import Context
from loket.directory import browse as directory
from loket.directory.browse import ServiceSummary
from loket.i18n import _
from ui.models.lazy import LazyTableModel
from ui.screen_text import join, shown_name


def check_text(item: ServiceSummary) -> str:
    """In words, never by colour alone: whether the entry's data can be trusted."""
    parts = []
    if item.to_verify:
        parts.append(_("to verify"))
    if item.stale:
        parts.append(_("not checked for 12 months"))
    if item.status != "active":
        parts.append(_("not active"))
    return "\n".join(parts) or _("checked")


class DirectoryModel(LazyTableModel):
    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.text = ""
        self.need: str | None = None
        self.city: str | None = None

    def set_query(self, text: str = "", need: str | None = None, city: str | None = None) -> None:
        self.text, self.need, self.city = text, need, city
        self.reload()

    def headers(self) -> list[str]:
        return [_("Service"), _("Organisation"), _("Places"), _("Data check")]

    def count(self) -> int:
        return directory.count(self.ctx, self.text, need=self.need, city=self.city)

    def fetch(self, offset: int, limit: int) -> list[ServiceSummary]:
        return directory.search(
            self.ctx, self.text, need=self.need, city=self.city, limit=limit, offset=offset
        )

    def cell(self, item: ServiceSummary, column: int) -> str:
        if column == 0:
            return shown_name(item.name)
        if column == 1:
            return shown_name(item.organization_name)
        if column == 2:
            return join(shown_name(c) for c in item.cities) or _("national")
        return check_text(item)

    def tooltip(self, item: ServiceSummary, column: int) -> str | None:
        return self.cell(item, column)
