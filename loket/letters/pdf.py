"""Writing a letter's blocks to an A4 PDF with ReportLab.

A letter arrives here as language sections of plain blocks (see `Block`): no markup, so text
typed by staff (a name like `<font size=80>X</font>` or `A & B`) can only ever print as the
characters it is.  Each block becomes a flowable laid out by `shaping` (font runs, HarfBuzz,
the bidi algorithm per line); right-to-left sections put numbers, pictograms and alignment on
the right.  Pages: a partner's block splits rather than leave a page empty, a heading stays
with what follows, a section's closing never stands alone, and every page says "page x of
y" with, after a section's first page, a short header saying whose letter it is.
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
STEP_ICON = 1.4  # a step's pictogram beside its number, times the type size
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
    head: str = ""  # repeated at the top of its later pages (name, V-nummer)
    page_of: str = ""  # "Pagina {page} van {pages}" in the section's language


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
        if self._first and self.icon and self.icon != "check":
            height = max(height, self.size * 1.8)
        self.height = height
        return avail_width, height

    def split(self, avail_width, avail_height):
        lines = self._layout(avail_width)
        fit = int(avail_height // self.line_height)
        if fit >= len(lines) - 1:
            fit = len(lines) - 2  # never one line alone at the top of a page (a widow)
        if fit < 2 or len(lines) <= 3:  # nor alone at the bottom (an orphan)
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
        if self.icon == "check":
            # a box the height of a capital and a bit, centred on the first line's letters
            box = self.size * 1.0
            middle = self.height - self.size * 1.05 + self.size * 0.36
            box_x = self.width - box - self.size * 0.3 if self.rtl else self.size * 0.3
            pictograms.draw(c, "check", box_x, middle - box / 2, box)
            return
        if self.number is not None:
            r = self.size * 0.8
            cx, cy = mark_x + mark / 2, self.height - self.size * 0.65
            c.setFillColor(INK)
            c.circle(cx, cy, r, stroke=0, fill=1)
            c.setFillColor(HexColor("#FFFFFF"))
            digit = shaping.shape_word(str(self.number), True)
            c.setFont(digit.runs[0].font_name, self.size)
            c.drawString(cx - digit.width(self.size) / 2, cy - self.size * 0.36, digit.runs[0].text)
            if self.icon:  # after the number in reading order, centred on it
                side = STEP_ICON * self.size
                gap = self.size * 0.2
                icon_x = mark_x - gap - side if self.rtl else mark_x + mark + gap
                pictograms.draw(c, self.icon, icon_x, cy - side / 2, side)
        elif self.icon:
            pictograms.draw(c, self.icon, mark_x, top - mark, mark)


class Group(KeepTogether):
    """Blocks kept on one page when they fit, or when little of the page is left; otherwise
    split where they stand (a partner's details over two pages rather than a page 40 %
    empty), each heading staying with what follows it."""

    ROOM = 0.3  # of the frame's height: less than this left, and the group starts a new page

    def split(self, aW, aH):
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = getattr(self, "_frame", None)
        if self._H <= aH:
            return list(self._content)
        if frame is not None and aH < self.ROOM * frame._height:
            return super().split(aW, aH)
        return list(self._content)


class Gap(Flowable):
    """Blank space with a height of its own: ReportLab's KeepTogether measures what it keeps
    together without empty flowables and their space after, and would then let the end of a
    closing it thought would fit run onto a page of its own."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.gap = height

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, self.gap
        return avail_width, self.gap

    def split(self, avail_width, avail_height):
        return [Gap(0)]  # at the foot of a page: a page break needs no space

    def draw(self):
        pass


class SectionMark(Flowable):
    """Marks on the canvas where a language version starts, for the page decorations."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        self.canv.loket_section = self.index
        self.canv.loket_section_start = True


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
        for child, f in zip(block.children, inner, strict=False):
            if child.kind in ("heading", "meta"):
                f.keepWithNext = True
        return [Group(inner)]
    if k == "space":
        return [Gap(size * 0.8)]
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
            _keep_with_next(
                TextFlow(
                    [(block.text, True)],
                    size * 1.15,
                    rtl,
                    color=INK,
                    space_before=size * 0.9,
                    space_after=size * 0.3,
                )
            )
        ]
    pieces = [(block.label + " ", True)] if block.label else []
    pieces.append((block.text, False))
    if k in ("text", "meta"):
        return [TextFlow(pieces, size, rtl, space_after=size * (0.2 if k == "meta" else 0.6))]
    if k == "note":
        return [TextFlow(pieces, size * 0.85, rtl, color=GREY, space_before=size * 0.6)]
    if k == "step":
        return [
            TextFlow(
                pieces,
                size,
                rtl,
                number=block.number,
                icon=block.icon,
                lead=lead + (size * (STEP_ICON + 0.1) if block.icon else 0.0),
                space_after=size * 0.7,
            )
        ]
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


def _keep_with_next(flowable: Flowable) -> Flowable:
    flowable.keepWithNext = True
    return flowable


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.line(doc.leftMargin, 14 * mm, A4[0] - doc.rightMargin, 14 * mm)
    # the "lint": a blue band at the top, as on government letters
    canvas.setFillColor(INK)
    canvas.rect(A4[0] / 2 - 6 * mm, A4[1] - 22 * mm, 12 * mm, 22 * mm, stroke=0, fill=1)
    canvas.restoreState()


MARGIN = 22 * mm


def _text_at(canvas, text: str, size: float, rtl: bool, *, y: float, align: str) -> None:
    """One line of `text` at height y: align 'start' (the reading side) or 'center'."""
    words = shaping.split_words(text, False, rtl, isolate=True)
    line = shaping.set_line(words, rtl, size)
    if align == "center":
        x = A4[0] / 2 - line.width / 2
    else:
        x = A4[0] - MARGIN - line.width if rtl else MARGIN
    obj = canvas.beginText()
    shaping.draw_line(obj, line, x, y, size)
    canvas.drawText(obj)


def _canvas_class(sections: list[Section]):
    """A canvas that holds its pages back until the end, so that every page can say how
    many there are ("Pagina 2 van 3") and, after a language version's first page, repeat
    a short header (the visitor's name and V-nummer) in that version's language."""
    from reportlab.pdfgen.canvas import Canvas

    class LetterCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.loket_section = 0
            self.loket_section_start = False
            self._held: list[dict] = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self.loket_section_start = False
            self._startPage()

        def save(self):
            total = len(self._held)
            for number, state in enumerate(self._held, 1):
                self.__dict__.update(state)
                self._decorate(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, number: int, total: int) -> None:
            if not sections:
                return
            section = sections[min(self.loket_section, len(sections) - 1)]
            self.saveState()
            self.setFillColor(GREY)
            label = (section.page_of or "{page} / {pages}").format(page=number, pages=total)
            _text_at(self, label, 9, section.rtl, y=9 * mm, align="center")
            if section.head and not self.loket_section_start:
                _text_at(self, section.head, 9, section.rtl, y=A4[1] - 17 * mm, align="start")
            self.restoreState()

    return LetterCanvas


def _section_story(index: int, section: Section, size: float) -> list[Flowable]:
    """A section's flowables.  Its closing (the blocks after its last space: contact,
    greeting, notes) stays together and takes the paragraph before it along, so that no
    page holds only the closing."""
    story: list[Flowable] = [SectionMark(index)]
    blocks = section.blocks
    spaces = [i for i, b in enumerate(blocks) if b.kind == "space"]
    cut = spaces[-1] if spaces else len(blocks)
    for block in blocks[:cut]:
        story.extend(_flowables(block, size, section.rtl))
    closing: list[Flowable] = []
    for block in blocks[cut:]:
        for f in _flowables(block, size, section.rtl):
            closing.extend(f._content if isinstance(f, Group) else [f])
    if closing:
        carried: list[Flowable] = []
        last = story[-1] if len(story) > 1 else None
        if isinstance(last, Group) and len(last._content) > 1:
            keep = len(last._content) - 1
            while keep and getattr(last._content[keep - 1], "keepWithNext", False):
                keep -= 1  # a heading goes along with what follows it
            carried = last._content[keep:]
            if keep:
                story[-1] = Group(last._content[:keep])
            else:
                story.pop()
        elif last is not None and not isinstance(last, KeepTogether):
            carried = [story.pop()]
        story.append(KeepTogether(carried + closing))
    return story


def write_pdf(sections: list[Section], *, large_print: bool = False, title: str = "") -> bytes:
    """The PDF bytes for the sections, one after another, each starting on a new page."""
    size = LARGE_PT if large_print else BODY_PT
    out = io.BytesIO()
    with render_lock():
        fonts(False), fonts(True)  # register (or fail clearly) before anything is written
        doc = BaseDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
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
            story.extend(_section_story(i, section, size))
        doc.build(story, canvasmaker=_canvas_class(sections))
    return out.getvalue()
