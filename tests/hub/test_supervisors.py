"""Supervisors across PCs: the referral log in the app reads from the hub when it answers
(a desk supervisor their desk, a national supervisor every desk), with the same filters;
offline it says that it shows this PC only.  The real widgets against a real hub."""

from __future__ import annotations

import dataclasses

import pytest

from loket.context import Context
from loket.db import outbox
from loket.errors import ValidationError
from loket.referrals import lifecycle as referrals
from loket.sync import reading
from tests import helpers
from tests.pcs import sync as _sync
from tests.ui.test_counter_flow import make_window


def _referral(db, desk: str):
    ctx = helpers.context(db, desk_code=desk)
    v = helpers.visitor(ctx, v_number=None)
    visit = helpers.visit(ctx, v.id)
    service = db.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
    return referrals.propose(ctx, visit.id, service)


@pytest.fixture
def three_pcs(make_pc):
    """Two PCs of Zwolle and one of Den Haag, one referral each; PC a pulled before the
    others wrote theirs, so its own file holds only its own."""
    a, b, c = make_pc("a", "ZWL"), make_pc("b", "ZWL"), make_pc("c", "DHG")
    _sync(a, b, c)
    mine = _referral(a, "ZWL")
    _sync(a)
    _referral(b, "ZWL")
    _referral(c, "DHG")
    _sync(b, c)
    assert a.scalar("SELECT count(*) FROM referral") == 1
    return a, b, c, mine


def _open_log(qtbot, ctx):
    window = make_window(qtbot, ctx)
    view = window.show_view("referral_log")
    qtbot.waitUntil(lambda: view.model.total is not None, timeout=20_000)
    return view


def test_a_desk_supervisor_sees_every_pc_of_their_desk_from_the_hub(qtbot, three_pcs, english):
    a = three_pcs[0]
    view = _open_log(qtbot, helpers.context(a, "supervisor", desk_code="ZWL"))
    assert view.model.total == 2  # a's and b's, not Den Haag's
    assert {view.model.row(i).desk for i in range(2)} == {"ZWL"}
    assert view.scope_label.isVisible()
    assert view.scope_label.text() == "From the hub: every PC of desk ZWL."
    assert view.count_label.text() == "2 referrals"
    # the same filters as the PC's own log: a status nobody has
    view.status_filter.setCurrentIndex(view.status_filter.findData("completed"))
    view.apply_filters()
    qtbot.waitUntil(lambda: view.model.total == 0, timeout=20_000)


def test_another_desk_from_the_hub_is_refused_for_a_desk_supervisor(three_pcs, english):
    a = three_pcs[0]
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    start, end = "2000-01-01", "2100-01-01"
    with pytest.raises(ValidationError) as err:
        reading.open_referral_log(supervisor, date_from=start, date_to=end, desk_code="DHG")
    assert "own desk" in str(err.value.errors["desk_code"])


def test_a_national_supervisor_sees_every_desk(qtbot, three_pcs, english):
    a = three_pcs[0]
    desk_supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    user = dataclasses.replace(desk_supervisor.user, desk_id=None)
    view = _open_log(qtbot, Context(db=a, user=user, desk=None, origin="test"))
    assert view.model.total == 3
    assert {view.model.row(i).desk for i in range(3)} == {"ZWL", "DHG"}
    assert view.scope_label.text() == "From the hub: every PC of every desk."


def test_offline_the_log_says_it_shows_this_pc_only(qtbot, three_pcs, english):
    a, _b, _c, mine = three_pcs
    with a.transaction():
        outbox.put_setting(a, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    view = _open_log(qtbot, helpers.context(a, "supervisor", desk_code="ZWL"))
    assert view.model.total == 1 and view.model.row(0).key[0] == mine.created_at
    assert "this PC only" in view.scope_label.text()


def _export(qtbot, ctx, out):
    from loket.db.exports import Filters
    from loket.referrals.log import default_period
    from ui.views.export_dialog import ExportDialog

    dialog = ExportDialog(ctx, None, filters=Filters(*default_period()))
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.path.setText(str(out))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert dialog.error is None, dialog.error
    return dialog, out.read_text("utf-8-sig").splitlines()


def test_the_csv_export_reads_the_hub_too(qtbot, three_pcs, english, tmp_path):
    a = three_pcs[0]
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    dialog, lines = _export(qtbot, supervisor, tmp_path / "zwl.csv")
    assert dialog.result.rows == 2 and len(lines) == 3  # a header, a's and b's referral
    assert all(";ZWL;" in line for line in lines[1:])
    assert "every PC of desk ZWL" in dialog.message.text()
    with a.transaction():
        outbox.put_setting(a, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    dialog, lines = _export(qtbot, supervisor, tmp_path / "offline.csv")
    assert dialog.result.rows == 1 and "this PC only" in dialog.message.text()


def test_the_overview_counts_at_the_hub_too(qtbot, three_pcs, english):
    from ui.views.overview_view import OverviewView

    a = three_pcs[0]
    view = OverviewView(helpers.context(a, "supervisor", desk_code="ZWL"))
    qtbot.addWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: view.result is not None and not view._pending, timeout=20_000)
    facts = {label: cell.value for label, cell in view.result.facts}
    assert facts["Visits"] == 2 and facts["Referrals"] == 2  # a's and b's, not Den Haag's
    need = next(t for t in view.result.tables if t.key == "need")
    assert [(label, [c.value for c in cells]) for label, cells in need.rows] == [
        ("Debts or money", [2, 2])
    ]  # the needs' labels from the hub, counted there
    assert "every PC of desk ZWL" in view.status.text()
    with a.transaction():
        outbox.put_setting(a, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    view.refresh()
    qtbot.waitUntil(lambda: not view._pending, timeout=20_000)
    facts = {label: cell.value for label, cell in view.result.facts}
    assert facts["Referrals"] == 1 and "this PC only" in view.status.text()


def test_the_hubs_overview_counts_what_the_pcs_own_would(three_pcs, make_pc, english):
    from loket.db.exports import Filters
    from loket.referrals.log import default_period
    from loket.reports import overview as core

    a, b, _c, mine = three_pcs
    supervisor = helpers.context(b, "supervisor", desk_code="ZWL")
    [rid] = [r["id"] for r in b.all("SELECT id FROM referral WHERE id <> ?", (mine.id,))]
    for step in (referrals.mark_sent, referrals.accept, referrals.complete):
        step(supervisor, rid)
    with b.transaction():  # a follow-up date passed: overdue
        b.execute("UPDATE referral SET follow_up_date = '2000-01-01' WHERE id <> ?", (rid,))
    _sync(b, a, b, a)
    n = make_pc("n", None)  # a national PC (no desk) holds every desk's files, as the hub
    _sync(n)
    user = dataclasses.replace(helpers.context(n, "supervisor").user, desk_id=None)
    national = Context(db=n, user=user, desk=None, origin="test")
    filters = Filters(*default_period())
    at_hub, scope, _desk = reading.overview(national, filters, suppress_below=1)
    here = core.overview(national, filters, suppress_below=1)
    assert scope == reading.HUB_ALL
    assert at_hub.facts == here.facts
    assert [(t.key, t.rows) for t in at_hub.tables] == [(t.key, t.rows) for t in here.tables]


def test_after_a_round_without_the_hub_the_log_does_not_wait_for_it(three_pcs):
    a = three_pcs[0]
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    period = {"date_from": "2000-01-01", "date_to": "2100-01-01"}
    log = reading.open_referral_log(supervisor, **period)
    assert log.scope == reading.HUB_DESK
    log.close()
    with a.transaction():
        outbox.set_state(a, {"hub_reachable": "0"})  # as a failed round leaves it
    assert reading.open_referral_log(supervisor, **period).scope == reading.THIS_PC
