"""Every view of `VIEWS` can be reached by a person, with the keyboard: through a menu entry
(Go, Administration, My settings) for the roles that may use it, or -- for views about one
visitor or visit -- through a documented button on the screen before it.  A view added to
VIEWS without a way to it fails here."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QPushButton

from loket.privacy.permissions import ROLES, Permission, allowed
from tests.helpers import context, visit, visitor
from ui.admin_menu import AdminMenu
from ui.main_window import START_VIEW, VIEWS, MainWindow
from ui.nav_menu import NavMenu, entries
from ui.views.settings_view import add_menu_entry
from ui.workers import wait_for_all

# Who may open each view reached from a menu (None: every colleague).
MENU_VIEWS: dict[str, Permission | None] = {
    "search": Permission.VISITOR_READ,
    "register": Permission.VISITOR_WRITE,
    "today": Permission.VISITOR_READ,
    "followups": Permission.VISITOR_READ,
    "directory": Permission.DIRECTORY_READ,
    "overview": Permission.OVERVIEW_READ,
    "referral_log": Permission.EXPORT_PSEUDONYMISED,
    "letter_text": Permission.LETTER_TEXT_EDIT,
    "accounts": Permission.ACCOUNTS_MANAGE,
    "audit": Permission.AUDIT_READ,
    "admin_settings": Permission.SETTINGS_MANAGE,
    "preferences": None,
    "decisions": Permission.CONFLICT_RESOLVE,
}
# Views about one visitor or visit, and how a person gets there: (the view before it, the
# objectName of its button -- or of the list whose selected row Enter opens).
BUTTON_VIEWS: dict[str, tuple[str, str]] = {
    "visitor": ("search", "searchResults"),  # Enter on a search result
    "visit": ("visitor", "newVisit"),
    "referrals": ("visitor", "referVisit"),
    "letter": ("visitor", "letterVisit"),
}
# Views about what is left to decide on one visitor's file: a button on the file, shown
# while there is something to decide (also reached from the "decisions" queue's lists).
DECISION_VIEWS: dict[str, tuple[str, str]] = {
    "conflict": ("visitor", "decideConflicts"),
    "merge": ("visitor", "compareFiles"),
}
# The welcome page: only a start screen for tests that want an empty window (START_VIEW is
# the search); nothing to do there, so no way to it.
NOT_A_DESTINATION = {"home"}


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    NavMenu(window)
    AdminMenu(window)
    add_menu_entry(window)
    window.show()
    return window


def _menu_actions(window) -> list[QAction]:
    """Every action a person can reach in the menu bar: top-level ones and menu entries."""
    found = []
    for top in window.menuBar().actions():
        if not top.isVisible():
            continue
        menu = top.menu()
        if isinstance(menu, QMenu):
            found += [a for a in menu.actions() if a.isVisible() and not a.isSeparator()]
        else:
            found.append(top)
    return found


def _reached(qtbot, window) -> dict[str, QAction]:
    """Trigger each visible menu action from the start view; which view did it show?"""
    reached = {}
    for action in _menu_actions(window):
        if action.objectName() == "lockAction":
            continue  # locks the window; tested in test_lock
        window.show_view(START_VIEW)
        action.trigger()
        wait_for_all()
        qtbot.wait(1)
        reached.setdefault(window.current_view().name, action)
    return reached


def test_every_view_has_a_way_to_it():
    assert set(VIEWS) == (
        set(MENU_VIEWS) | set(BUTTON_VIEWS) | set(DECISION_VIEWS) | NOT_A_DESTINATION
    )
    assert {e.key for e in entries()} >= {"overview", "directory", "followups", "letter_text"}


@pytest.mark.parametrize("role", ROLES)
def test_menus_open_the_views_a_role_may_use_and_hide_the_others(qtbot, db, role):
    ctx = context(db, role, f"nav_{role}")
    window = _window(qtbot, ctx)
    reached = _reached(qtbot, window)
    for name, permission in MENU_VIEWS.items():
        may = permission is None or allowed(role, permission)
        assert (name in reached) == may, (role, name)
        if may:
            action = reached[name]
            assert "&" in action.text(), (name, action.text())  # a mnemonic
            assert action.text().replace("&", "").strip(), name
    for top in window.menuBar().actions():  # Alt+letter opens each menu
        if top.isVisible():
            assert "&" in top.text(), top.text()
    # The export dialog of the overview has its own entry, for supervisors and administrators.
    go = window.go_menu
    assert go.actions["export"].isVisible() == allowed(role, Permission.EXPORT_PSEUDONYMISED)
    if go.actions["export"].isVisible():
        window.show_view(START_VIEW)
        go.actions["export"].trigger()
        overview = window.current_view()
        assert overview.name == "overview"
        qtbot.waitUntil(lambda: overview.export_dialog.isVisible())
        overview.export_dialog.close()
    wait_for_all()


def test_go_menu_shortcuts(qtbot, db):
    sup = context(db, "supervisor", "nav_sup")
    window = _window(qtbot, sup)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keys = {
        "directory": Qt.Key.Key_D,
        "followups": Qt.Key.Key_F,
        "overview": Qt.Key.Key_O,
    }
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for name, key in keys.items():
        qtbot.keyClick(QApplication.focusWidget() or window, key, ctrl_shift)
        assert window.current_view().name == name
    wait_for_all()
    # Each entry names its shortcut, and every entry has one apart from the letter check.
    for entry in entries():
        text = window.go_menu.actions[entry.key].text()
        assert ("\t" in text) == (entry.shortcut is not None), entry.key


def test_a_counter_colleague_cannot_use_the_supervisor_shortcuts(qtbot, db):
    clerk = context(db, "balie", "nav_clerk")
    window = _window(qtbot, clerk)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for key in (Qt.Key.Key_O, Qt.Key.Key_E):
        qtbot.keyClick(QApplication.focusWidget() or window, key, ctrl_shift)
        assert window.current_view().name == START_VIEW
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_D, ctrl_shift)
    assert window.current_view().name == "directory"  # counter staff read the directory


def test_views_about_a_visitor_open_from_documented_buttons(qtbot, db):
    ctx = context(db, "balie", "nav_buttons")
    person = visitor(ctx, given_names="Nour", family_name="Khalil", v_number="6234567891")
    visit(ctx, person.id)
    window = _window(qtbot, ctx)
    for target, (start, widget_name) in BUTTON_VIEWS.items():
        if start == "search":
            view = window.show_view("search")
            view.field.clear()
            qtbot.keyClicks(view.field, "khalil")
            qtbot.waitUntil(lambda v=view: v.model.rowCount() == 1, timeout=5000)
            widget = view.findChild(QAbstractItemView, widget_name)
            assert widget is view.table, widget_name
            qtbot.keyClick(view.field, Qt.Key.Key_Down)
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        else:
            view = window.show_view(start, visitor_id=person.id)
            button = view.findChild(QPushButton, widget_name)
            assert button is not None and button.isVisible(), (target, widget_name)
            assert "&" in button.text(), (target, button.text())  # reachable by Alt+letter
            assert button.accessibleName(), target
            button.click()
        wait_for_all()
        assert window.current_view().name == target, (target, window.current_view().name)
        window.show_view(START_VIEW)


def test_views_about_what_to_decide_open_from_buttons_on_the_file(qtbot, db):
    from loket.counter import merge
    from tests.sync.support import conflict

    ctx = context(db, "supervisor", "nav_decide")
    person = visitor(ctx, given_names="Nour", family_name="Khalil", v_number="6234567891")
    visitor(ctx, given_names="Nur", family_name="Khalil", v_number="6234567891")
    merge.scan(ctx)
    conflict(
        db, "visitor", person.id, "phone", base=None, hub="+31687654321", incoming="+31611111111"
    )
    window = _window(qtbot, ctx)
    for target, (start, widget_name) in DECISION_VIEWS.items():
        view = window.show_view(start, visitor_id=person.id)
        button = view.findChild(QPushButton, widget_name)
        assert button is not None and button.isVisible(), (target, widget_name)
        assert "&" in button.text(), (target, button.text())
        assert button.accessibleName(), target
        button.click()
        assert window.current_view().name == target, (target, window.current_view().name)
        window.show_view(START_VIEW)


def test_go_menu_follows_the_lock_and_a_colleague_switch(qtbot, db):
    from tests.helpers import PASSWORD, make_staff
    from ui.lock import LockController

    sup = context(db, "supervisor", "nav_lock_sup")
    make_staff(db, "nav_lock_clerk", "balie")
    window = _window(qtbot, sup)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    controller = LockController(window, sup, minutes=60)
    controller.user_switched.connect(window.go_menu.refresh)  # as ui.app wires it
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    controller.lock()
    screen = controller.screen
    qtbot.keyClick(screen.password, Qt.Key.Key_D, ctrl_shift)
    assert window.current_view().name == START_VIEW  # nothing opens behind the lock
    qtbot.keyClicks(screen.other_user, "nav_lock_clerk")
    qtbot.keyClicks(screen.other_password, PASSWORD)
    with qtbot.waitSignal(controller.user_switched, timeout=2000):
        qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert not controller.is_locked and sup.user.username == "nav_lock_clerk"
    go = window.go_menu
    assert not go.actions["overview"].isVisible() and go.actions["directory"].isVisible()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_O, ctrl_shift)
    assert window.current_view().name != "overview"
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_D, ctrl_shift)
    assert window.current_view().name == "directory"


def test_a_back_button_for_those_who_do_not_know_esc(qtbot, db):
    from loket import i18n

    i18n.set_language("nl")
    window = MainWindow(context(db, role="balie"))
    qtbot.addWidget(window)
    window.show()
    button = window.nav_bar.widgetForAction(window.back_action)
    assert button.isVisible() and button.text() == "Terug (Esc)"
    assert not window.back_action.isEnabled()  # nowhere to go back to yet
    window.show_view("today")
    assert window.back_action.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_view().name == START_VIEW
    assert not window.back_action.isEnabled()


def test_the_back_arrow_points_the_way_the_text_reads(qtbot, db):
    from loket import i18n
    from ui import i18n_qt

    i18n_qt.install()  # as the app does: a language switch re-translates the window

    def points_left(window) -> bool:
        image = window.back_action.icon().pixmap(32, 32).toImage()
        # near its top edge only the arrow's head is drawn: in the half it points to
        row = [x for x in range(image.width()) if image.pixelColor(x, 7).alpha() > 128]
        assert row
        return sum(row) / len(row) < image.width() / 2

    i18n.set_language("nl")
    window = MainWindow(context(db, role="balie"))
    qtbot.addWidget(window)
    assert not window.back_action.icon().isNull()
    assert points_left(window)
    try:
        i18n.set_language("ar")
        window.show()
        assert not points_left(window)  # right, in Arabic
    finally:
        i18n.set_language("nl")
    assert points_left(window)
