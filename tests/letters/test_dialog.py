"""The letter dialog: preview off the UI thread, the not-certified warning, save as PDF."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QFileDialog

from tests.letters_support import letter_visit
from ui.views.letter_dialog import LetterDialog


def test_preview_warning_and_save(qtbot, db, tmp_path, monkeypatch):
    ctx, visit_id = letter_visit(db)
    window = LetterDialog(ctx, visit_id, "ar")
    qtbot.addWidget(window)
    window.show()
    dialog = window.panel
    assert dialog.warning.isVisible()
    assert "certified" in dialog.warning.text() or dialog.warning.text()
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.page_count() >= 2, timeout=20_000)

    dialog.language.setCurrentIndex(dialog.language.findData("nl"))
    assert not dialog.warning.isVisible()
    assert not dialog.save_button.isEnabled()  # the preview is the Arabic letter still
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=20_000)
    assert dialog.letter.languages == ["nl"]

    target = tmp_path / "brief.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "PDF (*.pdf)"))
    )
    dialog.save_letter()
    assert target.read_bytes() == dialog.letter.pdf
    assert db.scalar("SELECT count(*) FROM letter WHERE visit_id = ?", (visit_id,)) == 1


def test_appointment_fields_only_for_the_appointment_letter(qtbot, db):
    ctx, visit_id = letter_visit(db)
    window = LetterDialog(ctx, visit_id, "nl")
    qtbot.addWidget(window)
    window.show()
    dialog = window.panel
    assert not dialog.place.isVisible()
    dialog.template.setCurrentIndex(dialog.template.findData("afspraak"))
    assert dialog.place.isVisible()


def test_letter_view_opens_from_the_main_window(qtbot, db):
    from ui.main_window import MainWindow

    ctx, visit_id = letter_visit(db)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    view = window.show_view("letter", visit_id=visit_id, language="ti")
    assert view.visit_id == visit_id and view.language.currentData() == "ti"
    assert view.warning.isVisibleTo(view)
    view.preview()
    qtbot.waitUntil(lambda: view.page_count() >= 2, timeout=20_000)


def test_letter_text_check_highlights_flagged_sentences(qtbot, db):
    from tests.helpers import context
    from ui.views.letter_text_view import LetterTextView

    view = LetterTextView(context(db, "beheerder"))
    qtbot.addWidget(view)
    view.open(
        text="Kom op tijd. De aanvrager dient zich te vergewissen van de "
        "toepasselijkheid van de desbetreffende verordening, alvorens bezwaar wordt "
        "aangetekend bij de bestuursrechter. Bel ons."
    )
    assert not view.editor.isReadOnly()
    view.check()
    qtbot.waitUntil(lambda: view.report is not None, timeout=20_000)
    assert not view.report.ok
    assert view.flagged_count() == 1
    assert view.problems.count() > 0


def test_letter_text_is_read_only_for_counter_staff(qtbot, db):
    from tests.helpers import context
    from ui.views.letter_text_view import LetterTextView

    view = LetterTextView(context(db, "balie"))
    qtbot.addWidget(view)
    view.open()
    assert view.editor.isReadOnly()
    assert "In deze brief staat wat u nu gaat doen." in view.editor.toPlainText()


def test_appointment_is_picked_or_created_and_stored(qtbot, db):
    from datetime import datetime

    from PySide6.QtCore import QDateTime

    from loket.counter import appointments

    ctx, visit_id = letter_visit(db)
    first = appointments.save(
        ctx,
        visit_id,
        appointments.Appointment(datetime(2099, 12, 3, 10, 30), "Kerkstraat 9", "Mevrouw Smit"),
    )
    window = LetterDialog(ctx, visit_id, "nl")
    qtbot.addWidget(window)
    window.show()
    view = window.panel
    view.template.setCurrentIndex(view.template.findData("afspraak"))
    assert view.appointment_choice.isVisible()
    assert view.appointment_choice.currentData() == first.id  # the latest is chosen
    assert view.place.text() == "Kerkstraat 9" and view.ask_for.text() == "Mevrouw Smit"

    view.appointment_choice.setCurrentIndex(view.appointment_choice.findData(""))
    assert view.place.text() == ""
    view.save_appointment()  # no place: refused, nothing stored
    assert view.status.text() and db.scalar("SELECT count(*) FROM appointment") == 1

    view.at.setDateTime(QDateTime(datetime(2099, 12, 8, 14, 0)))
    view.place.setText("Stationsplein 1")
    view.bring.setText("Zorgpas, Huurcontract")
    view.save_appointment()
    stored = appointments.latest(ctx, visit_id)
    assert stored.place == "Stationsplein 1" and stored.bring == ["Zorgpas", "Huurcontract"]
    assert stored.starts_at == datetime(2099, 12, 8, 14, 0)
    assert view.appointment_choice.currentData() == stored.id
    assert view.appointment_choice.count() == 3  # two stored and "new"

    view.preview()
    qtbot.waitUntil(lambda: view.page_count() >= 1, timeout=20_000)


# -- giving, reprinting, the visit's language ---------------------------------------------------


def _panel(qtbot, ctx, visit_id, language=None):
    window = LetterDialog(ctx, visit_id, language)
    qtbot.addWidget(window)
    window.show()
    view = window.panel
    qtbot.waitUntil(lambda: view.page_count() >= 1 and view._pending == 0, timeout=20_000)
    return window, view  # keep the window: the panel lives in it


def _letters(db) -> int:
    return db.scalar("SELECT count(*) FROM letter")


def test_opens_in_the_visit_language_and_previews_at_once(qtbot, db):
    ctx, visit_id = letter_visit(db, language="ti")
    _window, view = _panel(qtbot, ctx, visit_id)  # no language given: the visit's
    assert view.language.currentData() == "ti"
    assert "Ali A & B" in view.heading.text()
    assert view.letter is not None and view.letter.languages == ["ti", "nl"]
    assert not view.problems.isVisible()


def test_the_reused_panel_starts_afresh_for_the_next_visit(qtbot, db):
    from tests.helpers import visit, visitor

    ctx, first = letter_visit(db, language="ar")
    _window, view = _panel(qtbot, ctx, first)
    view.template.setCurrentIndex(view.template.findData("verwijzing"))
    view.language.setCurrentIndex(view.language.findData("fa"))
    view.large_print.setChecked(True)
    view.include_sensitive.setChecked(True)
    other = visitor(ctx, given_names="Olena", family_name="K", preferred_language="uk")
    second = visit(ctx, other.id)
    view.open(visit_id=second.id)
    assert view.language.currentData() == "uk"
    assert view.template.currentData() == "plan"
    assert not view.large_print.isChecked() and not view.include_sensitive.isChecked()
    assert "Olena K" in view.heading.text() and "Ali" not in view.heading.text()
    qtbot.waitUntil(lambda: view.letter is not None and view._pending == 0, timeout=20_000)
    assert view.letter.visit_id == second.id


def test_cancelled_print_records_nothing_and_accepted_print_records(qtbot, db, monkeypatch):
    from ui import printing

    ctx, visit_id = letter_visit(db)
    _window, view = _panel(qtbot, ctx, visit_id, "ar")
    printed = []
    monkeypatch.setattr(printing, "print_pdf", lambda printer, data: printed.append(data))
    monkeypatch.setattr(view, "ask_printer", lambda: None)
    view.print_letter()
    qtbot.waitUntil(lambda: view._pending == 0 and view.status.text() != "", timeout=20_000)
    assert _letters(db) == 0 and printed == []
    monkeypatch.setattr(view, "ask_printer", lambda: object())
    view.print_letter()
    qtbot.waitUntil(lambda: _letters(db) == 1, timeout=20_000)
    row = db.one("SELECT pdf, languages FROM letter")
    assert printed == [bytes(row["pdf"])] and row["languages"] == "ar,nl"


def test_failed_save_records_nothing(qtbot, db, tmp_path, monkeypatch):
    ctx, visit_id = letter_visit(db)
    _window, view = _panel(qtbot, ctx, visit_id, "nl")
    target = tmp_path / "missing" / "brief.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "PDF (*.pdf)"))
    )
    view.save_letter()
    qtbot.waitUntil(lambda: view._pending == 0 and str(tmp_path) in view.status.text())
    assert _letters(db) == 0 and not target.exists()


def test_without_a_phone_number_the_panel_warns_and_refuses(qtbot, db, monkeypatch):
    ctx, visit_id = letter_visit(db, desk_phone=None)
    with db.transaction():
        db.execute("UPDATE staff SET phone = NULL WHERE id = ?", (ctx.user.id,))
    _window, view = _panel(qtbot, ctx, visit_id, "uk")
    assert view.problems.isVisible() and view.problems.text()
    asked = []
    monkeypatch.setattr(view, "ask_printer", lambda: asked.append(1))
    view.print_letter()
    qtbot.waitUntil(lambda: view._pending == 0 and view.status.text() != "", timeout=20_000)
    assert asked == [] and _letters(db) == 0


def test_sensitive_needs_only_when_ticked(qtbot, db):
    from tests.letters.test_render import page_texts

    ctx, visit_id = letter_visit(db, needs=("debts", "health"))
    _window, view = _panel(qtbot, ctx, visit_id, "nl")
    assert "Uw gezondheid" not in "\n".join(page_texts(view.letter.pdf))
    view.include_sensitive.setChecked(True)
    view.preview()
    qtbot.waitUntil(
        lambda: view._pending == 0 and "Uw gezondheid" in "\n".join(page_texts(view.letter.pdf)),
        timeout=20_000,
    )


def test_reprint_from_the_visitors_file(qtbot, db, tmp_path, monkeypatch):
    from loket import letters
    from ui.main_window import MainWindow

    ctx, visit_id = letter_visit(db)
    given = letters.produce(ctx, visit_id, "verwijzing", "fa")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    person = db.scalar("SELECT visitor_id FROM visit WHERE id = ?", (visit_id,))
    visitor_view = window.show_view("visitor", visitor_id=person)
    item = visitor_view.letters.item(0)
    assert item.text() == letters.letter_label(db.one("SELECT * FROM letter"))
    assert "fa,nl" not in item.text() and "verwijzing" not in item.text()
    visitor_view.letters.itemActivated.emit(item)
    view = window.current_view()
    assert view.name == "letter" and view.archived is not None
    assert view.page_count() >= 2 and not view.template.isEnabled()
    target = tmp_path / "again.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "PDF (*.pdf)"))
    )
    view.save_letter()
    assert target.read_bytes() == given.pdf
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter.reprint'") == 1
    assert _letters(db) == 1


def test_a_hard_note_blocks_giving_and_says_what_to_change(qtbot, db, monkeypatch):
    from ui import printing

    note = "Uitgelegd dat betrokkene indien gewenst middels een brief bezwaar kan maken."
    ctx, visit_id = letter_visit(db, language="nl", summary=note)
    _window, view = _panel(qtbot, ctx, visit_id)
    assert view.template.currentData() == "plan"
    qtbot.waitUntil(lambda: view._pending == 0 and view.problems.isVisible(), timeout=20_000)
    text = view.problems.text()  # a refusal, not a warning
    assert note in text and '"als"' in text and '"indien"' in text  # which sentence, which word
    assert not view.print_button.isEnabled() and not view.save_button.isEnabled()
    printed = []
    monkeypatch.setattr(printing, "print_pdf", lambda printer, data: printed.append(data))
    monkeypatch.setattr(view, "ask_printer", lambda: object())
    view.print_letter()  # even when called directly (a shortcut), nothing is given
    qtbot.wait(50)
    assert _letters(db) == 0 and printed == []
