"""Translations of the directory's free text: held per language, printed on letters, missing
ones shown to the editor and marked on the letter."""

from __future__ import annotations

from datetime import date, datetime

import pypdfium2 as pdfium
import pytest

from loket import letters
from loket.cli import main
from loket.directory import translations
from loket.errors import PermissionDenied, ValidationError
from tests.helpers import PASSWORD, context
from tests.letters_support import letter_visit

APPT = letters.Appointment(datetime(2026, 12, 3, 14, 30), "Zwolle", "", ["Huurcontract"])


def _text(pdf: bytes) -> str:
    return " ".join(
        "\n".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(pdf)).split()
    )


def test_set_change_and_remove_a_translation(db):
    admin = context(db, "beheerder")
    translations.set_translation(admin, "Huurcontract", "tr", "Kira sözleşmesi")
    translations.set_translation(admin, "Huurcontract", "tr", "Kira kontratı")
    assert translations.table(db, ["Huurcontract"]) == {"tr": {"Huurcontract": "Kira kontratı"}}
    assert translations.missing(admin, ["Huurcontract"], ["nl", "tr", "ar"]) == {
        "Huurcontract": ["ar"]
    }
    assert translations.set_translation(admin, "Huurcontract", "tr", "") is None
    assert translations.table(db, ["Huurcontract"]) == {}
    logged = db.all("SELECT detail FROM audit_log WHERE action = 'directory.translate'")
    assert len(logged) == 3


def test_bad_input_and_permission(db):
    admin = context(db, "beheerder")
    with pytest.raises(ValidationError):
        translations.set_translation(admin, "Huurcontract", "Turks", "x")
    with pytest.raises(ValidationError):
        translations.set_translation(admin, "", "tr", "x")
    with pytest.raises(PermissionDenied):
        translations.set_translation(context(db, "balie"), "Huurcontract", "tr", "x")
    assert translations.table(db, ["Huurcontract"]) == {}


def test_letters_print_the_directory_translation_and_warn_about_the_rest(db):
    ctx, visit_id = letter_visit(db, language="tr")
    before = letters.compose(
        ctx, visit_id, "meenemen", "tr", appointment=APPT, letter_date=date(2026, 11, 28)
    )
    assert "Huurcontract (Felemenkçe)" in _text(before.pdf)
    assert any("Huurcontract" in w for w in before.warnings)
    translations.set_translation(context(db, "beheerder"), "Huurcontract", "tr", "Kira kontratı")
    after = letters.compose(
        ctx, visit_id, "meenemen", "tr", appointment=APPT, letter_date=date(2026, 11, 28)
    )
    text = _text(after.pdf)
    assert "Kira kontratı" in text and "Huurcontract (Felemenkçe)" not in text
    assert "Huurcontract" in text  # the Dutch page keeps the Dutch
    assert not any("Huurcontract" in w for w in after.warnings)
    assert any("Loonstrook mei" in w for w in after.warnings)


def test_cli_translate(db, data_dir, capsys, monkeypatch):
    context(db, "beheerder")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    args = ["partners", "translate", "--text", "2e verdieping", "--lang", "ar"]
    assert main([*args, "--to", "الطابق الثاني", "--user", "beheerder"]) == 0
    assert translations.table(db, ["2e verdieping"]) == {"ar": {"2e verdieping": "الطابق الثاني"}}
