"""Text layout for letters: font runs, shaping with HarfBuzz, line breaking, bidi order.

ReportLab's own paragraph bidi needs `rlbidi`, which is not on PyPI, and its paragraphs do
not fall back to a second font for a missing glyph.  So letters lay text out here: a word is
split into runs of one font each (see `fonts.script_family`), each run is shaped by
HarfBuzz (which also joins Arabic letters and mirrors brackets in right-to-left runs), lines
are broken between words in logical order (a word or web address wider than the line is
broken inside), and then each line is put in visual order by the Unicode Bidirectional
Algorithm (python-bidi, which wraps the Rust `unicode-bidi` crate), at word level: the
algorithm sees one stand-in character per word with that word's bidi class.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

import uharfbuzz as hb
from bidi import get_display
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
    advance: float  # in thousandths of the font size (of the paragraph, scale included)
    scale: float = 1.0  # drawn at this times the paragraph's size (see `fonts.SCALE`)
    source: str = ""  # the characters shaped (to shape them again with other text: `_retext`)


@dataclass(frozen=True)
class Word:
    runs: tuple[Run, ...]  # visual order
    advance: float  # thousandths of the font size
    direction: str  # 'L', 'R', 'D' (a number) or 'N' (neutral: punctuation)
    glue: bool = False  # no space before this word (punctuation split off a word)
    isolate: bool = False  # starts a unit ordered on its own (a label, a value)
    text: str = ""  # the characters, in logical order
    bold: bool = False
    ltr_unit: bool = False  # its unit has no right-to-left letters (ordered left to right)
    joined: bool = False  # the rest of a word broken across lines (no space before it)

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


def _shape_run(font_name: str, text: str, texts: list[str] | None = None) -> Run:
    """`text` shaped in one font.  `texts`, one string per glyph (in drawing order), is what
    the PDF's text layer says each glyph stands for; by default its characters."""
    from reportlab.pdfbase import pdfmetrics

    font: fontreg.LetterFont = pdfmetrics.getFont(font_name)
    hbfont, upem = _hb_font(font_name)
    scale = 1000 / upem
    buf = hb.Buffer()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_codepoints([ord(c) for c in text])
    buf.guess_segment_properties()
    plain = "Arabic" not in font_name
    rtl = buf.direction == "rtl"
    hb.shape(hbfont, buf, PLAIN_FEATURES if plain else FEATURES)
    infos, positions = buf.glyph_infos, buf.glyph_positions
    starts = sorted({i.cluster for i in infos})
    ends = {s: (starts[k + 1] if k + 1 < len(starts) else len(text)) for k, s in enumerate(starts)}
    seen: set[int] = set()
    chars: list[str] = []
    data: list[ShapeData] = []
    total = 0.0
    if texts is not None and len(texts) != len(infos):
        raise ValueError("one text per glyph")
    for k, (info, pos) in enumerate(zip(infos, positions, strict=True)):
        if info.codepoint == 0:
            raise GlyphMissing(
                _("The text {text} cannot be printed with the letter fonts.").format(text=text)
            )
        cluster_text = "" if info.cluster in seen else text[info.cluster : ends[info.cluster]]
        if rtl:
            # Glyphs are drawn in visual order, and a reader of the PDF (copy and paste, a
            # screen reader, pdfium) turns a right-to-left line back into logical order
            # character by character: a ligature's text (lam-alef, "لآ") is mapped reversed
            # so that it reads back as it was written ("الآن", not "اآلن").
            cluster_text = cluster_text[::-1]
        if texts is not None:
            cluster_text = texts[k]
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
    factor = fontreg.scale_of(font_name)
    return Run(
        font_name,
        glyphs if simple else ShapedStr(glyphs, shapeData=data),
        total * factor,
        factor,
        text,
    )


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
    return Word(tuple(runs), sum(r.advance for r in runs), direction, text=word, bold=bold)


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
    that the bidi algorithm puts it on the reading side of the paragraph.  With `isolate`
    the text is a unit ordered on its own (see `_order`)."""
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
        if rtl and not any(fontreg.is_rtl_char(c) for c in text):
            words = [replace(w, ltr_unit=True) for w in words]
    return words


# A long word or web address breaks after one of these, else between any two characters.
_BREAK_AFTER = "/.-_?&=#:@,;~+"


def _fits(text: str, bold: bool, width: float, size: float) -> int:
    """The longest prefix of `text` (in characters) whose shaped width is at most `width`,
    never cutting a combining mark from its letter; at least one character."""
    lo, hi = 1, len(text)
    while lo < hi:  # widths grow with the prefix: binary search
        mid = (lo + hi + 1) // 2
        if shape_word(text[:mid], bold).width(size) <= width:
            lo = mid
        else:
            hi = mid - 1
    while lo > 1 and lo < len(text) and unicodedata.category(text[lo])[0] == "M":
        lo -= 1
    return lo


def break_word(word: Word, width: float, size: float) -> list[Word]:
    """A word wider than the line cut into pieces that each fit: after a slash, dot, hyphen
    and the like when one is far enough along, else between characters."""
    pieces: list[Word] = []
    rest = word.text
    while rest:
        if shape_word(rest, word.bold).width(size) <= width:
            cut = len(rest)
        else:
            cut = _fits(rest, word.bold, width, size)
            soft = max((k + 1 for k in range(cut - 1) if rest[k] in _BREAK_AFTER), default=0)
            if soft >= cut * 0.5:
                cut = soft
        piece = shape_word(rest[:cut], word.bold)
        first = not pieces
        pieces.append(
            replace(
                piece,
                glue=word.glue if first else False,
                isolate=word.isolate if first else False,
                ltr_unit=word.ltr_unit,
                joined=not first,
            )
        )
        rest = rest[cut:]
    return pieces


def break_lines(words: list[Word], width: float, size: float, bold: bool) -> list[list[Word]]:
    """Greedy line breaking in logical order.  A word wider than the line is broken (see
    `break_word`); a glued word stays with the word before it, and when the two do not fit
    at the end of a line they go to the next one together."""
    space = space_advance(bold) * size / 1000
    lines: list[list[Word]] = []
    line: list[Word] = []
    used = 0.0

    def width_of(ws: list[Word]) -> float:
        return sum(w.width(size) + (0.0 if (w.glue or k == 0) else space) for k, w in enumerate(ws))

    pending: list[Word] = []
    for word in words:
        if word.width(size) > width and word.text:
            pending.extend(break_word(word, width, size))
        else:
            pending.append(word)
    for word in pending:
        w = word.width(size)
        gap = 0.0 if (word.glue or not line) else space
        if line and (word.joined or used + gap + w > width):
            if not word.glue:
                lines.append(line)
                line, used, gap = [], 0.0, 0.0
            else:
                # carry the word it is glued to (and that word's own glued marks) along
                k = len(line) - 1
                while k > 0 and line[k].glue:
                    k -= 1
                if k > 0:
                    lines.append(line[:k])
                    line = line[k:]
                    used = width_of(line)
        used += gap + w
        line.append(word)
    if line:
        lines.append(line)
    return lines


def _pool(lo: int, hi: int, bidi_class: str) -> tuple[str, ...]:
    return tuple(
        chr(c)
        for c in range(lo, hi)
        if unicodedata.bidirectional(chr(c)) == bidi_class
        and not unicodedata.mirrored(chr(c))
        and unicodedata.category(chr(c)) in ("Lo", "Nd", "So")
    )


# Stand-ins for the words of a line, one character each, of the word's bidi class: the bidi
# algorithm sees the line as it is (which words are strong left-to-right, right-to-left,
# numbers or neutrals, and where the spaces are) and its visual order maps back to words
# because every stand-in occurs once.  All are long-standing characters (Unicode 3 or older).
_PROXIES = {
    "L": _pool(0x4E00, 0x4F00, "L"),  # CJK ideographs
    "R": _pool(0x0620, 0x06D4, "AL"),  # Arabic letters
    "D": _pool(0x0030, 0x0040, "EN")
    + _pool(0x06F0, 0x06FA, "EN")
    + _pool(0xFF10, 0xFF1A, "EN")
    + _pool(0x1D7CE, 0x1D800, "EN"),  # mathematical digits
    "N": _pool(0x2600, 0x2700, "ON"),  # symbols
}
_LRI, _RLI, _PDI = "\u2066", "\u2067", "\u2069"


def _order(line: list[Word], rtl: bool) -> list[int]:
    """The visual (left-to-right) order of a line's words by the Unicode Bidirectional
    Algorithm (python-bidi, i.e. the `unicode-bidi` crate), applied to the line after it
    was broken.  Each unit (a bold label, its value) is a directional isolate: in a
    right-to-left paragraph a unit with no right-to-left letters at all (an address line
    "8011 CW Zwolle", a phone number) is a left-to-right isolate, the others take the
    paragraph's direction.  Numbers that stand in groups ("020 123 4567") read as one."""
    used = {k: 0 for k in _PROXIES}
    back: dict[str, int] = {}
    out: list[str] = []
    for i, word in enumerate(line):
        if word.isolate or i == 0:
            if i:
                out.append(_PDI + " ")
            out.append(_RLI if rtl and not word.ltr_unit else _LRI)
        elif not word.glue:
            prev = line[i - 1].direction
            out.append("\u00a0" if prev == "D" and word.direction == "D" else " ")
        pool = _PROXIES[word.direction]
        if used[word.direction] >= len(pool):  # more words than a line can hold: plain order
            return list(range(len(line)))[:: -1 if rtl else 1]
        proxy = pool[used[word.direction]]
        used[word.direction] += 1
        back[proxy] = i
        out.append(proxy)
    if line:
        out.append(_PDI)
    visual = get_display("".join(out), base_dir="R" if rtl else "L")
    return [back[c] for c in visual if c in back]


def arrange(line: list[Word], rtl: bool, size: float) -> list[tuple[float, Word]]:
    """The line's words in visual (left-to-right) order, each with the gap before it: a
    space, except beside a glued word (punctuation) on the side it was glued to."""
    order = _order(line, rtl)
    space = space_advance(False) * size / 1000
    out: list[tuple[float, Word]] = []
    for k, i in enumerate(order):
        gap = space if k else 0.0
        if k:
            j = order[k - 1]
            for glued, other in ((i, j), (j, i)):
                if (line[glued].glue or line[glued].joined) and not (other == glued + 1):
                    gap = 0.0
        out.append((gap, line[i]))
    return out


def line_width(arranged: list[tuple[float, Word]], size: float) -> float:
    return sum(gap + w.width(size) for gap, w in arranged)


# -- the text layer as PDF readers rebuild it ------------------------------------------------
# Glyphs are placed in visual order.  A reader of the PDF (copy and paste, search, a screen
# reader) rebuilds the logical text of a line from the characters the glyphs stand for, taken
# from left to right, by its own rule.  pdfium's (Chrome's viewer, and the tests) splits the
# line into runs: right-to-left letters, left-to-right letters, digits (with separators and
# marks), and the rest (spaces, brackets); when right-to-left runs outnumber left-to-right ones
# it reads the runs from right to left, else from left to right, and turns each right-to-left
# run (and a neutral run after one) around, mirroring brackets.  Read that way, a Latin name
# of two words in an Arabic line ("Taalhuis Zwolle"), the groups of a phone number, or two
# Arabic words in a Dutch line come out in swapped order.  So when the rule would not give a
# line back as it was written, the line's glyphs are made to stand for the text that the rule
# turns into the logical text: each group of glyphs between two spaces keeps its place and its
# glyphs, and stands for the group of characters the reader expects there (filled out, where
# it is shorter than its glyphs, with an invisible mark of its own direction) -- as long as
# every glyph then stands for characters of its own font, so that words only trade places with
# words of their own script (the words of a Latin name, the groups of a phone number).

_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
_FILL = {"R": "\u200f", "L": "\u200e", "W": "\u200b", "N": "\u200b"}  # RLM, LRM, ZWSP
_FILLS = frozenset(_FILL.values())


# digits and what goes with them (separators, signs, marks, invisible formatting): pdfium
# keeps them in reading order and does not count them
_WEAK = frozenset({"EN", "AN", "NSM", "CS", "ES", "ET", "BN"})


def _reader_kind(ch: str) -> str:
    cls = unicodedata.bidirectional(ch)
    if cls in ("R", "AL"):
        return "R"
    if cls == "L":
        return "L"
    return "W" if cls in _WEAK else "N"


def reader_text(text: str) -> str:
    """The text pdfium makes of a line whose glyphs, from left to right, stand for `text`."""
    runs: list[list] = []
    for ch in text:
        kind = _reader_kind(ch)
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(ch)
        else:
            runs.append([kind, [ch]])
    right = sum(1 for k, _c in runs if k == "R") > sum(1 for k, _c in runs if k == "L")
    if right:
        runs.reverse()
    current = "R" if right else "L"
    out = []
    for kind, chars in runs:
        if kind == "R" or (kind == "N" and current == "R"):
            current = "R"
            out.append("".join(chars[::-1]).translate(_MIRRORED))
        else:
            if kind != "W":
                current = "L"
            out.append("".join(chars))
    return "".join(out)


def _slots(word: Word) -> list[bool]:
    """One entry per glyph of the word, in drawing order: True for a mark (a glyph without
    an advance, such as a fathatan).  Readers may take a raised mark for a line of its own,
    so a mark stands for an invisible fill mark and its letter carries the character."""
    out = []
    for run in word.runs:
        data = getattr(run.text, "__shapeData__", None)
        out += [d.x_advance == 0 for d in data] if data else [False] * len(run.text)
    return out


@lru_cache(maxsize=4096)
def _shape_run_as(font_name: str, source: str, texts: tuple[str, ...]) -> Run:
    return _shape_run(font_name, source, list(texts))


def _retext(word: Word, texts: list[str]) -> Word:
    """The word with the same glyphs, standing for `texts` (one string per glyph)."""
    runs, start = [], 0
    for run in word.runs:
        n = len(run.text)
        runs.append(_shape_run_as(run.font_name, run.source, tuple(texts[start : start + n])))
        start += n
    return replace(word, runs=tuple(runs))


@lru_cache(maxsize=4096)
def _drawable(font_name: str, ch: str) -> bool:
    from reportlab.pdfbase import pdfmetrics

    return ord(ch) in pdfmetrics.getFont(font_name).face.charToGlyph and ord(ch) < 0xE000


def _spread(chunk: str, marks: list[bool]) -> list[str]:
    """`chunk` over a group's glyphs: one character to each glyph that is not a mark, the
    rest to the last of them; marks and glyphs beyond the chunk get fill marks."""
    fill = _FILL[_reader_kind(chunk[-1])]
    letters = [k for k, mark in enumerate(marks) if not mark] or list(range(len(marks)))
    texts = [fill] * len(marks)
    for n, k in enumerate(letters):
        if n < len(chunk):
            texts[k] = chunk[n] if n < len(letters) - 1 else chunk[n:]
    return texts


def for_readers(arranged: list[tuple[float, Word]], logical: str) -> list[tuple[float, Word]]:
    """The arranged line, its words standing for the characters that make a reader rebuild
    `logical` (see above); as it is when the reader gets it right already, or when no such
    characters can be found."""
    groups: list[list[int]] = []
    for k, (gap, _word) in enumerate(arranged):
        if gap > 0 or not groups:
            groups.append([])
        groups[-1].append(k)

    def seen(word: Word) -> str:
        return word.text[::-1] if word.direction == "R" else word.text

    now = " ".join("".join(seen(arranged[k][1]) for k in g) for g in groups)
    marks = any(any(_slots(word)) for _gap, word in arranged)
    if not marks and reader_text(now) == logical:
        return arranged
    chunks = reader_text(logical).split(" ")
    if len(chunks) != len(groups) or any(not c for c in chunks):
        return arranged
    spread = []
    for chunk, group in zip(chunks, groups, strict=True):
        spread.append(_spread(chunk, [m for k in group for m in _slots(arranged[k][1])]))
    back = reader_text(" ".join("".join(texts) for texts in spread))
    if "".join(ch for ch in back if ch not in _FILLS) != logical:
        return arranged
    # A glyph stands only for characters of its own font (a Latin name's glyphs for Latin
    # letters, an Arabic word's for Arabic ones): a line that would need more stays as it is.
    for texts, group in zip(spread, groups, strict=True):
        fonts_of = [run.font_name for k in group for run in arranged[k][1].runs for _g in run.text]
        for font_name, text in zip(fonts_of, texts, strict=True):
            if not all(ch in _FILLS or _drawable(font_name, ch) for ch in text):
                return arranged
    out = list(arranged)
    for texts, group in zip(spread, groups, strict=True):
        start = 0
        for k in group:
            gap, word = arranged[k]
            n = len(_slots(word))
            out[k] = (gap, _retext(word, texts[start : start + n]))
            start += n
    return out


@dataclass(frozen=True)
class Line:
    """A laid-out line: its words (logical order), its width, the text operations that
    draw it, as (font name, x from the line's left edge, glyphs, size factor), and its
    logical text (what copying it out of the PDF must give)."""

    words: tuple[Word, ...]
    width: float
    ops: tuple[tuple[str, float, str, float], ...]
    text: str = ""
    rtl: bool = False  # holds right-to-left words (drawn in visual order)


def logical_text(words: list[Word]) -> str:
    return "".join(
        ("" if k == 0 or w.glue or w.joined else " ") + w.text for k, w in enumerate(words)
    )


def set_line(words: list[Word], rtl: bool, size: float) -> Line:
    """Arrange a line and turn it into text operations.

    Consecutive unpositioned runs of one font are joined into one string (with a real space
    where the gap is exactly that font's space), so a line of Dutch is one text operation
    instead of one per word; positioned (shaped) runs are drawn one by one.
    """
    arranged = for_readers(arrange(words, rtl, size), logical_text(words))
    ops: list[tuple[str, float, str, float]] = []
    pending: list[str] = []
    pending_font = ""
    pending_scale = 1.0
    start_x = x = 0.0
    for gap, word in arranged:
        for k, run in enumerate(word.runs):
            lead = gap if k == 0 else 0.0
            plain = not isinstance(run.text, ShapedStr)
            if plain and pending and run.font_name == pending_font:
                space = _space_width(run.font_name, size * run.scale)
                if lead == 0.0 or abs(lead - space) < 1e-6:
                    pending.append(" " + run.text if lead else run.text)
                    x += lead + run.advance * size / 1000
                    continue
            if pending:
                ops.append((pending_font, start_x, "".join(pending), pending_scale))
                pending.clear()
            x += lead
            if plain:
                pending_font, pending_scale, start_x = run.font_name, run.scale, x
                pending.append(run.text)
            else:
                ops.append((run.font_name, x, run.text, run.scale))
            x += run.advance * size / 1000
    if pending:
        ops.append((pending_font, start_x, "".join(pending), pending_scale))
    return Line(
        tuple(words),
        line_width(arranged, size),
        tuple(ops),
        logical_text(words),
        any(w.direction == "R" for w in words),
    )


def draw_line(text, line: Line, x: float, y: float, size: float) -> None:
    """Add a laid-out line, its left edge at x, to `text`: a ReportLab text object
    (`canvas.beginText()`), so that a paragraph is one text block in the PDF."""
    current = ("", 0.0)
    for font_name, dx, glyphs, factor in line.ops:
        # A positioned run always restates its font: ReportLab's text object can only
        # start a raised glyph (an Arabic mark) after a font operator of its own.
        if (font_name, factor) != current or isinstance(glyphs, ShapedStr):
            text.setFont(font_name, size * factor)
            current = (font_name, factor)
        text.setTextOrigin(x + dx, y)
        text.textOut(glyphs)


@lru_cache(maxsize=64)
def _space_width(font_name: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.getFont(font_name).face.charWidths[32] * size / 1000
