"""The main window opens maximised the first time and comes back as it was left."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from tests import helpers
from ui import window_state
from ui.main_window import MainWindow


def _window(qtbot, db) -> MainWindow:
    window = MainWindow(helpers.context(db, role="balie"))
    qtbot.addWidget(window)
    return window


def test_the_first_start_opens_maximised(qtbot, db):
    window = _window(qtbot, db)
    window.show_where_left()
    qtbot.waitUntil(window.isVisible)
    assert window.isMaximized()
    assert not (db.path.parent / "window.ini").exists()  # nothing saved before a close


def test_a_window_left_at_a_size_comes_back_at_that_size(qtbot, db):
    window = _window(qtbot, db)
    window.show()
    window.resize(640, 480)
    qtbot.waitUntil(lambda: window.width() == 640)
    window.close()
    saved = QSettings(str(db.path.parent / "window.ini"), QSettings.Format.IniFormat)
    assert str(saved.value(window_state.MAXIMISED)).lower() == "false"

    again = _window(qtbot, db)
    again.show_where_left()
    qtbot.waitUntil(again.isVisible)
    assert not again.isMaximized()
    assert (again.width(), again.height()) == (640, 480)


def test_an_unreadable_saved_geometry_opens_maximised(qtbot, db):
    ini = QSettings(str(db.path.parent / "window.ini"), QSettings.Format.IniFormat)
    ini.setValue(window_state.GEOMETRY, b"not a geometry")
    ini.setValue(window_state.MAXIMISED, False)
    ini.sync()
    window = _window(qtbot, db)
    window.show_where_left()
    qtbot.waitUntil(window.isVisible)
    assert window.isMaximized()
