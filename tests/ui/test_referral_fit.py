"""The referral step on a counter screen (1366×768, a maximised window of 1366×700) at 100 %
and 200 % text, in Dutch and Arabic: nothing makes the page scroll sideways, the referrals
table keeps readable columns and scrolls sideways itself, rows of buttons wrap, the reasons
of a suggestion are never cut off, and the visitor's plan goes under the panel when there is
no room beside it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle

from loket import i18n
from loket.directory import routing
from loket.referrals import lifecycle as referrals
from loket.referrals.lifecycle import Consent
from tests.helpers import context, visit, visitor
from tests.ui import a11y
from ui import i18n_qt, theme
from ui.main_window import MainWindow
from ui.views import referral_panel

LABELS = {"low_literacy": ("Laaggeletterd", "Low literacy")}


@pytest.fixture
def ui_state(qapp):
    language = i18n.language()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    palette, font, sheet = qapp.palette(), qapp.font(), qapp.styleSheet()
    i18n_qt.install()
    yield qapp
    i18n.set_language(language)
    theme.apply(qapp, scale=100)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def _referral_step(qtbot, db, app, lang: str, scale: int):
    i18n.set_language(lang)
    theme.apply(app, scale=scale)
    ctx = context(db, "balie", username="balie1", desk_code="ZWL")
    person = visitor(ctx)
    a_visit = visit(ctx, person.id, needs=("debts", "housing"))
    local = [s for s in routing.suggest(ctx, a_visit.id, limit=10) if not s.is_escalation]
    warm = referrals.propose(
        ctx,
        a_visit.id,
        local[0].service_id,
        handover="warm",
        location_id=local[0].location_id,
        consent=Consent(share_name=True, share_needs=True, share_summary=True),
    )
    referrals.propose(ctx, a_visit.id, local[1].service_id, location_id=local[1].location_id)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.resize(*a11y.COUNTER_WINDOW)
    window.show()
    view = window.show_view("referrals", visit_id=a_visit.id)
    window.resize(*a11y.COUNTER_WINDOW)
    view.panel.select_referral(warm.id)
    QApplication.processEvents()
    return window, view


def _drawn_height(view, row: int, column: int) -> float:
    """The height a cell's text may need where Qt draws it: laid out at the drawing width
    (the cell less the grid line and the text margins on both sides of the item and its
    text), every line as high as the tallest (a line takes the height of the fonts on it, and
    which words share a line differs by a pixel of width)."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    width = view.columnWidth(column) - 1 - 4 * margin
    layout = QTextLayout(view.model().index(row, column).data(), view.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    heights = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        heights.append(line.height())
    layout.endLayout()
    return len(heights) * max(heights)


@pytest.mark.parametrize("lang", ["nl", "ar"])
@pytest.mark.parametrize("scale", [100, 200])
def test_the_referral_step_fits_a_counter_screen(qtbot, db, ui_state, lang, scale):
    window, view = _referral_step(qtbot, db, ui_state, lang, scale)
    panel = view.panel
    # The page never scrolls sideways (at 200 % it did, by the plan beside the panel and the
    # row with the warm handover and the Refer button).
    assert view.scroll.horizontalScrollBar().maximum() == 0
    assert a11y.size_problems("referrals", view, window) == []
    # At 200 % the plan is under the panel instead of squeezed beside it.
    assert view.plan_beside() == (scale == 100)
    # Every button of the selected referral is on the page, inside the panel.
    offered = [panel.action_buttons[s] for s in panel.offered_actions()]
    for button in [*offered, panel.consent_button, panel.note_button, panel.refer_button]:
        assert button.isVisible()
        assert panel.rect().contains(button.geometry()), button.objectName()
    # The referrals keep readable columns: each as wide as its header, the partner at least
    # PARTNER_CHARS characters (its whole name in the tooltip); the table scrolls sideways.
    table = panel.referrals_view
    header = table.horizontalHeader()
    char = table.fontMetrics().averageCharWidth()
    for column in range(header.count()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column)
    partner = panel.referrals.index(0, 0)
    assert header.sectionSize(0) >= min(
        table.sizeHintForColumn(0), referral_panel.PARTNER_CHARS * char
    )
    assert partner.data(Qt.ItemDataRole.ToolTipRole) == partner.data()
    # The reasons of a suggestion wrap and are never cut off: each row is as high as its
    # text drawn at the column's width (in Arabic one word fell onto a line with no room).
    suggestions = panel.suggestions_view
    for row in range(panel.suggestions.rowCount()):
        for column in (0, 2):
            assert suggestions.rowHeight(row) >= _drawn_height(suggestions, row, column), (
                row,
                column,
            )


def test_a_suggestions_row_is_as_high_as_its_reasons_at_any_column_width(qtbot, db, ui_state):
    # Qt measured the reasons at the column's full width and drew them a few pixels narrower:
    # at some widths a word fell onto a line the row had no room for, cut off with "…".
    i18n.set_language("ar")
    theme.apply(ui_state, scale=200)
    panel = referral_panel.ReferralPanel(context(db, "balie", username="balie1"))
    qtbot.addWidget(panel)
    panel.resize(1300, 900)
    panel.show()
    reasons = [
        routing._needs_reason(LABELS, ["low_literacy"]),
        "في \u2068Den Haag\u2069",
        "في 's-Hertogenbosch",  # isolated by the model
    ]
    panel.suggestions.set_items(
        [
            routing.Suggestion(
                service_id="s1",
                service_name="Taalhuis",
                organization_name="Bibliotheek",
                location_id=None,
                city="Den Haag",
                score=1.0,
                reasons=reasons,
            )
        ]
    )
    view = panel.suggestions_view
    header = view.horizontalHeader()
    header.setSectionResizeMode(2, header.ResizeMode.Interactive)
    short = []
    for width in range(180, 620, 2):
        view.setColumnWidth(2, width)
        view.resizeRowsToContents()
        if view.rowHeight(0) < _drawn_height(view, 0, 2):
            short.append(width)
    assert short == []
