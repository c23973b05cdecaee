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

    target = tmp_path / "brief.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "PDF (*.pdf)"))
    )
    dialog.save_letter()
    qtbot.waitUntil(target.exists, timeout=20_000)
    assert target.read_bytes().startswith(b"%PDF")
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
    assert "Wat gaat er nu gebeuren" in view.editor.toPlainText()


def test_appointment_is_picked_or_created_and_stored(qtbot, db):
    from datetime import datetime

    from PySide6.QtCore import QDateTime

    from loket import appointments

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
