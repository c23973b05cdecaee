"""Writing a letter's blocks to an A4 PDF with ReportLab.

A letter arrives here as language sections of plain blocks (see `Block`): no markup, so text
typed by staff (a name like `<font size=80>X</font>` or `A & B`) can only ever print as the
characters it is.  Each block becomes a flowable laid out by `shaping` (font runs, HarfBuzz,
bidi word order); right-to-left sections put numbers, pictograms and alignment on the right.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass, field

from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate
from reportlab.platypus.flowables import PageBreak

from loket.letters import pictograms, shaping
from loket.letters.fonts import fonts, render_lock

BODY_PT = 12.0
LARGE_PT = 16.0
LEADING = 1.45
GREY = HexColor("#535353")
INK = pictograms.INK


@dataclass
class Block:
    """One piece of a letter.  kind: lang, sender, title, meta, text, heading, step, fact,
    check, bullet, note, space, group (children kept on one page)."""

    kind: str
    text: str = ""
    label: str = ""
    icon: str | None = None
    number: int | None = None
    children: list[Block] = field(default_factory=list)


@dataclass
class Section:
    lang: str
    rtl: bool
    blocks: list[Block]


class TextFlow(Flowable):
    """A paragraph of (text, bold) pieces with an optional pictogram or number badge."""

    def __init__(
        self,
        pieces: list[tuple[str, bool]],
        size: float,
        rtl: bool,
        *,
        color=black,
        icon: str | None = None,
        number: int | None = None,
        lead: float = 0.0,
        space_before: float = 0.0,
        space_after: float = 0.0,
        lines: list[shaping.Line] | None = None,
        first: bool = True,
    ) -> None:
        super().__init__()
        self.pieces, self.size, self.rtl, self.color = pieces, size, rtl, color
        self.icon, self.number, self.lead = icon, number, lead
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self._lines = lines
        self._first = first
        self.line_height = size * LEADING

    def _layout(self, width: float) -> list[shaping.Line]:
        if self._lines is not None:
            return self._lines
        key = (tuple(self.pieces), self.size, self.rtl, width - self.lead)
        lines = _LAYOUTS.get(key)
        if lines is None:
            lines = _LAYOUTS[key] = _lay_out(self.pieces, self.size, self.rtl, width - self.lead)
            if len(_LAYOUTS) > LAYOUT_CACHE:
                _LAYOUTS.popitem(last=False)
        return list(lines)

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.lines = self._layout(avail_width)
        height = len(self.lines) * self.line_height
        if self._first and self.icon:
            height = max(height, self.size * 1.8)
        self.height = height
        return avail_width, height

    def split(self, avail_width, avail_height):
        lines = self._layout(avail_width)
        fit = int(avail_height // self.line_height)
        if (
            fit < 1
            or fit >= len(lines)
            or len(lines) <= 3
            or (self._first and self.icon and fit < 2)
        ):
            return []
        kw = dict(color=self.color, lead=self.lead)
        head = TextFlow(
            self.pieces,
            self.size,
            self.rtl,
            icon=self.icon,
            number=self.number,
            space_before=self.spaceBefore,
            lines=lines[:fit],
            first=self._first,
            **kw,
        )
        tail = TextFlow(
            self.pieces,
            self.size,
            self.rtl,
            space_after=self.spaceAfter,
            lines=lines[fit:],
            first=False,
            **kw,
        )
        return [head, tail]

    def draw(self):
        c = self.canv
        c.setFillColor(self.color)
        y = self.height - self.size * 1.05
        if self.lines:
            text = c.beginText()
            for line in self.lines:
                x = self.width - self.lead - line.width if self.rtl else self.lead
                shaping.draw_line(text, line, x, y, self.size)
                y -= self.line_height
            c.drawText(text)
        if not self._first:
            return
        mark = self.size * 1.6
        mark_x = self.width - mark if self.rtl else 0
        top = self.height - self.size * 0.15
        if self.icon:
            pictograms.draw(c, self.icon, mark_x, top - mark, mark)
        elif self.number is not None:
            r = self.size * 0.8
            cx, cy = mark_x + mark / 2, self.height - self.size * 0.65
            c.setFillColor(INK)
            c.circle(cx, cy, r, stroke=0, fill=1)
            c.setFillColor(HexColor("#FFFFFF"))
            digit = shaping.shape_word(str(self.number), True)
            c.setFont(digit.runs[0].font_name, self.size)
            c.drawString(cx - digit.width(self.size) / 2, cy - self.size * 0.36, digit.runs[0].text)


# Laid-out paragraphs by (pieces, size, direction, width): a letter's sentences recur in
# every letter of that template, only names and dates differ.  Used under `render_lock`.
LAYOUT_CACHE = 4096
_LAYOUTS: OrderedDict[tuple, tuple[shaping.Line, ...]] = OrderedDict()


def _lay_out(
    pieces: list[tuple[str, bool]], size: float, rtl: bool, width: float
) -> tuple[shaping.Line, ...]:
    lines: list[shaping.Line] = []
    for paragraph in _hard_lines(pieces):
        words = [
            w
            for text, bold in paragraph
            for w in shaping.split_words(text, bold, rtl, isolate=True)
        ]
        for line in shaping.break_lines(words, width, size, False) or [[]]:
            lines.append(shaping.set_line(line, rtl, size))
    return tuple(lines)


def _hard_lines(pieces: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """Split pieces at newlines: each resulting paragraph starts a new line."""
    out: list[list[tuple[str, bool]]] = [[]]
    for text, bold in pieces:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                out.append([])
            out[-1].append((part, bold))
    return out


class Rule(Flowable):
    def __init__(self, rtl: bool) -> None:
        super().__init__()
        self.rtl = rtl

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, 8

    def draw(self):
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(1.2)
        self.canv.line(0, 4, self.width, 4)


def _flowables(block: Block, size: float, rtl: bool) -> list[Flowable]:
    lead = size * 2.3
    k = block.kind
    if k == "group":
        inner = [f for child in block.children for f in _flowables(child, size, rtl)]
        return [KeepTogether(inner)]
    if k == "space":
        return [TextFlow([], size, rtl, lines=[], space_after=size * 0.8)]
    if k == "rule":
        return [Rule(rtl)]
    if k == "lang":
        return [TextFlow([(block.text, True)], size * 0.8, rtl, color=GREY, space_after=size * 0.4)]
    if k == "sender":
        return [
            TextFlow([(block.text, False)], size * 0.85, rtl, color=GREY, space_after=size * 0.8)
        ]
    if k == "title":
        return [
            TextFlow(
                [(block.text, True)],
                size * 1.5,
                rtl,
                color=INK,
                space_before=size * 0.6,
                space_after=size * 0.6,
            )
        ]
    if k == "heading":
        return [
            TextFlow(
                [(block.text, True)],
                size * 1.15,
                rtl,
                color=INK,
                space_before=size * 0.9,
                space_after=size * 0.3,
            )
        ]
    pieces = [(block.label + " ", True)] if block.label else []
    pieces.append((block.text, False))
    if k in ("text", "meta"):
        return [TextFlow(pieces, size, rtl, space_after=size * (0.2 if k == "meta" else 0.6))]
    if k == "note":
        return [TextFlow(pieces, size * 0.85, rtl, color=GREY, space_before=size * 0.6)]
    if k == "step":
        return [TextFlow(pieces, size, rtl, number=block.number, lead=lead, space_after=size * 0.7)]
    if k in ("fact", "check"):
        return [
            TextFlow(
                pieces,
                size,
                rtl,
                icon=block.icon or "check",
                lead=lead,
                space_after=size * (0.25 if k == "check" else 0.5),
            )
        ]
    if k == "bullet":
        return [TextFlow([("•", False), *pieces], size, rtl, lead=size, space_after=size * 0.3)]
    raise ValueError(f"unknown block kind {k!r}")


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.line(doc.leftMargin, 14 * mm, A4[0] - doc.rightMargin, 14 * mm)
    digit = shaping.shape_word(str(doc.page), False)
    canvas.setFillColor(GREY)
    canvas.setFont(digit.runs[0].font_name, 10)
    canvas.drawString(A4[0] / 2 - digit.width(10) / 2, 9 * mm, digit.runs[0].text)
    # the "lint": a blue band at the top, as on government letters
    canvas.setFillColor(INK)
    canvas.rect(A4[0] / 2 - 6 * mm, A4[1] - 22 * mm, 12 * mm, 22 * mm, stroke=0, fill=1)
    canvas.restoreState()


def write_pdf(sections: list[Section], *, large_print: bool = False, title: str = "") -> bytes:
    """The PDF bytes for the sections, one after another, each starting on a new page."""
    size = LARGE_PT if large_print else BODY_PT
    out = io.BytesIO()
    with render_lock():
        fonts(False), fonts(True)  # register (or fail clearly) before anything is written
        doc = BaseDocTemplate(
            out,
            pagesize=A4,
            leftMargin=22 * mm,
            rightMargin=22 * mm,
            topMargin=27 * mm,
            bottomMargin=18 * mm,
            title=title,
            author="IND Maatwerkloket",
            creator="Loket",
            invariant=1,
        )
        frame = Frame(
            doc.leftMargin,
            doc.bottomMargin,
            doc.width,
            doc.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates([PageTemplate(id="letter", frames=[frame], onPage=_footer)])
        story: list[Flowable] = []
        for i, section in enumerate(sections):
            if i:
                story.append(PageBreak())
            for block in section.blocks:
                story.extend(_flowables(block, size, section.rtl))
        doc.build(story)
    return out.getvalue()
