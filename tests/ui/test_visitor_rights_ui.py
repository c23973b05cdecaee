"""The visitor's rights from the visitor's file, driven through the real widgets (only the
modal dialog's exec and the file chooser are patched): supervisors export and erase,
counter staff do not see the button; after an erasure the file shows the removed state.
A letter whose PDF retention removed says so in the file and in the letter panel."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from loket import letters
from loket.i18n import _
from tests.helpers import context, visit, visitor
from tests.letters_support import letter_visit
from ui.main_window import MainWindow
from ui.views import visitor_rights_dialog
from ui.views.visitor_rights_dialog import VisitorRightsDialog
from ui.workers import wait_for_all

REMOVED_LETTER = (
    "This letter was removed under the retention rules: it can no longer be "
    "reprinted. Make a new letter for a visit if the visitor needs one."
)


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def person(db):
    clerk = context(db)
    p = visitor(clerk, given_names="Nour", family_name="Khalil", v_number="6234567892")
    visit(clerk, p.id, summary="Schulden bij de gemeente")
    return p


def test_counter_staff_do_not_see_the_rights_button(qtbot, db, person):
    window = _window(qtbot, context(db))
    view = window.show_view("visitor", visitor_id=person.id)
    assert not view.rights.isVisible()


@pytest.mark.parametrize("role", ["supervisor", "beheerder"])
def test_supervisor_exports_and_erases_from_the_visitor_file(
    qtbot, db, person, role, tmp_path, monkeypatch
):
    ctx = context(db, role, f"rights_{role}")
    window = _window(qtbot, ctx)
    view = window.show_view("visitor", visitor_id=person.id)
    assert view.rights.isVisible() and view.rights.isEnabled()
    assert "&" in view.rights.text() and view.rights.accessibleName()
    target = tmp_path / "inzage.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "PDF"))
    )
    seen: list[VisitorRightsDialog] = []

    def use_dialog(dialog: VisitorRightsDialog) -> int:
        """What a supervisor does in the dialog: export, then erase with a reason."""
        seen.append(dialog)
        assert dialog.visitor_id == person.id
        dialog.show()
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert target.exists() and target.with_suffix(".json").exists()
        assert not dialog.erase_button.isEnabled()  # not before the check box is ticked
        qtbot.keyClicks(dialog.reason, "Verzoek van de bezoeker aan de balie")
        dialog.confirm.setFocus()
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
        assert dialog.erased, dialog.message.text()
        dialog.hide()
        return 0

    monkeypatch.setattr(visitor_rights_dialog.VisitorRightsDialog, "exec", use_dialog)
    qtbot.mouseClick(view.rights, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    data = json.loads(target.with_suffix(".json").read_text("utf-8"))
    assert data["visitor"]["family_name"] == "Khalil"
    # The file now shows the removed state, read again from the database.
    assert view.visitor.anonymised_at
    assert view.heading.text().strip("\u2066\u2067\u2068\u2069") == _(
        "Visitor whose data was removed"
    )
    assert "Khalil" not in view.heading.text() and "Khalil" not in window.windowTitle()
    assert view.message.text()
    assert view.profile_values["v_number"].text() == "—"
    for button in (view.new_visit, view.edit, view.rights, view.refer_button, view.letter_button):
        assert not button.isEnabled(), button.objectName()
    row = db.one("SELECT family_name, v_number FROM visitor WHERE id = ?", (person.id,))
    assert (row["family_name"], row["v_number"]) == ("", None)


def test_a_removed_letter_explains_itself(qtbot, db):
    ctx, visit_id = letter_visit(db)
    letter = letters.produce(ctx, visit_id, "plan", "nl")
    visitor_id = db.scalar("SELECT visitor_id FROM visit WHERE id = ?", (visit_id,))
    with db.transaction():  # what retention does to a letter past its period
        db.execute("UPDATE letter SET pdf = NULL WHERE id = ?", (letter.id,))
    window = _window(qtbot, ctx)
    view = window.show_view("visitor", visitor_id=visitor_id)
    item = view.letters.item(0)
    assert _("removed under the retention rules") in item.text()
    view.letters.setCurrentItem(item)
    view.letters.setFocus()
    qtbot.keyClick(view.letters, Qt.Key.Key_Return)
    assert window.current_view().name == "visitor"
    assert view.message.text() == _(REMOVED_LETTER)
    # The letter panel, opened on it some other way, says the same and offers no printing.
    panel = window.show_view("letter", letter_id=letter.id)
    wait_for_all()
    assert panel.problems.text() == _(REMOVED_LETTER) and panel.problems.isVisibleTo(panel)
    assert not panel.print_button.isEnabled() and not panel.save_button.isEnabled()
