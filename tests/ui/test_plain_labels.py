"""What people typed is shown as typed, never read as HTML.

A QLabel left at Qt.AutoText takes `<font size=80>X</font>` for rich text and draws a huge
"X" (and `A & B` may lose its ampersand).  Every label that shows a visitor's, staff member's
or partner's name, or a note, must be Qt.PlainText (ui.views.base.plain_label / set_plain).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from loket.counter import intake
from tests import helpers
from tests.ui import a11y
from ui.main_window import MainWindow
from ui.views.base import plain_label, set_plain

HTML_GIVEN = "<font size=80>X</font>"
HTML_FAMILY = "A & B"
HTML_NAME = f"{HTML_GIVEN} {HTML_FAMILY}"


@pytest.fixture
def setup(qtbot, db):
    ctx = helpers.context(db, role="beheerder")
    db.execute("UPDATE staff SET display_name = ? WHERE id = ?", (HTML_NAME, ctx.user.id))
    ctx.user.display_name = HTML_NAME
    person = helpers.visitor(ctx, given_names=HTML_GIVEN, family_name=HTML_FAMILY)
    visit = helpers.visit(ctx, person.id, needs=("debts", "housing"), summary=HTML_NAME)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    args = {"visitor_id": person.id, "visit_id": visit.id, "visitor": person, "visit": visit}
    return window, args


def labels_showing(root, needle: str) -> list[QLabel]:
    return [w for w in root.findChildren(QLabel) if needle in w.text()]


def not_plain(root) -> list[str]:
    return [
        f"{w.objectName() or '<no objectName>'}: {w.text()[:40]!r}"
        for w in root.findChildren(QLabel)
        if w.textFormat() != Qt.TextFormat.PlainText
    ]


def test_helpers_make_a_label_plain(qtbot):
    label = plain_label(None, HTML_GIVEN)
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == HTML_GIVEN
    other = QLabel()
    qtbot.addWidget(other)
    set_plain(other, HTML_FAMILY)
    assert other.textFormat() == Qt.TextFormat.PlainText and other.text() == HTML_FAMILY


def test_visitor_visit_and_referrals_views_show_the_name_literally(qtbot, setup):
    window, args = setup
    window.show_view("visitor", visitor_id=args["visitor_id"])
    visitor_view = window.current_view()
    heading = visitor_view.heading
    assert heading.textFormat() == Qt.TextFormat.PlainText
    assert HTML_NAME in heading.text()
    # Drawn as text: as high as an ordinary name, not an 80-point "X".
    ordinary = plain_label(None, "X")
    qtbot.addWidget(ordinary)
    ordinary.setFont(heading.font())
    assert heading.sizeHint().height() == ordinary.sizeHint().height()
    assert not_plain(visitor_view) == []

    window.show_view("visit", visitor_id=args["visitor_id"], visit_id=args["visit_id"])
    visit_view = window.current_view()
    assert visit_view.name == "visit"
    shown = labels_showing(visit_view, HTML_NAME)
    assert visit_view.heading in shown
    assert all(w.textFormat() == Qt.TextFormat.PlainText for w in shown)
    assert not_plain(visit_view) == []

    window.show_view("referrals", visit_id=args["visit_id"])
    referrals_view = window.current_view()
    assert referrals_view.name == "referrals"
    assert not_plain(referrals_view) == []
    referrals_view.panel._show_error(intake.NotFound(HTML_NAME))  # a message quoting input
    assert referrals_view.panel.error.text() == HTML_NAME
    assert referrals_view.panel.error.textFormat() == Qt.TextFormat.PlainText


def test_no_view_reads_typed_names_as_html(qtbot, setup):
    """Every view and dialog: a label that shows the typed name shows it as plain text."""
    window, args = setup
    offenders = []
    for name in a11y.every_view():
        view, problem = a11y.open_view(window, name, args)
        if view is None:
            offenders.append(problem)
            continue
        offenders += [
            f"{name}: {w.objectName() or '<no objectName>'}"
            for w in labels_showing(view, HTML_GIVEN) + labels_showing(view, HTML_FAMILY)
            if w.textFormat() != Qt.TextFormat.PlainText
        ]
    for name in a11y.DIALOGS:
        dialog, problem = a11y.open_dialog(qtbot, window, name, args)
        if dialog is None:
            continue  # the accessibility tests report dialogs that cannot be built
        offenders += [
            f"{name}: {w.objectName() or '<no objectName>'}"
            for w in labels_showing(dialog, HTML_GIVEN) + labels_showing(dialog, HTML_FAMILY)
            if w.textFormat() != Qt.TextFormat.PlainText
        ]
        dialog.close()
    QApplication.processEvents()
    assert offenders == []
