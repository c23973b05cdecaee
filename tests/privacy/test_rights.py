"""Where retention and the visitor's rights meet the other parts of Loket: appointments
(their free text goes, the right of access lists them), letters whose PDF retention removed
(a clear message, not a "damaged" error), and the access PDF in Arabic and Ethiopic script
(shaped by the letters' engine, in fonts that hold the glyphs)."""

from __future__ import annotations

import ctypes
import json
from datetime import UTC, datetime

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from loket import letters
from loket.counter import appointments
from loket.counter.appointments import Appointment
from loket.errors import NotFound
from loket.i18n import _
from loket.privacy import retention
from loket.privacy import rights as visitor_rights
from tests.helpers import context, visit, visitor
from tests.letters_support import letter_visit

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LONG_AGO = "2024-01-01T09:00:00Z"  # beyond every default period (24 months)


def _appointment(ctx, visit_id: str):
    return appointments.save(
        ctx,
        visit_id,
        Appointment(
            starts_at=datetime(2099, 12, 3, 10, 30),
            place="Stationsplein 1, Zwolle",
            contact_person="mevrouw De Vries",
            bring=["Loonstrook mei"],
        ),
    )


def _age(db, visit_id: str) -> str:
    """Make the visit's visitor, visit and letters look last touched LONG_AGO."""
    visitor_id = db.scalar("SELECT visitor_id FROM visit WHERE id = ?", (visit_id,))
    with db.transaction():
        db.execute(
            "UPDATE visitor SET last_activity_at = ?, created_at = ? WHERE id = ?",
            (LONG_AGO, LONG_AGO, visitor_id),
        )
        db.execute("UPDATE visit SET arrived_at = ? WHERE visitor_id = ?", (LONG_AGO, visitor_id))
        db.execute("UPDATE letter SET created_at = ? WHERE visitor_id = ?", (LONG_AGO, visitor_id))
        db.execute(
            "UPDATE referral SET status_changed_at = ? WHERE visit_id = ?", (LONG_AGO, visit_id)
        )
    return visitor_id


def _appointment_row(db, appointment_id: str):
    return db.one("SELECT * FROM appointment WHERE id = ?", (appointment_id,))


def test_retention_clears_appointment_free_text(db):
    ctx, visit_id = letter_visit(db)
    kept = _appointment(ctx, visit_id)  # of a visitor still within the period
    other_ctx, other_visit = letter_visit(db, given_names="Omar", family_name="Haddad")
    gone = _appointment(other_ctx, other_visit)
    _age(db, other_visit)
    admin = context(db, "beheerder", "admin0")
    dry = retention.run(admin, dry_run=True, now=NOW)
    assert dry.counts["visit"] >= 2  # the visit's summary and the appointment's free text
    assert _appointment_row(db, gone.id)["place"] == "Stationsplein 1, Zwolle"  # dry: unchanged
    retention.run(admin, now=NOW)
    row = _appointment_row(db, gone.id)
    assert (row["place"], row["contact_person"], row["bring"]) == ("", "", "[]")
    assert row["starts_at"] == "2099-12-03T10:30" and row["visit_id"] == other_visit
    assert _appointment_row(db, kept.id)["contact_person"] == "mevrouw De Vries"
    assert retention.run(admin, now=NOW).counts["visit"] == 0  # nothing left to clear


def test_erasure_clears_appointments_and_access_lists_them(db, tmp_path):
    ctx, visit_id = letter_visit(db)
    saved = _appointment(ctx, visit_id)
    visitor_id = db.scalar("SELECT visitor_id FROM visit WHERE id = ?", (visit_id,))
    sup = context(db, "supervisor", "sup")
    data = visitor_rights.dossier(sup, visitor_id)
    [listed] = [a for v in data["visits"] for a in v["appointments"]]
    assert listed["id"] == saved.id and listed["bring"] == ["Loonstrook mei"]
    assert listed["place"] == "Stationsplein 1, Zwolle"
    pdf, data_file = visitor_rights.access_export(sup, visitor_id, tmp_path / "inzage")
    written = json.loads(data_file.read_text("utf-8"))
    assert written["visits"][0]["appointments"][0]["contact_person"] == "mevrouw De Vries"
    text = _pdf_text(pdf)
    assert "Stationsplein 1, Zwolle" in text and "Loonstrook mei" in text
    logged = db.one("SELECT detail FROM audit_log WHERE action = 'visitor.access_export'")
    assert json.loads(logged["detail"])["appointments"] == 1

    counts = visitor_rights.erase_visitor(sup, visitor_id, "asked at the desk")
    assert counts["visit"] >= 2
    row = _appointment_row(db, saved.id)
    assert (row["place"], row["contact_person"], row["bring"]) == ("", "", "[]")


def test_a_letter_removed_by_retention_says_so(db, tmp_path):
    ctx, visit_id = letter_visit(db)
    letter = letters.produce(ctx, visit_id, "plan", "nl")
    assert letters.reprint(ctx, letter.id)[:4] == b"%PDF"
    visitor_id = _age(db, visit_id)
    retention.run(context(db, "beheerder", "admin0"), now=NOW)
    with pytest.raises(NotFound) as caught:
        letters.reprint(ctx, letter.id)
    assert str(caught.value) == _(
        "This letter was removed under the retention rules: it can no longer be "
        "reprinted. Make a new letter for a visit if the visitor needs one."
    )
    # Not mistaken for a damaged archive: no failed reprint in the audit log.
    assert db.one("SELECT 1 FROM audit_log WHERE result = 'failed'") is None
    from loket.counter import lookups as counter

    [given] = counter.letters_given(ctx, visitor_id)
    assert given["id"] == letter.id and not given["pdf_kept"]


def test_cli_reprint_of_a_removed_letter_explains(db, data_dir, tmp_path, capsys, monkeypatch):
    from loket.cli import main
    from tests.helpers import PASSWORD

    ctx, visit_id = letter_visit(db)
    letter = letters.produce(ctx, visit_id, "plan", "nl")
    with db.transaction():  # what retention does to a letter past its period
        db.execute("UPDATE letter SET pdf = NULL WHERE id = ?", (letter.id,))
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = tmp_path / "again.pdf"
    user = ["--user", ctx.user.username]
    args = ["letters", "reprint", "--letter", letter.id, "--out", str(out), *user]
    assert main(args) != 0
    message = _(  # in the language the CLI speaks to this user
        "This letter was removed under the retention rules: it can no longer be "
        "reprinted. Make a new letter for a visit if the visitor needs one."
    )
    assert message in capsys.readouterr().err and not out.exists()


# -- the access PDF in other scripts ------------------------------------------------------
ARABIC_GIVEN, ARABIC_FAMILY = "سلمى", "العطار"
ETHIOPIC_CITY = "አዲስ አበባ"


def _pdf_text(path) -> str:
    doc = pypdfium2.PdfDocument(str(path))
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


def _chars(page) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(character, font name, box) of every character pdfium finds on the page."""
    textpage = page.get_textpage()
    out = []
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for i in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        pdfium_c.FPDFText_GetFontInfo(textpage.raw, i, name, 256, ctypes.byref(flags))
        box = [ctypes.c_double() for _i in range(4)]
        pdfium_c.FPDFText_GetCharBox(textpage.raw, i, *(ctypes.byref(b) for b in box))
        out.append((chr(code), name.value.decode(), tuple(b.value for b in box)))
    return out


def _ink_components(page, boxes) -> int:
    """Connected areas of ink inside the union of `boxes` (left, right, bottom, top in PDF
    points): one for a joined Arabic word without dots, one per letter when drawn unshaped."""
    scale = 6
    left = min(b[0] for b in boxes) - 1
    right = max(b[1] for b in boxes) + 1
    bottom = min(b[2] for b in boxes) - 1
    top = max(b[3] for b in boxes) + 1
    height = page.get_height()
    image = page.render(scale=scale).to_pil().convert("L")
    crop = image.crop(
        (
            int(left * scale),
            int((height - top) * scale),
            int(right * scale),
            int((height - bottom) * scale),
        )
    )
    w, h = crop.size
    dark = {(x, y) for x in range(w) for y in range(h) if crop.getpixel((x, y)) < 128}
    components = 0
    while dark:
        components += 1
        stack = [dark.pop()]
        while stack:
            x, y = stack.pop()
            for n in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if n in dark:
                    dark.remove(n)
                    stack.append(n)
    return components


def test_access_pdf_shapes_arabic_and_uses_fonts_with_the_glyphs(db, tmp_path):
    clerk = context(db)
    person = visitor(
        clerk,
        given_names=ARABIC_GIVEN,
        family_name=ARABIC_FAMILY,
        v_number="7234567890",
        city=ETHIOPIC_CITY,
        preferred_language="ar",
    )
    visit(clerk, person.id, summary="قالت إنها تحتاج مساعدة في الديون")
    sup = context(db, "supervisor", "sup")
    pdf, _json = visitor_rights.access_export(sup, person.id, tmp_path / "inzage")
    text = _pdf_text(pdf)
    for expected in (ARABIC_GIVEN, ARABIC_FAMILY, ETHIOPIC_CITY, "تحتاج مساعدة"):
        assert expected in text, expected
    assert "\ufffd" not in text and "\x00" not in text  # no .notdef / unmapped glyphs
    doc = pypdfium2.PdfDocument(str(pdf))
    chars = _chars(doc[0])
    for ch, font, _box in chars:
        if "\u0600" <= ch <= "\u06ff":
            assert "Arabic" in font, (ch, font)
        elif "\u1200" <= ch <= "\u139f":
            assert "Ethiopic" in font, (ch, font)
    # The given name is one joined word (س ل م ى have no dots), not four separate letters.
    text_chars = [c for c, _f, _b in chars]
    start = "".join(text_chars).index(ARABIC_GIVEN)
    boxes = [b for _c, _f, b in chars[start : start + len(ARABIC_GIVEN)]]
    assert _ink_components(doc[0], boxes) == 1


def test_an_anonymised_visitor_keeps_no_free_text_whatever_the_record_periods(db):
    ctx, visit_id = letter_visit(db)
    saved = _appointment(ctx, visit_id)
    letter = letters.produce(ctx, visit_id, "plan", "nl")
    visitor_id = _age(db, visit_id)
    admin = context(db, "beheerder", "admin0")
    from loket import settings

    for kind in ("visit", "referral", "letter"):  # records kept longer than the visitor
        settings.set_setting(admin, f"retention.{kind}_months", "120")
    settings.set_setting(admin, "retention.visitor_months", "12")
    dry = retention.run(admin, dry_run=True, now=NOW)
    assert dry.counts["visitor"] == 1 and dry.counts["visit"] >= 2 and dry.counts["letter"] == 1
    assert db.one("SELECT anonymised_at FROM visitor WHERE id = ?", (visitor_id,))[0] is None
    result = retention.run(admin, now=NOW)
    assert result.counts == {**dry.counts, "draft": result.counts["draft"]}
    assert db.one("SELECT anonymised_at FROM visitor WHERE id = ?", (visitor_id,))[0]
    row = db.one("SELECT summary FROM visit WHERE id = ?", (visit_id,))
    assert row["summary"] == ""
    assert _appointment_row(db, saved.id)["place"] == ""
    assert db.one("SELECT pdf FROM letter WHERE id = ?", (letter.id,))["pdf"] is None
