"""Referrals whose follow-up date has come, for one staff member or one desk."""

from __future__ import annotations

from collections.abc import Callable

from loket.context import Context, reader
from loket.i18n import _
from loket.referrals import lifecycle as referrals
from loket.referrals.lifecycle import Referral
from ui.models.counter_models import format_date
from ui.models.lazy import LazyTableModel


class FollowupsModel(LazyTableModel):
    # Counting one desk's open follow-ups joins each with its visit: ~0.8 s on a million
    # referrals, too long for the event loop.
    COUNT_IN_BACKGROUND = True

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.staff_id: str | None = None
        self.desk_id: str | None = None

    def set_scope(self, *, staff_id: str | None = None, desk_id: str | None = None) -> None:
        self.staff_id, self.desk_id = staff_id, desk_id
        self.reload()

    def headers(self) -> list[str]:
        return [_("Follow up on"), _("Visitor"), _("Partner"), _("Status"), _("Staff")]

    def count_job(self) -> Callable[[], int]:
        ctx, staff_id, desk_id = self.ctx, self.staff_id, self.desk_id

        def count() -> int:
            with reader(ctx) as own:
                return referrals.followups_due_count(own, staff_id=staff_id, desk_id=desk_id)

        return count

    def fetch(self, offset: int, limit: int) -> list[Referral]:
        # The next page continues after the last row shown (keyset): constant cost per page
        # even at the end of a list of a hundred thousand referrals.
        after = self._items[offset - 1] if 0 < offset == len(self._items) else None
        return referrals.followups_due(
            self.ctx,
            staff_id=self.staff_id,
            desk_id=self.desk_id,
            limit=limit,
            offset=0 if after is not None else offset,
            after=after,
        )

    def cell(self, item: Referral, column: int) -> str:
        if column == 0:
            return format_date(item.follow_up_date)
        if column == 1:
            return item.visitor_name
        if column == 2:
            return f"{item.organization_name}: {item.service_name}"
        if column == 3:
            return referrals.status_label(item.status)
        return item.staff_name or ""
