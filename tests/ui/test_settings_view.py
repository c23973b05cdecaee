"""The settings view: saving applies language, text size and contrast at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from loket import i18n
from loket.counter import preferences
from loket.i18n import tools as i18n_tools
from tests.helpers import context
from ui import i18n_qt, theme
from ui.main_window import MainWindow


@pytest.fixture
def ui_state(qapp):
    language = i18n.language()
    # windows of earlier tests are closed but maybe not yet deleted: delete them now, so
    # that a language switch here does not re-translate them over a closed database
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    palette, font, sheet = qapp.palette(), qapp.font(), qapp.styleSheet()
    i18n_tools.compile_all()
    i18n_qt.install()
    yield qapp
    i18n.set_language(language)
    theme.apply(qapp, scale=100)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def test_saving_applies_everything_without_restart(qtbot, db, ui_state):
    i18n.set_language("nl")
    theme.apply(ui_state, scale=100)
    base = QApplication.font().pointSizeF()
    ctx = context(db, role="balie")
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.show()
    view = window.show_view("preferences")
    heading = view.heading.font().pointSizeF()
    dutch_title = window.windowTitle()

    view.language.setCurrentIndex(view.language.findData("ar"))
    view.text_size.setValue(200)
    view.high_contrast.setChecked(True)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    assert preferences.load(ctx) == preferences.Preferences("ar", 200, True)
    assert i18n.language() == "ar"
    assert window.isRightToLeft()
    assert window.windowTitle() != dutch_title  # every view re-translated
    assert QApplication.font().pointSizeF() == pytest.approx(2 * base)
    assert view.heading.font().pointSizeF() == pytest.approx(2 * heading)  # headings follow
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    assert view.status.isVisibleTo(window) and view.status.text()

    view.language.setCurrentIndex(view.language.findData("nl"))
    view.text_size.setValue(100)
    view.high_contrast.setChecked(False)
    view.save()
    assert not window.isRightToLeft()
    assert window.windowTitle() == dutch_title
    assert QApplication.font().pointSizeF() == pytest.approx(base)


def test_settings_need_a_signed_in_user(qtbot, db, ui_state):
    from loket.context import Context
    from ui.views.settings_view import SettingsView

    view = SettingsView(Context(db=db))
    qtbot.addWidget(view)
    assert not view.save_button.isEnabled()
    view.save()
    assert view.status.text()  # the refusal is shown, nothing is stored


def test_every_colleague_reaches_the_settings_from_the_menu(qtbot, db, ui_state):
    from ui.views.settings_view import add_menu_entry

    i18n.set_language("en")
    window = MainWindow(context(db, role="balie"))
    qtbot.addWidget(window)
    window.show()
    action = add_menu_entry(window)
    assert action in window.menuBar().actions() and action.text() == "My &settings"
    action.trigger()
    assert window.current_view().name == "preferences"
    i18n.set_language("nl")
    assert action.text() != "My &settings"
