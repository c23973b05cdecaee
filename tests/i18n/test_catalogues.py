"""The translation catalogues: complete, never fuzzy, placeholders intact, for every domain
(`ui` with English msgids, `letters` with Dutch msgids) and every language that has one."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from loket import i18n
from loket.i18n import tools as i18n_tools
from loket.i18n.check import catalogue_pairs, check, check_all, placeholders
from loket.paths import locales_dir


@pytest.fixture
def language_restored():
    before = i18n.language()
    yield
    i18n.set_language(before)


def _write(path: Path, catalog: Catalog) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog)
    return path


def _pair(tmp_path: Path, entries: dict, *, locale: str = "nl", fuzzy=()) -> tuple[Path, Path]:
    """A .pot with the msgids of `entries` and a catalogue with their translations."""
    pot, po = Catalog(fuzzy=False), Catalog(locale=locale, fuzzy=False)
    for msgid, msgstr in entries.items():
        pot.add(msgid)
        if msgstr is not None:
            po.add(msgid, msgstr, flags=["fuzzy"] if msgid in fuzzy else [])
    return (_write(tmp_path / "x.pot", pot), _write(tmp_path / locale / "LC_MESSAGES" / "x.po", po))


def test_every_catalogue_is_complete_and_sound():
    problems = check_all(locales_dir())
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("lang", i18n.UI_LANGUAGES)
def test_every_ui_language_has_a_catalogue(lang):
    assert (locales_dir() / lang / "LC_MESSAGES" / "ui.po").exists()


def test_letters_catalogues_are_checked_too():
    pairs = [po for _pot, po in catalogue_pairs(locales_dir(), "letters")]
    if not (locales_dir() / "letters.pot").exists():
        pytest.skip("no letters template yet")
    assert pairs, "the letters domain has catalogues"


def test_ui_template_holds_every_string_of_the_sources(tmp_path, monkeypatch):
    """A string added to the code but not extracted (and so not translated) fails here."""
    fresh = tmp_path / "ui.pot"
    monkeypatch.setattr(i18n_tools, "locales_dir", lambda: tmp_path)
    i18n_tools.extract_ui()
    with open(fresh, "rb") as fh:
        wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in read_po(fh)}
    with open(locales_dir() / "ui.pot", "rb") as fh:
        have = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in read_po(fh)}
    missing = sorted(m for m, _c in wanted - have if m)
    assert not missing, "run `make i18n` and translate:\n" + "\n".join(missing)


def test_arabic_ui_catalogue_says_it_was_not_certified():
    with open(locales_dir() / "ar" / "LC_MESSAGES" / "ui.po", "rb") as fh:
        header = fh.read().decode()
    assert "X-Certified-Translation: no" in header
    assert "certified translator" in header


def test_missing_message_fails(tmp_path):
    pot, po = _pair(tmp_path, {"Save": "Opslaan", "Cancel": None})
    assert [(p.msgid, p.kind) for p in check(pot, po)] == [("Cancel", "missing")]


def test_empty_translation_fails(tmp_path):
    pot, po = _pair(tmp_path, {"Save": ""})
    assert [p.kind for p in check(pot, po)] == ["untranslated"]


def test_fuzzy_entry_fails(tmp_path):
    pot, po = _pair(tmp_path, {"Save": "Opslaan", "Open": "Openen"}, fuzzy={"Open"})
    assert [(p.msgid, p.kind) for p in check(pot, po)] == [("Open", "fuzzy")]


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Welcome, {name}", "Welkom, {naam}"),  # renamed
        ("Welcome, {name}", "Welkom"),  # dropped
        ("{n} of {total}", "{n} van {total} {extra}"),  # added
        ("Saved %(count)s rows", "%(aantal)s rijen opgeslagen"),  # %-style renamed
        ("Saved %s rows", "Rijen opgeslagen"),  # %-style dropped
        ("Welcome, {name}", "Welkom, {name"),  # broken braces
    ],
)
def test_changed_placeholder_fails(tmp_path, msgid, msgstr):
    pot, po = _pair(tmp_path, {msgid: msgstr})
    kinds = {p.kind for p in check(pot, po)}
    assert kinds & {"placeholder", "syntax"} and kinds <= {"placeholder", "syntax", "format"}


def test_sound_catalogue_passes(tmp_path):
    pot, po = _pair(
        tmp_path,
        {
            "Welcome, {name}": "{name}, welkom",
            "100 %": "100 %",
            "Saved %(count)s rows": "%(count)s rijen opgeslagen",
        },
    )
    assert check(pot, po) == []


def test_plural_forms_checked(tmp_path):
    pot, po = Catalog(fuzzy=False), Catalog(locale="ar", fuzzy=False)
    ids = ("{n} visit", "{n} visits")
    pot.add(ids)
    po.add(ids, ("لا زيارات", "زيارة واحدة", "زيارتان", "{n} زيارات", "{n} زيارة", "{n} زيارة"))
    pot_path, po_path = _write(tmp_path / "x.pot", pot), _write(tmp_path / "ar/x.po", po)
    assert check(pot_path, po_path) == []  # forms for 0, 1 and 2 may leave out the count
    po = Catalog(locale="ar", fuzzy=False)
    po.add(ids, ("{n} زيارة", "{m} زيارة", "", "", "", ""))
    _write(po_path, po)
    assert [p.kind for p in check(pot_path, po_path)] == ["untranslated"]
    po = Catalog(locale="ar", fuzzy=False)
    po.add(ids, ("{n}", "{n}", "{n}", "{n}", "{n}", "{count}"))
    _write(po_path, po)
    assert {p.kind for p in check(pot_path, po_path)} == {"placeholder"}


def test_placeholder_parser():
    assert placeholders("{a} {b!r} {c:>3} {{x}} %(d)s %s 100%%") == {
        "{a}",
        "{b}",
        "{c}",
        "%(d)",
        "%",
    }
    assert placeholders("{oops") is None


def test_language_switch_changes_the_text(language_restored):
    i18n_tools.compile_all()
    i18n.set_language("nl")
    dutch = i18n._("Sign in")
    i18n.set_language("ar")
    arabic = i18n._("Sign in")
    i18n.set_language("en")
    assert i18n._("Sign in") == "Sign in"
    assert dutch != "Sign in" and arabic not in ("Sign in", dutch)
    i18n.set_language("pseudo")
    assert i18n._("Sign in").startswith("⟦")


def test_percent_sign_read_as_placeholder_fails(tmp_path):
    # Babel reads "% a" as a %-placeholder; "% e" in the translation changes its type and
    # `pybabel compile` would refuse the whole catalogue.
    pot, po = _pair(tmp_path, {"Up to 100 % of it": "Tot 100 % ervan"})
    assert "format" in {p.kind for p in check(pot, po)}


def test_update_keeps_the_certification_header(tmp_path):
    pot, po = _pair(tmp_path, {"Save": "Opslaan"})
    text = po.read_text(encoding="utf-8").replace(
        '"Generated-By:', '"X-Certified-Translation: yes\\n"\n"Generated-By:', 1
    )
    po.write_text(text, encoding="utf-8")
    template = Catalog(fuzzy=False)
    template.add("Save")
    template.add("Open")
    _write(pot, template)
    i18n_tools.update_catalogue(pot, po)
    text = po.read_text(encoding="utf-8")
    assert '"X-Certified-Translation: yes\\n"' in text
    assert [(p.msgid, p.kind) for p in check(pot, po)] == [("Open", "untranslated")]
