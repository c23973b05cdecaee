"""What every view of the main window is: a QWidget with a name, a title, re-translation
and a hook for being opened with arguments.

To add a view: subclass `View` in `ui/views/<name>_view.py`, set `name`, implement
`retranslate_ui()`, and add one line to `VIEWS` in `ui/main_window.py`.  Open it with
`self.window().show_view("name", **kwargs)`; Esc goes back.

A QLabel guesses whether its text is HTML (Qt.AutoText): a visitor typed as
`<font size=80>X</font>` would be drawn huge, `A & B` could lose its `&`.  Every label that
shows what someone typed (names of visitors, staff and partners, notes, error messages that
quote input) is made with `plain_label()` or filled with `set_plain()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from loket.context import Context


def plain_label(parent: QWidget | None = None, text: str = "") -> QLabel:
    """A QLabel that never reads its text as HTML (see the module docstring)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if text:
        label.setText(text)
    return label


def set_plain(label: QLabel, text: str) -> None:
    """Show `text` literally in an existing label, whatever it looks like."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)


def scrolling_body(parent: QWidget, name: str) -> tuple[QScrollArea, QVBoxLayout]:
    """A scroll area for the part of a screen that may be taller than a 768-pixel counter
    screen at 200 % text, and the layout to fill it with.  Buttons go under it, outside, so
    they stay in sight.  Tab goes to the fields inside, which scroll into view."""
    scroll = QScrollArea(parent)
    scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    body = QWidget(scroll)
    layout = QVBoxLayout(body)
    layout.setContentsMargins(0, 0, 0, 0)
    scroll.setWidget(body)
    return scroll, layout


class ViewHost:
    """What a view's window is when it can show views (the main window mixes this in).

    Views find their host through this marker instead of importing `ui.main_window`, which
    imports every view: the arrow points one way only."""


class View(QWidget):
    name = "view"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def title(self) -> str:
        return ""

    def retranslate_ui(self) -> None:
        """Set every visible string again (called when the language changes)."""

    def open(self, **kwargs) -> None:
        """Called each time the view is shown, with the arguments of show_view()."""

    def can_leave(self) -> bool:
        """Return False to keep the user here (e.g. to ask about unsaved input)."""
        return True

    def save(self) -> None:
        """Ctrl+S on this view."""

    def main_window(self):
        w = self.window()
        return w if isinstance(w, ViewHost) else None


def localise_date_edit(edit) -> None:
    """A date field shows its date in the UI language's numeric order (`loket.i18n.dates`);
    call again after a language change.  A QDateTimeEdit adds the time of day."""
    from PySide6.QtWidgets import QDateEdit

    from loket.i18n.dates import edit_format

    fmt = edit_format()
    edit.setDisplayFormat(fmt if isinstance(edit, QDateEdit) else f"{fmt} HH:mm")


def select_row(view, row: int) -> None:
    """Select a whole row of a table view and make it current.  QTableView.selectRow selects
    nothing in a right-to-left layout (Qt 6.12: in Arabic a row chosen in code, or the one
    kept across a refresh, was lost), so the selection model is told directly."""
    from PySide6.QtCore import QItemSelectionModel

    model = view.model()
    if model is None or not 0 <= row < model.rowCount():
        return
    index = model.index(row, 0)
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows
        | QItemSelectionModel.SelectionFlag.Current
    )
    view.selectionModel().setCurrentIndex(index, flags)


class WrappingDelegate(QStyledItemDelegate):
    """The item delegate of a table whose text wraps (a partner's name over two lines, the
    reasons of a suggestion).  Qt measures a row's height at the column's full width but draws
    the text a few pixels narrower, and takes each line's height from the fonts on it: in
    Arabic a word then fell onto a line with an Arabic letter's taller height, a line the row
    had no room for, and the reasons were cut off with "…".  Here every line counts as high
    as the text's tallest, measured at the width the text is drawn at."""

    def sizeHint(self, option, index):
        # QStyle's Python wrapper (its enums) costs a few ms: loaded when a row is first
        # measured, not on the first window's path
        from PySide6.QtWidgets import QStyle

        hint = super().sizeHint(option, index)
        text = index.data()
        style = option.widget.style() if option.widget is not None else QApplication.style()
        margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        width = option.rect.width()
        if not isinstance(text, str) or not option.rect.isValid() or width <= 3 * margin:
            return hint
        measured = _line_heights(text, option.font, width - margin)  # as Qt measures it
        drawn = _line_heights(text, option.font, width - 2 * margin - 1)  # narrower, as drawn
        if drawn:
            padding = hint.height() - round(sum(measured))
            hint.setHeight(max(hint.height(), padding + round(len(drawn) * max(drawn))))
        return hint


def _line_heights(text: str, font, width: float) -> list[float]:
    from PySide6.QtGui import QTextLayout, QTextOption

    layout = QTextLayout(text, font)
    wrap = QTextOption()
    wrap.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(wrap)
    heights = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        heights.append(line.height())
    layout.endLayout()
    return heights


def wrap_lines(view) -> None:
    """A list whose long lines wrap to the list's width instead of scrolling sideways (a
    referral's history at 200 % text)."""
    from PySide6.QtWidgets import QListView

    view.setWordWrap(True)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


# Room beside a wrapped text for the ink that reaches past a line's end: an Arabic line that
# fills the width ends in a letter whose tail lies up to 5 pixels beyond it (Noto Sans Arabic
# at 200 %), and the label cut it off (the first line of the first-run intro).
TEXT_SIDE_ROOM = 8


def room_for_ink(label: QLabel) -> QLabel:
    """A wrapped label with a few pixels to spare on both sides (`TEXT_SIDE_ROOM`)."""
    label.setContentsMargins(TEXT_SIDE_ROOM, 0, TEXT_SIDE_ROOM, 0)
    return label
