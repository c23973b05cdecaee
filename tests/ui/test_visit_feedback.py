"""The visit form in plain words: the health ground as plain choices (the article in a
tooltip), and a calm confirmation after saving (the status bar, no dialog)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from loket import i18n
from loket.counter.intake import LEGAL_GROUNDS
from loket.i18n import _
from tests.helpers import context, visitor
from tests.ui.test_counter_flow import make_window
from ui.models.counter_models import format_date
from ui.views.visit_view import LEGAL_GROUND_ARTICLES, LEGAL_GROUND_LABELS


def test_health_grounds_are_plain_choices_with_the_article_in_a_tooltip(qtbot, db):
    ctx = context(db)
    window = make_window(qtbot, ctx)
    window.show_view("visit", visitor_id=visitor(ctx).id)
    form = window.current_view()
    qtbot.mouseClick(form.health_button, Qt.MouseButton.LeftButton)
    combo = form.health_ground
    codes = [combo.itemData(i) for i in range(combo.count()) if combo.itemData(i)]
    assert codes == list(LEGAL_GROUNDS)  # one choice per legal ground in use
    for code, sub in zip(LEGAL_GROUNDS, ("a", "c", "g"), strict=True):
        index = combo.findData(code)
        assert "art." not in combo.itemText(index) and "AVG" not in combo.itemText(index)
        tip = combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
        assert tip == _(LEGAL_GROUND_ARTICLES[code])
        assert f"art. 9 lid 2 sub {sub}" in LEGAL_GROUND_ARTICLES[code]
    combo.setCurrentIndex(combo.findData("explicit_consent"))
    assert combo.currentText() == _(LEGAL_GROUND_LABELS["explicit_consent"])
    assert combo.toolTip() == _(LEGAL_GROUND_ARTICLES["explicit_consent"])
    assert "art." not in form.health_button.text()


def test_health_ground_reads_in_dutch():
    before = i18n.language()
    try:
        i18n.set_language("nl")
        assert _(LEGAL_GROUND_LABELS["explicit_consent"]) == "De bezoeker geeft toestemming"
        assert "art. 9 lid 2 sub a" in _(LEGAL_GROUND_ARTICLES["explicit_consent"])
    finally:
        i18n.set_language(before)


def test_saving_a_visit_confirms_calmly_in_the_status_bar(qtbot, db):
    ctx = context(db)
    window = make_window(qtbot, ctx)
    window.show_view("visit", visitor_id=visitor(ctx).id)
    form = window.current_view()
    form.need_checks["debts"].setChecked(True)
    dialogs_before = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)]
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert window.current_view().name == "visitor"
    day = db.scalar("SELECT visit_date FROM visit")
    message = window.statusBar().currentMessage()
    assert message == _("The visit of {date} is saved.").format(date=format_date(day))
    assert window.statusBar().isVisible()
    visible = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
    ]
    assert [w for w in visible if w not in dialogs_before] == []  # no modal to click away
