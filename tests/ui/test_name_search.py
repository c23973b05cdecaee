"""Finding a visitor however the name is spelled, through the real widgets: the reason in
the list, both spellings shown, no "Ctrl+N" while similar names exist; the Latin name in the
form, asked for when no letter can print the name; the duplicate warning across scripts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from loket import i18n
from tests.helpers import visitor
from tests.ui.test_counter_flow import ctx, shortcut, type_search, type_text, window  # noqa: F401


@pytest.fixture(autouse=True)
def english():
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def test_other_spellings_say_why_and_do_not_suggest_registering(qtbot, window, ctx, db):  # noqa: F811
    made = visitor(
        ctx,
        given_names="محمد",
        family_name="الأحمد",
        v_number="6234567890",
        date_of_birth="1990-04-02",
    )
    search = window.current_view()
    type_search(qtbot, search, "Mohamad Alahmed")
    assert [r.visitor_id for r in search.model.items()] == [made.id]
    row = [search.model.index(0, c).data() for c in range(5)]
    assert row[1] == "02-04-1990" or "1990" in row[1]
    assert row[2] == "6234567890"
    assert row[4] == "other script"
    assert "Ctrl+N" not in search.status.text()
    assert "similar name" in search.status.text()
    # in Dutch the reason is Dutch
    i18n.set_language("nl")
    try:
        assert search.model.index(0, 4).data() == "ander schrift"
    finally:
        i18n.set_language("en")
    # nothing like it: then registering is suggested
    type_search(qtbot, search, "Olga Kovalenko")
    assert search.model.rowCount() == 0 and "Ctrl+N" in search.status.text()


def test_both_spellings_in_the_list_and_the_file(qtbot, window, ctx):  # noqa: F811
    visitor(
        ctx,
        given_names="ዮሃንስ",
        family_name="ተስፋይ",
        latin_given_names="Yohannes",
        latin_family_name="Tesfay",
        v_number=None,
    )
    search = window.current_view()
    type_search(qtbot, search, "Yohanes")
    name = search.model.index(0, 0).data()
    assert "ዮሃንስ" in name and "Yohannes Tesfay" in name
    qtbot.keyClick(search.field, Qt.Key.Key_Return)
    view = window.current_view()
    assert view.name == "visitor"
    assert "Yohannes Tesfay" in view.heading.text() and "ዮሃንስ" in view.heading.text()


def test_register_asks_for_the_latin_name_when_letters_cannot_print_it(qtbot, window, db):  # noqa: F811
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    type_text(qtbot, form.fields["family_name"].widget, "王伟")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert window.current_view() is form
    error = form.fields["latin_family_name"].error
    assert error.isVisible() and "Latin" in error.text()
    assert db.scalar("SELECT count(*) FROM visitor") == 0
    qtbot.keyClicks(form.fields["latin_family_name"].widget, "Wang Wei")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert window.current_view().name == "visitor"
    assert db.scalar("SELECT latin_family_name FROM visitor") == "Wang Wei"


def test_duplicate_warning_across_scripts(qtbot, window, ctx, db):  # noqa: F811
    visitor(
        ctx, given_names="محمد", family_name="الأحمد", date_of_birth="1990-04-02", v_number=None
    )
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    qtbot.keyClicks(form.fields["given_names"].widget, "Mohamad")
    qtbot.keyClicks(form.fields["family_name"].widget, "Alahmed")
    qtbot.keyClicks(form.fields["date_of_birth"].widget, "02-04-1990")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert form.duplicate.isVisible()
    assert "محمد" in form.duplicate_text.text()
    assert "other script" in form.duplicate_text.text()
    assert db.scalar("SELECT count(*) FROM visitor") == 1
