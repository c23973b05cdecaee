"""The shipped Noto fonts, registered with ReportLab, and which font draws which character.

No single font covers Latin, Arabic and Ethiopic (Noto Sans Ethiopic has no Latin digits), so
every character is given the first font that has its glyph: the font of its script, else the
font of the run it stands in, else Noto Sans.  `LetterFont` repairs ReportLab's ToUnicode map
for shaped glyphs (Arabic joining forms, ligatures) so that text copied out of the PDF, read
by a screen reader or checked by the tests is the original text, not private-use codes.
"""

from __future__ import annotations

import threading
import unicodedata
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFObject
from reportlab.pdfbase.ttfonts import TTFont

from loket.errors import LoketError
from loket.i18n import _
from loket.paths import resources_dir

# family -> (regular file, bold file)
FAMILIES: dict[str, tuple[str, str]] = {
    "latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "arabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    "ethiopic": ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
}
FALLBACK_ORDER = ("latin", "arabic", "ethiopic")
# Size of each family against the paragraph's size.  Measured from the fonts, Noto Sans
# Ethiopic's syllables stand exactly as tall as Noto Sans's capitals (0.714 em), so beside
# Latin lower case (x-height 0.536 em) they look like small capitals that each carry a whole
# syllable's detail: readers of the letters found Tigrinya smaller than the Dutch names and
# numbers in it.  Ethiopic is set 10 % larger (12 pt body, 13.2 pt Ethiopic), the common
# practice in Ethiopic typesetting; the line spacing leaves room for it (see
# `test_ethiopic_is_set_larger_than_latin`).  Arabic's joined letters match Latin x-height.
SCALE: dict[str, float] = {"latin": 1.0, "arabic": 1.0, "ethiopic": 1.1}
SUBSET_CACHE = 64  # glyph subsets kept per font (a few hundred kB at most)

_lock = threading.RLock()


class FontMissing(LoketError):
    """A shipped font file is missing or unreadable."""


class _MemoFlate:
    """ReportLab's FlateDecode filter, remembering the compressed bytes of recent inputs
    (font subsets: compressing them is a third of the time spent writing a letter)."""

    pdfname = "FlateDecode"

    def __init__(self, size: int) -> None:
        self._done: OrderedDict[bytes, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def encode(self, data: bytes | str) -> bytes:
        if isinstance(data, str):
            data = data.encode("utf8")
        with self._lock:
            out = self._done.get(data)
            if out is not None:
                self._done.move_to_end(data)
                return out
        out = zlib.compress(data)
        with self._lock:
            self._done[data] = out
            if len(self._done) > self._size:
                self._done.popitem(last=False)
        return out

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


_MEMO_FLATE = _MemoFlate(4 * SUBSET_CACHE)


class _Formatted(PDFObject):
    """A PDF value already written out."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


class LetterFont(TTFont):
    """A TrueType font whose glyphs without a Unicode mapping still extract as real text."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.private_text: dict[int, str] = {}  # private-use code -> the text it draws
        self._private_keys: dict[tuple[int, str], int] = {}
        self._next_private = 0xE000
        self._dest: dict[int, str] = {}  # code -> its ToUnicode hex (codes never change)
        self._widths_done: dict[tuple[int, ...], _Formatted] = {}
        # Subsetting the TrueType file is the costliest step of writing a letter; the same
        # glyph subset (a template's fixed sentences) gives the same bytes every time.
        self._subsets: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        make_subset = self.face.makeSubset

        def cached_subset(subset) -> bytes:
            key = tuple(subset)
            data = self._subsets.get(key)
            if data is None:
                data = self._subsets[key] = make_subset(subset)
                if len(self._subsets) > SUBSET_CACHE:
                    self._subsets.popitem(last=False)
            else:
                self._subsets.move_to_end(key)
            return data

        self.face.makeSubset = cached_subset
        add_subset_objects = self.face.addSubsetObjects

        def add_subset(doc, fontname, subset):
            ref = add_subset_objects(doc, fontname, subset)
            stream = doc.idToObject.get(f"fontFile:{self.face.filename}({fontname})")
            if stream is not None and stream.filters:
                stream.filters = [_MEMO_FLATE]  # the same subset compresses to the same bytes
            return ref

        self.face.addSubsetObjects = add_subset

    def code_for(self, gid: int, text: str, advance_1000: float) -> int:
        """A character code that ReportLab maps to glyph `gid`, remembered as drawing `text`."""
        face = self.face
        if len(text) == 1 and face.charToGlyph.get(ord(text)) == gid:
            return ord(text)
        key = (gid, text)
        code = self._private_keys.get(key)
        if code is None:
            code = self._next_private
            while code in face.charToGlyph:
                code += 1
            if code > 0xF8FF:
                raise LoketError(_("Too many shaped glyphs in one font."))
            self._next_private = code + 1
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            face.charWidths[code] = advance_1000
            self._private_keys[key] = code
            self.private_text[code] = text
        return code

    def addObjects(self, doc) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state else []
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(subsets):
            base = self._base_name(n)
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = self._to_unicode_cmap(base, subset)
            pdf_font = fonts.get(names[n])
            if pdf_font is not None:
                pdf_font.Widths = self._widths(subset)

    def _widths(self, subset: list[int]) -> _Formatted:
        """The subset's /Widths array, formatted once (the numbers never change)."""
        key = tuple(subset)
        found = self._widths_done.get(key)
        if found is None:
            width = self.face.getCharWidth
            text = "[" + " ".join(fp_str(width(code)) for code in subset) + "]"
            found = self._widths_done[key] = _Formatted(text.encode("ascii"))
            if len(self._widths_done) > SUBSET_CACHE:
                self._widths_done.pop(next(iter(self._widths_done)))
        return found

    def _base_name(self, n: int) -> str:
        from reportlab.pdfbase.ttfonts import SUBSETN

        raw = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
        return raw.decode("pdfdoc")

    def _to_unicode_cmap(self, base: str, subset: list[int]) -> str:
        known = self._dest

        def dest(code: int) -> str:
            hexed = known.get(code)
            if hexed is None:
                text = self.private_text.get(code, chr(code)) or "\u200c"
                hexed = known[code] = text.encode("utf-16-be").hex().upper()
            return hexed

        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({base})",
            f"/Ordering ({base})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{base} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{i:02X}> <{dest(code)}>" for i, code in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class FontSet:
    """The registered fonts for one weight: family -> ReportLab font name."""

    names: dict[str, str]

    def font(self, family: str) -> LetterFont:
        return pdfmetrics.getFont(self.names[family])


@lru_cache(maxsize=1)
def _register() -> dict[bool, FontSet]:
    folder = resources_dir() / "fonts"
    result: dict[bool, FontSet] = {}
    for bold in (False, True):
        names = {}
        for family, files in FAMILIES.items():
            path = folder / files[1 if bold else 0]
            name = "Loket-" + path.stem
            if not path.is_file():
                raise FontMissing(_("Font file missing: {path}").format(path=path))
            try:
                pdfmetrics.registerFont(LetterFont(name, str(path)))
            except Exception as err:  # a truncated or foreign file
                raise FontMissing(
                    _("Font file unreadable: {path} ({error})").format(path=path, error=err)
                ) from err
            names[family] = name
        result[bold] = FontSet(names)
    return result


def scale_of(font_name: str) -> float:
    """The size factor of a registered font (see `SCALE`)."""
    for family, files in FAMILIES.items():
        if any(font_name == "Loket-" + f.removesuffix(".ttf") for f in files):
            return SCALE[family]
    return 1.0


def fonts(bold: bool = False) -> FontSet:
    with _lock:
        return _register()[bold]


def render_lock() -> threading.RLock:
    """ReportLab's font objects are shared: one letter is laid out and written at a time."""
    return _lock


def script_family(ch: str) -> str | None:
    """The family a character must use because of its script; None for neutral characters."""
    cp = ord(ch)
    if (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    ):
        return "arabic"
    if 0x1200 <= cp <= 0x139F or 0x2D80 <= cp <= 0x2DDF or 0xAB00 <= cp <= 0xAB2F:
        return "ethiopic"
    if ch.isalnum():
        return "latin"  # Latin, Cyrillic, Greek and the ASCII digits: Noto Sans
    return None


def has_glyph(fontset: FontSet, family: str, ch: str) -> bool:
    return ord(ch) in fontset.font(family).face.charToGlyph


def is_rtl_char(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def is_strong_ltr(ch: str) -> bool:
    return unicodedata.bidirectional(ch) == "L"


def unprintable(text: str | None) -> list[str]:
    """The characters of `text` that no letter font Loket ships can draw (Chinese, Tamil,
    Devanagari, Georgian, Armenian, Khmer, emoji …), in order of first appearance.

    Registration asks for the Latin spelling of such a name, so that a letter can always be
    printed for the visitor."""
    if not text or text.isascii():
        return []
    fontset = fonts()
    out: list[str] = []
    for ch in text:
        if ch in out or ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs"):
            continue
        if ord(ch) < 0x250 or unicodedata.category(ch).startswith("P"):
            continue  # Latin-1, Latin Extended, punctuation: Noto Sans has them
        families = [script_family(ch) or "latin", *FALLBACK_ORDER]
        if not any(has_glyph(fontset, family, ch) for family in families):
            out.append(ch)
    return out
