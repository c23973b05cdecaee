"""Where the main window opens: maximised the first time, then where the colleague left it.

A counter PC's screen is often 1366×768; a fixed 1200×800 window put the hint bar and the
visit form's buttons off-screen.  The geometry is kept per PC in `window.ini` beside the
database (QSettings in INI format), so tests and a second installation keep their own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

GEOMETRY = "main/geometry"
MAXIMISED = "main/maximised"


def settings_beside(database: Path) -> QSettings:
    return QSettings(str(Path(database).parent / "window.ini"), QSettings.Format.IniFormat)


def show(window: QMainWindow, settings: QSettings) -> None:
    """Show `window` where it was last closed, or maximised when there is nothing (usable)
    saved: an unreadable value or a screen that is gone opens maximised as well."""
    geometry = settings.value(GEOMETRY)
    restored = geometry is not None and window.restoreGeometry(geometry)
    if not restored or str(settings.value(MAXIMISED, "true")).lower() == "true":
        window.showMaximized()
    else:
        window.show()


def save(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(GEOMETRY, window.saveGeometry())
    settings.setValue(MAXIMISED, window.isMaximized())
    settings.sync()
