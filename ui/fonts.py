"""The shipped Noto fonts as the UI's fonts, so that every counter PC shows the same screens.

A PC's own fonts differ (a fresh Linux machine may have only DejaVu, Windows has Segoe UI and
no Ethiopic at all): Tigrinya names turned into empty boxes and layouts that fitted on one
machine clipped on another.  The app therefore registers the fonts in `resources/fonts`
(the ones the letters use) and draws with Noto Sans, falling back to Noto Sans Arabic and
Noto Sans Ethiopic for the scripts Noto Sans lacks.  The base size is fixed too, instead of
the platform's "normal" size, which varies from 8 to 11 points between systems.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from loket.paths import resources_dir

UI_FAMILY = "Noto Sans"
FALLBACK_FAMILIES = ("Noto Sans Arabic", "Noto Sans Ethiopic")
BASE_POINT_SIZE = 10.0
# What a password field shows for each letter: a character the UI font has (theme.py).
PASSWORD_CHARACTER = "\u2022"
# The mark beside a field that needs a correction.  "⚠" (U+26A0) is in none of the shipped
# fonts and showed as an empty box before every message.
ERROR_MARK = "!"

_registered: dict[str, list[str]] = {}


def register() -> dict[str, list[str]]:
    """Register every shipped font file once; file name -> the families it holds."""
    if not _registered:
        for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                raise RuntimeError(f"cannot load the shipped font {path.name}")
            _registered[path.name] = QFontDatabase.applicationFontFamilies(font_id)
    return dict(_registered)


def families() -> list[str]:
    """The UI font's families in the order Qt tries them for a character."""
    return [UI_FAMILY, *FALLBACK_FAMILIES]


def ui_font(point_size: float = BASE_POINT_SIZE) -> QFont:
    font = QFont()
    font.setFamilies(families())
    font.setPointSizeF(point_size)
    return font


def install(app: QApplication) -> None:
    """Register the shipped fonts and make them the application font.  The substitutions
    also cover a widget that names Noto Sans itself (a heading made from its own QFont).
    Installing again (tests, a second window) keeps the text size already chosen."""
    register()
    QFont.insertSubstitutions(UI_FAMILY, list(FALLBACK_FAMILIES))
    current = app.font()
    size = current.pointSizeF() if current.family() == UI_FAMILY else BASE_POINT_SIZE
    app.setFont(ui_font(size))
