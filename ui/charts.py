"""Bar charts drawn with QPainter (QtCharts is not part of PySide6-Essentials).

One series per chart, so no meaning rests on colour: every bar carries its label and its
number as text, a suppressed count is drawn as an empty, dashed outline with "<N" beside it
(its length would give the number away), and the same numbers are the widget's accessible
description for screen readers.  Colours come from the palette, so the high-contrast theme
and dark palettes apply.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from loket.reports.overview import Cell

PAD = 6
MAX_LABEL_CHARS = 36


class BarChart(QWidget):
    """Horizontal bars, one per (label, Cell) row, largest scale = the largest shown count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = ""
        self._rows: list[tuple[str, Cell]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # the labels and numbers are data; the title is translated by whoever sets it
        self.setProperty("i18n_data", True)

    # -- data ----------------------------------------------------------------------------
    def set_data(self, title: str, rows: list[tuple[str, Cell]]) -> None:
        self._title = title
        self._rows = list(rows)
        self.setAccessibleName(title)
        self.setAccessibleDescription(self.as_text())
        self.updateGeometry()
        self.update()

    def rows(self) -> list[tuple[str, Cell]]:
        return list(self._rows)

    def as_text(self) -> str:
        """The chart as sentences: what a screen reader reads instead of the bars."""
        return "; ".join(f"{label}: {cell.shown}" for label, cell in self._rows)

    # -- geometry ------------------------------------------------------------------------
    def _line(self) -> int:
        return self.fontMetrics().height() + 4

    def sizeHint(self) -> QSize:
        return QSize(480, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self._height())

    def _height(self) -> int:
        return PAD * 2 + self._line() * (len(self._rows) + 1)

    def _label_width(self) -> int:
        fm = self.fontMetrics()
        widest = max((fm.horizontalAdvance(self._short(lb)) for lb, _c in self._rows), default=0)
        return min(widest + PAD, int(self.width() * 0.45))

    @staticmethod
    def _short(label: str) -> str:
        return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"

    # -- drawing -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        fill = pal.color(QPalette.ColorRole.Highlight)
        fm = self.fontMetrics()
        line = self._line()
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(text)
        title_rect = QRectF(PAD, PAD, self.width() - 2 * PAD, line)
        align = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(title_rect, align | Qt.AlignmentFlag.AlignVCenter, self._title)
        font.setBold(False)
        p.setFont(font)
        label_w = self._label_width()
        value_w = max((fm.horizontalAdvance(c.shown) for _l, c in self._rows), default=0) + PAD
        bar_space = max(10, self.width() - 2 * PAD - label_w - value_w - PAD)
        top = max((c.plotted for _l, c in self._rows), default=0) or 1
        for i, (label, cell) in enumerate(self._rows):
            y = PAD + line * (i + 1)
            length = bar_space * cell.plotted / top
            if rtl:
                label_rect = QRectF(self.width() - label_w, y, label_w - PAD, line)
                bar = QRectF(self.width() - PAD - label_w - length, y + 2, length, line - 4)
                value_rect = QRectF(bar.left() - value_w - PAD, y, value_w, line)
            else:
                label_rect = QRectF(PAD, y, label_w - PAD, line)
                bar = QRectF(PAD + label_w, y + 2, length, line - 4)
                value_rect = QRectF(bar.right() + PAD, y, value_w, line)
            p.setPen(text)
            p.drawText(
                label_rect,
                (Qt.AlignmentFlag.AlignLeft if rtl else Qt.AlignmentFlag.AlignRight)
                | Qt.AlignmentFlag.AlignVCenter,
                self._short(label),
            )
            if cell.suppressed:
                pen = QPen(text)
                pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                stub = QRectF(
                    bar.left() if not rtl else bar.right() - 8, bar.top(), 8, bar.height()
                )
                p.drawRect(stub)
                value_rect.translate(-8 if rtl else 8, 0)
            elif length > 0:
                p.setPen(QPen(text))
                p.setBrush(fill)
                p.drawRect(bar)
            p.setPen(text)
            p.drawText(
                value_rect,
                (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter,
                cell.shown,
            )
