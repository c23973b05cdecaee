"""The shipped Noto fonts as the UI's fonts, so that every counter PC shows the same screens.

A PC's own fonts differ (a fresh Linux machine may have only DejaVu, Windows has Segoe UI and
no Ethiopic at all): Tigrinya names turned into empty boxes and layouts that fitted on one
machine clipped on another.  The app therefore registers the fonts in `resources/fonts`
(the ones the letters use) and draws with Noto Sans, falling back to Noto Sans Arabic and
Noto Sans Ethiopic for the scripts Noto Sans lacks.  The base size is fixed too, instead of
the platform's "normal" size, which varies from 8 to 11 points between systems.

Registering a font file costs ~2-3 ms, so the app's start (`defer_rest()`) registers only
what its first window can show -- Noto Sans, and the script font of the UI language (Arabic
for ar) -- and the other files right after that window is shown (`register_rest()`, from
ui.app.startup_done), while the sign-in window waits for a password: no visitor data, and
so no Ethiopic or Arabic name, is on screen before then.  The fallback order is the family
list itself (`families()`), the same whichever file came first; Qt looks fonts up again
after each registration.  Everything else (tests, screenshot scripts) gets every file at
once.
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

# The files the first window needs: Noto Sans, and the script of the UI language.
FIRST_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
LANGUAGE_FILES = {"ar": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")}

_registered: dict[str, list[str]] = {}
_deferred = False


def _register_files(paths) -> None:
    for path in paths:
        if path.name in _registered:
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise RuntimeError(f"cannot load the shipped font {path.name}")
        _registered[path.name] = QFontDatabase.applicationFontFamilies(font_id)


def _shipped() -> list:
    return sorted((resources_dir() / "fonts").glob("*.ttf"))


def register() -> dict[str, list[str]]:
    """Register every shipped font file once; file name -> the families it holds."""
    global _deferred
    _deferred = False
    _register_files(_shipped())
    return dict(_registered)


def register_first(language: str) -> dict[str, list[str]]:
    """Register Noto Sans and the script font `language`'s own text needs."""
    wanted = {*FIRST_FILES, *LANGUAGE_FILES.get(language, ())}
    _register_files([p for p in _shipped() if p.name in wanted])
    return dict(_registered)


def defer_rest() -> None:
    """At the app's start: `install()` registers only what the first window needs; the rest
    follows with `register_rest()` once it is shown."""
    global _deferred
    _deferred = True


def register_rest() -> None:
    """The fonts the first window did not need (a no-op when all are registered)."""
    if _deferred:
        register()


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
    if _deferred:
        from loket.i18n import language

        register_first(language())
    else:
        register()
    QFont.insertSubstitutions(UI_FAMILY, list(FALLBACK_FAMILIES))
    current = app.font()
    size = current.pointSizeF() if current.family() == UI_FAMILY else BASE_POINT_SIZE
    app.setFont(ui_font(size))
