"""Sync for staff, through the real widgets: a conflict decided by picking and by typing, a
merge of two visitors with their visits and referrals, the status line offline → online
(and syncing when the hub side is there), the badges and the desk's queue.  Only the
confirmation dialog is patched."""

from __future__ import annotations

import sys
import types

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from loket.counter import merge
from loket.db import outbox
from loket.db import sync as sync_repo
from loket.i18n import tools as i18n_tools
from loket.referrals import lifecycle as referrals
from tests.helpers import context, visit, visitor
from tests.sync.support import conflict, enrol, set_state, waiting
from tests.ui.test_counter_flow import make_window, type_search


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    i18n_tools.compile_all()


@pytest.fixture
def ctx(db):
    return context(db, "supervisor")


@pytest.fixture
def window(qtbot, ctx, english):
    return make_window(qtbot, ctx)


@pytest.fixture
def person(ctx):
    return visitor(ctx, phone="0612345678")


def test_a_conflict_decided_by_picking_the_other_pcs_value(qtbot, window, ctx, db, person):
    cid = conflict(
        db,
        "visitor",
        person.id,
        "phone",
        base="+31612345678",
        hub="+31687654321",
        incoming="+31611111111",
        desk_id=ctx.desk.id,
    )
    view = window.show_view("visitor", visitor_id=person.id)
    assert view.badge.isVisible() and "changed 1 detail" in view.badge.text()
    assert view.decide_button.isVisible()
    qtbot.mouseClick(view.decide_button, Qt.MouseButton.LeftButton)
    view = window.current_view()
    assert view.name == "conflict"
    [box] = view.boxes
    assert "+31612345678" in box.before.text()
    assert box.hub.text().startswith("Other PC: \u202a+31687654321")
    assert "fatima" in box.hub.text().splitlines()[1]  # who, and when
    assert box.incoming.text().startswith("This PC: ")  # this PC's own edit
    assert "balie" in box.incoming.text()
    qtbot.mouseClick(box.hub, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(box.decide_button, Qt.MouseButton.LeftButton)
    assert "+31687654321" in box.result.text()
    assert not box.decide_button.isEnabled()
    assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (person.id,)) == "+31687654321"
    assert db.scalar("SELECT resolved_by FROM sync_conflict WHERE id = ?", (cid,)) == "supervisor"
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'conflict.resolved'") == 1
    view = window.show_view("visitor", visitor_id=person.id)
    assert not view.badge.isVisible()


def test_a_conflict_decided_by_typing_another_value(qtbot, window, ctx, db, person):
    cid = conflict(
        db, "visitor", person.id, "phone", base=None, hub="+31687654321", incoming="+31611111111"
    )
    view = window.show_view("conflict", conflict_id=cid)
    [box] = view.boxes
    qtbot.keyClicks(box.typed, "not a number")
    assert box.other.isChecked()  # typing chose the typed line
    qtbot.keyClick(box.typed, Qt.Key.Key_Return)
    assert box.result.text()  # the edit form's own message
    assert db.scalar("SELECT resolved_at FROM sync_conflict WHERE id = ?", (cid,)) is None
    box.typed.clear()
    qtbot.keyClicks(box.typed, "06 2222 3333")
    qtbot.keyClick(box.typed, Qt.Key.Key_Return)
    assert db.scalar("SELECT phone FROM visitor WHERE id = ?", (person.id,)) == "+31622223333"
    assert "Everything here is decided" in view.message.text()


def test_a_merge_of_two_visitors_with_their_visits_and_referrals(
    qtbot, window, ctx, db, monkeypatch
):
    a = visitor(ctx, given_names="Mohamed", family_name="Al-Hassan", v_number="1234567890")
    b = visitor(
        ctx,
        given_names="Mohammed",
        family_name="Alhassan",
        v_number="1234567890",
        phone="0612345678",
    )
    service = db.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
    va, vb = visit(ctx, a.id), visit(ctx, b.id)
    ra, rb = referrals.propose(ctx, va.id, service), referrals.propose(ctx, vb.id, service)
    assert merge.scan(ctx) == 1
    view = window.show_view("visitor", visitor_id=b.id)
    assert "may be the same visitor" in view.badge.text()
    qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    view = window.current_view()
    assert view.name == "merge"
    assert [v.id for v in view.files] == [b.id, a.id]  # the file it came from on the left
    assert set(view.groups) == {"keep", "given_names", "family_name", "phone"}
    # keep the other file (a), with b's given names and phone, by keyboard: Tab, Space
    keep_right = view.groups["keep"].button(1)
    keep_right.setFocus()
    qtbot.keyClick(keep_right, Qt.Key.Key_Space)
    assert view.groups["keep"].checkedId() == 1
    view.groups["family_name"].button(1).click()
    assert view.groups["phone"].checkedId() == 0  # the value there is, not an empty one
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.merge_button.setFocus()
    qtbot.keyClick(view.merge_button, Qt.Key.Key_Space)
    assert window.current_view().name == "visitor", view.message.text()
    kept = window.current_view().visitor
    assert kept.id == a.id
    assert (kept.given_names, kept.family_name, kept.phone) == (
        "Mohammed",
        "Al-Hassan",
        "+31612345678",
    )
    assert {r["id"] for r in db.all("SELECT id FROM visit WHERE visitor_id = ?", (a.id,))} == {
        va.id,
        vb.id,
    }
    assert {referrals.load(ctx, r.id).visitor_id for r in (ra, rb)} == {a.id}
    assert window.current_view().model.rowCount() == 2  # both visits in the kept file
    # the merged-away id opens the kept file
    assert window.show_view("visitor", visitor_id=b.id).visitor.id == a.id


def test_merge_refused_or_declined_changes_nothing(qtbot, window, ctx, db, monkeypatch):
    a = visitor(ctx, given_names="Mohamed", family_name="Al-Hassan")
    b = visitor(ctx, given_names="Mohammed", family_name="Alhassan")
    merge.scan(ctx)
    view = window.show_view("merge", visitor_id=a.id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    view.merge_button.click()
    assert db.scalar("SELECT merged_into FROM visitor WHERE id = ?", (b.id,)) is None
    view.dismiss_button.click()
    assert "not proposed again" in view.message.text()
    assert merge.open_tasks(ctx) == []
    task_id = view.task.id
    view = window.show_view("merge", task_id=task_id)  # a decided task is not shown again
    assert "already decided" in view.message.text() and not view.merge_button.isEnabled()


def test_the_status_line_offline_then_online(qtbot, window, db, monkeypatch):
    line = window.sync_line
    monkeypatch.setattr("ui.sync_line.sync_function", lambda: None)
    line.refresh()
    qtbot.waitUntil(lambda: line.status is not None)
    assert "works on its own" in line.label.text()  # not enrolled: nothing alarming
    enrol(db)
    waiting(db, 14)
    set_state(
        db, last_success_at="2026-12-04T10:40:00Z", hub_reachable="0", last_error_code="unreachable"
    )
    with qtbot.waitSignal(line.updated):
        line.refresh()
    assert line.label.text().startswith("No connection since")
    assert "14 changes waiting" in line.label.text()
    db.execute("DELETE FROM sync_outbox")  # as the hub side does once a batch is acknowledged
    set_state(db, last_success_at="2026-12-04T11:03:00Z", hub_reachable="1", last_error_code="")
    with qtbot.waitSignal(line.updated):
        line.refresh()
    assert line.label.text().startswith("Updated at")
    assert "waiting" not in line.label.text()
    assert window.statusBar().isVisible() and line.label.isVisible()


def test_the_status_line_syncs_on_demand_when_the_hub_side_is_there(qtbot, window, db, monkeypatch):
    calls = []

    def sync_now(ctx):
        calls.append(ctx)
        set_state(ctx.db, last_success_at="2026-12-04T11:03:00Z", hub_reachable="1")

    fake = types.ModuleType("loket.sync.run")
    fake.sync_now = sync_now
    monkeypatch.setitem(sys.modules, "loket.sync.run", fake)
    enrol(db)
    line = window.sync_line
    with qtbot.waitSignal(line.updated):
        qtbot.keyClick(
            window,
            Qt.Key.Key_Y,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    [own] = calls  # the same colleague, on a connection of its own (not the counter's)
    assert own.user == window.ctx.user and own.db is not window.ctx.db
    assert own.db.path == window.ctx.db.path
    assert line.label.text().startswith("Updated at")
    assert line._timer.interval() == 60_000


def test_the_status_line_runs_the_real_sync_only_when_enrolled(qtbot, window, db):
    line = window.sync_line
    with qtbot.waitSignal(line.updated, timeout=20_000):
        line.sync_now()
    assert "works on its own" in line.label.text()
    assert "last_attempt_at" not in sync_repo.state(db)  # a PC on its own tries nothing
    enrol(db)
    with db.transaction():
        outbox.put_setting(db, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    with qtbot.waitSignal(line.updated, timeout=20_000):
        line.sync_now()
        line.sync_now()  # one round at a time: the second asks nothing
    assert sync_repo.state(db)["last_error_code"] == "unreachable"
    assert line.label.text().startswith("No connection yet")
    assert line._timer.interval() == 60_000


def test_visitors_pulled_by_a_sync_become_merge_tasks(qtbot, window, ctx, db, monkeypatch):
    mine = visitor(ctx, given_names="Mohamed", family_name="Al-Hassan")

    def sync_now(ctx):  # the pull brings another PC's file of the same person
        visitor(ctx, given_names="Muhammad", family_name="Alhassan")

    fake = types.ModuleType("loket.sync.run")
    fake.sync_now = sync_now
    monkeypatch.setitem(sys.modules, "loket.sync.run", fake)
    enrol(db)
    with qtbot.waitSignal(window.sync_line.updated):
        window.sync_line.sync_now()
    [task] = merge.open_tasks(ctx)
    assert mine.id in (task.visitor_a, task.visitor_b)


def test_enrolment_state_in_the_administrators_settings_and_at_first_run(qtbot, db, english):
    from ui.views.first_run_dialog import FirstRunDialog

    admin = context(db, "beheerder")
    window = make_window(qtbot, admin)
    view = window.show_view("admin_settings")
    assert "not enrolled" in view.enrolment.text()
    enrol(db)
    set_state(db, last_success_at="2026-12-04T11:03:00Z")
    view = window.show_view("admin_settings")
    assert "is enrolled" in view.enrolment.text() and db.workstation in view.enrolment.text()
    dialog = FirstRunDialog(admin)
    qtbot.addWidget(dialog)
    assert "is enrolled" in dialog.enrolment.text()


def test_badges_in_the_search_list_and_the_desks_queue(qtbot, window, ctx, db, person):
    other = visitor(ctx, given_names="Ayse", family_name="Yilmaz")
    merge.scan(ctx)
    old = conflict(
        db,
        "visitor",
        person.id,
        "phone",
        base=None,
        hub="+31687654321",
        incoming="+31611111111",
        created_at="2026-12-01T08:00:00Z",
    )
    new = conflict(
        db,
        "visitor",
        person.id,
        "email",
        base=None,
        hub="a@b.nl",
        incoming="c@d.nl",
        created_at="2026-12-03T08:00:00Z",
    )
    search = window.show_view("search")
    type_search(qtbot, search, "1234567890")
    names = {
        search.model.item(r).visitor_id: search.model.data(search.model.index(r, 0))
        for r in range(search.model.rowCount())
    }
    assert "two versions" in names[person.id]
    assert "registered twice" in names[other.id]
    queue = window.show_view("decisions")
    ids = [
        queue.conflicts.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(queue.conflicts.count())
    ]
    assert ids == [old, new]  # oldest first
    assert queue.tasks.count() == 1
    queue.conflicts.setCurrentRow(0)
    queue.conflicts.itemActivated.emit(queue.conflicts.item(0))
    view = window.current_view()
    assert view.name == "conflict" and [b.conflict.id for b in view.boxes] == [old, new]
    window.show_view("decisions")
    queue.tasks.itemActivated.emit(queue.tasks.item(0))
    assert window.current_view().name == "merge"


def test_counter_staff_see_conflicts_but_merge_is_for_supervisors(qtbot, db, english):
    ctx = context(db, "balie")
    person = visitor(ctx)
    visitor(ctx, given_names="Ayse", family_name="Yilmaz")
    merge.scan(ctx)
    window = make_window(qtbot, ctx)
    view = window.show_view("visitor", visitor_id=person.id)
    assert view.badge.isVisible() and not view.compare_button.isVisible()
    queue = window.show_view("decisions")
    assert not queue.tasks_box.isVisible()


def test_a_long_status_sentence_wraps_at_double_text_size(qtbot, db, english):
    from PySide6.QtWidgets import QApplication

    from ui import theme

    app = QApplication.instance()
    font, sheet = app.font(), app.styleSheet()
    try:
        theme.apply(app, scale=200)
        window = make_window(qtbot, context(db, "balie"))
        window.resize(1366, 700)
        enrol(db)
        waiting(db, 14)
        set_state(db, hub_reachable="1", last_error_code="refused")
        with qtbot.waitSignal(window.sync_line.updated):
            window.sync_line.refresh()
        assert "administrator" in window.sync_line.label.text()
        # the whole sentence fits in the window's width (on two lines), none of it clipped
        assert window.sync_line.label.minimumSizeHint().width() <= window.width()
    finally:
        theme.apply(app, scale=100)
        app.setFont(font)
        app.setStyleSheet(sheet)
