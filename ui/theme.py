"""Colours and text size for the whole app: a default theme, a high-contrast theme, and a
text-size factor from 100 % to 200 %.

Why here and not per view: WCAG 2.1 AA (through EN 301 549) asks for text contrast of at
least 4.5:1 and for text that can be doubled in size without loss of content.  Both are
easiest to guarantee when every view takes its colours from the application palette and its
font from the application font, so views should not hard-code colours or point sizes:
- text colours come from the palette; for status chips use `chip_style(kind)`, which pairs
  colours that pass 4.5:1 in both themes (and chips always carry text: never colour alone);
- a bigger heading uses `emphasise(label, 1.4)`, which keeps following the text size.

`tests/ui/test_accessibility.py` computes the contrast of every text/background pair below.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget
from shiboken6 import isValid

from ui import fonts

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


class Theme(NamedTuple):  # not a dataclass: `dataclasses` costs the first window ~1.5 ms
    name: str
    colours: dict[str, str]  # palette role name -> colour
    chips: dict[str, tuple[str, str]]  # kind -> (text colour, background)
    text: dict[str, str]  # kind -> message text colour on the window and base colours
    focus: str  # colour of the focus frame
    stylesheet: str = ""


_ROLES = {
    "window": Role.Window,
    "window_text": Role.WindowText,
    "base": Role.Base,
    "alternate_base": Role.AlternateBase,
    "text": Role.Text,
    "button": Role.Button,
    "button_text": Role.ButtonText,
    "bright_text": Role.BrightText,
    "highlight": Role.Highlight,
    "highlighted_text": Role.HighlightedText,
    "tooltip_base": Role.ToolTipBase,
    "tooltip_text": Role.ToolTipText,
    "placeholder": Role.PlaceholderText,
    "link": Role.Link,
    "link_visited": Role.LinkVisited,
    "light": Role.Light,
    "midlight": Role.Midlight,
    "mid": Role.Mid,
    "dark": Role.Dark,
    "shadow": Role.Shadow,
}

# (text role, background role): every pair the widgets actually draw text with.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("window_text", "window"),
    ("text", "base"),
    ("text", "alternate_base"),
    ("button_text", "button"),
    ("highlighted_text", "highlight"),
    ("tooltip_text", "tooltip_base"),
    ("placeholder", "base"),
    ("link", "base"),
    ("link", "window"),
    ("link_visited", "base"),
    ("bright_text", "dark"),
    ("window_text", "alternate_base"),
    ("disabled_text", "window"),
    ("disabled_text", "base"),
)

DEFAULT = Theme(
    name="default",
    colours={
        "window": "#f3f4f6",
        "window_text": "#16181d",
        "base": "#ffffff",
        "alternate_base": "#eceff3",
        "text": "#16181d",
        "button": "#e4e7ec",
        "button_text": "#16181d",
        "bright_text": "#ffffff",
        "highlight": "#0b4f94",
        "highlighted_text": "#ffffff",
        "tooltip_base": "#fffbe0",
        "tooltip_text": "#16181d",
        "placeholder": "#585d66",
        "link": "#0b4f94",
        "link_visited": "#5b2a86",
        "light": "#ffffff",
        "midlight": "#d5d9e0",
        "mid": "#8a909b",
        "dark": "#4a4f59",
        "shadow": "#1f2329",
        "disabled_text": "#5f636b",
    },
    chips={
        "neutral": ("#16181d", "#e4e7ec"),
        "info": ("#0a3d73", "#dbeafe"),
        "ok": ("#0f4d1c", "#d9f2de"),
        "warning": ("#5c3b00", "#fff0c2"),
        "error": ("#8a0010", "#fde2e4"),
    },
    text={"error": "#a4000f", "warning": "#6b4500", "ok": "#14632a", "info": "#0a3d73"},
    focus="#0b4f94",
    # Keyboard focus must be seen on everything the Tab key reaches (WCAG 2.4.7).  Fusion
    # draws a default button exactly like a focused one, and no focus at all on lists,
    # tables and scroll areas: a thick blue frame does it.  Padding shrinks as the border
    # grows so that nothing moves.
    stylesheet="""
QPushButton { background: #e4e7ec; color: #16181d; border: 1px solid #8a909b;
    border-radius: 3px; padding: 4px 12px; }
QPushButton:hover { background: #d5d9e0; }
QPushButton:pressed, QPushButton:checked { background: #c3c8d1; }
QPushButton:default { border: 1px solid #0b4f94; }
QPushButton:disabled { color: #5f636b; background: #eceff3; border-color: #c3c8d1; }
QPushButton:focus { border: 3px solid #0b4f94; padding: 2px 10px; }
QAbstractItemView:focus, QTextEdit:focus, QPlainTextEdit:focus, QScrollArea:focus {
    border: 2px solid #0b4f94; }
""",
)

HIGH_CONTRAST = Theme(
    name="high_contrast",
    colours={
        "window": "#000000",
        "window_text": "#ffffff",
        "base": "#000000",
        "alternate_base": "#1a1a1a",
        "text": "#ffffff",
        "button": "#000000",
        "button_text": "#ffffff",
        "bright_text": "#ffffff",
        "highlight": "#1aebff",
        "highlighted_text": "#000000",
        "tooltip_base": "#000000",
        "tooltip_text": "#ffffff",
        "placeholder": "#c8c8c8",
        "link": "#ffff00",
        "link_visited": "#ffb3ff",
        "light": "#ffffff",
        "midlight": "#ffffff",
        "mid": "#ffffff",
        "dark": "#000000",
        "shadow": "#ffffff",
        "disabled_text": "#a8a8a8",
    },
    chips={
        "neutral": ("#ffffff", "#000000"),
        "info": ("#1aebff", "#000000"),
        "ok": ("#7dff7d", "#000000"),
        "warning": ("#ffff00", "#000000"),
        "error": ("#ff9e9e", "#000000"),
    },
    text={"error": "#ff9e9e", "warning": "#ffff00", "ok": "#7dff7d", "info": "#1aebff"},
    focus="#ffff00",
    # Fusion draws frames in shades of the window colour, invisible on black: draw them white,
    # and the keyboard focus as a thick yellow frame.
    stylesheet="""
QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView {
    border: 1px solid #ffffff; background: #000000; color: #ffffff;
    selection-background-color: #1aebff; selection-color: #000000; }
QPushButton, QToolButton {
    border: 1px solid #ffffff; background: #000000; color: #ffffff; padding: 4px 10px; }
QPushButton:disabled, QToolButton:disabled { color: #a8a8a8; border-color: #a8a8a8; }
QLineEdit:focus, QComboBox:focus, QAbstractSpinBox:focus, QTextEdit:focus,
QPlainTextEdit:focus, QAbstractItemView:focus, QPushButton:focus, QToolButton:focus,
QCheckBox:focus, QRadioButton:focus, QScrollArea:focus { border: 3px solid #ffff00; }
QPushButton:focus, QToolButton:focus { padding: 2px 8px; }
QCheckBox::indicator, QGroupBox::indicator {
    border: 2px solid #ffffff; background: #000000; }
QRadioButton::indicator { border: 2px solid #ffffff; background: #000000; border-radius: 7px; }
QCheckBox::indicator:checked, QGroupBox::indicator:checked, QRadioButton::indicator:checked {
    background: #ffff00; border: 3px solid #ffffff; }
QCheckBox::indicator:focus, QRadioButton::indicator:focus { border-color: #ffff00; }
QHeaderView::section { background: #000000; color: #ffffff; border: 1px solid #ffffff; }
QToolTip { background: #000000; color: #ffffff; border: 1px solid #ffffff; }
QScrollBar:vertical { background: #000000; border: 1px solid #ffffff; width: 16px; }
QScrollBar:horizontal { background: #000000; border: 1px solid #ffffff; height: 16px; }
QScrollBar::handle { background: #ffffff; min-width: 24px; min-height: 24px; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0px; height: 0px; }
""",
)

THEMES = {t.name: t for t in (DEFAULT, HIGH_CONTRAST)}


def prop(widget: QWidget, name: str):
    """A dynamic property, or None when the widget has none of that name.

    Use this instead of `widget.property(name)`: PySide6 6.12 drops a reference to None each
    time `property()` is asked for a property that does not exist, and enough such calls (one
    per widget at every theme change) crash the interpreter.
    """
    if name.encode() not in {bytes(n) for n in widget.dynamicPropertyNames()}:
        return None
    return widget.property(name)


_current = DEFAULT
_marked: weakref.WeakSet[QWidget] = weakref.WeakSet()  # emphasised and marked widgets
_scale = 100
_base_point_size: float | None = None


def current() -> Theme:
    return _current


def text_scale() -> int:
    return _scale


def palette(theme: Theme) -> QPalette:
    pal = QPalette()
    for name, role in _ROLES.items():
        pal.setColor(role, QColor(theme.colours[name]))
    disabled = QColor(theme.colours["disabled_text"])
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        pal.setColor(Group.Disabled, role, disabled)
    pal.setColor(Group.Disabled, Role.Highlight, QColor(theme.colours["mid"]))
    return pal


def colour(theme: Theme, name: str) -> QColor:
    return QColor(theme.colours[name])


STYLE = "Fusion"  # honours the palette on every platform
# For a QApplication Loket creates itself: Qt then makes the style in C++, and start-up does
# not pay ~5 ms for Python's wrapper of QStyle (with its enums) just to ask the style's name.
STYLE_ARGS = ["-style", STYLE]
_style_given: set[int] = set()  # id() of the applications created with STYLE_ARGS


def application(argv: list[str]) -> QApplication:
    """A new QApplication that starts in Loket's style."""
    app = QApplication([*argv[:1], *STYLE_ARGS, *argv[1:]])
    _style_given.add(id(app))
    return app


def apply(app: QApplication, *, high_contrast: bool = False, scale: int | None = None) -> None:
    """Apply the theme and text size to the whole application (views need not restart)."""
    global _current
    fonts.install(app)
    _current = HIGH_CONTRAST if high_contrast else DEFAULT
    if id(app) not in _style_given and app.style().name().lower() != STYLE.lower():
        app.setStyle(QStyleFactory.create(STYLE))
    app.setPalette(palette(_current))
    if scale is not None:
        apply_text_scale(app, scale)
    else:
        app.setStyleSheet(_app_stylesheet())
        _refresh_emphasis(app)


# For every theme.  Fusion sets a group box title flush against the edge, and in right-to-
# left text the first letter of an Arabic title was cut off: give the title room.  A password
# field hides each letter behind U+25CF, which none of the shipped fonts has (an empty box
# for every letter typed): the bullet U+2022 is in Noto Sans.
_COMMON_STYLESHEET = (
    "QGroupBox::title { padding: 0px 6px; }\n"
    f"QLineEdit {{ lineedit-password-character: {ord(fonts.PASSWORD_CHARACTER)}; }}\n"
)


def _app_stylesheet() -> str:
    # Check boxes and radio buttons are drawn at a fixed pixel size: grow them with the text
    # (and give them a size whenever the theme draws them itself).
    side = round(14 * _scale / 100)
    if _scale == 100 and _current is DEFAULT:
        return _COMMON_STYLESHEET + _current.stylesheet
    return (
        _COMMON_STYLESHEET + f"QCheckBox::indicator, QRadioButton::indicator, QGroupBox::indicator"
        f" {{ width: {side}px; height: {side}px; }}\n"
        + _current.stylesheet.replace("border-radius: 7px", f"border-radius: {side // 2 + 2}px")
    )


def apply_text_scale(app: QApplication, scale: int) -> None:
    """Set the application font to `scale` per cent of Loket's normal size."""
    global _scale, _base_point_size
    if _base_point_size is None:
        # the same on every PC (ui/fonts.py), not the platform's own normal size
        _base_point_size = fonts.BASE_POINT_SIZE
    _scale = max(100, min(200, int(scale)))
    font = QFont(app.font())
    font.setPointSizeF(_base_point_size * _scale / 100)
    app.setFont(font)
    app.setStyleSheet(_app_stylesheet())
    _refresh_emphasis(app)


def emphasise(widget: QWidget, factor: float = 1.0, *, bold: bool = True) -> None:
    """A heading font `factor` times the text size that keeps following the text size."""
    _marked.add(widget)
    widget.setProperty("loket_font_factor", float(factor))
    widget.setProperty("loket_font_bold", bool(bold))
    _apply_emphasis(widget)


def _apply_emphasis(widget: QWidget) -> None:
    factor = prop(widget, "loket_font_factor")
    if factor is None:
        return
    app_font = QApplication.font()
    font = QFont(widget.font())
    font.setPointSizeF(app_font.pointSizeF() * float(factor))
    font.setBold(bool(prop(widget, "loket_font_bold")))
    widget.setFont(font)


def _refresh_emphasis(app: QApplication) -> None:
    # Only the widgets marked here, never app.allWidgets(): that would wrap Qt's internal
    # widgets, whose wrappers outlive them and crash the next walk.  Widgets with their own
    # style sheet follow the new size because app.setStyleSheet() polishes them again.
    for widget in list(_marked):
        if not isValid(widget):
            _marked.discard(widget)
            continue
        if prop(widget, "loket_font_factor") is not None:
            _apply_emphasis(widget)
        _apply_marks(widget)


def mark_text(widget: QWidget, kind: str = "error", *, bold: bool = True) -> None:
    """Colour a message (an error line, a warning) so that it keeps 4.5:1 in every theme;
    the style follows a theme switch.  The message must say what it means in words."""
    _marked.add(widget)
    widget.setProperty("loket_text_kind", kind)
    widget.setProperty("loket_text_bold", bool(bold))
    _apply_marks(widget)


def mark_chip(widget: QWidget, kind: str = "neutral") -> None:
    """A status chip (a QLabel carrying the status as text) that follows a theme switch."""
    _marked.add(widget)
    widget.setProperty("loket_chip_kind", kind)
    _apply_marks(widget)


def text_style(kind: str = "error", *, bold: bool = True) -> str:
    fg = _current.text.get(kind, _current.colours["window_text"])
    return f"color: {fg};" + (" font-weight: bold;" if bold else "")


def _apply_marks(widget: QWidget) -> None:
    kind = prop(widget, "loket_text_kind")
    if kind is not None:
        widget.setStyleSheet(text_style(kind, bold=bool(prop(widget, "loket_text_bold"))))
    chip = prop(widget, "loket_chip_kind")
    if chip is not None:
        widget.setStyleSheet(chip_style(chip))


def chip_style(kind: str = "neutral") -> str:
    """Stylesheet for a status chip (a QLabel that always carries the status as text)."""
    fg, bg = _current.chips.get(kind, _current.chips["neutral"])
    return (
        f"color: {fg}; background: {bg}; border: 1px solid {fg}; border-radius: 4px;"
        " padding: 1px 6px;"
    )


# -- WCAG 2.1 contrast -------------------------------------------------------------------------
def relative_luminance(colour_: QColor | str) -> float:
    c = QColor(colour_)

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast_ratio(a: QColor | str, b: QColor | str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
