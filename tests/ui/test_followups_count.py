"""Follow-ups due: a list longer than one page shows its first page at once and is counted
on a worker thread (one desk's count reads most of a million referrals)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loket import clock
from loket.i18n import _, ngettext
from loket.referrals import lifecycle as referrals
from tests.helpers import context, visit, visitor
from ui.models.followups_model import FollowupsModel
from ui.views.followups_view import FollowupsView
from ui.workers import wait_for_all


class SmallPages(FollowupsModel):
    BATCH = 2


@pytest.fixture
def ctx(db):
    return context(db, "balie")


@pytest.fixture
def five_due(ctx, db):
    """Five referrals of this desk whose follow-up date has come."""
    services = [r[0] for r in db.all("SELECT id FROM service ORDER BY id LIMIT 5")]
    assert len(services) == 5
    past = (clock.today() - timedelta(days=1)).isoformat()
    a_visit = visit(ctx, visitor(ctx).id)
    return [referrals.propose(ctx, a_visit.id, s, follow_up_date=past) for s in services]


def test_long_list_counted_in_background(qtbot, ctx, five_due):
    model = SmallPages(ctx)
    with qtbot.waitSignal(model.total_changed, timeout=10_000):
        model.set_scope(desk_id=ctx.desk.id)
    assert model.rowCount() == 2  # the first page is there at once
    if model.total is None:  # the worker has not answered yet
        with qtbot.waitSignal(model.total_changed, timeout=10_000):
            pass
    assert model.total == 5
    while model.canFetchMore():
        model.fetchMore()
    shown = [model.item(i).id for i in range(model.rowCount())]
    assert shown == [r.id for r in referrals.followups_due(ctx, desk_id=ctx.desk.id)]
    assert sorted(shown) == sorted(r.id for r in five_due)


def test_short_list_known_at_once(qtbot, ctx, five_due):
    model = FollowupsModel(ctx)  # 50 a page: five rows are the whole list
    model.set_scope(desk_id=ctx.desk.id)
    assert model.total == 5 and model.rowCount() == 5 and not model.canFetchMore()


def test_a_count_for_an_earlier_scope_is_dropped(qtbot, ctx, five_due):
    model = SmallPages(ctx)
    model.set_scope(desk_id=ctx.desk.id)  # counting starts for the desk...
    model.set_scope(staff_id="nobody")  # ...but the clerk switched to an empty list
    wait_for_all()
    qtbot.wait(50)  # let the queued answer of the first count arrive
    assert model.total == 0 and model.rowCount() == 0


def test_view_says_counting_then_the_number(qtbot, ctx, five_due, monkeypatch):
    monkeypatch.setattr(FollowupsModel, "BATCH", 2)
    view = FollowupsView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.scope.setCurrentIndex(1)  # all referrals of this desk
    # The first page is full, so the number is not known yet: the worker's answer comes
    # through the event loop, which has not run since.
    assert view.model.total is None
    assert view.count_label.text() == _("Counting the follow-ups due…")
    qtbot.waitUntil(lambda: view.model.total == 5, timeout=10_000)
    assert view.count_label.text() == ngettext("{n} follow-up due", "{n} follow-ups due", 5).format(
        n=5
    )


def test_a_failed_count_stops_saying_counting(qtbot, ctx, five_due, monkeypatch):
    """The rows stay usable page by page; only the number is not shown."""

    def broken(self):
        def count() -> int:
            raise RuntimeError("disk gone")

        return count

    monkeypatch.setattr(FollowupsModel, "BATCH", 2)
    monkeypatch.setattr(FollowupsModel, "count_job", broken)
    view = FollowupsView(ctx)
    qtbot.addWidget(view)
    view.scope.setCurrentIndex(1)
    assert view.count_label.text() == _("Counting the follow-ups due…")
    qtbot.waitUntil(lambda: not view.model.counting, timeout=10_000)
    assert view.count_label.text() == ""
    assert view.model.rowCount() == 2 and view.model.canFetchMore()
    while view.model.canFetchMore():
        view.model.fetchMore()
    assert view.model.rowCount() == 5 and view.model.total == 5  # known from the last page
