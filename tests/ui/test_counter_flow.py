"""The counter screens driven through their real widgets: search → no match → register →
visit with three needs → find again; the duplicate warning; a draft restored after the window
went away mid-edit; every keyboard shortcut.  Only modal dialogs are patched."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from loket import i18n
from loket.counter import drafts, intake
from loket.counter import lookups as counter
from loket.i18n import tools as i18n_tools
from tests.helpers import context, visit, visitor
from ui import fonts
from ui.main_window import MainWindow
from ui.models.counter_models import (
    FSI,
    PDI,
    SearchResultsModel,
    TodayModel,
    VisitHistoryModel,
    status_label,
)
from ui.views import form_support
from ui.views.today_view import STATUS_KEYS

CTRL = Qt.KeyboardModifier.ControlModifier


def make_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


@pytest.fixture
def ctx(db):
    return context(db)


@pytest.fixture
def window(qtbot, ctx):
    return make_window(qtbot, ctx)


def shortcut(qtbot, window, key) -> None:
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, CTRL)


def type_text(qtbot, widget, text) -> None:
    """keyClicks for any script: QTest maps only Latin-1 characters to keys, so other
    characters go in as the key events an input method delivers (key unknown, text set)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_search(qtbot, view, text) -> None:
    view.field.clear()
    type_text(qtbot, view.field, text)
    qtbot.waitUntil(lambda: not view._timer.isActive(), timeout=2000)


def test_search_register_visit_and_find_again(qtbot, window, ctx, db):
    search = window.current_view()
    assert search.name == "search"
    type_search(qtbot, search, "سلمى العطار")
    assert search.model.rowCount() == 0
    assert "Ctrl+N" in search.status.text()
    # No match → register, with the typed name already in the form.
    shortcut(qtbot, window, Qt.Key.Key_N)
    register = window.current_view()
    assert register.name == "register"
    assert register.fields["given_names"].widget.text() == "سلمى"
    assert register.fields["family_name"].widget.text() == "العطار"
    qtbot.keyClicks(register.fields["date_of_birth"].widget, "12-04-1991")
    qtbot.keyClicks(register.fields["v_number"].widget, "4234567890")
    qtbot.mouseClick(register.save_button, Qt.MouseButton.LeftButton)
    profile = window.current_view()
    assert profile.name == "visitor"
    assert profile.visitor.family_name == "العطار"
    assert profile.profile_values["v_number"].text() == "4234567890"
    # Record a visit with three needs, each with a note; Ctrl+S saves.
    qtbot.mouseClick(profile.new_visit, Qt.MouseButton.LeftButton)
    intake_view = window.current_view()
    assert intake_view.name == "visit"
    intake_view.topic.setFocus()
    qtbot.keyClick(intake_view.topic, Qt.Key.Key_Down)
    for code, note in (
        ("low_literacy", "kan niet lezen"),
        ("debts", "schuldeisers"),
        ("housing", ""),
    ):
        check = intake_view.need_checks[code]
        qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(6, check.height() // 2))
        assert check.isChecked(), code
        if note:
            qtbot.keyClicks(intake_view.need_notes[code], note)
    qtbot.keyClicks(intake_view.summary, "Brief van de IND uitgelegd.")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert window.current_view().name == "visitor"
    saved = intake.visit_history(ctx, profile.visitor.id)
    assert len(saved) == 1
    full = intake.get_visit(ctx, saved[0]["id"])
    assert {n.need_code: n.note for n in full.needs} == {
        "low_literacy": "kan niet lezen",
        "debts": "schuldeisers",
        "housing": "",
    }
    assert full.topic_code is not None
    assert window.current_view().model.rowCount() == 1
    assert drafts.list_drafts(ctx) == []  # saved: the draft is gone
    # A saved form is not somewhere to go back to: Esc returns to the search.
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.current_view().name == "search"
    # Find the visitor again: by a partial Arabic-script name, then by V-nummer.
    shortcut(qtbot, window, Qt.Key.Key_F)
    search = window.current_view()
    assert search.name == "search"
    type_search(qtbot, search, "عطا")
    assert search.model.rowCount() == 1
    name_cell = search.model.index(0, 0).data()
    assert name_cell == f"{FSI}سلمى العطار{PDI}"  # isolated: keeps its own direction
    qtbot.keyClick(search.field, Qt.Key.Key_Return)
    assert window.current_view().name == "visitor"
    assert window.current_view().visitor.id == profile.visitor.id
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.current_view().name == "search"
    type_search(qtbot, search, "4234567890")
    assert [r.visitor_id for r in search.model.items()] == [profile.visitor.id]
    assert search.model.items()[0].last_visit is not None


def test_duplicate_warning_opens_existing_or_goes_on(qtbot, window, ctx, db):
    existing = visitor(ctx, given_names="Omar", family_name="Haddad", v_number="5234567890")
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    qtbot.keyClicks(form.fields["given_names"].widget, "Omar")
    qtbot.keyClicks(form.fields["family_name"].widget, "Haddad")
    qtbot.keyClicks(form.fields["v_number"].widget, "5234567890")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert form.duplicate.isVisible()
    assert "Haddad" in form.duplicate_text.text()
    assert "V-" in form.duplicate_text.text() or "V-n" in form.duplicate_text.text()
    assert db.scalar("SELECT count(*) FROM visitor") == 1
    qtbot.mouseClick(form.open_existing, Qt.MouseButton.LeftButton)
    assert window.current_view().name == "visitor"
    assert window.current_view().visitor.id == existing.id
    # Someone else with the same name and birth date: staff go on.
    visitor(ctx, given_names="Sara", family_name="Ali", date_of_birth="1990-01-02", v_number=None)
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    assert form.fields["given_names"].widget.text() == ""
    qtbot.keyClicks(form.fields["given_names"].widget, "Sara")
    qtbot.keyClicks(form.fields["family_name"].widget, "Ali")
    qtbot.keyClicks(form.fields["date_of_birth"].widget, "02-01-1990")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.duplicate.isVisible()
    qtbot.mouseClick(form.go_on, Qt.MouseButton.LeftButton)
    assert window.current_view().name == "visitor"
    assert db.scalar("SELECT count(*) FROM visitor WHERE family_name = 'Ali'") == 2


def test_invalid_fields_are_marked_next_to_the_field(qtbot, window, db):
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    qtbot.keyClicks(form.fields["family_name"].widget, "Jansen")
    qtbot.keyClicks(form.fields["bsn"].widget, "123456789")
    qtbot.keyClicks(form.fields["date_of_birth"].widget, "31-02-1990")
    qtbot.keyClicks(form.fields["postal_code"].widget, "0123 SS")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert window.current_view() is form
    for key in ("bsn", "date_of_birth", "postal_code"):
        assert form.fields[key].error.isVisible(), key
        assert form.fields[key].error.text().startswith(f"{fonts.ERROR_MARK} ")
        assert form.fields[key].widget.accessibleDescription()
    assert not form.fields["family_name"].error.isVisible()
    # The focus goes to the first marked field in the order of the form.
    assert QApplication.focusWidget() is form.fields["date_of_birth"].widget
    assert db.scalar("SELECT count(*) FROM visitor") == 0
    form.fields["bsn"].widget.clear()
    form.fields["date_of_birth"].widget.clear()
    form.fields["postal_code"].widget.clear()
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert window.current_view().name == "visitor"


def test_draft_restored_after_window_torn_down_mid_edit(qtbot, ctx, db, monkeypatch):
    first = make_window(qtbot, ctx)
    shortcut(qtbot, first, Qt.Key.Key_N)
    form = first.current_view()
    qtbot.keyClicks(form.fields["given_names"].widget, "Tesfay")
    type_text(qtbot, form.fields["family_name"].widget, "ገብረ")
    qtbot.keyClick(form.fields["family_name"].widget, Qt.Key.Key_Tab)  # leaving a field saves
    qtbot.waitUntil(lambda: len(drafts.list_drafts(ctx)) == 1, timeout=2000)
    # The window goes away without saving (a crash: no can_leave, no question).
    first.hide()
    first.deleteLater()
    qtbot.waitUntil(lambda: not first.isVisible())
    asked = []
    monkeypatch.setattr(form_support, "ask_restore", lambda parent, n: asked.append(n) or True)
    second = make_window(qtbot, ctx)
    restored = form_support.offer_drafts(second)
    assert asked == [1]
    view = second.current_view()
    assert view.name == "register"
    assert view.fields["given_names"].widget.text() == "Tesfay"
    assert view.fields["family_name"].widget.text() == "ገብረ"
    assert restored == view.drafts.draft_id
    assert view.restored.isVisible()  # staff see that this is restored input
    shortcut(qtbot, second, Qt.Key.Key_S)
    assert second.current_view().name == "visitor"
    assert drafts.list_drafts(ctx) == []


def test_visit_draft_written_by_timer_and_restored(qtbot, ctx, monkeypatch):
    person = visitor(ctx)
    monkeypatch.setattr(form_support, "DRAFT_INTERVAL_MS", 50)
    first = make_window(qtbot, ctx)
    first.show_view("visit", visitor_id=person.id)
    form = first.current_view()
    qtbot.keyClicks(form.summary, "Komt terug met paspoort")
    qtbot.waitUntil(
        lambda: (
            bool(drafts.list_drafts(ctx))
            and "paspoort" in drafts.list_drafts(ctx)[0].payload["summary"]
        ),
        timeout=3000,
    )
    first.deleteLater()
    monkeypatch.setattr(form_support, "ask_restore", lambda parent, n: True)
    second = make_window(qtbot, ctx)
    form_support.offer_drafts(second)
    view = second.current_view()
    assert view.name == "visit"
    assert view.summary.toPlainText() == "Komt terug met paspoort"
    assert view.visitor.id == person.id


def test_leaving_a_form_asks_and_can_keep_or_discard(qtbot, window, ctx, monkeypatch):
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    qtbot.keyClicks(form.fields["family_name"].widget, "Bakker")
    monkeypatch.setattr(form_support, "ask_unsaved", lambda parent: "stay")
    qtbot.keyClick(form.fields["family_name"].widget, Qt.Key.Key_Escape)
    assert window.current_view() is form
    monkeypatch.setattr(form_support, "ask_unsaved", lambda parent: "keep")
    qtbot.keyClick(form.fields["family_name"].widget, Qt.Key.Key_Escape)
    assert window.current_view().name == "search"
    assert [d.payload["family_name"] for d in drafts.list_drafts(ctx)] == ["Bakker"]
    # The kept form is one click (or Alt+C) away on the search screen.
    search = window.current_view()
    assert search.drafts_button.isVisible()
    qtbot.mouseClick(search.drafts_button, Qt.MouseButton.LeftButton)
    form = window.current_view()
    assert form.name == "register"
    assert form.fields["family_name"].widget.text() == "Bakker"


def test_every_keyboard_shortcut(qtbot, window, ctx, db):
    person = visitor(ctx, given_names="Nour", family_name="Khalil", v_number="6234567890")
    visit(ctx, person.id)
    seen = []
    window.lock_requested.connect(lambda: seen.append("lock"))
    shortcut(qtbot, window, Qt.Key.Key_T)
    assert window.current_view().name == "today"
    shortcut(qtbot, window, Qt.Key.Key_N)
    assert window.current_view().name == "register"
    shortcut(qtbot, window, Qt.Key.Key_F)
    search = window.current_view()
    assert search.name == "search"
    assert QApplication.focusWidget() is search.field
    type_search(qtbot, search, "khal")
    qtbot.keyClick(search.field, Qt.Key.Key_Down)  # into the results
    assert QApplication.focusWidget() is search.table
    qtbot.keyClick(search.table, Qt.Key.Key_Return)  # Enter opens the selected row
    profile = window.current_view()
    assert profile.name == "visitor" and profile.visitor.id == person.id
    profile.history.setFocus()
    qtbot.keyClick(profile.history, Qt.Key.Key_Return)  # Enter opens the visit
    assert window.current_view().name == "visit"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.current_view().name == "visitor"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.current_view().name == "search"
    shortcut(qtbot, window, Qt.Key.Key_L)
    assert seen == ["lock"]


def test_today_status_by_keyboard(qtbot, window, ctx, db):
    person = visitor(ctx, given_names="Olena", family_name="Bondar", v_number=None)
    made = visit(ctx, person.id)
    shortcut(qtbot, window, Qt.Key.Key_T)
    today = window.current_view()
    assert today.model.rowCount() == 1
    assert today.model.index(0, 3).data() == status_label("waiting")
    qtbot.keyClick(today.table, Qt.Key.Key_2)
    assert intake.get_visit(ctx, made.id).status == "in_progress"
    qtbot.keyClick(today.table, Qt.Key.Key_3)
    assert intake.get_visit(ctx, made.id).status == "done"
    assert today.model.index(0, 3).data() == status_label("done")
    qtbot.keyClick(today.table, Qt.Key.Key_1)
    assert intake.get_visit(ctx, made.id).status == "waiting"
    qtbot.keyClick(today.table, Qt.Key.Key_Return)
    assert window.current_view().name == "visit"


@pytest.mark.parametrize("language", i18n.UI_LANGUAGES)
def test_today_status_keys_are_the_ones_the_buttons_show(qtbot, window, language):
    """The keys are digits, shown and underlined in every language's button label."""
    i18n_tools.compile_all()
    previous = i18n.language()
    i18n.set_language(language)
    try:
        window.show_view("today")
        today = window.current_view()
        today.retranslate_ui()
        for key, status in STATUS_KEYS.items():
            digit = chr(key.value)  # Qt.Key_1 == ord("1")
            assert f"&{digit}" in today.buttons[status].text(), (language, status)
            assert today.buttons[status].text().count("&") == 1
    finally:
        i18n.set_language(previous)


def test_today_list_is_fetched_page_by_page(ctx, db):
    people = [visitor(ctx, given_names=f"P{n}", v_number=None) for n in range(5)]
    made = [visit(ctx, p.id) for p in people]
    model = TodayModel(ctx)
    model.PAGE = 2
    model.reload()
    assert model.rowCount() == 2 and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert [model.item(r)["id"] for r in range(model.rowCount())] == [m.id for m in made]


def test_today_list_shows_both_spellings_of_the_name(ctx, db):
    from ui.models.counter_models import FSI, PDI

    arabic = visitor(
        ctx,
        given_names="محمد",
        family_name="الأحمد",
        latin_given_names="Mohamad",
        latin_family_name="Alahmed",
        v_number=None,
    )
    latin_only = visitor(ctx, given_names="Ayşe", family_name="Yılmaz", v_number=None)
    visit(ctx, arabic.id)
    visit(ctx, latin_only.id)
    model = TodayModel(ctx)
    model.reload()
    names = [model.cell(model.item(r), 1) for r in range(model.rowCount())]
    assert names == [
        f"{FSI}محمد الأحمد{PDI} · {FSI}Mohamad Alahmed{PDI}",
        f"{FSI}Ayşe Yılmaz{PDI}",
    ]


def test_health_need_points_to_the_protected_field(qtbot, window, ctx, db):
    person = visitor(ctx)
    window.show_view("visit", visitor_id=person.id)
    form = window.current_view()
    note = form.need_notes["health"]
    form.need_checks["health"].setFocus()
    qtbot.keyClick(form.need_checks["health"], Qt.Key.Key_Space)
    assert form.need_checks["health"].isChecked()
    assert not note.isEnabled()  # no ordinary note for health details
    assert note.placeholderText()
    assert QApplication.focusWidget() is form.health_button
    qtbot.keyClick(form.health_button, Qt.Key.Key_Space)
    assert form.health_box.isVisible()
    qtbot.keyClicks(form.health_note, "Astma")
    form.health_ground.setFocus()
    qtbot.keyClick(form.health_ground, Qt.Key.Key_Down)
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert window.current_view().name == "visitor"
    visit_id = db.scalar("SELECT id FROM visit")
    assert db.scalar("SELECT note FROM visit_need WHERE need_code = 'health'") == ""
    assert intake.get_health(ctx, visit_id)["note"] == "Astma"


def test_editing_into_another_visitors_v_number_warns(qtbot, window, ctx, db):
    other = visitor(ctx, given_names="Omar", family_name="Haddad", v_number="5234567890")
    me = visitor(ctx, given_names="Sara", family_name="Ali", v_number="2234567890")
    window.show_view("register", visitor_id=me.id)
    form = window.current_view()
    v_number = form.fields["v_number"].widget
    v_number.clear()
    qtbot.keyClicks(v_number, "5234567890")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert form.duplicate.isVisible()
    assert "Haddad" in form.duplicate_text.text()
    assert intake.get_visitor(ctx, me.id, log_view=False).v_number == "2234567890"
    qtbot.mouseClick(form.go_on, Qt.MouseButton.LeftButton)  # staff confirm: saved
    assert window.current_view().name == "visitor"
    assert intake.get_visitor(ctx, me.id, log_view=False).v_number == other.v_number


def test_health_details_open_only_on_purpose_and_need_a_legal_ground(qtbot, window, ctx, db):
    person = visitor(ctx)
    window.show_view("visit", visitor_id=person.id)
    form = window.current_view()
    assert not form.health_box.isVisible()
    qtbot.mouseClick(form.health_button, Qt.MouseButton.LeftButton)
    assert form.health_box.isVisible()
    qtbot.keyClicks(form.health_note, "Diabetes; needs short appointments")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert form.fields["legal_ground"].error.isVisible()
    assert db.scalar("SELECT count(*) FROM visit") == 0  # nothing saved before it is valid
    form.health_ground.setFocus()
    qtbot.keyClick(form.health_ground, Qt.Key.Key_Down)
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert window.current_view().name == "visitor"
    visit_id = db.scalar("SELECT id FROM visit")
    assert db.scalar("SELECT legal_ground FROM visit_health WHERE visit_id = ?", (visit_id,))
    # Not in the list, not in the draft.
    history = window.current_view().model
    cells = [history.index(0, c).data() for c in range(history.columnCount())]
    assert not any("Diabetes" in (c or "") for c in cells)
    assert db.scalar("SELECT count(*) FROM draft WHERE payload LIKE '%Diabetes%'") == 0


def test_models_page_through_core_queries(ctx, db):
    for n in range(7):
        visitor(ctx, given_names=f"Lina {n}", family_name="Haddad", v_number=None)
    model = SearchResultsModel(ctx)
    model.PAGE = 3
    model.set_query("haddad")
    assert model.rowCount() == 3 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 7 and not model.canFetchMore()
    person = visitor(ctx, given_names="Ali", family_name="Noor", v_number=None)
    for _n in range(5):
        visit(ctx, person.id)
    history = VisitHistoryModel(ctx)
    history.PAGE = 2
    history.set_visitor(person.id)
    assert history.rowCount() == 2
    while history.canFetchMore():
        history.fetchMore()
    assert history.rowCount() == 5
    labels = {c.code: c.label for c in counter.needs(ctx)}
    assert history.index(0, 2).data() == labels["debts"]  # the label, not the code


def test_dates_follow_the_ui_language_and_keep_their_digit_order():
    from loket import i18n
    from ui.models.counter_models import format_date

    before = i18n.language()
    try:
        i18n.set_language("nl")
        assert format_date("2026-12-03", "long") == "3 december 2026"
        i18n.set_language("ar")
        text = format_date("1988-10-06")
        # Babel writes right-to-left marks into Arabic dates; isolated, they cannot reorder
        # the digits of a left-to-right cell ("061988/10/").
        assert text.startswith(FSI) and text.endswith(PDI) and "1988" in text
    finally:
        i18n.set_language(before)


def test_every_control_has_an_accessible_name(qtbot, window, ctx):
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QCheckBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QPushButton,
        QWidget,
    )

    person = visitor(ctx)
    visit(ctx, person.id)
    kinds = (QLineEdit, QComboBox, QCheckBox, QPushButton, QPlainTextEdit, QAbstractItemView)
    for name, kwargs in (
        ("search", {}),
        ("register", {}),
        ("visitor", {"visitor_id": person.id}),
        ("visit", {"visitor_id": person.id}),
        ("today", {}),
    ):
        view = window.show_view(name, **kwargs)
        assert window.current_view() is view
        for widget in view.findChildren(QWidget):
            if not isinstance(widget, kinds) or not widget.isVisibleTo(view):
                continue
            if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:  # e.g. a table's header
                continue
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
                continue
            assert widget.accessibleName(), (name, widget.objectName(), type(widget).__name__)
        if hasattr(view, "drafts"):
            view.drafts.discard(saved=False)


def test_tab_order_follows_the_form(qtbot, window):
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    order = [
        "given_names",
        "family_name",
        "latin_given_names",
        "latin_family_name",
        "date_of_birth",
        "v_number",
        "bsn",
        "phone",
        "email",
        "address",
        "postal_code",
        "city",
        "preferred_language",
    ]
    assert QApplication.focusWidget() is form.fields[order[0]].widget
    for key in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is form.fields[key].widget, key


def test_visitor_file_leads_to_referral_and_letter_for_the_selected_visit(qtbot, window, ctx):
    from ui.main_window import VIEWS

    person = visitor(ctx)
    made = visit(ctx, person.id)
    profile = window.show_view("visitor", visitor_id=person.id)
    for button, name in ((profile.refer_button, "referrals"), (profile.letter_button, "letter")):
        if name not in VIEWS:
            assert not button.isVisibleTo(profile)
            continue
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.current_view().name == name
        assert window._history[-1] == (name, {"visit_id": made.id})
        window.back()
        assert window.current_view() is profile


def test_ctrl_n_on_a_filled_form_keeps_the_input_as_a_draft(qtbot, window, ctx):
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    qtbot.keyClicks(form.fields["family_name"].widget, "Visser")
    shortcut(qtbot, window, Qt.Key.Key_N)  # a fresh form over unsaved input
    assert window.current_view() is form
    assert form.fields["family_name"].widget.text() == ""
    assert [d.payload["family_name"] for d in drafts.list_drafts(ctx)] == ["Visser"]


def test_a_visits_needs_in_arabic_are_listed_with_the_arabic_comma(db):
    # "سؤال قانوني, ضعف القراءة والكتابة": a Latin comma between Arabic words
    i18n_tools.compile_all()
    before = i18n.language()
    try:
        i18n.set_language("ar")
        ctx = context(db)
        person = visitor(ctx)
        visit(ctx, person.id, needs=("debts", "housing"))
        history = VisitHistoryModel(ctx)
        history.set_visitor(person.id)
        labels = {c.code: c.label for c in counter.needs(ctx)}
        assert history.index(0, 2).data() == f"{labels['debts']}، {labels['housing']}"
    finally:
        i18n.set_language(before)
