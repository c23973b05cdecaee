"""Text layout for letters: font runs, shaping with HarfBuzz, line breaking, bidi word order.

ReportLab's own paragraph bidi needs `rlbidi`, which is not on PyPI, and its paragraphs do
not fall back to a second font for a missing glyph.  So letters lay text out here: a word is
split into runs of one font each (see `fonts.script_family`), each run is shaped by
HarfBuzz (which also joins Arabic letters and mirrors brackets in right-to-left runs), lines
are broken between words, and each line is put in visual order at word level: in a
right-to-left paragraph the words run from right to left, while a stretch of left-to-right
words (a Latin name, a street address, a phone number) keeps its own order.  That covers
letters, whose mixed-direction content is whole words; it is not the full Unicode bidi
algorithm.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

import uharfbuzz as hb
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from loket.errors import LoketError
from loket.i18n import _
from loket.letters import fonts as fontreg

FEATURES = {"kern": True, "liga": True}
# Latin, Cyrillic and Ethiopic runs are drawn glyph by glyph at their natural advance: no
# kerning, so ReportLab writes them as plain strings (several times faster than positioned
# glyphs); Arabic needs its joining forms and mark positions and keeps every feature.
PLAIN_FEATURES = {"kern": False, "liga": False}


class GlyphMissing(LoketError):
    """A character that none of the shipped fonts can draw."""


@dataclass(frozen=True)
class Run:
    """Glyphs of one font, in visual (left-to-right drawing) order."""

    font_name: str
    text: str  # a ShapedStr when glyphs are positioned (offsets, kerning)
    advance: float  # in thousandths of the font size


@dataclass(frozen=True)
class Word:
    runs: tuple[Run, ...]  # visual order
    advance: float  # thousandths of the font size
    direction: str  # 'L', 'R', 'D' (a number) or 'N' (neutral: punctuation)
    glue: bool = False  # no space before this word (punctuation split off a word)
    isolate: bool = False  # starts a unit ordered on its own (a label, a value)

    def width(self, size: float) -> float:
        return self.advance * size / 1000


def _direction(text: str) -> str:
    if any(fontreg.is_rtl_char(c) for c in text):
        return "R"
    if any(fontreg.is_strong_ltr(c) and c.isalpha() for c in text):
        return "L"
    if any(c.isdigit() for c in text):
        return "D"
    return "N"


def _families(word: str, fontset: fontreg.FontSet) -> list[str]:
    fam: list[str | None] = [fontreg.script_family(c) for c in word]
    for i, f in enumerate(fam):
        if f is not None and not fontreg.has_glyph(fontset, f, word[i]):
            fam[i] = None
    for i, f in enumerate(fam):
        if f is not None:
            continue
        ch = word[i]
        candidates = []
        if i > 0 and fam[i - 1]:
            candidates.append(fam[i - 1])
        nxt = next((g for g in fam[i + 1 :] if g), None)
        if nxt:
            candidates.append(nxt)
        candidates.extend(fontreg.FALLBACK_ORDER)
        for family in candidates:
            if fontreg.has_glyph(fontset, family, ch):
                fam[i] = family
                break
        else:
            if unicodedata.category(ch) in ("Cf", "Mn"):
                fam[i] = fam[i - 1] if i > 0 and fam[i - 1] else "latin"
                continue
            raise GlyphMissing(
                _("The character {char} ({code}) cannot be printed with the letter fonts.").format(
                    char=ch, code=f"U+{ord(ch):04X}"
                )
            )
    return [f or "latin" for f in fam]


@lru_cache(maxsize=16)
def _hb_font(font_name: str) -> tuple[hb.Font, int]:
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(font_name)
    face = hb.Face(hb.Blob(font.face._ttf_data))
    return hb.Font(face), face.upem


def _shape_run(font_name: str, text: str) -> Run:
    from reportlab.pdfbase import pdfmetrics

    font: fontreg.LetterFont = pdfmetrics.getFont(font_name)
    hbfont, upem = _hb_font(font_name)
    scale = 1000 / upem
    buf = hb.Buffer()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_codepoints([ord(c) for c in text])
    buf.guess_segment_properties()
    plain = "Arabic" not in font_name
    hb.shape(hbfont, buf, PLAIN_FEATURES if plain else FEATURES)
    infos, positions = buf.glyph_infos, buf.glyph_positions
    starts = sorted({i.cluster for i in infos})
    ends = {s: (starts[k + 1] if k + 1 < len(starts) else len(text)) for k, s in enumerate(starts)}
    seen: set[int] = set()
    chars: list[str] = []
    data: list[ShapeData] = []
    total = 0.0
    for info, pos in zip(infos, positions, strict=True):
        if info.codepoint == 0:
            raise GlyphMissing(
                _("The text {text} cannot be printed with the letter fonts.").format(text=text)
            )
        cluster_text = "" if info.cluster in seen else text[info.cluster : ends[info.cluster]]
        seen.add(info.cluster)
        glyph_width = hbfont.get_glyph_h_advance(info.codepoint) * scale
        code = font.code_for(info.codepoint, cluster_text, glyph_width)
        chars.append(chr(code))
        adv = pos.x_advance * scale
        total += adv
        data.append(
            ShapeData(
                info.cluster,
                adv,
                pos.y_advance * scale,
                pos.x_offset * scale,
                pos.y_offset * scale,
                font.face.charWidths[code],
            )
        )
    simple = all(d.x_offset == 0 and d.y_offset == 0 and d.x_advance == d.width for d in data)
    glyphs = "".join(chars)
    return Run(font_name, glyphs if simple else ShapedStr(glyphs, shapeData=data), total)


_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def _mirror(text: str) -> str:
    return text[::-1].translate(_MIRROR)


def _neutral(text: str) -> bool:
    return all(fontreg.script_family(c) is None for c in text)


def _parts(word: str, families: list[str]) -> list[str]:
    parts, start = [], 0
    for i in range(1, len(word) + 1):
        if i == len(word) or families[i] != families[start]:
            parts.append(word[start:i])
            start = i
    return parts


@lru_cache(maxsize=4096)
def shape_word(word: str, bold: bool) -> Word:
    """One word (no spaces) as font runs in visual order."""
    fontset = fontreg.fonts(bold)
    families = _families(word, fontset)
    runs: list[Run] = []
    start = 0
    for part in _parts(word, families):
        runs.append(_shape_run(fontset.names[families[start]], part))
        start += len(part)
    direction = _direction(word)
    if direction == "R":
        runs.reverse()
        # Brackets that no right-to-left font run holds are drawn by the Latin font, left to
        # right: reverse and mirror them by hand, as HarfBuzz does inside right-to-left runs.
        runs = [
            _shape_run(r.font_name, _mirror(word_part)) if _neutral(word_part) else r
            for r, word_part in zip(runs, _parts(word, families)[::-1], strict=True)
        ]
    return Word(tuple(runs), sum(r.advance for r in runs), direction)


@lru_cache(maxsize=8)
def space_advance(bold: bool) -> float:
    """The width of a space of the Latin font (thousandths of the font size)."""
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.getFont(fontreg.fonts(bold).names["latin"]).face.charWidths[32]


_TRAILING = ".,:;!?،؛؟"
# Lines break at ordinary white space only: a no-break space (U+00A0) keeps a phone number
# ("020 123 4567") on one line.
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def split_words(text: str, bold: bool, rtl: bool = False, isolate: bool = False) -> list[Word]:
    """The words of a text, shaped.  In a right-to-left paragraph, punctuation that ends a
    left-to-right word or a number ("Zwolle،", "2026.") becomes a glued word of its own, so
    it lands on the reading side as the bidi algorithm would put it."""
    words: list[Word] = []
    for token in _WHITESPACE.split(text):
        if not token:
            continue
        core = token.rstrip(_TRAILING) if rtl else token
        if core and core != token and _direction(core) != "R":
            words.append(shape_word(core, bold))
            words.append(replace(shape_word(token[len(core) :], bold), glue=True))
        else:
            words.append(shape_word(token, bold))
    if isolate and words:
        words[0] = replace(words[0], isolate=True)
    return words


def break_lines(words: list[Word], width: float, size: float, bold: bool) -> list[list[Word]]:
    """Greedy line breaking in logical order; a word wider than the line stands alone, and a
    glued word stays with the word before it."""
    space = space_advance(bold) * size / 1000
    lines: list[list[Word]] = []
    line: list[Word] = []
    used = 0.0
    for word in words:
        w = word.width(size)
        gap = 0.0 if (word.glue or not line) else space
        if line and not word.glue and used + gap + w > width:
            lines.append(line)
            line, used, gap = [], 0.0, 0.0
        used += gap + w
        line.append(word)
    if line:
        lines.append(line)
    return lines


def _resolve(line: list[Word], base: str) -> list[str]:
    """Word-level bidi.  A number right after a word goes with it ("Stationsplein 1");
    otherwise it joins the other direction only when the strong words on both sides (or the
    line's ends) belong to it ("8011 CW Zwolle" in an Arabic letter), else it follows the
    paragraph.  Neutrals take the direction of
    strong neighbours that agree, else the paragraph's."""
    other = "L" if base == "R" else "R"
    dirs = [w.direction for w in line]
    resolved: list[str] = []
    for i, d in enumerate(dirs):
        if d == "D" and i and dirs[i - 1] in "LR":
            resolved.append(dirs[i - 1])  # a number right after a word belongs to it
        elif d == "D":
            before = next((x for x in reversed(dirs[:i]) if x in "LR"), None)
            after = next((x for x in dirs[i + 1 :] if x in "LR"), None)
            sides = {before, after} - {None}
            resolved.append(other if sides == {other} else base)
        else:
            resolved.append(d if d in "LR" else "N")
    # Numbers written in groups (a phone number "020 123 4567") always read left to right.
    for i, d in enumerate(dirs):
        if d == "D" and ((i and dirs[i - 1] == "D") or (i + 1 < len(dirs) and dirs[i + 1] == "D")):
            resolved[i] = "L"
    for i, d in enumerate(resolved):
        if d == "N":
            before = next((x for x in reversed(resolved[:i]) if x != "N"), base)
            after = next((x for x in resolved[i + 1 :] if x != "N"), base)
            resolved[i] = before if before == after else base
    return resolved


def _order(line: list[Word], base: str) -> list[int]:
    resolved = _resolve(line, base)
    order: list[int] = []
    stretch: list[int] = []
    for i, d in enumerate(resolved):
        if stretch and (d != base) != (resolved[stretch[0]] != base):
            order.extend(reversed(stretch) if resolved[stretch[0]] != base else stretch)
            stretch = []
        stretch.append(i)
    order.extend(reversed(stretch) if stretch and resolved[stretch[0]] != base else stretch)
    if base == "R":
        order.reverse()
    return order


def arrange(line: list[Word], rtl: bool, size: float) -> list[tuple[float, Word]]:
    """The line's words in visual (left-to-right) order, each with the gap before it.
    Isolated units (a bold label, then its value) are ordered each on its own."""
    base = "R" if rtl else "L"
    starts = [i for i, w in enumerate(line) if w.isolate or i == 0]
    units = [list(range(a, b)) for a, b in zip(starts, [*starts[1:], len(line)], strict=True)]
    if rtl:
        units.reverse()
    order = [unit[k] for unit in units for k in _order([line[i] for i in unit], base)]
    space = space_advance(False) * size / 1000
    out: list[tuple[float, Word]] = []
    for k, i in enumerate(order):
        gap = space if k else 0.0
        if k:
            j = order[k - 1]
            for glued, other in ((i, j), (j, i)):
                if line[glued].glue and not (other == glued + 1):
                    gap = 0.0
        out.append((gap, line[i]))
    return out


def line_width(arranged: list[tuple[float, Word]], size: float) -> float:
    return sum(gap + w.width(size) for gap, w in arranged)


@dataclass(frozen=True)
class Line:
    """A laid-out line: its words (logical order), its width and the text operations that
    draw it, as (font name, x from the line's left edge, glyphs)."""

    words: tuple[Word, ...]
    width: float
    ops: tuple[tuple[str, float, str], ...]


def set_line(words: list[Word], rtl: bool, size: float) -> Line:
    """Arrange a line and turn it into text operations.

    Consecutive unpositioned runs of one font are joined into one string (with a real space
    where the gap is exactly that font's space), so a line of Dutch is one text operation
    instead of one per word; positioned (shaped) runs are drawn one by one.
    """
    arranged = arrange(words, rtl, size)
    ops: list[tuple[str, float, str]] = []
    pending: list[str] = []
    pending_font = ""
    start_x = x = 0.0
    for gap, word in arranged:
        for k, run in enumerate(word.runs):
            lead = gap if k == 0 else 0.0
            plain = not isinstance(run.text, ShapedStr)
            if plain and pending and run.font_name == pending_font:
                if lead == 0.0 or abs(lead - _space_width(run.font_name, size)) < 1e-6:
                    pending.append(" " + run.text if lead else run.text)
                    x += lead + run.advance * size / 1000
                    continue
            if pending:
                ops.append((pending_font, start_x, "".join(pending)))
                pending.clear()
            x += lead
            if plain:
                pending_font, start_x = run.font_name, x
                pending.append(run.text)
            else:
                ops.append((run.font_name, x, run.text))
            x += run.advance * size / 1000
    if pending:
        ops.append((pending_font, start_x, "".join(pending)))
    return Line(tuple(words), line_width(arranged, size), tuple(ops))


def draw_line(text, line: Line, x: float, y: float, size: float) -> None:
    """Add a laid-out line, its left edge at x, to `text`: a ReportLab text object
    (`canvas.beginText()`), so that a paragraph is one text block in the PDF."""
    current = ""
    for font_name, dx, glyphs in line.ops:
        # A positioned run always restates its font: ReportLab's text object can only
        # start a raised glyph (an Arabic mark) after a font operator of its own.
        if font_name != current or isinstance(glyphs, ShapedStr):
            text.setFont(font_name, size)
            current = font_name
        text.setTextOrigin(x + dx, y)
        text.textOut(glyphs)


@lru_cache(maxsize=64)
def _space_width(font_name: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.getFont(font_name).face.charWidths[32] * size / 1000
