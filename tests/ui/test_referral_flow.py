"""The referral flow through the real widgets: suggest → pick two partners → consent → sent →
accepted → completed; the follow-ups list; the directory view.  Only modal dialogs are
replaced."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from loket import clock
from loket.i18n import _
from loket.referrals import lifecycle as referrals
from loket.referrals.lifecycle import Consent
from tests.helpers import context, visit, visitor
from ui.main_window import MainWindow
from ui.models.counter_models import format_date
from ui.views.consent_dialog import ConsentDialog
from ui.views.directory_view import DirectoryView
from ui.views.followups_view import FollowupsView
from ui.views.referral_panel import ReferralPanel


@pytest.fixture
def ctx(db):
    return context(db, "balie", username="balie1", desk_code="ZWL")


@pytest.fixture
def a_visit(ctx):
    person = visitor(ctx)
    return visit(ctx, person.id, needs=("debts", "housing"), summary="Huurachterstand")


def check_row(panel: ReferralPanel, row: int) -> None:
    index = panel.suggestions.index(row, 0)
    assert panel.suggestions.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)


def test_suggest_pick_two_consent_send_accept_complete(qtbot, ctx, a_visit, monkeypatch):
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_visit(a_visit.id)
    assert panel.suggestions.rowCount() >= 2
    # Every suggestion comes with its reasons.
    why = panel.suggestions.index(0, 2).data()
    assert why and why == panel.suggestions.item(0).explanation
    first, second = panel.suggestions.item(0), panel.suggestions.item(1)
    check_row(panel, 0)
    check_row(panel, 1)
    qtbot.mouseClick(panel.warm_check, Qt.MouseButton.LeftButton)
    assert panel.warm_check.isChecked()
    # A warm handover asks each partner's consent while the referral is made.
    asked = []
    answers = {
        f"{first.organization_name}: {first.service_name}": Consent(
            share_name=True, share_needs=True
        ),
        f"{second.organization_name}: {second.service_name}": Consent(share_summary=True),
    }
    monkeypatch.setattr(
        ReferralPanel,
        "ask_consent",
        lambda self, partner: asked.append(partner) or answers[partner],
    )
    qtbot.mouseClick(panel.refer_button, Qt.MouseButton.LeftButton)
    assert asked == list(answers)
    made = referrals.for_visit(ctx, a_visit.id)
    assert {r.service_id for r in made} == {first.service_id, second.service_id}
    assert all(r.status == "proposed" and r.handover == "warm" for r in made)
    assert panel.referrals.rowCount() == 2
    target = next(r for r in made if r.service_id == first.service_id)
    other = next(r for r in made if r.service_id == second.service_id)
    row = [r.id for r in panel.referrals.items()].index(target.id)
    assert panel.referrals.index(row, 3).data() == referrals.consent_summary(
        Consent(share_name=True, share_needs=True)
    )

    panel.select_referral(target.id)
    assert panel.offered_actions() == ["sent", "cancelled"]
    assert any(
        referrals.consent_summary(target.consent) in panel.history.item(i).text()
        for i in range(panel.history.count())
    )
    qtbot.mouseClick(panel.action_buttons["sent"], Qt.MouseButton.LeftButton)
    assert referrals.get(ctx, target.id).status == "sent"
    assert not panel.error.isVisible()
    assert panel.offered_actions() == ["accepted", "declined", "no_show", "cancelled"]
    assert not panel.consent_button.isVisible()

    qtbot.mouseClick(panel.note_button, Qt.MouseButton.LeftButton)
    note = panel.note_text.toPlainText()
    assert "Ayşe Yılmaz" in note and "Huurachterstand" not in note

    qtbot.mouseClick(panel.action_buttons["accepted"], Qt.MouseButton.LeftButton)
    assert referrals.get(ctx, target.id).status == "accepted"
    assert panel.offered_actions() == ["completed", "no_show", "cancelled"]
    qtbot.mouseClick(panel.action_buttons["completed"], Qt.MouseButton.LeftButton)
    assert referrals.get(ctx, target.id).status == "completed"
    assert panel.offered_actions() == []
    assert panel.history.count() == 5  # four steps and the consent

    # The second partner goes the same way, with its own consent (only the summary).
    panel.select_referral(other.id)
    assert panel.offered_actions() == ["sent", "cancelled"]
    for step in ("sent", "accepted", "completed"):
        qtbot.mouseClick(panel.action_buttons[step], Qt.MouseButton.LeftButton)
        assert referrals.get(ctx, other.id).status == step
    assert referrals.get_consent(ctx, other.id) == Consent(share_summary=True)
    assert referrals.get_consent(ctx, target.id) == Consent(share_name=True, share_needs=True)
    assert [referrals.status_label("completed")] * 2 == [
        panel.referrals.index(row, 1).data() for row in range(2)
    ]


def test_refused_consent_makes_the_referral_cold_and_says_so(qtbot, ctx, a_visit, monkeypatch):
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.set_visit(a_visit.id)
    check_row(panel, 0)
    check_row(panel, 1)
    panel.warm_check.setChecked(True)
    one = panel.suggestions.item(0)
    partners = [f"{one.organization_name}: {one.service_name}", None]

    def answer(self, partner):  # the first refuses, the second is not referred after all
        return Consent() if partner == partners[0] else None

    monkeypatch.setattr(ReferralPanel, "ask_consent", answer)
    (made,) = panel.refer_checked()
    assert made.handover == "cold" and made.consent.refused
    assert len(referrals.for_visit(ctx, a_visit.id)) == 1
    # The partner whose question was cancelled stays ticked, to refer later.
    assert [x.service_id for x in panel.suggestions.checked()] == [
        panel.suggestions.item(1).service_id
    ]
    assert panel.referrals.index(0, 2).data() == _("cold")
    assert panel.referrals.index(0, 3).data() == _("consent refused")
    panel.select_referral(made.id)
    history = [panel.history.item(i).text() for i in range(panel.history.count())]
    assert any(_("consent refused") in line for line in history)
    assert not panel.note_button.isVisible()
    # Sent cold: the visitor goes alone, no consent needed.
    qtbot.mouseClick(panel.action_buttons["sent"], Qt.MouseButton.LeftButton)
    assert referrals.get(ctx, made.id).status == "sent"


def test_consent_dialog_refuse_button_gives_a_refusal(qtbot):
    dialog = ConsentDialog("Schuldhulp", Consent(share_name=True))
    qtbot.addWidget(dialog)
    assert dialog.boxes["share_name"].isChecked()
    qtbot.mouseClick(dialog.refuse_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == ConsentDialog.DialogCode.Accepted
    assert dialog.consent().refused


def test_an_error_shows_next_to_the_button_that_caused_it(qtbot, ctx, a_visit, db):
    from ui.views.referrals_view import ReferralView

    service = db.scalar("SELECT id FROM service WHERE name = 'Schuldhulpverlening Zwolle'")
    ref = referrals.propose(ctx, a_visit.id, service, handover="warm")  # consent not asked
    view = ReferralView(ctx)
    qtbot.addWidget(view)
    # What is left of a 1366×768 screen under the title, menu, back and status bars.
    view.resize(1366, 540)
    view.show()
    view.open(visit_id=a_visit.id)
    panel = view.panel
    panel.select_referral(ref.id)
    send = panel.action_buttons["sent"]
    qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    assert referrals.get(ctx, ref.id).status == "proposed"
    assert panel.error.isVisible() and panel.error.text()
    assert not panel.refer_error.isVisible() and not panel.follow_error.isVisible()
    # Right under the row of buttons, above the follow-up field and the history …
    gap = panel.error.geometry().top() - send.geometry().bottom()
    assert 0 <= gap < 3 * send.height()
    assert panel.error.geometry().bottom() < panel.follow_date.geometry().top()
    # … and on screen, not below the fold: scrolled into sight whole.
    qtbot.waitUntil(
        lambda: panel.error.visibleRegion().boundingRect() == panel.error.rect(), timeout=2000
    )
    # Nothing checked and Refer pressed: nothing happens and no old message stays.
    qtbot.mouseClick(panel.refer_button, Qt.MouseButton.LeftButton)
    assert not panel.error.isVisible() and not panel.refer_error.isVisible()


def test_a_refusal_to_refer_shows_under_the_refer_button(qtbot, ctx, a_visit, db):
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_visit(a_visit.id)
    check_row(panel, 0)
    # The partner stopped this service while the list was open: the core refuses.
    db.execute(
        "UPDATE service SET status = 'inactive' WHERE id = ?",
        (panel.suggestions.item(0).service_id,),
    )
    assert panel.refer_checked() == []
    assert panel.refer_error.isVisible() and panel.refer_error.text()
    assert not panel.error.isVisible() and not panel.follow_error.isVisible()
    gap = panel.refer_error.geometry().top() - panel.refer_button.geometry().bottom()
    assert 0 <= gap < 3 * panel.refer_button.height()


def test_the_handover_note_follows_the_selected_row(qtbot, ctx, a_visit, db):
    first_id = db.scalar("SELECT id FROM service WHERE name = 'Schuldhulpverlening Zwolle'")
    second_id = db.scalar("SELECT id FROM service WHERE name LIKE 'Wijkteam%Zwolle' ORDER BY id")
    first = referrals.propose(
        ctx, a_visit.id, first_id, handover="warm", consent=Consent(share_name=True)
    )
    second = referrals.propose(
        ctx, a_visit.id, second_id, handover="warm", consent=Consent(share_summary=True)
    )
    cold = referrals.propose(ctx, a_visit.id, first_id)
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_visit(a_visit.id)
    panel.select_referral(first.id)
    qtbot.mouseClick(panel.note_button, Qt.MouseButton.LeftButton)
    assert panel.note_text.isVisible()
    assert first.service_name in panel.note_text.toPlainText()
    assert "Huurachterstand" not in panel.note_text.toPlainText()
    panel.select_referral(second.id)
    note = panel.note_text.toPlainText()
    assert panel.note_text.isVisible() and second.service_name in note
    assert "Huurachterstand" in note and "Ayşe" not in note
    panel.select_referral(cold.id)  # a cold referral has no note: none is shown
    assert not panel.note_text.isVisible() and panel.note_text.toPlainText() == ""


def test_the_note_lists_only_the_needs_that_partner_serves(qtbot, ctx, db, monkeypatch):
    person = visitor(ctx)
    both = visit(ctx, person.id, needs=("debts", "health"))
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_visit(both.id)
    rows = [
        i
        for i in range(panel.suggestions.rowCount())
        if panel.suggestions.item(i).service_name == "Schuldhulpverlening Zwolle"
    ]
    check_row(panel, rows[0])
    panel.warm_check.setChecked(True)
    monkeypatch.setattr(ReferralPanel, "ask_consent", lambda self, p: Consent(share_needs=True))
    (made,) = panel.refer_checked()
    panel.select_referral(made.id)
    qtbot.mouseClick(panel.note_button, Qt.MouseButton.LeftButton)
    note = panel.note_text.toPlainText()
    assert "Schulden of geld" in note or "Debts or money" in note
    assert "Gezondheid" not in note and "Health" not in note


def test_cancel_asks_for_a_reason(qtbot, ctx, a_visit, monkeypatch):
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.set_visit(a_visit.id)
    check_row(panel, 0)
    (made,) = panel.refer_checked()
    panel.select_referral(made.id)
    monkeypatch.setattr(ReferralPanel, "ask_reason", lambda self, title: None)
    qtbot.mouseClick(panel.action_buttons["cancelled"], Qt.MouseButton.LeftButton)
    assert referrals.get(ctx, made.id).status == "proposed"  # the dialog was cancelled
    monkeypatch.setattr(ReferralPanel, "ask_reason", lambda self, title: "  ")
    qtbot.mouseClick(panel.action_buttons["cancelled"], Qt.MouseButton.LeftButton)
    assert panel.error.text() == _("Give a reason.")  # in words, without the field name
    monkeypatch.setattr(ReferralPanel, "ask_reason", lambda self, title: "Visitor went elsewhere")
    qtbot.mouseClick(panel.action_buttons["cancelled"], Qt.MouseButton.LeftButton)
    cancelled = referrals.get(ctx, made.id)
    assert cancelled.status == "cancelled" and cancelled.reason == "Visitor went elsewhere"
    assert panel.offered_actions() == []


def test_escalation_asks_for_the_local_escalation_note(qtbot, ctx, db, monkeypatch):
    person = visitor(ctx)
    complex_visit = visit(ctx, person.id, needs=("multiple_problems",))
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.set_visit(complex_visit.id)
    rows = [
        i for i in range(panel.suggestions.rowCount()) if panel.suggestions.item(i).is_escalation
    ]
    assert len(rows) == 1
    check_row(panel, rows[0])
    monkeypatch.setattr(
        ReferralPanel,
        "ask_escalation_note",
        lambda self: "Wijkteam en regionaal overleg liepen vast",
    )
    made = panel.refer_checked()
    assert len(made) == 1 and made[0].escalation_note.startswith("Wijkteam")


def test_followups_list_mine_and_desk(qtbot, db, ctx, a_visit):
    colleague = context(db, "balie", username="balie2", desk_code="ZWL")
    services = [r[0] for r in db.all("SELECT id FROM service ORDER BY id LIMIT 2")]
    past = (clock.today() - timedelta(days=1)).isoformat()
    mine = referrals.propose(ctx, a_visit.id, services[0], follow_up_date=past)
    other_visit = visit(colleague, visitor(colleague, v_number=None).id)
    referrals.propose(colleague, other_visit.id, services[1], follow_up_date=past)
    view = FollowupsView(ctx)
    qtbot.addWidget(view)
    view.show()
    assert view.model.rowCount() == 1
    assert view.model.item(0).id == mine.id
    assert "1" in view.count_label.text()
    view.scope.setCurrentIndex(1)
    assert view.model.rowCount() == 2
    assert view.model.index(0, 1).data() == "Ayşe Yılmaz"


def test_followups_row_opens_the_visit_referrals(qtbot, db, ctx, a_visit):
    service = db.scalar("SELECT id FROM service ORDER BY id")
    ref = referrals.propose(ctx, a_visit.id, service, follow_up_date=clock.today().isoformat())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    view = window.show_view("followups")
    view.table.activated.emit(view.model.index(0, 0))
    current = window.current_view()
    assert current.name == "referrals"
    assert [r.id for r in current.panel.referrals.items()] == [ref.id]
    assert current.plan.count() == 1


def test_directory_view_search_stale_marking_and_edit_rights(qtbot, db, ctx):
    view = DirectoryView(ctx)
    qtbot.addWidget(view)
    view.show()
    assert not view.edit_button.isVisible()
    total = view.model.total
    assert total > view.model.BATCH or view.model.rowCount() == total
    qtbot.keyClicks(view.search, "taalhuis")
    assert view.model.total == 4
    view.table.selectRow(0)
    assert view.stale_chip.isVisible()
    assert view.stale_chip.text()
    assert view.model.index(0, 3).data() != ""
    supervisor = DirectoryView(context(db, "supervisor", username="chef"))
    qtbot.addWidget(supervisor)
    supervisor.show()
    assert supervisor.edit_button.isVisible()


def test_every_widget_has_an_accessible_name(qtbot, ctx, a_visit):
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QTableView

    panel = ReferralPanel(ctx)
    directory = DirectoryView(ctx)
    followups = FollowupsView(ctx)
    for widget in (panel, directory, followups):
        qtbot.addWidget(widget)
        for kind in (QPushButton, QCheckBox, QComboBox, QLineEdit, QTableView):
            for child in widget.findChildren(kind):
                if child.objectName().startswith("qt_"):
                    continue  # parts Qt builds inside a composite widget
                assert child.accessibleName(), child.objectName()


def test_directory_model_fetches_lazily(ctx):
    from ui.models.directory_model import DirectoryModel

    model = DirectoryModel(ctx)
    model.BATCH = 5
    model.set_query()
    assert model.total > 10
    assert model.rowCount() == 5 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 10
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == model.total


def test_service_edit_dialog_saves_and_marks_checked(qtbot, db):
    from loket.directory import browse as directory
    from ui.views.directory_view import ServiceEditDialog

    chef = context(db, "supervisor", username="chef")
    sid = db.scalar("SELECT id FROM service WHERE name = 'Taalhuis Zwolle'")
    detail = directory.get_service(chef, sid)
    dialog = ServiceEditDialog(chef, detail, directory.need_labels(chef))
    qtbot.addWidget(dialog)
    dialog.languages.setText("nl, ar")
    dialog.checked.setChecked(True)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    after = directory.get_service(chef, sid)
    assert after.languages == ["ar", "nl"] and not after.stale
    dialog = ServiceEditDialog(chef, after, directory.need_labels(chef))
    qtbot.addWidget(dialog)
    dialog.name.setText("")
    dialog.save()
    assert dialog.error.text()
    assert directory.get_service(chef, sid).name == "Taalhuis Zwolle"


def test_new_service_from_the_directory_view(qtbot, db, monkeypatch):
    from ui.views.directory_view import ServiceEditDialog

    chef = context(db, "supervisor", username="chef")
    view = DirectoryView(chef)
    qtbot.addWidget(view)
    view.show()
    assert view.new_button.isVisible()

    def fill_and_save(dialog):
        dialog.organisation.setCurrentIndex(dialog.organisation.findText("Gemeente Zwolle"))
        dialog.name.setText("Voedselbank-loket")
        dialog.place.setText("Zwolle")
        dialog.needs["debts"].setChecked(True)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ServiceEditDialog, "exec", fill_and_save)
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert view.selected_id() is not None
    assert view.model.item(view.table.currentIndex().row()).name == "Voedselbank-loket"
    assert "Voedselbank-loket" in view.detail.toPlainText()


def test_follow_up_date_is_set_from_the_panel(qtbot, ctx, a_visit, db):
    from PySide6.QtCore import QDate

    service = db.scalar("SELECT id FROM service WHERE name = 'Schuldhulpverlening Zwolle'")
    ref = referrals.propose(ctx, a_visit.id, service)
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.set_visit(a_visit.id)
    panel.select_referral(ref.id)
    assert panel.follow_button.isEnabled()
    panel.follow_date.setDate(QDate(2030, 12, 3))
    qtbot.mouseClick(panel.follow_button, Qt.MouseButton.LeftButton)
    assert referrals.get(ctx, ref.id).follow_up_date == "2030-12-03"
    assert panel.referrals.index(0, 4).data() == format_date("2030-12-03")
    referrals.cancel(ctx, ref.id, "dubbel")
    panel.refresh_referrals(ref.id)
    assert not panel.follow_button.isEnabled()
    # A closed referral (or none chosen) shows "no date", never 01-01-2000.
    assert panel.follow_date.text() == _("no date")


def test_panel_names_the_visitor_and_shows_partners_whole(qtbot, ctx, a_visit):
    panel = ReferralPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    assert panel.follow_date.text() == _("no date")
    panel.set_visit(a_visit.id)
    assert panel.heading.isVisible()
    day = format_date(a_visit.visit_date)
    assert panel.heading.text() == _("Referrals for {name}, visit of {date}").format(
        name="\u2068Ayşe Yılmaz\u2069", date=day
    )
    view = panel.suggestions_view
    metrics = view.fontMetrics()
    for row in range(panel.suggestions.rowCount()):
        item = panel.suggestions.item(row)
        text = panel.suggestions.index(row, 0).data()
        assert item.service_name in text and item.organization_name in text
        widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        assert view.columnWidth(0) >= widest  # not cut off to "Schuldhulp…"


def test_directory_view_hints_and_says_to_verify_in_words(qtbot, ctx):
    view = DirectoryView(ctx)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    assert view.detail.toPlainText() == _("Choose a service in the list to see its details here.")
    assert view.model.index(0, 3).data().splitlines()[0] == _("to verify")  # seed: to verify
    view.table.selectRow(0)
    assert _("Contact details to verify.") in view.detail.toPlainText()
    assert _("Contact details to verify") in view.stale_chip.text()


def test_service_edit_dialog_shows_untranslated_directory_text(qtbot, db):
    from loket.directory import browse as directory
    from loket.directory import translations
    from loket.letters.catalogue import available_languages
    from ui.views.directory_view import ServiceEditDialog

    chef = context(db, "supervisor", username="chef")
    admin = context(db, "beheerder", username="admin")
    letter_service = letter_support_service(db)
    detail = directory.get_service(chef, letter_service)
    dialog = ServiceEditDialog(chef, detail, directory.need_labels(chef))
    qtbot.addWidget(dialog)
    text = dialog.translations_missing.text()
    assert "Loonstrook mei" in text and "ar" in text
    for lang in available_languages():
        if lang != "nl":
            translations.set_translation(admin, "Loonstrook mei", lang, "x")
            translations.set_translation(admin, "Brieven over schulden", lang, "x")
            translations.set_translation(admin, "Identiteitsbewijs", lang, "x")
    dialog = ServiceEditDialog(chef, detail, directory.need_labels(chef))
    qtbot.addWidget(dialog)
    assert dialog.translations_missing.isHidden()


def letter_support_service(db) -> str:
    from tests.letters_support import partner

    return partner(
        db,
        "Schuldhulp Test",
        city="Zwolle",
        documents=("Identiteitsbewijs", "Brieven over schulden", "Loonstrook mei"),
    )


def test_the_selected_referral_stays_selected_right_to_left(qtbot, ctx, a_visit, db):
    """QTableView.selectRow selects nothing right-to-left: in Arabic the referral was lost
    after every step (and the next button acted on nothing)."""
    from PySide6.QtWidgets import QApplication

    service = db.scalar("SELECT id FROM service WHERE name = 'Schuldhulpverlening Zwolle'")
    first = referrals.propose(ctx, a_visit.id, service)
    second = referrals.propose(ctx, a_visit.id, service)
    app = QApplication.instance()
    before = app.layoutDirection()
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        panel = ReferralPanel(ctx)
        qtbot.addWidget(panel)
        panel.show()
        panel.set_visit(a_visit.id)
        panel.select_referral(second.id)
        assert panel.selected().id == second.id
        qtbot.mouseClick(panel.action_buttons["sent"], Qt.MouseButton.LeftButton)
        assert panel.selected().id == second.id  # kept across the refresh
        assert panel.offered_actions() == ["accepted", "declined", "no_show", "cancelled"]
        assert referrals.get(ctx, first.id).status == "proposed"
    finally:
        app.setLayoutDirection(before)
