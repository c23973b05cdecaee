"""The UI draws with the shipped Noto fonts on every PC, and the suite sees no other font."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QTextLayout
from PySide6.QtWidgets import QApplication

from ui import fonts, theme

SHIPPED = {"Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic"}


def _drawn_by(text: str, font: QFont) -> list[tuple[str, list[int]]]:
    """(family, glyph indexes) of each run Qt lays `text` out in; glyph 0 is the empty box."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), list(run.glyphIndexes())) for run in layout.glyphRuns()]


def test_the_suite_sees_only_the_shipped_fonts(qapp):
    # tests/conftest.py points fontconfig at resources/fonts alone: a machine with other
    # fonts (or only DejaVu) gives the same layout and the same test result
    generic = {"Sans Serif", "Serif", "Monospace"}  # fontconfig's aliases, no fonts of their own
    assert set(QFontDatabase.families()) - generic <= SHIPPED
    for alias in generic & set(QFontDatabase.families()):
        assert QFontInfo(QFont(alias)).family() in SHIPPED
    assert set(fonts.register()) == {
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Bold.ttf",
        "NotoSansEthiopic-Regular.ttf",
        "NotoSansEthiopic-Bold.ttf",
    }


def test_the_application_font_is_noto_sans_at_a_fixed_size(qapp):
    theme.apply(qapp, scale=100)
    font = QApplication.font()
    assert QFontInfo(font).family() == "Noto Sans"
    assert font.families() == ["Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic"]
    assert font.pointSizeF() == pytest.approx(fonts.BASE_POINT_SIZE)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Yohannes Tesfay", "Noto Sans"),
        ("ዮሃንስ ተስፋይ", "Noto Sans Ethiopic"),
        ("محمد الأحمد", "Noto Sans Arabic"),
        ("Шевченко", "Noto Sans"),
    ],
)
def test_every_script_of_the_desks_is_drawn_with_real_glyphs(qapp, text, family):
    theme.apply(qapp, scale=100)
    runs = _drawn_by(text, QApplication.font())
    assert runs
    # the space between two words comes from Noto Sans, every letter from `family`
    assert {name for name, _glyphs in runs} == {family} | ({"Noto Sans"} if " " in text else set())
    assert all(glyph != 0 for _name, glyphs in runs for glyph in glyphs)  # no empty boxes


def test_a_tigrinya_name_in_a_bold_heading_keeps_its_glyphs(qapp):
    theme.apply(qapp, scale=200)
    try:
        heading = QFont(QApplication.font())
        heading.setBold(True)
        runs = _drawn_by("ዮሃንስ", heading)
        assert {name for name, _glyphs in runs} == {"Noto Sans Ethiopic"}
        assert all(glyph != 0 for _name, glyphs in runs for glyph in glyphs)
    finally:
        theme.apply(qapp, scale=100)


_DEFERRED = """
import sys
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication
from loket import i18n
from ui import app as uiapp, fonts

def drawn_by(text):
    layout = QTextLayout(text, QApplication.font())
    layout.beginLayout(); layout.createLine(); layout.endLayout()
    return sorted({run.rawFont().familyName() for run in layout.glyphRuns()
                   if all(g != 0 for g in run.glyphIndexes())})

i18n.set_language(sys.argv[1])
app = uiapp.make_application(["x"])
print(sorted(fonts._registered))
print(drawn_by("Yohannes"))
uiapp.startup_done()  # the first window is up
app.processEvents()
print(sorted(fonts._registered))
print(drawn_by("ዮሃንስ"), drawn_by("محمد"))
"""


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_first_window_registers_only_the_fonts_it_needs_and_the_rest_after(language):
    import os
    import subprocess
    import sys
    from ast import literal_eval

    result = subprocess.run(
        [sys.executable, "-c", _DEFERRED, language],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    first, latin, every, drawn = result.stdout.strip().splitlines()[-4:]
    expected = ["NotoSans-Bold.ttf", "NotoSans-Regular.ttf"]
    if language == "ar":  # the UI's own script at once
        expected = ["NotoSans-Bold.ttf", "NotoSans-Regular.ttf", *fonts.LANGUAGE_FILES["ar"]]
    assert literal_eval(first) == sorted(expected)
    assert literal_eval(latin) == ["Noto Sans"]
    assert literal_eval(every) == sorted(fonts.register())
    assert drawn == "['Noto Sans Ethiopic'] ['Noto Sans Arabic']"  # the fallbacks work after


def test_a_password_field_hides_letters_behind_a_character_the_font_has(qapp):
    # Fusion's U+25CF is in none of the shipped fonts: every letter typed showed an empty box
    from PySide6.QtGui import QRawFont
    from PySide6.QtWidgets import QLineEdit, QStyle

    theme.apply(qapp)
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    shown = field.style().styleHint(QStyle.StyleHint.SH_LineEdit_PasswordCharacter, None, field)
    assert QRawFont.fromFont(fonts.ui_font()).supportsCharacter(shown)
    field.setText("geheim")
    assert [g for _family, glyphs in _drawn_by(chr(shown), field.font()) for g in glyphs] != [0]


def _drawable(text: str, raws) -> list[str]:
    import unicodedata

    return [
        ch
        for ch in text
        if unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp")
        and not any(raw.supportsCharacter(ord(ch)) for raw in raws)
    ]


def test_every_ui_text_draws_with_the_shipped_fonts(qapp):
    # "⚠" before every field message, "↓" in the search keys and "→" in the letter panel's
    # message are in none of the shipped fonts: on a counter PC they were empty boxes.
    from babel.messages.pofile import read_po
    from PySide6.QtGui import QRawFont

    from loket.paths import locales_dir

    raws = [QRawFont.fromFont(QFont(family)) for family in fonts.families()]
    missing = {}
    for po in sorted(locales_dir().glob("*/LC_MESSAGES/ui.po")):
        with po.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = message.string if isinstance(message.string, tuple) else [message.string]
            for text in [*ids, *strings]:
                for ch in _drawable(text or "", raws):
                    missing.setdefault(f"U+{ord(ch):04X} {ch}", set()).add(po.parent.parent.name)
    assert missing == {}
    assert _drawable(fonts.ERROR_MARK + fonts.PASSWORD_CHARACTER, raws) == []
