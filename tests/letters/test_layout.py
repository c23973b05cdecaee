"""Line layout of letters: the bidi algorithm per line, breaks inside long words, the text
layer of right-to-left lines, and the size of Ethiopic beside Latin."""

from __future__ import annotations

import ctypes
from datetime import date

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from loket import letters
from loket.letters import fonts, pdf, shaping

SENTENCE = "اتصلوا بـ Wijkteam Centrum، أو بـ OBA Zwolle, ثم عودوا إلينا"


def _visual(line: list[shaping.Word]) -> list[str]:
    return [w.text for _gap, w in shaping.arrange(line, True, 12)]


@pytest.mark.parametrize("width", range(60, 400, 7))
def test_comma_stays_with_its_word_when_a_latin_name_wraps(width):
    words = shaping.split_words(SENTENCE, False, rtl=True, isolate=True)
    for line in shaping.break_lines(words, width, 12, False):
        assert line[0].text not in ("،", ","), "a line starts with a comma"
        visual = _visual(line)
        # the right end of a right-to-left line is where it starts
        assert visual[-1] not in ("،", ","), f"comma at the start of {visual}"
        for comma, word in (("،", "Centrum"), (",", "Zwolle")):
            if comma in visual:
                assert word in visual, "the comma left its word behind"


def test_latin_name_keeps_its_order_and_comma_follows_it():
    line = shaping.split_words(SENTENCE, False, rtl=True, isolate=True)
    visual = _visual(line)
    i = visual.index("Wijkteam")
    assert visual[i + 1] == "Centrum"
    assert visual[i - 1] == "،", "the comma reads after the name (to its left)"
    gaps = dict((w.text, g) for g, w in shaping.arrange(line, True, 12))
    assert gaps["Wijkteam"] == 0.0, "no space between the name and its comma"


def test_number_after_a_word_goes_with_it_and_postcode_reads_left_to_right():
    words = shaping.split_words("8011 CW Zwolle", False, rtl=True, isolate=True)
    assert _visual(words) == ["8011", "CW", "Zwolle"]
    words = shaping.split_words("كنت في Stationsplein 1 اليوم", False, rtl=True)
    assert _visual(words) == ["اليوم", "Stationsplein", "1", "في", "كنت"]


def test_long_url_is_broken_inside_and_every_line_fits():
    url = "https://www.voorbeeld-gemeente.nl/wonen-en-leven/schulden/aanmelden?bron=loket&taal=ar"
    for rtl in (False, True):
        words = shaping.split_words(f"Kijk op {url} of bel ons.", False, rtl=rtl, isolate=True)
        width = 180.0
        lines = shaping.break_lines(words, width, 12, False)
        assert len(lines) >= 3
        for line in lines:
            assert shaping.set_line(line, rtl, 12).width <= width + 1e-6
        assert (
            "".join(shaping.logical_text(line) for line in lines)
            .replace(" ", "")
            .startswith("Kijkop" + url.replace(" ", ""))
        )
        # pieces of the address break after a separator where one is far enough along
        first_piece = next(w for line in lines for w in line if w.text.startswith("https"))
        assert first_piece.text[-1] in shaping._BREAK_AFTER


def test_a_word_without_separators_breaks_between_characters():
    word = "Arbeidsongeschiktheidsverzekeringsaanvraagformulieren" * 2
    lines = shaping.break_lines(shaping.split_words(word, False), 120, 12, False)
    assert len(lines) > 2
    assert all(shaping.set_line(line, False, 12).width <= 120 for line in lines)
    assert "".join(w.text for line in lines for w in line) == word


def _char_boxes(data: bytes):
    doc = pdfium.PdfDocument(data)
    for page in doc:
        tp = page.get_textpage()
        for i in range(tp.count_chars()):
            if chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i)).isspace():
                continue
            yield page.get_size()[0], tp.get_charbox(i)


def test_drawn_lines_stay_inside_the_frame(db):
    from tests.letters_support import letter_visit

    url = "https://www.voorbeeld-gemeente.nl/wonen-en-leven/schulden/aanmelden?bron=loket&taal=ar"
    ctx, visit_id = letter_visit(db, summary=f"Zie {url} en {url.upper()}")
    margin = 22 * 72 / 25.4
    for lang in ("nl", "ar"):
        data = letters.render(ctx, visit_id, "plan", lang, letter_date=date(2026, 11, 28))
        for page_width, (left, _b, right, _t) in _char_boxes(data):
            assert left >= margin - 1.5 and right <= page_width - margin + 1.5


def test_rtl_text_layer_copies_as_logical_text():
    """Lam-alef ("لآ") is one glyph drawn in visual order; extracted, the words read as
    written."""
    import io

    from reportlab.pdfgen import canvas

    sentence = "الآن نذهب إلى البيت ولا نتأخر"
    fonts.fonts(False)
    out = io.BytesIO()
    c = canvas.Canvas(out)
    text = c.beginText()
    line = shaping.set_line(shaping.split_words(sentence, False, rtl=True), True, 12)
    assert line.text == sentence
    shaping.draw_line(text, line, 500 - line.width, 700, 12)
    c.drawText(text)
    c.save()
    extracted = pdfium.PdfDocument(out.getvalue())[0].get_textpage().get_text_range()
    assert extracted.strip() == sentence


def test_arabic_letter_text_layer_has_logical_lam_alef(db):
    from tests.letters_support import letter_visit

    ctx, visit_id = letter_visit(db)
    data = letters.render(ctx, visit_id, "plan", "ar", letter_date=date(2026, 11, 28))
    whole = "\n".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(data))
    assert "اآل" not in whole and "األ" not in whole, "a lam-alef copied reversed"
    assert any(pair in whole for pair in ("لا", "لأ", "لآ", "لإ")), "no lam-alef to check"


def test_ethiopic_is_set_larger_than_latin(db):
    word = shaping.shape_word("ሰላም", False)
    assert word.runs[0].scale == fonts.SCALE["ethiopic"] > 1
    latin = shaping.shape_word("ሰላም3", False).runs[-1]
    assert latin.scale == 1.0
    # the advance (and so line breaking) accounts for the larger size
    unscaled = shaping.shape_word("ሰ", False).runs[0]
    face = fonts.fonts(False).font("ethiopic").face
    assert unscaled.advance == pytest.approx(face.charWidths[ord("ሰ")] * fonts.SCALE["ethiopic"])
    from tests.letters_support import letter_visit

    ctx, visit_id = letter_visit(db, language="ti")
    data = letters.render(ctx, visit_id, "plan", "ti", letter_date=date(2026, 11, 28))
    doc = pdfium.PdfDocument(data)
    tp = doc[0].get_textpage()
    sizes: dict[str, set[float]] = {"ethiopic": set(), "latin": set()}
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for i in range(tp.count_chars()):
        ch = chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i))
        n = pdfium_c.FPDFText_GetFontInfo(tp.raw, i, buf, 256, ctypes.byref(flags))
        name = buf.value[: max(0, n - 1)].decode("ascii", "replace")
        size = round(pdfium_c.FPDFText_GetFontSize(tp.raw, i), 2)
        if 0x1200 <= ord(ch) <= 0x137F:
            assert "Ethiopic" in name
            sizes["ethiopic"].add(size)
        elif ch.isalpha() and ch.isascii():
            sizes["latin"].add(size)
    body = pdf.BODY_PT
    assert round(body * fonts.SCALE["ethiopic"], 2) in sizes["ethiopic"]
    assert body in sizes["latin"]
    # the scaled glyphs still fit the line spacing (syllables are 0.72-0.85 em tall)
    assert body * fonts.SCALE["ethiopic"] * 0.86 < body * pdf.LEADING - body * 0.25


_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u200b"))


def _copied(sentence: str, rtl: bool) -> str:
    """The line as pdfium (Chrome's viewer) copies it out of the PDF."""
    import io

    from reportlab.pdfgen import canvas

    fonts.fonts(False)
    out = io.BytesIO()
    c = canvas.Canvas(out)
    text = c.beginText()
    line = shaping.set_line(shaping.split_words(sentence, False, rtl=rtl), rtl, 12)
    assert line.text == sentence
    shaping.draw_line(text, line, 100, 700, 12)
    c.drawText(text)
    c.save()
    return pdfium.PdfDocument(out.getvalue())[0].get_textpage().get_text_range().strip()


@pytest.mark.parametrize(
    ("sentence", "rtl", "name"),
    [
        ("مرحبا Taalhuis Zwolle في المكتبة", True, "Taalhuis Zwolle"),
        ("موعدكم يوم الإثنين 14 ديسمبر الساعة 14:30 في IND Zwolle.", True, "IND Zwolle"),
        ("اتصل في بيت Wijkteam Zwolle Zuid الكبير", True, "Wijkteam Zwolle Zuid"),
        ("اتصل بالرقم 038 123 4567 اليوم", True, "038 123 4567"),
        ("Beste محمد الحلبي, welkom", False, "محمد الحلبي"),
    ],
)
def test_a_name_of_several_words_copies_in_logical_order(sentence, rtl, name):
    """A Latin name in an Arabic line (or an Arabic one in a Dutch line) is drawn in visual
    order; copied out of the PDF, its words come back in the order they were written."""
    copied = _copied(sentence, rtl)
    assert copied.translate(_INVISIBLE) == sentence
    assert name in copied.translate(_INVISIBLE)
    # nothing is added but invisible direction marks
    assert set(copied) - set(sentence) <= set("\u200e\u200f\u200b")


def test_the_text_layer_keeps_each_glyph_to_characters_of_its_own_font():
    """Words only trade places with words of their own script: a line that pdfium could
    only read right by making Latin glyphs stand for Arabic letters (an address line with
    its label) keeps its glyphs' own characters."""
    import io

    from reportlab.pdfgen import canvas

    from tests.letters.test_render import assert_every_glyph_real

    fonts.fonts(False)
    out = io.BytesIO()
    c = canvas.Canvas(out)
    text = c.beginText()
    for k, sentence in enumerate(
        [
            "العنوان: Stationsplein 10, 8011 CW Zwolle",
            "اتصل Aa Bb",
            "يمكنكم الاتصال بـ Taalhuis Zwolle، Bibliotheek Zwolle على الرقم 038 123 4567.",
        ]
    ):
        line = shaping.set_line(shaping.split_words(sentence, False, rtl=True), True, 12)
        shaping.draw_line(text, line, 500 - line.width, 700 - 30 * k, 12)
    c.drawText(text)
    c.save()
    assert_every_glyph_real(out.getvalue())
