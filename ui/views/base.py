"""What every view of the main window is: a QWidget with a name, a title, re-translation
and a hook for being opened with arguments.

To add a view: subclass `View` in `ui/views/<name>_view.py`, set `name`, implement
`retranslate_ui()`, and add one line to `VIEWS` in `ui/main_window.py`.  Open it with
`self.window().show_view("name", **kwargs)`; Esc goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from loket.context import Context


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
        from ui.main_window import MainWindow

        w = self.window()
        return w if isinstance(w, MainWindow) else None
