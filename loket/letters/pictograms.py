"""Pictograms for the key facts of a letter, drawn as vector paths (no image files).

Low-literate readers find a date, a time, a place, a phone number or a list of papers by its
picture first; each pictogram is drawn in one colour, in a square of `size` points whose
lower-left corner is (x, y), so it prints sharp at any size and on any printer.
"""

from __future__ import annotations

from reportlab.lib.colors import HexColor, white

INK = HexColor("#154273")  # Rijkshuisstijl dark blue
KINDS = (
    "date",
    "time",
    "place",
    "documents",
    "phone",
    "contact",
    "languages",
    "return",
    "check",
    "info",
)


def draw(canvas, kind: str, x: float, y: float, size: float) -> None:
    """Each pictogram is drawn once per PDF, as a form (XObject) that every use refers to."""
    if kind not in KINDS:
        raise ValueError(f"unknown pictogram {kind!r}")
    name = f"pictogram-{kind}"
    if not canvas.hasForm(name):
        canvas.beginForm(name, 0, 0, 100, 100)
        canvas.setStrokeColor(INK)
        canvas.setFillColor(INK)
        canvas.setLineWidth(7)
        canvas.setLineJoin(1)
        canvas.setLineCap(1)
        globals()[f"_{kind}"](canvas)
        canvas.endForm()
    canvas.saveState()
    canvas.transform(size / 100, 0, 0, size / 100, x, y)  # the form is a 100 x 100 grid
    canvas.doForm(name)
    canvas.restoreState()


def _date(c) -> None:
    c.roundRect(10, 8, 80, 76, 8, stroke=1, fill=0)
    c.rect(10, 62, 80, 22, stroke=0, fill=1)
    c.line(30, 78, 30, 94)
    c.line(70, 78, 70, 94)
    for row in range(2):
        for col in range(3):
            c.rect(22 + col * 22, 20 + row * 20, 12, 10, stroke=0, fill=1)


def _time(c) -> None:
    c.circle(50, 50, 40, stroke=1, fill=0)
    c.line(50, 50, 50, 78)
    c.line(50, 50, 70, 38)
    c.circle(50, 50, 4, stroke=0, fill=1)


def _place(c) -> None:
    p = c.beginPath()
    p.moveTo(50, 4)
    p.curveTo(30, 34, 16, 48, 16, 64)
    p.curveTo(16, 84, 32, 96, 50, 96)
    p.curveTo(68, 96, 84, 84, 84, 64)
    p.curveTo(84, 48, 70, 34, 50, 4)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFillColor(white)
    c.circle(50, 64, 13, stroke=0, fill=1)


def _documents(c) -> None:
    c.setFillColor(white)
    c.rect(28, 18, 58, 76, stroke=1, fill=1)
    c.rect(14, 6, 58, 76, stroke=1, fill=1)
    c.setLineWidth(5)
    for yy in (62, 48, 34, 20):
        c.line(24, yy, 62 if yy != 20 else 46, yy)


def _phone(c) -> None:
    c.roundRect(28, 4, 44, 92, 9, stroke=1, fill=0)
    c.line(28, 80, 72, 80)
    c.line(28, 20, 72, 20)
    c.circle(50, 12, 3, stroke=0, fill=1)


def _contact(c) -> None:
    c.circle(50, 70, 18, stroke=0, fill=1)
    p = c.beginPath()
    p.moveTo(12, 6)
    p.curveTo(12, 36, 28, 48, 50, 48)
    p.curveTo(72, 48, 88, 36, 88, 6)
    p.close()
    c.drawPath(p, stroke=0, fill=1)


def _languages(c) -> None:
    """Two speech bubbles, one answering the other: the languages someone speaks."""
    p = c.beginPath()  # the front bubble, its tail down to the left
    p.roundRect(6, 34, 56, 40, 10)
    c.drawPath(p, stroke=0, fill=1)
    tail = c.beginPath()
    tail.moveTo(16, 38)
    tail.lineTo(10, 20)
    tail.lineTo(32, 36)
    tail.close()
    c.drawPath(tail, stroke=0, fill=1)
    c.setFillColor(white)
    for xx in (20, 34, 48):
        c.circle(xx, 54, 4.5, stroke=0, fill=1)
    c.setFillColor(INK)
    c.roundRect(42, 60, 52, 34, 10, stroke=1, fill=0)  # the answering bubble, outlined
    back = c.beginPath()
    back.moveTo(84, 60)
    back.lineTo(90, 48)
    back.lineTo(74, 60)
    c.drawPath(back, stroke=1, fill=0)


def _return(c) -> None:
    """A calendar page with an arrow coming back round to it: come back on a day."""
    c.roundRect(30, 6, 64, 60, 7, stroke=1, fill=0)
    c.rect(30, 48, 64, 18, stroke=0, fill=1)
    c.line(46, 62, 46, 74)
    c.line(78, 62, 78, 74)
    c.rect(54, 18, 16, 14, stroke=0, fill=1)
    arc = c.beginPath()  # a three-quarter circle from the top round to the calendar's left
    arc.arc(4, 40, 60, 96, startAng=200, extent=-230)
    c.drawPath(arc, stroke=1, fill=0)
    head = c.beginPath()
    head.moveTo(10, 38)
    head.lineTo(4, 56)
    head.lineTo(22, 50)
    head.close()
    c.drawPath(head, stroke=0, fill=1)


def _check(c) -> None:
    """An empty box the visitor ticks by hand."""
    c.setLineWidth(6)
    c.rect(12, 12, 76, 76, stroke=1, fill=0)


def _info(c) -> None:
    c.circle(50, 50, 42, stroke=0, fill=1)
    c.setFillColor(white)
    c.circle(50, 74, 7, stroke=0, fill=1)
    c.rect(43, 18, 14, 42, stroke=0, fill=1)
