"""Rasterising a letter's PDF: for the preview, and for a printer on a worker thread.

Qt paints on a QImage or a QPrinter from any thread (not on a QPixmap or a widget), so the
slow part of printing -- rendering every page at the printer's resolution and spooling it --
runs through `ui.workers.run_in_background` while the UI stays responsive.  The printer is
chosen on the UI thread first (the print dialog) and not touched there again until the job
is done.  pdfium is not thread-safe: one lock serialises every use of it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter

_pdfium = threading.Lock()


PRINT_DPI = 300  # enough for text and pictograms; 1200 dpi pages took seconds and 400 MB each


def pdf_pages(data: bytes, scale: float) -> Iterator[QImage]:
    """The pages of `data` one at a time, `scale` times 72 dpi (any thread)."""
    import pypdfium2 as pdfium

    with _pdfium:
        doc = pdfium.PdfDocument(data)
        try:
            for page in doc:
                pil = page.render(scale=scale).to_pil().convert("RGB")
                raw = pil.tobytes("raw", "RGB")
                img = QImage(raw, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888)
                yield img.copy()  # own the pixels: `raw` goes away
        finally:
            doc.close()


def pdf_page_images(data: bytes, scale: float) -> list[QImage]:
    """Every page of `data` as an image, `scale` times 72 dpi (any thread)."""
    return list(pdf_pages(data, scale))


def print_pdf(printer, data: bytes) -> None:
    """Paint each page on the printer, fitted to its page (any thread: see the module's
    note).  Pages are rendered one at a time, at most PRINT_DPI."""
    scale = min(printer.resolution(), PRINT_DPI) / 72
    painter = QPainter(printer)
    try:
        for n, image in enumerate(pdf_pages(data, scale)):
            if n:
                printer.newPage()
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(QPoint(0, 0), size), image)
    finally:
        painter.end()
