"""One choice among a few radio buttons, each of which Tab reaches.

Qt's own exclusive groups take every unchecked button out of the Tab chain (arrows move
within the group); at the counter every choice must be reachable with Tab alone, as every
other control of Loket is, and picked with Space.  So the buttons are not auto-exclusive and
this small group keeps exactly one checked."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton


class Choice(QObject):
    changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buttons: dict[int, QAbstractButton] = {}
        self._busy = False

    def addButton(self, button: QAbstractButton, key: int) -> None:
        button.setCheckable(True)
        button.setAutoExclusive(False)
        self._buttons[key] = button
        button.toggled.connect(lambda on, key=key: self._toggled(key, on))

    def button(self, key: int) -> QAbstractButton:
        return self._buttons[key]

    def buttons(self) -> list[QAbstractButton]:
        return list(self._buttons.values())

    def checkedId(self) -> int:
        return next((k for k, b in self._buttons.items() if b.isChecked()), -1)

    def _toggled(self, key: int, on: bool) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            if on:
                for other, button in self._buttons.items():
                    if other != key:
                        button.setChecked(False)
                self.changed.emit(key)
            elif self.checkedId() < 0:
                self._buttons[key].setChecked(True)  # one stays chosen, as in a radio group
        finally:
            self._busy = False
