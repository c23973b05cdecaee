"""Letter catalogues: placeholders kept, headers say who checked them, dates per language."""

from __future__ import annotations

from datetime import date, time

import pytest

from loket.letters import catalogue, formats, sentences
from loket.letters.catalogue import LetterCatalogue, TranslationMissing

LANGUAGES = [x for x in catalogue.available_languages() if x != "nl"]


def test_required_languages_are_shipped():
    assert {"en", "ar", "ti", "tr", "fa", "so", "uk"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang):
    cat = catalogue.read_po_file(lang)
    assert catalogue.placeholder_problems(cat) == []
    assert sentences.untranslated(cat) == []


def test_placeholder_check_catches_drop_add_and_rename():
    msgid = "U heeft een afspraak op {date} om {time}."
    for broken in (
        "Appointment on {date}.",
        "On {date} at {time} in {city}.",
        "On {datum} at {time}.",
    ):
        cat = LetterCatalogue("xx", {msgid: broken})
        assert catalogue.placeholder_problems(cat), broken
    assert not catalogue.placeholder_problems(LetterCatalogue("xx", {msgid: "{time}, {date}"}))


def test_broken_placeholder_is_a_clear_error_at_render_time():
    cat = LetterCatalogue("xx", {"Kom terug naar het loket op {date}.": "Come back {datum}."})
    with pytest.raises(TranslationMissing, match="datum"):
        cat.text("Kom terug naar het loket op {date}.", date="3 december 2026")


def test_missing_translation_and_language_are_clear_errors():
    with pytest.raises(TranslationMissing):
        LetterCatalogue("xx", {}).text("Kom op tijd.")
    with pytest.raises(TranslationMissing):
        catalogue.load("zz")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_shipped_catalogues_say_they_are_not_certified(lang):
    cat = catalogue.load(lang)
    assert cat.headers.get(catalogue.CERTIFIED_HEADER) == "no"
    assert cat.certified is False
    assert cat.version.startswith("2026-")
    assert catalogue.load("nl").certified


def test_certified_header_is_read_from_the_po_text(tmp_path):
    po = tmp_path / "letters.po"
    po.write_text(
        '# X-Certified-Translation: yes\nmsgid ""\nmsgstr ""\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\n',
        encoding="utf-8",
    )
    headers = catalogue.po_headers(po)
    assert headers["X-Certified-Translation"] == "yes"
    assert LetterCatalogue("xx", {}, headers).certified


def test_pot_lists_every_sentence(tmp_path):
    out = tmp_path / "letters.pot"
    sentences.write_pot(out)
    text = out.read_text(encoding="utf-8")
    for msgid in sentences.messages():
        assert f'"{msgid}"' in text or msgid.split("{")[0] in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "donderdag 3 december 2026"),
        ("ar", "الخميس، 3 كانون الأول 2026"),  # Levantine month names (ar_SY)
        ("ti", "ሓሙስ፣ 3 ታሕሳስ 2026"),
        ("en", "Thursday 3 December 2026"),
        ("tr", "3 Aralık 2026 Perşembe"),
        ("uk", "четвер, 3 грудня 2026"),
        ("fa", "پنجشنبه 3 دسامبر 2026"),
        ("prs", "پنجشنبه 3 دسمبر 2026"),  # Afghan month names (fa_AF), not Iranian دسامبر
        ("so", "Khamiis 3 Diseembar 2026"),
    ],
)
def test_dates_are_written_out_with_the_weekday_in_the_letter_language(lang, expected):
    assert formats.format_long_date(date(2026, 12, 3), lang) == expected
    # the date line at the top of a letter has no weekday
    assert formats.format_long_date(date(2026, 12, 3), "nl", weekday=False) == "3 december 2026"


def test_times_days_and_language_names():
    assert formats.format_time(time(9, 5), "ar") == "09:05"
    assert formats.format_days("MO,WE", "nl") == "maandag, woensdag"
    assert formats.format_days("FR", "ti") == "ዓርቢ"
    assert formats.language_name("ar", "nl") == "Arabisch"
    assert formats.display_language("ar") == "العربية"
    assert formats.display_language("prs") == "دری"
    assert formats.display_language("ckb") == "کوردی (سۆرانی)"
    assert formats.format_time(time(14, 30), "nl") == "14.30"
    assert formats.format_days("MO,WE", "ti", "፣ ") == "ሰኑይ፣ ረቡዕ"


# Other names for Dutch that a reader met on one page beside the catalogue's own word.
OTHER_DUTCH_NAMES = {"ti": ["ዳች"], "tr": ["Hollandaca"], "so": ["Nederlands", "Holandays"]}


@pytest.mark.parametrize("lang", sorted(OTHER_DUTCH_NAMES))
def test_one_name_for_dutch_in_each_language(lang):
    cat = catalogue.read_po_file(lang)
    for msgid, msgstr in cat.translations.items():
        for other in OTHER_DUTCH_NAMES[lang]:
            assert other not in msgstr, (msgid, msgstr)


def test_reviewed_wordings():
    ar, ti, tr = (catalogue.read_po_file(x) for x in ("ar", "ti", "tr"))
    ref = "Wij hebben {organisation} al over u verteld. U gaf daar toestemming voor."
    assert ar.translations[ref].startswith("تحدّثنا مع {organisation} عنك")
    assert ar.translations["Openingstijden:"] == "أوقات الدوام:"
    # no masculine imperative where a request is made (يُرجى + verbal noun instead)
    assert not any(
        s.startswith(("اتصل ", "أحضر ", "عُد ", "تعال ", "ضع ")) for s in ar.translations.values()
    )
    # nor a verb conjugated for a man ("you find": تجد, a woman reads تجدين), nor a case owner
    words = {w.strip(".،:؟") for s in ar.translations.values() for w in s.split()}
    assert not words & {"تجد", "تحصل", "تتواصل", "تحتاج"}
    assert not any("المسؤول عن ملفك" in s for s in ar.translations.values())
    assert ti.translations["Openingstijden:"] == "ሰዓታት ስራሕ፦"
    assert not any("ን{" in s for s in ti.translations.values())  # ን not glued to a Latin name
    assert (
        "Maatwerkloket'e" in tr.translations["U was op {date} bij het IND Maatwerkloket in {city}."]
    )
    so = catalogue.read_po_file("so")
    assert so.translations["Is iets niet duidelijk? Bel ons: {phone}."].startswith(
        "Ma jiraa wax aan kuu caddayn?"
    )
    assert "запис на прийом" in catalogue.read_po_file("uk").translations["Uw afspraak"]
    assert "запись на приём" in catalogue.read_po_file("ru").translations["Uw afspraak"]
    assert "venu" not in " ".join(catalogue.read_po_file("fr").translations.values())
    assert catalogue.read_po_file("ps").translations["U kwam voor:"] == "د راتګ دلیل:"
    assert catalogue.read_po_file("ckb").translations["U kwam voor:"] == "هۆی هاتنتان:"
