"""Every letter in every language, checked from the PDF itself with pypdfium2."""

from __future__ import annotations

import ctypes
import unicodedata
from datetime import date, datetime
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from loket import letters
from loket.letters import catalogue, pdf, shaping
from loket.paths import resources_dir
from tests.letters_support import HOSTILE_NAME, letter_visit

LANGUAGES = [x for x in catalogue.available_languages() if x != "nl"]
TEMPLATES = letters.template_names()
APPOINTMENT = letters.Appointment(
    datetime(2026, 12, 3, 10, 30),
    "Stationsplein 1, Zwolle",
    "mevrouw De Vries",
    ["Identiteitsbewijs", "Huurcontract"],
)
SCRIPT_RANGES = {
    "ar": (0x0600, 0x06FF),
    "fa": (0x0600, 0x06FF),
    "ps": (0x0600, 0x06FF),
    "prs": (0x0600, 0x06FF),
    "ckb": (0x0600, 0x06FF),
    "ti": (0x1200, 0x137F),
    "uk": (0x0400, 0x04FF),
    "ru": (0x0400, 0x04FF),
}
# Words of the visitor-language version that must be there (from its catalogue).
DUTCH_MARK = "Met vriendelijke groet"


@cache
def cmap(font_base: str) -> frozenset[int]:
    name = font_base.split("+")[-1]
    path = resources_dir() / "fonts" / f"{name}.ttf"
    assert path.is_file(), f"text drawn with a font Loket does not ship: {font_base}"
    return frozenset(TTFontFile(str(path)).charToGlyph)


def drawn_chars(data: bytes) -> list[tuple[str, str]]:
    """(character, font) for every character on every page."""
    doc = pdfium.PdfDocument(data)
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    out = []
    for page in doc:
        tp = page.get_textpage()
        for i in range(tp.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i))
            n = pdfium_c.FPDFText_GetFontInfo(tp.raw, i, buf, 256, ctypes.byref(flags))
            out.append((ch, buf.value[: max(0, n - 1)].decode("ascii", "replace") if n else ""))
    return out


def page_texts(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in doc]


def assert_every_glyph_real(data: bytes) -> None:
    for ch, font in drawn_chars(data):
        if ch.isspace() or unicodedata.category(ch) == "Cf" or ch == "\ufffe":
            continue
        assert not (0xE000 <= ord(ch) <= 0xF8FF), f"unmapped shaped glyph drawn with {font}"
        assert font, f"{ch!r} drawn without a font"
        assert ord(ch) in cmap(font), f"{ch!r} (U+{ord(ch):04X}) has no glyph in {font}"


@pytest.fixture
def visit_ctx(db):
    return letter_visit(db, given_names="Ali", family_name="A & B")


def _render(ctx, visit_id, template, lang, **kw):
    return letters.render(
        ctx, visit_id, template, lang, appointment=APPOINTMENT, letter_date=date(2026, 11, 28), **kw
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_letter_in_language(visit_ctx, lang):
    ctx, visit_id = visit_ctx
    cat = catalogue.load(lang)
    for template in TEMPLATES:
        data = _render(ctx, visit_id, template, lang)
        assert_every_glyph_real(data)
        texts = page_texts(data)
        whole = "\n".join(texts)
        assert "{" not in whole and "}" not in whole, "a placeholder was left unfilled"
        assert DUTCH_MARK in whole, "the Dutch version is missing"
        assert "Ali A & B" in whole
        first = texts[0]
        assert DUTCH_MARK not in first, "the visitor's language must come first"
        if lang in SCRIPT_RANGES:
            lo, hi = SCRIPT_RANGES[lang]
            assert sum(lo <= ord(c) <= hi for c in first) > 40, "visitor's script missing"
        else:
            subject = cat.text(letters.get_template(template).subject)
            assert subject in first.replace("\r\n", " ")


def test_dutch_letters_and_dutch_only(visit_ctx):
    ctx, visit_id = visit_ctx
    for template in TEMPLATES:
        data = _render(ctx, visit_id, template, "nl", large_print=template == "plan")
        assert_every_glyph_real(data)
        assert DUTCH_MARK in "\n".join(page_texts(data))
    only = _render(ctx, visit_id, "plan", "ar", dutch_only=True)
    assert not any(0x0600 <= ord(c) <= 0x06FF for c in "\n".join(page_texts(only)))


def test_staff_text_prints_literally(db):
    ctx, visit_id = letter_visit(
        db, given_names=HOSTILE_NAME, family_name="A & B", summary="<b>vet</b> & <br/> niet"
    )
    data = _render(ctx, visit_id, "plan", "nl")
    text = " ".join(page_texts(data)).replace("\r\n", " ")
    assert "<font size=80>X</font> A & B" in text
    assert "<b>vet</b> & <br/> niet" in text
    assert_every_glyph_real(data)


def test_large_print_uses_bigger_type(visit_ctx):
    ctx, visit_id = visit_ctx
    normal = pdfium.PdfDocument(_render(ctx, visit_id, "plan", "nl"))
    large = pdfium.PdfDocument(_render(ctx, visit_id, "plan", "nl", large_print=True))

    def body_size(doc):
        tp = doc[0].get_textpage()
        return max(pdfium_c.FPDFText_GetFontSize(tp.raw, i) for i in range(tp.count_chars()))

    assert len(large) >= len(normal)
    assert body_size(large) > body_size(normal)
    assert pdf.BODY_PT >= 12 and pdf.LARGE_PT >= 16


def test_mixed_scripts_get_their_own_fonts():
    """Latin digits inside Tigrinya and Arabic come from Noto Sans, not the script font."""
    word = shaping.shape_word("ብ3", False)
    assert [r.font_name for r in word.runs] == [
        "Loket-NotoSansEthiopic-Regular",
        "Loket-NotoSans-Regular",
    ]
    arabic = shaping.shape_word("(مرحبا)", False)
    assert arabic.direction == "R"
    assert {r.font_name for r in arabic.runs} >= {"Loket-NotoSansArabic-Regular"}


def test_rtl_order_of_words():
    """In an Arabic line the words run right to left; a Dutch address keeps its order."""
    words = shaping.split_words("كنت في Stationsplein 1 اليوم", False, rtl=True)
    arranged = [w for _gap, w in shaping.arrange(words, True, 12)]
    order = [words.index(w) for w in arranged]
    assert order == [4, 2, 3, 1, 0]
    phone = shaping.split_words("الهاتف: 020 123 4567", False, rtl=True)
    order = [phone.index(w) for _g, w in shaping.arrange(phone, True, 12)]
    assert order == [1, 2, 3, 0]


def test_unprintable_character_is_a_clear_error():
    with pytest.raises(shaping.GlyphMissing):
        shaping.shape_word("名前", False)


RTL = sorted(catalogue.RTL_LANGUAGES & set(LANGUAGES))


def test_pashto_and_sorani_are_shipped_right_to_left():
    assert {"ps", "ckb"} <= set(RTL)
    for lang in ("ps", "ckb"):
        cat = catalogue.read_po_file(lang)
        assert cat.rtl and not cat.certified


def _line_edges(data: bytes, page: int, lo: int, hi: int) -> list[tuple[float, float]]:
    """(left, right) of each text line on a page that holds characters in [lo, hi]."""
    doc = pdfium.PdfDocument(data)
    tp = doc[page].get_textpage()
    lines: dict[float, list[float]] = {}
    wanted: set[float] = set()
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(tp.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(tp.raw, i)
        if chr(code).isspace() or unicodedata.category(chr(code)) == "Mn":
            continue  # a mark (a damma) is raised above its letter's baseline
        pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
        if y.value < 18 * 72 / 25.4:
            continue  # the page footer ("page 1 of 2"), centred
        left, _bottom, right, _top = tp.get_charbox(i)
        baseline = round(y.value, 1)  # one baseline, one line
        box = lines.setdefault(baseline, [left, right])
        box[0], box[1] = min(box[0], left), max(box[1], right)
        if lo <= code <= hi:
            wanted.add(baseline)
    return [(a, b) for key, (a, b) in lines.items() if key in wanted]


@pytest.mark.parametrize("lang", RTL)
def test_right_to_left_letters_are_set_from_the_right(visit_ctx, lang):
    """Lines of the visitor's version end at the right margin (or beside a pictogram there)
    and start wherever their length puts them; the Dutch version is the mirror image."""
    ctx, visit_id = visit_ctx
    data = _render(ctx, visit_id, "plan", lang)
    width = pdfium.PdfDocument(data)[0].get_size()[0]
    right_margin = width - 22 * 72 / 25.4
    edges = _line_edges(data, 0, 0x0600, 0x06FF)
    assert len(edges) > 10
    at_right = [b for _a, b in edges if b > right_margin - 12 * 2.5]
    assert len(at_right) >= 0.9 * len(edges), f"{lang}: lines not set from the right"
    assert len({round(a) for a, _b in edges}) > 3, "ragged left edge expected"
    dutch = _line_edges(data, len(pdfium.PdfDocument(data)) - 1, 0x41, 0x7A)
    assert all(a < width / 2 for a, _b in dutch)
