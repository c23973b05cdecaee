"""Auto-lock: after N minutes without input (setting `lock_minutes`, default 5) and on Ctrl+L
the window content is hidden until someone signs in at the lock screen.

Locking swaps the main window's central widget for the lock screen (the content widget is
taken out, not destroyed), so an unsaved form survives untouched and comes back as it was
when the same colleague signs in again.  Another colleague may sign in instead: every open
form that keeps drafts (`view.drafts`, a form_support.DraftKeeper) is first written as a
draft of the colleague who typed it; if one cannot be, the switch is refused.  The views are
then built afresh for the newcomer.  Lock, unlock and switch are written to the audit log.

Signing out (Administration → Sign out, beside Lock) keeps open forms as drafts, signs the
colleague out (audited as `logout`) and shows the same screen as a sign-in screen: user name
and password, nobody signed in.  Whoever signs in there gets fresh views.

Open dialogs (a letter, a warning) are covered too: their contents are hidden, not closed,
and when one of them is modal the lock screen opens in a frameless modal window of its own
above it, which only a sign-in closes.  Shortcuts and menus are off while locked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from loket import settings
from loket.errors import AuthenticationFailed
from loket.i18n import _
from loket.privacy import auth
from ui import theme
from ui.views.base import plain_label

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class LockScreen(QWidget):
    """What the window shows while locked: nobody's data, only the way back in."""

    def __init__(self, controller: LockController, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("lockScreen")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame(self)
        self.box = box
        self._fit_width()
        layout = QVBoxLayout(box)
        # Signed out, the screen is a sign-in screen and says so first, as the sign-in
        # dialog at start-up does.
        self.sign_in_title = QLabel(box)
        self.sign_in_title.setObjectName("signInTitle")
        self.sign_in_title.setWordWrap(True)
        theme.emphasise(self.sign_in_title, 1.4)
        layout.addWidget(self.sign_in_title)
        self.heading = plain_label(box)  # shows a name / a message as typed
        self.heading.setObjectName("lockHeading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.password = QLineEdit(box)
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label = QLabel(box)
        self.password_label.setBuddy(self.password)
        form.addRow(self.password_label, self.password)
        layout.addLayout(form)
        self.unlock_button = QPushButton(box)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        layout.addWidget(self.unlock_button)
        self.other_intro = QLabel(box)
        self.other_intro.setWordWrap(True)
        layout.addWidget(self.other_intro)
        other = QFormLayout()
        self.other_user = QLineEdit(box)
        self.other_user.setObjectName("otherUser")
        self.other_password = QLineEdit(box)
        self.other_password.setObjectName("otherPassword")
        self.other_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.other_user_label = QLabel(box)
        self.other_password_label = QLabel(box)
        self.other_user_label.setBuddy(self.other_user)
        self.other_password_label.setBuddy(self.other_password)
        other.addRow(self.other_user_label, self.other_user)
        other.addRow(self.other_password_label, self.other_password)
        layout.addLayout(other)
        self.switch_button = QPushButton(box)
        self.switch_button.setObjectName("switchButton")
        layout.addWidget(self.switch_button)
        self.error = plain_label(box)  # shows a name / a message as typed
        self.error.setObjectName("lockError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("font-weight: bold;")
        self.error.hide()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self._unlock)
        self.password.returnPressed.connect(self._unlock)
        self.switch_button.clicked.connect(self._switch)
        self.other_password.returnPressed.connect(self._switch)
        self.other_user.returnPressed.connect(self._user_entered)
        self.retranslate_ui()

    def _fit_width(self) -> None:
        """A width in text units: wrapped labels alone gave the box a few hundred pixels, the
        other colleague's fields were squashed at 100 % and a message cut off at 200 %."""
        self.box.setFixedWidth(32 * self.fontMetrics().horizontalAdvance("M"))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_width()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        user = self.controller.ctx.user
        name = user.display_name if user else ""
        signed_out = self.controller.signed_out
        for widget in (self.password_label, self.password, self.unlock_button, self.other_intro):
            widget.setVisible(not signed_out)
        self.sign_in_title.setVisible(signed_out)
        self.sign_in_title.setText(_("Sign in to Loket"))
        if signed_out:
            self.heading.setText(_("You are signed out. Sign in to use Loket."))
        else:
            self.heading.setText(_("Loket is locked. {name} is signed in.").format(name=name))
        self.password_label.setText(_("&Password"))
        self.password.setAccessibleName(_("Password"))
        self.unlock_button.setText(_("Unlock"))
        self.other_intro.setText(_("Someone else? Open forms are kept as a draft first."))
        self.other_user_label.setText(_("&User name"))
        self.other_password_label.setText(_("Pass&word"))
        self.other_user.setAccessibleName(_("User name of another colleague"))
        self.other_password.setAccessibleName(_("Password of another colleague"))
        self.switch_button.setText(_("Sign in") if signed_out else _("Sign in as someone else"))
        if signed_out:
            self.other_user.setAccessibleName(_("User name"))
            self.other_password.setAccessibleName(_("Password"))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.show()
        if self.controller.signed_out:  # type the password again, without the mouse
            self.other_password.setFocus()

    def _user_entered(self) -> None:
        """Enter in the user name goes on to the password, or signs in when it is typed."""
        if self.other_password.text():
            self._switch()
        else:
            self.other_password.setFocus()

    def _unlock(self) -> None:
        password = self.password.text()
        self.password.clear()
        self.controller.try_unlock(password)

    def _switch(self) -> None:
        username, password = self.other_user.text(), self.other_password.text()
        self.other_password.clear()
        self.controller.try_switch(username, password)


class _LockHost(QDialog):
    """A frameless modal window for the lock screen when a dialog is open; Esc and the
    window manager cannot close it, only a sign-in can."""

    def __init__(self, parent) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("lockHost")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._released = False

    def release(self) -> None:
        self._released = True
        self.close()

    def reject(self) -> None:
        if self._released:
            super().reject()

    def closeEvent(self, event) -> None:
        if self._released:
            super().closeEvent(event)
        else:
            event.ignore()


class LockController(QObject):
    locked_changed = Signal(bool)
    user_switched = Signal()

    def __init__(self, window, ctx, *, minutes: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.screen: LockScreen | None = None
        self._content: QWidget | None = None
        self._shortcuts: list[QShortcut] = []
        self._bars: list[tuple[QToolBar, bool]] = []
        self._covered: list = []
        self._host: _LockHost | None = None
        self._focus: QWidget | None = None
        self.signed_out = False  # the screen is the sign-in screen: nobody is signed in
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.set_minutes(minutes if minutes is not None else settings.lock_minutes(ctx.db))
        self.timer.timeout.connect(lambda: self.lock("idle"))
        window.lock_requested.connect(lambda: self.lock("manual"))
        window.sign_out_requested.connect(self.sign_out)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, obj, event) -> bool:
        if event.type() in _INPUT and not self.is_locked:
            self.timer.start()  # restart the idle count
        return False

    # -- locking -------------------------------------------------------------------------------
    def lock(self, reason: str = "manual") -> None:
        if self.is_locked or self.ctx.user is None:
            return
        self.timer.stop()
        auth.lock(self.ctx, reason=reason)
        self._cover()

    def sign_out(self) -> bool:
        """Sign the colleague out and show the sign-in screen; False when an open form could
        not be kept as a draft (then nothing changes and the status bar says why)."""
        if self.is_locked or self.ctx.user is None:
            return False
        if not self._keep_forms_as_drafts():
            self.window.notify(
                _("An open form could not be kept as a draft. Save it, then sign out.")
            )
            return False
        self.timer.stop()
        auth.logout(self.ctx)
        self.signed_out = True
        self._cover()
        self.screen.other_user.setFocus()
        return True

    def _cover(self) -> None:
        self._focus = QApplication.focusWidget()
        self._content = self.window.takeCentralWidget()
        self._shortcuts = [s for s in self.window.findChildren(QShortcut) if s.isEnabled()]
        for shortcut in self._shortcuts:
            shortcut.setEnabled(False)  # Ctrl+S and friends must not reach the hidden form
        self.window.menuBar().setEnabled(False)
        # Back must not move the hidden views, nor show on a screen with nothing behind it.
        self._bars = [
            (b, b.isVisibleTo(self.window))
            for b in self.window.findChildren(QToolBar)
            if b.isEnabled()
        ]
        for bar, _shown in self._bars:
            bar.setEnabled(False)
            bar.hide()
        self._cover_other_windows()
        if QApplication.activeModalWidget() is not None:
            # A dialog holds the input, so the lock screen needs a modal window of its own,
            # on top of it; the main window shows an empty page meanwhile.
            self._host = _LockHost(self.window)
            self.screen = LockScreen(self, self._host)
            self._host.layout().addWidget(self.screen)
            self.window.setCentralWidget(QWidget(self.window))
            self._host.setGeometry(self.window.geometry())
            self._host.show()
        else:
            self.screen = LockScreen(self, self.window)
            self.window.setCentralWidget(self.screen)
        self.screen.show()
        self.window.setWindowTitle(_("Sign in to Loket") if self.signed_out else "Loket")
        self.screen.password.setFocus()
        self.locked_changed.emit(True)

    def _cover_other_windows(self) -> None:
        """Open dialogs (a letter, a duplicate warning) would show data over the lock: their
        contents are hidden, not closed, so they come back as they were."""
        self._covered = []
        for top in QApplication.topLevelWidgets():
            if top is self.window or top is self._content or not top.isVisible():
                continue
            children = [
                c
                for c in top.findChildren(
                    QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
                )
                if c.isVisible()
            ]
            for child in children:
                child.hide()
            self._covered.append((top, top.windowTitle(), top.isEnabled(), children))
            top.setWindowTitle("Loket")
            top.setEnabled(False)

    def _uncover_other_windows(self) -> None:
        for top, title, enabled, children in self._covered:
            for child in children:
                child.show()
            top.setWindowTitle(title)
            top.setEnabled(enabled)
        self._covered = []

    def _restore(self) -> None:
        if self._host is not None:
            self._host.release()
            self._host.deleteLater()
            self._host = None
        else:
            self.window.takeCentralWidget()
        self.screen.deleteLater()
        self.screen = None
        placeholder = self.window.takeCentralWidget()
        if placeholder is not None:
            placeholder.deleteLater()
        self.window.setCentralWidget(self._content)
        self._content.show()
        self._content = None
        self._uncover_other_windows()
        for shortcut in self._shortcuts:
            shortcut.setEnabled(True)
        self.window.menuBar().setEnabled(True)
        for bar, shown in self._bars:
            bar.setEnabled(True)
            bar.setVisible(shown)
        self._bars = []
        self._shortcuts = []
        self.window.retranslate_ui()
        if self._focus is not None and self._focus.isVisible():
            self._focus.setFocus()  # back in the field where the colleague was typing
        self._focus = None
        self.timer.start()
        self.locked_changed.emit(False)

    def try_unlock(self, password: str) -> bool:
        try:
            auth.unlock(self.ctx, password)
        except AuthenticationFailed as err:
            self.screen.show_error(str(err))
            return False
        self._restore()
        return True

    def _keep_forms_as_drafts(self) -> bool:
        """Write every open form with unsaved input as a draft; False if one could not be."""
        for view in self.window.open_views():
            keeper = getattr(view, "drafts", None)
            if keeper is None or not getattr(keeper, "dirty", False):
                continue
            keeper.save_now()
            if keeper.dirty:
                return False
        return True

    def try_switch(self, username: str, password: str) -> bool:
        if self.signed_out:
            return self._sign_in(username, password)
        if not self._keep_forms_as_drafts():
            self.screen.show_error(
                _(
                    "An open form could not be kept as a draft. {name} must sign in and save it "
                    "first."
                ).format(name=self.ctx.user.display_name)
            )
            return False
        try:
            auth.switch_user(self.ctx, username, password)
        except AuthenticationFailed as err:
            self.screen.show_error(str(err))
            return False
        others = [top for top, *_rest in self._covered]
        self._restore()
        for top in others:  # the previous colleague's dialogs end with their session
            if isinstance(top, QDialog):
                top.reject()
            else:
                top.close()
        self.window.reset_views()
        self.user_switched.emit()
        return True

    def _sign_in(self, username: str, password: str) -> bool:
        """At the sign-in screen after a sign-out: whoever signs in starts afresh."""
        try:
            auth.login(self.ctx, username, password)
        except AuthenticationFailed as err:
            self.screen.show_error(str(err))
            return False
        self.signed_out = False
        others = [top for top, *_rest in self._covered]
        self._restore()
        for top in others:  # windows of the colleague who signed out end with their session
            if isinstance(top, QDialog):
                top.reject()
            else:
                top.close()
        self.window.reset_views()
        self.user_switched.emit()
        return True
