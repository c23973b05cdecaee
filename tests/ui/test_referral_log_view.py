"""The referral-log view as a supervisor uses it: Go menu → filters → count → Export…"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QHeaderView

from loket.db import exports as export_repo
from loket.db.exports import Filters
from loket.i18n import _, ngettext
from tests.helpers import context
from tests.referrals.test_log import ALL, demo_template, ldb  # noqa: F401 (fixtures)
from ui.main_window import MainWindow
from ui.nav_menu import NavMenu
from ui.views.referral_log_view import ReferralLogView, format_count
from ui.workers import wait_for_all


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    NavMenu(window)
    window.show()
    return window


def _set_period(view, start: str, end: str) -> None:
    view.date_from.setDate(QDate.fromString(start, "yyyy-MM-dd"))
    view.date_to.setDate(QDate.fromString(end, "yyyy-MM-dd"))


def _count_text(n: int) -> str:
    return ngettext("{n} referral", "{n} referrals", n).format(n=format_count(n))


def _opened(ldb) -> int:  # noqa: F811
    return ldb.scalar("SELECT count(*) FROM audit_log WHERE action = 'referral_log.open'")


def test_filters_count_and_export(qtbot, ldb, monkeypatch):  # noqa: F811
    window = _window(qtbot, context(ldb, role="supervisor", username="chef"))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_R, ctrl_shift)
    view = window.current_view()
    assert view.name == "referral_log"
    assert window.go_menu.actions["referral_log"].isVisible()
    # a million rows cost what fifty cost: one fixed row height, columns not fitted to content
    rows = view.table.verticalHeader()
    assert rows.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert (
        view.table.horizontalHeader().sectionResizeMode(0)
        != QHeaderView.ResizeMode.ResizeToContents
    )
    wait_for_all()
    qtbot.waitUntil(lambda: view.model.total is not None, timeout=10_000)
    assert _opened(ldb) == 1

    # the whole period, completed referrals only: Enter applies the filters
    _set_period(view, *ALL)
    view.status_filter.setCurrentIndex(view.status_filter.findData("completed"))
    view.status_filter.setFocus()
    qtbot.keyClick(view.status_filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.total is not None, timeout=10_000)
    expected = export_repo.count_referrals(ldb.conn, Filters(*ALL, status="completed"))
    assert expected > 100
    assert view.count_label.text() == _count_text(expected)
    assert view.table.model().rowCount() == expected
    assert _opened(ldb) == 2
    # an opened log does not open again when the view is shown again (Esc and back)
    window.show_view("search")
    window.back()
    assert window.current_view() is view and _opened(ldb) == 2

    # a bad period gets the export's message and leaves the table as it was
    _set_period(view, "2026-06-01", "2026-05-01")
    view.show_button.click()
    assert view.message.text() == _("The end date lies before the start date.")
    assert view.message.isVisible()
    assert view.model.total == expected and _opened(ldb) == 2

    # F5 reads the same log again, and comes back to the row the supervisor was at
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(expected - 7, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: view.model.total is not None, timeout=10_000)
    assert _opened(ldb) == 3 and view.model.filters.status == "completed"
    assert not view.message.isVisible()  # F5 read the log: the message went
    assert view.table.currentIndex().row() == expected - 7
    middle = view.table.viewport().height() // 2
    qtbot.waitUntil(lambda: view.table.rowAt(middle) in range(expected - 30, expected))

    # Export… opens the export dialog with the filters on screen
    _set_period(view, "2026-01-01", "2026-03-31")
    view.desk.setCurrentIndex(view.desk.findData("ZWL"))
    view.partner.setCurrentIndex(2)
    view.need.setCurrentIndex(1)
    view.export_button.click()
    dialog = view.export_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert dialog.date_from.date().toString("yyyy-MM-dd") == "2026-01-01"
    assert dialog.date_to.date().toString("yyyy-MM-dd") == "2026-03-31"
    assert dialog.desk.currentData() == "ZWL"
    assert dialog.status_filter.currentData() == "completed"
    assert dialog.partner.currentData() == view.partner.currentData() is not None
    assert dialog.need.currentData() == view.need.currentData() is not None
    dialog.reject()
    view.model.close()
    wait_for_all()


def test_the_count_is_written_as_the_language_writes_numbers(qtbot, ldb):  # noqa: F811
    from loket import i18n

    language = i18n.language()
    try:
        i18n.set_language("nl")
        assert format_count(1032500) == "1.032.500"
        i18n.set_language("en")
        assert format_count(1032500) == "1,032,500"
    finally:
        i18n.set_language(language)


def test_counter_staff_neither_see_nor_reach_it(qtbot, ldb):  # noqa: F811
    window = _window(qtbot, context(ldb, role="balie"))
    assert not window.go_menu.actions["referral_log"].isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_R, ctrl_shift)
    assert window.current_view().name != "referral_log"
    # and the view itself, if it were shown, reads nothing
    view = window.show_view("referral_log")
    assert view.model.rowCount() == 0
    assert view.message.text() == _("The referral log is for supervisors.")
    assert _opened(ldb) == 0


def test_rows_grow_with_the_text_size(qtbot, ldb):  # noqa: F811
    """My settings can double the text size: the fixed row height must follow it."""
    from ui import theme

    app = QApplication.instance()
    theme.apply_text_scale(app, 100)
    view = ReferralLogView(context(ldb, role="supervisor", username="chef"))
    qtbot.addWidget(view)
    view.show()
    small = view.table.verticalHeader().defaultSectionSize()
    try:
        theme.apply_text_scale(app, 200)
        qtbot.waitUntil(
            lambda: (
                view.table.verticalHeader().defaultSectionSize()
                >= view.table.fontMetrics().height() + 8
            )
        )
        assert view.table.verticalHeader().defaultSectionSize() > small * 1.5
    finally:
        theme.apply_text_scale(app, 100)
        view.model.close()
        wait_for_all()
    qtbot.waitUntil(lambda: view.table.verticalHeader().defaultSectionSize() == small)


def test_filters_apply_as_they_change(qtbot, ldb):  # noqa: F811
    window = _window(qtbot, context(ldb, role="supervisor", username="chef"))
    view = window.show_view("referral_log")
    wait_for_all()
    qtbot.waitUntil(lambda: view.model.total is not None, timeout=10_000)
    before = _opened(ldb)
    _set_period(view, *ALL)
    view.status_filter.setCurrentIndex(view.status_filter.findData("sent"))
    # no button pressed: after a short pause the log follows the filters on screen, once
    qtbot.waitUntil(lambda: view.model.filters.status == "sent", timeout=5_000)
    qtbot.waitUntil(lambda: view.model.total is not None, timeout=10_000)
    expected = export_repo.count_referrals(ldb.conn, Filters(*ALL, status="sent"))
    assert view.count_label.text() == _count_text(expected)
    assert _opened(ldb) == before + 1
    # a period that cannot be says so at once, and the rows stay those of the last filters
    _set_period(view, "2026-06-01", "2026-05-01")
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=5_000)
    assert view.message.text() == _("The end date lies before the start date.")
    assert view.model.filters.status == "sent" and view.model.total == expected
    view.model.close()


def test_the_need_filter_speaks_the_ui_language(qtbot, ldb):  # noqa: F811
    from loket import i18n
    from ui import i18n_qt

    i18n_qt.install()  # as the app does: a language switch re-translates the window
    i18n.set_language("nl")
    window = _window(qtbot, context(ldb, role="supervisor", username="chef"))
    view = window.show_view("referral_log")
    debts = view.need.findData("debts")
    assert view.need.itemText(debts) == "Schulden of geld"
    try:
        i18n.set_language("ar")
        assert view.need.itemText(debts) == i18n._("Debts or money") != "Debts or money"
        i18n.set_language("en")
        assert view.need.itemText(debts) == "Debts or money"
    finally:
        i18n.set_language("nl")
    view.model.close()


def test_a_change_just_before_closing_reads_nothing_afterwards(qtbot, ldb):  # noqa: F811
    from ui.views import referral_log_view

    window = _window(qtbot, context(ldb, role="supervisor", username="chef"))
    view = window.show_view("referral_log")
    wait_for_all()
    qtbot.waitUntil(lambda: view.model.total is not None, timeout=10_000)
    opened = _opened(ldb)
    view.status_filter.setCurrentIndex(view.status_filter.findData("sent"))
    window.close()
    qtbot.wait(referral_log_view.APPLY_DELAY_MS + 200)
    assert not view._apply_soon.isActive()
    assert _opened(ldb) == opened and view.model.filters.status is None
    view.model.close()
