"""The partner-service editor: every field reaches the core, opening hours are checked per
row with the message under the row, and the dialog passes the accessibility checks."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog

from loket import i18n
from loket.directory import browse as directory
from loket.directory.browse import ScheduleEdit
from loket.i18n import tools as i18n_tools
from tests.directory.test_hsds_io import snapshot
from tests.helpers import context
from tests.ui import a11y
from ui import i18n_qt, theme
from ui.views.directory_view import DirectoryView, detail_html
from ui.views.service_edit_dialog import ServiceEditDialog


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    i18n_tools.compile_all()


@pytest.fixture(autouse=True)
def dutch(qapp):
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    before = i18n.language()
    font = qapp.font()
    i18n.set_language("nl")
    i18n_qt.install()
    yield
    i18n.set_language(before)
    theme.apply(qapp, scale=100)
    qapp.setFont(font)


@pytest.fixture
def chef(db):
    return context(db, "supervisor", username="chef")


@pytest.fixture
def sid(db):
    return db.scalar("SELECT id FROM service WHERE name = 'Taalhuis Zwolle'")


def open_dialog(qtbot, chef, sid=None) -> ServiceEditDialog:
    detail = directory.get_service(chef, sid) if sid else None
    dialog = ServiceEditDialog(chef, detail, directory.need_labels(chef))
    qtbot.addWidget(dialog)
    dialog.setModal(False)
    dialog.show()
    QApplication.processEvents()
    return dialog


def fill_row(row, days: str, opens: str, closes: str, note: str = "") -> None:
    for widget, text in ((row.days, days), (row.opens, opens), (row.closes, closes)):
        widget.clear()
        QTest.keyClicks(widget, text)
    row.note.setText(note)


def test_every_field_is_saved(qtbot, chef, sid, db):
    dialog = open_dialog(qtbot, chef, sid)
    assert dialog.schedule.rows == []
    dialog.status.setCurrentIndex(dialog.status.findData("temporarily closed"))
    dialog.url.setText("https://example.org/taalhuis")
    dialog.email.setText("taalhuis@example.org")
    dialog.phones.setText("0881234567, 038 123 45 67")
    dialog.interpretation.setPlainText("Tolk via de telefoon")
    dialog.eligibility.setPlainText("Iedereen vanaf 16 jaar")
    dialog.application.setPlainText("Binnenlopen of bellen")
    dialog.fees.setPlainText("Gratis")
    dialog.documents.setPlainText("Identiteitsbewijs\n\n  Brief van de gemeente  \n")
    dialog.to_verify.setChecked(False)
    dialog.escalation.setChecked(True)
    (only_location,) = directory.service_edit(chef, sid).location_ids
    dialog.locations[only_location].setChecked(False)
    offered = directory.locations(chef, dialog.stored.organization_id, [only_location])
    assert list(dialog.locations) == [loc.id for loc in offered]
    qtbot.mouseClick(dialog.schedule.add_button, Qt.MouseButton.LeftButton)
    fill_row(dialog.schedule.rows[0], "ma-vr", "9:00", "12.30")
    qtbot.mouseClick(dialog.schedule.add_button, Qt.MouseButton.LeftButton)
    fill_row(dialog.schedule.rows[1], "do", "13:00", "17:00", "alleen op afspraak")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()

    saved = directory.service_edit(chef, sid)
    assert saved.status == "temporarily closed"
    assert saved.url == "https://example.org/taalhuis"
    assert saved.email == "taalhuis@example.org"
    assert len(saved.phones) == 2
    assert saved.interpretation_services == "Tolk via de telefoon"
    assert saved.eligibility_description == "Iedereen vanaf 16 jaar"
    assert saved.application_process == "Binnenlopen of bellen"
    assert saved.fees_description == "Gratis"
    assert sorted(saved.required_documents) == ["Brief van de gemeente", "Identiteitsbewijs"]
    assert not saved.to_verify and saved.is_escalation
    assert saved.location_ids == []
    assert [(s.days, s.opens_at, s.closes_at, s.description) for s in saved.schedules] == [
        (["MO", "TU", "WE", "TH", "FR"], "09:00", "12:30", ""),
        (["TH"], "13:00", "17:00", "alleen op afspraak"),
    ]
    # The detail pane shows the hours the way staff read them.
    html = detail_html(directory.get_service(chef, sid), {})
    assert "ma–vr 09:00–12:30" in html and "do 13:00–17:00 alleen op afspraak" in html

    # Opened again, the dialog shows what was saved, and saving it again changes nothing.
    again = open_dialog(qtbot, chef, sid)
    assert [r.days.text() for r in again.schedule.rows] == ["ma–vr", "do"]
    assert again.status.currentData() == "temporarily closed"
    assert again.documents.toPlainText().count("\n") == 1
    before = snapshot(db)
    again.save()
    assert again.result() == QDialog.DialogCode.Accepted
    assert snapshot(db) == before


def test_a_wrong_row_is_marked_and_nothing_is_saved(qtbot, chef, sid, db):
    directory.save_service(
        chef,
        dataclasses.replace(
            directory.service_edit(chef, sid),
            schedules=[ScheduleEdit(["MO"], "09:00", "12:00")],
        ),
    )
    before = snapshot(db)
    dialog = open_dialog(qtbot, chef, sid)
    dialog.activateWindow()
    dialog.name.setText("Taalhuis Zwolle-Zuid")
    dialog.email.setText("taalhuis@example.org")
    dialog.schedule.add_row()
    fill_row(dialog.schedule.rows[1], "ma", "11:00", "13:00")
    dialog.schedule.add_row()
    fill_row(dialog.schedule.rows[2], "zz", "14:00", "10:00")
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert snapshot(db) == before
    first, second, third = dialog.schedule.rows
    assert first.error.isHidden()
    assert not second.error.isHidden()
    assert "rijen 1 en 2" in second.error.text() and "maandag" in second.error.text()
    assert "“zz”" in third.error.text()
    assert "sluitingstijd" in third.error.text()
    assert third.closes.accessibleDescription()
    assert not dialog.fields["email"].has_error
    assert not dialog.error.isHidden()  # "correct the marked fields" above the buttons
    # The keyboard goes to the first wrong field: the opening time of row 2.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is second.opens)

    # Correcting the rows clears the marks and saves.
    fill_row(second, "di", "11:00", "13:00")
    fill_row(third, "za", "10:00", "14:00")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert third.error.isHidden() and second.error.isHidden()
    assert len(directory.service_edit(chef, sid).schedules) == 3


def test_field_errors_sit_next_to_their_field(qtbot, chef, sid, db):
    before = snapshot(db)
    dialog = open_dialog(qtbot, chef, sid)
    dialog.url.setText("geen website")
    dialog.email.setText("geen-mail")
    dialog.documents.setPlainText("Paspoort\u202e")  # an invisible control character
    dialog.save()
    assert snapshot(db) == before
    for key in ("url", "email", "required_documents"):
        assert dialog.fields[key].has_error, key
        assert dialog.fields[key].widget.accessibleDescription()
    assert not dialog.fields["name"].has_error
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.email)


def test_new_service_with_opening_hours(qtbot, chef, db):
    dialog = open_dialog(qtbot, chef)
    dialog.organisation.setCurrentIndex(dialog.organisation.findText("Gemeente Zwolle"))
    location_ids = set(dialog.locations)
    assert location_ids  # the municipality's own addresses can be ticked
    QApplication.processEvents()
    shown = [b for b in dialog.locations_box.findChildren(QCheckBox) if b.isVisibleTo(dialog)]
    assert sorted(b.text() for b in shown) == sorted(
        b.text() for b in dialog.locations.values()
    )  # the first organisation's addresses are gone at once
    dialog.name.setText("Voedselbank-loket")
    dialog.place.setText("Zwolle")
    dialog.needs["debts"].setChecked(True)
    dialog.schedule.add_row()
    fill_row(dialog.schedule.rows[0], "wo", "10:00", "9:00")
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert db.scalar("SELECT count(*) FROM service WHERE name = 'Voedselbank-loket'") == 0
    fill_row(dialog.schedule.rows[0], "wo", "10:00", "12:00")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = directory.service_edit(chef, dialog.saved_id)
    assert [(s.days, s.opens_at) for s in saved.schedules] == [(["WE"], "10:00")]
    assert saved.needs == ["debts"] and len(saved.location_ids) == 1


def test_rows_are_added_and_removed_with_the_keyboard(qtbot, chef, sid):
    dialog = open_dialog(qtbot, chef, sid)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.resize(800, 400)  # the hours are below the fold
    dialog.schedule.add_button.setFocus()
    dialog.scroll.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    assert dialog.schedule.add_button.visibleRegion().isEmpty()
    QTest.keyClick(dialog.schedule.add_button, Qt.Key.Key_Space)
    assert len(dialog.schedule.rows) == 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.schedule.rows[0].days)
    # ... and the form scrolls to the new row
    qtbot.waitUntil(lambda: not dialog.schedule.rows[0].days.visibleRegion().isEmpty())
    dialog.schedule.add_row()
    row = dialog.schedule.rows[0]
    assert row.remove.accessibleName() == "Rij 1 verwijderen"
    assert dialog.schedule.rows[1].opens.accessibleName() == "Opent, rij 2"
    row.remove.setFocus()
    QTest.keyClick(row.remove, Qt.Key.Key_Space)
    assert len(dialog.schedule.rows) == 1
    assert dialog.schedule.rows[0].opens.accessibleName() == "Opent, rij 1"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.schedule.rows[0].days)
    # The Tab key walks the row from left to right, then to Remove and Add.
    chain = a11y.focus_chain(dialog)
    last = dialog.schedule.rows[0]
    start = chain.index(last.days)
    assert chain[start : start + 6] == [*last.edits(), dialog.schedule.add_button]


def test_enter_and_ctrl_s_save_and_escape_cancels(qtbot, chef, sid):
    dialog = open_dialog(qtbot, chef, sid)
    dialog.url.setText("https://example.org/a")
    QTest.keyClick(dialog.url, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert directory.service_edit(chef, sid).url == "https://example.org/a"

    dialog = open_dialog(qtbot, chef, sid)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.fees.setFocus()
    dialog.fees.setPlainText("Gratis")
    QTest.keyClick(dialog.fees, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert directory.service_edit(chef, sid).fees_description == "Gratis"

    dialog = open_dialog(qtbot, chef, sid)
    dialog.name.setText("Niet opslaan")
    QTest.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert directory.service_edit(chef, sid).name == "Taalhuis Zwolle"


def _with_rows(qtbot, chef, sid) -> ServiceEditDialog:
    directory.save_service(
        chef,
        dataclasses.replace(
            directory.service_edit(chef, sid),
            schedules=[
                ScheduleEdit(["MO", "TU", "WE", "TH", "FR"], "09:00", "12:30"),
                ScheduleEdit(["TH"], "13:00", "17:00", "alleen op afspraak"),
            ],
        ),
    )
    dialog = open_dialog(qtbot, chef, sid)
    dialog.resize(dialog.sizeHint())
    QApplication.processEvents()
    return dialog


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_accessibility_of_a_filled_in_dialog(qtbot, chef, sid, language):
    i18n.set_language(language)
    dialog = _with_rows(qtbot, chef, sid)
    problems = a11y.name_problems("service_edit", dialog)
    problems += a11y.focus_problems("service_edit", dialog)
    problems += a11y.tab_order_problems("service_edit", dialog, dialog)
    problems += a11y.colour_problems("service_edit", dialog, dialog)
    problems += a11y.focus_visibility_problems("service_edit", dialog, dialog)
    assert not problems, "\n".join(problems)


def test_double_text_size_fits_a_counter_screen(qtbot, chef, sid, qapp):
    theme.apply(qapp, scale=200)
    dialog = _with_rows(qtbot, chef, sid)
    dialog.save()  # no change, but a dialog with messages must fit too
    dialog = _with_rows(qtbot, chef, sid)
    dialog.schedule.rows[1].closes.setText("08:00")
    dialog.save()
    assert not dialog.schedule.rows[1].error.isHidden()
    need = dialog.minimumSizeHint()
    assert need.width() <= 1366 and need.height() <= 768
    dialog.resize(1366, 768)
    QApplication.processEvents()
    problems = a11y.size_problems("service_edit", dialog, dialog, limit=(1366, 768))
    assert not problems, "\n".join(problems)


def test_every_string_follows_the_language(qtbot, chef, sid):
    i18n.set_language(i18n.PSEUDO)
    dialog = _with_rows(qtbot, chef, sid)
    dialog.schedule.rows[1].closes.setText("08:00")
    dialog.email.setText("geen-mail")
    dialog.save()
    offenders = a11y.untranslated("service_edit", dialog)
    assert not offenders, "\n".join(offenders)


def test_edit_from_the_directory_view(qtbot, chef, sid, monkeypatch):
    view = DirectoryView(chef)
    qtbot.addWidget(view)
    view.show()
    row = view.model.find_row(lambda item: item.id == sid)
    view.table.selectRow(row)

    def add_hours(dialog):
        dialog.schedule.add_row()
        fill_row(dialog.schedule.rows[0], "ma t/m vr", "09:00", "17:00")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ServiceEditDialog, "exec", add_hours)
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    assert "ma–vr 09:00–17:00" in view.detail.toPlainText()


def test_a_service_removed_meanwhile_is_not_opened(qtbot, chef, sid, db, monkeypatch):
    from loket.db import directory as repo

    view = DirectoryView(chef)
    qtbot.addWidget(view)
    view.show()
    view.table.selectRow(view.model.find_row(lambda item: item.id == sid))
    total = view.model.total
    repo.delete(db, "service", sid)  # a partner import removed it
    opened = []
    monkeypatch.setattr(ServiceEditDialog, "exec", lambda dialog: opened.append(dialog))
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    assert opened == []
    assert view.model.total == total - 1


def test_partner_languages_are_named_not_coded(qtbot, chef, sid):
    detail = dataclasses.replace(directory.get_service(chef, sid), languages=["nl", "prs"])
    html = detail_html(detail, {})
    assert "Nederlands, Dari" in html and "prs" not in html
    dialog = open_dialog(qtbot, chef, sid)
    dialog.languages.setText("ar, prs")
    assert dialog.language_names.text() == "Arabisch, Dari"
    dialog.languages.setText("")
    assert dialog.language_names.isHidden()
