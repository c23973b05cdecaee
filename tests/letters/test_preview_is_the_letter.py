"""The letter panel's preview is the letter: a change renders it again off the UI thread,
the newest render wins, Print and Save wait for it and hand over the previewed bytes, and
printing runs on a worker while the panel stays responsive."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QFileDialog

from loket import letters
from loket.i18n import _
from tests.letters_support import letter_visit
from ui import printing
from ui.views.letter_dialog import LetterDialog

GATE_SECONDS = 10  # a blocked job gives up after this, so a failing test fails, not hangs


def _panel(qtbot, ctx, visit_id, language):
    window = LetterDialog(ctx, visit_id, language)
    qtbot.addWidget(window)
    window.show()
    view = window.panel
    qtbot.waitUntil(lambda: view.save_button.isEnabled() and view._pending == 0, timeout=20_000)
    return window, view  # keep the window: the panel lives in it


@pytest.fixture
def threads():
    """Room for a blocked job and the next one beside it, whatever the machine's cores."""
    pool = QThreadPool.globalInstance()
    before = pool.maxThreadCount()
    pool.setMaxThreadCount(max(before, 4))
    yield
    pool.setMaxThreadCount(before)


@pytest.fixture
def counted(monkeypatch):
    """Every compose (a render of the letter) and every PDF the preview rasterised."""
    seen = {"composed": [], "rasterised": []}
    compose, rasterise = letters.compose, printing.pdf_page_images

    def counting_compose(ctx, visit_id, template, lang, **kwargs):
        seen["composed"].append(lang)
        return compose(ctx, visit_id, template, lang, **kwargs)

    def counting_rasterise(data, scale):
        seen["rasterised"].append(data)
        return rasterise(data, scale)

    monkeypatch.setattr(letters, "compose", counting_compose)
    monkeypatch.setattr(printing, "pdf_page_images", counting_rasterise)
    return seen


def test_save_right_after_a_language_change_saves_the_previewed_letter(
    qtbot, db, tmp_path, monkeypatch, counted
):
    ctx, visit_id = letter_visit(db, language="ti")
    _window, view = _panel(qtbot, ctx, visit_id, None)
    assert view.letter.languages == ["ti", "nl"]
    target = tmp_path / "brief.pdf"
    asked = []

    def save_dialog(*args, **kwargs):
        asked.append(1)
        return str(target), "PDF (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))

    view.language.setCurrentIndex(view.language.findData("so"))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)  # at once
    assert not view.save_button.isEnabled() and not view.print_button.isEnabled()
    assert asked == [] and not target.exists()  # nothing saved from a preview that is behind

    qtbot.waitUntil(view.save_button.isEnabled, timeout=20_000)  # the preview caught up
    assert view.letter.languages == ["so", "nl"]
    renders = len(counted["composed"])
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert asked == [1]
    assert target.read_bytes() == counted["rasterised"][-1]  # byte for byte the preview
    assert len(counted["composed"]) == renders  # no second render for the file
    stored = db.one("SELECT pdf, languages FROM letter")
    assert bytes(stored["pdf"]) == target.read_bytes() and stored["languages"] == "so,nl"


def test_every_option_renders_the_preview_again(qtbot, db, counted):
    ctx, visit_id = letter_visit(db, language="nl")
    _window, view = _panel(qtbot, ctx, visit_id, None)
    for change in (
        lambda: view.large_print.setChecked(True),
        lambda: view.template.setCurrentIndex(view.template.findData("verwijzing")),
        lambda: view.language.setCurrentIndex(view.language.findData("ar")),
        lambda: view.dutch_only.setChecked(True),
    ):
        before = len(counted["rasterised"])
        change()
        assert not view.print_button.isEnabled()
        qtbot.waitUntil(
            lambda b=before: len(counted["rasterised"]) > b and view.print_button.isEnabled(),
            timeout=20_000,
        )
    assert view.letter.large_print and view.letter.template == "verwijzing"
    assert view.letter.languages == ["nl"]


def test_when_two_renders_race_only_the_newest_shows(qtbot, db, monkeypatch, threads):
    ctx, visit_id = letter_visit(db, language="nl")
    _window, view = _panel(qtbot, ctx, visit_id, None)
    gate, started = threading.Event(), threading.Event()
    compose = letters.compose

    def slow_for_tigrinya(ctx, visit_id, template, lang, **kwargs):
        if lang == "ti":  # the older request: held back until the newer one has shown
            started.set()
            gate.wait(GATE_SECONDS)
        return compose(ctx, visit_id, template, lang, **kwargs)

    monkeypatch.setattr(letters, "compose", slow_for_tigrinya)
    view.language.setCurrentIndex(view.language.findData("ti"))
    view.preview()  # starts now (no pause for typing)
    assert started.wait(GATE_SECONDS)
    view.language.setCurrentIndex(view.language.findData("so"))
    view.preview()
    qtbot.waitUntil(lambda: view._pending == 1 and view.print_button.isEnabled(), timeout=20_000)
    assert view.letter.languages == ["so", "nl"]
    somali = view.letter.pdf

    gate.set()  # the Tigrinya letter arrives last ...
    qtbot.waitUntil(lambda: view._pending == 0, timeout=20_000)
    assert view.letter.languages == ["so", "nl"] and view.letter.pdf == somali  # ... dropped
    assert view.page_count() == len(printing.pdf_page_images(somali, 0.2))
    assert view.print_button.isEnabled()


def test_printing_runs_on_a_worker_while_the_panel_stays_responsive(
    qtbot, db, monkeypatch, threads
):
    ctx, visit_id = letter_visit(db, language="ar")
    _window, view = _panel(qtbot, ctx, visit_id, None)
    gate, started = threading.Event(), threading.Event()
    job = {}

    def blocked_printer(printer, data):
        job["thread"], job["data"] = threading.get_ident(), data
        started.set()
        gate.wait(GATE_SECONDS)

    monkeypatch.setattr(printing, "print_pdf", blocked_printer)
    monkeypatch.setattr(view, "ask_printer", lambda: object())
    previewed = view.letter.pdf
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)  # returns at once
    assert started.wait(GATE_SECONDS)
    assert job["thread"] != threading.get_ident() and job["data"] == previewed
    assert view.progress.isVisible() and view.activity.text() == _("Printing…")
    assert not view.print_button.isEnabled() and not view.save_button.isEnabled()

    handled = []  # the UI thread handles events while the printing job is blocked
    QTimer.singleShot(0, lambda: handled.append(1))
    qtbot.waitUntil(lambda: handled == [1], timeout=5_000)
    view.large_print.setChecked(True)  # and the panel goes on working
    assert view.large_print.isChecked()
    assert db.scalar("SELECT count(*) FROM letter") == 0  # not given before the printer has it

    gate.set()
    qtbot.waitUntil(lambda: db.scalar("SELECT count(*) FROM letter") == 1, timeout=20_000)
    assert view.status.text() == _("Sent to the printer.") and not view.progress.isVisible()
    assert bytes(db.scalar("SELECT pdf FROM letter")) == previewed  # what was printed


def test_printing_the_same_preview_again_is_a_reprint(qtbot, db, monkeypatch):
    ctx, visit_id = letter_visit(db, language="nl")
    _window, view = _panel(qtbot, ctx, visit_id, None)
    printed = []
    monkeypatch.setattr(printing, "print_pdf", lambda printer, data: printed.append(data))
    monkeypatch.setattr(view, "ask_printer", lambda: object())
    for n in (1, 2):
        view.print_letter()
        qtbot.waitUntil(lambda n=n: len(printed) == n and view.print_button.isEnabled())
    assert db.scalar("SELECT count(*) FROM letter") == 1
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter.reprint'") == 1


def test_a_letter_that_cannot_be_given_disables_print_and_save_and_says_why(qtbot, db, monkeypatch):
    ctx, visit_id = letter_visit(db, desk_phone=None)
    with db.transaction():
        db.execute("UPDATE staff SET phone = NULL")
    _window = LetterDialog(ctx, visit_id, "nl")
    qtbot.addWidget(_window)
    _window.show()
    view = _window.panel
    qtbot.waitUntil(lambda: view.letter is not None and view._pending == 0, timeout=20_000)
    assert view.page_count() >= 1  # previewed ...
    assert not view.print_button.isEnabled() and not view.save_button.isEnabled()  # ... not given
    reason = view.problems.text()
    assert view.problems.isVisible() and reason == " ".join(view.letter.problems)
    menu = _("&Administration").replace("&", "")
    assert menu in reason and "loket letters" not in reason  # who and where, never a command
    asked = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: asked.append(1))
    )
    view.save_letter()  # e.g. a shortcut: no file dialog that then saves nothing
    assert asked == [] and view.status.text() == _("Nothing was printed or saved.")

    view.template.setCurrentIndex(view.template.findData("afspraak"))  # no appointment typed
    view.appointment_choice.setCurrentIndex(view.appointment_choice.findData(""))
    view.preview()
    qtbot.waitUntil(lambda: view._pending == 0 and view.letter is None, timeout=20_000)
    assert view.page_count() == 0 and not view.save_button.isEnabled()
    assert view.problems.isVisible() and view.problems.text() != reason


def test_a_cancelled_save_dialog_says_nothing_was_saved(qtbot, db, monkeypatch):
    ctx, visit_id = letter_visit(db, language="nl")
    _window, view = _panel(qtbot, ctx, visit_id, None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    view.save_letter()
    assert view.status.text() == _("Not saved. Nothing was recorded.")
    assert db.scalar("SELECT count(*) FROM letter") == 0
