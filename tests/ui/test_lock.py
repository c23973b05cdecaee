"""Auto-lock: Ctrl+L and idle time hide the content; the same user gets the unsaved form back;
another colleague may sign in once the form is kept as a draft."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout

from loket.counter import drafts
from tests.helpers import PASSWORD, context, make_staff
from ui import main_window
from ui.lock import LockController
from ui.views.base import View


class _Keeper:
    """The part of form_support.DraftKeeper the lock screen uses."""

    def __init__(self, view) -> None:
        self.view = view
        self.dirty = False
        self.draft_id = None

    def save_now(self) -> None:
        if self.dirty:
            self.draft_id = drafts.save_draft(
                self.view.ctx,
                "visitor",
                {"family_name": self.view.edit.text()},
                draft_id=self.draft_id,
            )
            self.dirty = False


class FormView(View):
    name = "lockform"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("familyName")
        layout.addWidget(self.edit)
        self.drafts = _Keeper(self)
        self.edit.textEdited.connect(lambda _t: setattr(self.drafts, "dirty", True))


@pytest.fixture
def window(qtbot, db, monkeypatch):
    monkeypatch.setitem(main_window.VIEWS, "lockform", "tests.ui.test_lock:FormView")
    monkeypatch.setattr(main_window, "START_VIEW", "home")
    ctx = context(db, "balie", "anna")
    win = main_window.MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    form = win.show_view("lockform")
    qtbot.keyClicks(form.edit, "Yilmaz")
    return win, ctx, form


def _audit(db, action):
    return [
        tuple(r)
        for r in db.all(
            "SELECT actor, result FROM audit_log WHERE action = ? ORDER BY seq", (action,)
        )
    ]


def test_ctrl_l_hides_content_and_the_same_user_gets_the_form_back(qtbot, db, window):
    win, ctx, form = window
    controller = LockController(win, ctx, minutes=60)
    qtbot.keyClick(form.edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.is_locked
    assert win.centralWidget() is controller.screen
    assert not form.isVisible()
    assert "Yilmaz" not in win.windowTitle()
    assert not win.menuBar().isEnabled()
    screen = controller.screen
    qtbot.keyClicks(screen.password, "wrong password")
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert controller.is_locked and screen.error.isVisible()
    qtbot.keyClicks(screen.password, PASSWORD)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not controller.is_locked
    assert form.isVisible() and form.edit.text() == "Yilmaz"
    assert win.menuBar().isEnabled()
    assert win.current_view() is form
    assert QApplication.focusWidget() is form.edit
    assert _audit(db, "session.lock") == [("anna", "ok")]
    assert _audit(db, "session.unlock") == [("anna", "failed"), ("anna", "ok")]


def test_idle_time_locks(qtbot, db, window):
    win, ctx, form = window
    controller = LockController(win, ctx, minutes=60)
    controller.set_minutes(0.002)  # about 120 ms
    controller.timer.start()
    qtbot.waitUntil(lambda: controller.is_locked, timeout=5000)
    assert form.edit.text() == "Yilmaz" and not form.isVisible()
    row = db.one("SELECT detail FROM audit_log WHERE action = 'session.lock'")
    assert '"idle"' in row["detail"]


def test_shortcuts_do_not_reach_the_hidden_form(qtbot, db, window):
    win, ctx, form = window
    controller = LockController(win, ctx, minutes=60)
    controller.lock()
    saved = []
    form.save = lambda: saved.append(True)
    qtbot.keyClick(controller.screen.password, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved == []


def test_another_colleague_signs_in_after_the_form_is_kept_as_draft(qtbot, db, window):
    win, ctx, _form = window
    make_staff(db, "bert", "balie")
    controller = LockController(win, ctx, minutes=60)
    controller.lock()
    screen = controller.screen
    qtbot.keyClicks(screen.other_user, "bert")
    qtbot.keyClicks(screen.other_password, "wrong")
    qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert controller.is_locked and ctx.user.username == "anna"
    qtbot.keyClicks(screen.other_password, PASSWORD)
    with qtbot.waitSignal(controller.user_switched, timeout=2000):
        qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert not controller.is_locked and ctx.user.username == "bert"
    assert "lockform" not in [v.name for v in win.open_views()]  # views built afresh
    anna = context(db, "balie", "anna")
    kept = drafts.list_drafts(anna)
    assert len(kept) == 1 and kept[0].payload == {"family_name": "Yilmaz"}
    assert drafts.list_drafts(ctx) == []  # bert does not see anna's draft
    assert _audit(db, "logout")[-1] == ("anna", "ok")


def test_input_restarts_the_idle_count(qtbot, db, window):
    win, ctx, form = window
    controller = LockController(win, ctx, minutes=60)
    controller.timer.stop()
    qtbot.keyClick(form.edit, Qt.Key.Key_A)
    assert controller.timer.isActive()


def test_an_open_dialog_is_covered_and_comes_back(qtbot, db, window):
    from PySide6.QtWidgets import QDialog

    win, ctx, _form = window
    controller = LockController(win, ctx, minutes=60)
    dialog = QDialog(win)
    dialog.setWindowTitle("Letter for Yilmaz")
    layout = QVBoxLayout(dialog)
    note = QLineEdit(dialog)
    layout.addWidget(note)
    dialog.open()  # window-modal, like the letter dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(note, "half typed")
    controller.lock()
    assert not note.isVisible() and "Yilmaz" not in dialog.windowTitle()
    assert QApplication.activeModalWidget() is controller.screen.window()
    screen = controller.screen
    qtbot.keyClick(screen, Qt.Key.Key_Escape)  # Esc does not get past the lock
    assert controller.is_locked and screen.isVisible()
    qtbot.keyClicks(screen.password, PASSWORD)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not controller.is_locked
    assert dialog.isVisible() and note.isVisible() and note.text() == "half typed"
    assert dialog.windowTitle() == "Letter for Yilmaz"
    dialog.reject()


def test_the_real_register_form_survives_a_lock_and_becomes_a_draft_on_a_switch(
    qtbot, db, monkeypatch
):
    monkeypatch.setattr(main_window, "START_VIEW", "home")
    ctx = context(db, "balie", "anna")
    make_staff(db, "bert", "balie")
    win = main_window.MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    register = win.show_view("register")
    qtbot.keyClicks(register.fields["family_name"].widget, "Haile")
    controller = LockController(win, ctx, minutes=60)
    controller.lock("idle")
    controller.try_unlock(PASSWORD)
    assert win.current_view() is register
    assert register.fields["family_name"].widget.text() == "Haile"
    qtbot.keyClicks(register.fields["given_names"].widget, "Sara")
    controller.lock()
    assert controller.try_switch("bert", PASSWORD)
    kept = drafts.list_drafts(context(db, "balie", "anna"))
    assert [d.payload["family_name"] for d in kept] == ["Haile"]
    assert kept[0].payload["given_names"] == "Sara"
    assert win.current_view().name == "home"


def test_a_user_switch_closes_the_previous_colleagues_dialogs(qtbot, db, window):
    from PySide6.QtWidgets import QDialog

    win, ctx, _form = window
    make_staff(db, "bert", "balie")
    controller = LockController(win, ctx, minutes=60)
    dialog = QDialog(win)
    dialog.setWindowTitle("Letter for Yilmaz")
    dialog.open()
    qtbot.waitExposed(dialog)
    controller.lock()
    assert controller.try_switch("bert", PASSWORD)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert ctx.user.username == "bert"


@pytest.mark.parametrize("scale", [100, 200])
def test_the_lock_screen_fits_a_counter_screen_with_an_error_shown(qtbot, db, window, scale):
    from tests.ui import a11y
    from ui import theme

    win, ctx, _form = window
    app = QApplication.instance()
    theme.apply(app, scale=scale)
    try:
        win.resize(*a11y.COUNTER_WINDOW)
        controller = LockController(win, ctx, minutes=60)
        controller.lock()
        screen = controller.screen
        qtbot.keyClicks(screen.other_user, "nobody")
        qtbot.keyClicks(screen.other_password, "wrong password")
        qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(screen.error.isVisible)
        QApplication.processEvents()
        # the other colleague's fields get room to type in, and the message shows in full
        assert screen.other_user.width() >= 12 * screen.fontMetrics().averageCharWidth()
        assert a11y.size_problems("lock", screen, win) == []
    finally:
        theme.apply(app, scale=100)


def test_sign_out_from_the_menu_returns_to_the_sign_in_screen(qtbot, db, window):
    from ui.admin_menu import AdminMenu

    win, ctx, form = window
    make_staff(db, "bert", "balie")
    controller = LockController(win, ctx, minutes=60)
    menu = AdminMenu(win)
    actions = menu.menu.actions()
    # In the menu right beside Lock, for every role.
    assert actions.index(menu.sign_out) == actions.index(menu.lock) + 1
    assert menu.sign_out.isVisible() and menu.sign_out.text()
    menu.sign_out.trigger()
    assert controller.is_locked and controller.signed_out and ctx.user is None
    assert _audit(db, "logout") == [("anna", "ok")]
    assert _audit(db, "session.lock") == []  # a sign-out, not a lock
    screen = controller.screen
    assert not form.isVisible() and win.centralWidget() is screen
    assert not win.nav_bar.isEnabled()  # Back cannot reach the hidden views
    # The sign-in screen: user name and password, no one's own password field.
    assert screen.other_user.isVisible() and screen.other_password.isVisible()
    assert not screen.password.isVisible() and not screen.unlock_button.isVisible()
    assert "anna" not in screen.heading.text().lower()
    # Anna's unsaved form was kept as her draft.
    anna = context(db, "balie", "anna")
    assert [d.payload for d in drafts.list_drafts(anna)] == [{"family_name": "Yilmaz"}]
    qtbot.keyClicks(screen.other_user, "bert")
    qtbot.keyClicks(screen.other_password, "wrong")
    qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert controller.is_locked and screen.error.isVisible() and ctx.user is None
    qtbot.keyClicks(screen.other_password, PASSWORD)
    with qtbot.waitSignal(controller.user_switched, timeout=2000):
        qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert not controller.is_locked and not controller.signed_out
    assert ctx.user.username == "bert" and win.menuBar().isEnabled() and win.nav_bar.isEnabled()
    assert "lockform" not in [v.name for v in win.open_views()]  # views built afresh
    assert _audit(db, "login")[-1] == ("bert", "ok")
    # Locking afterwards is the ordinary lock again.
    controller.lock()
    assert controller.screen.password.isVisible() and controller.screen.unlock_button.isVisible()


def test_sign_out_is_refused_when_a_form_cannot_be_kept(qtbot, db, window, monkeypatch):
    win, ctx, _form = window
    controller = LockController(win, ctx, minutes=60)
    monkeypatch.setattr(_Keeper, "save_now", lambda self: None)  # stays dirty
    win.sign_out_requested.emit()
    assert not controller.is_locked and ctx.user.username == "anna"
    assert win.statusBar().currentMessage()
    assert _audit(db, "logout") == []


def test_the_sign_in_screen_after_signing_out_reads_as_one_and_works_by_keyboard(qtbot, db, window):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from loket.i18n import _

    win, ctx, _form = window
    make_staff(db, "bert", "balie")
    controller = LockController(win, ctx, minutes=60)
    win.sign_out_requested.emit()
    screen = controller.screen
    # It says what it is: a sign-in screen, titled as the sign-in dialog at start-up.
    assert win.windowTitle() == _("Sign in to Loket")
    assert screen.sign_in_title.isVisible() and screen.sign_in_title.text() == _("Sign in to Loket")
    assert not win.nav_bar.isVisible()  # no Back (Esc) on a screen with nothing behind it
    shown = [
        w.text()
        for w in [*screen.findChildren(QLabel), *screen.findChildren(QAbstractButton)]
        if w.isVisible() and w.text()
    ]
    assert _("Unlock") not in shown and not any(_("locked") in text for text in shown)
    # Keyboard only: user name, Enter, password, Enter.
    assert QApplication.focusWidget() is screen.other_user
    qtbot.keyClicks(screen.other_user, "bert")
    qtbot.keyClick(screen.other_user, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.other_password
    qtbot.keyClicks(screen.other_password, "wrong")
    qtbot.keyClick(screen.other_password, Qt.Key.Key_Return)
    assert screen.error.isVisible() and ctx.user is None
    # The password is asked again, in the same field.
    assert screen.other_password.text() == ""
    assert QApplication.focusWidget() is screen.other_password
    qtbot.keyClicks(screen.other_password, PASSWORD)
    with qtbot.waitSignal(controller.user_switched, timeout=2000):
        qtbot.keyClick(screen.other_password, Qt.Key.Key_Return)
    assert ctx.user.username == "bert"
    assert win.nav_bar.isVisible() and win.nav_bar.isEnabled()
    assert win.windowTitle() != _("Sign in to Loket")
