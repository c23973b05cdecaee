"""The overview view and the export dialog, on the hand-computed fixture of test_exports."""

from __future__ import annotations

import csv
import threading

import pytest
from PySide6.QtCore import QDate

from loket.db import exports as repo
from loket.db import reference
from loket.db.exports import Filters
from loket.i18n import _
from loket.i18n.dates import format_month
from loket.reports.overview import overview
from tests.helpers import context
from tests.reports import export_fixture as fx
from ui.views.export_dialog import ExportDialog
from ui.views.overview_view import OverviewView
from ui.workers import wait_for_all


@pytest.fixture
def sup(db):
    fx.build(db)
    return context(db, "supervisor")


def _period(view) -> None:
    view.date_from.setDate(QDate(2026, 1, 1))
    view.date_to.setDate(QDate(2026, 2, 28))


def _table(widget) -> list[list[str]]:
    return [
        [widget.item(r, c).text() for c in range(widget.columnCount())]
        for r in range(widget.rowCount())
    ]


def test_overview_shows_the_same_numbers_as_the_core(qtbot, db, sup):
    view = OverviewView(sup)
    qtbot.addWidget(view)
    _period(view)
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy and view.result is not None, timeout=10_000)
    expected = overview(sup, Filters(fx.DATE_FROM, fx.DATE_TO))
    month = view.sections["month"]
    assert _table(month.table) == [
        [format_month("2026-01"), "<5", "<5"],
        [format_month("2026-02"), "<5", "<5"],
    ]
    assert [month.table.horizontalHeaderItem(i).text() for i in range(3)] == [
        _("Month"),
        _("Visits"),
        _("Referrals"),
    ]
    for key, section in view.sections.items():
        table = expected.table(key)
        label = format_month if key == "month" else table.label
        assert _table(section.table) == [
            [label(lb), *[c.shown for c in cells]] for lb, cells in table.rows
        ]
        for chart, col in zip(section.charts, table.chart_columns, strict=True):
            assert [(lb, c.shown) for lb, c in chart.rows()] == [
                (label(lb), cells[col].shown) for lb, cells in table.rows
            ]
    assert _table(view.facts)[:2] == [[_("Visits"), "<5"], [_("Referrals"), "<5"]]
    assert "<5" in view.status.text()
    # a chart's numbers are readable as text; a suppressed bar is not drawn to length
    chart = month.charts[0]
    assert chart.accessibleName() == _("Visits")
    assert (
        chart.accessibleDescription()
        == f"{format_month('2026-01')}: <5; {format_month('2026-02')}: <5"
    )
    view.resize(1000, 800)
    view.show()
    assert not chart.grab().isNull()


def test_overview_without_suppression_and_by_desk(qtbot, db, sup):
    with db.transaction():
        reference.set_setting(db, "suppress_below", "1")
    view = OverviewView(sup)
    qtbot.addWidget(view)
    _period(view)
    view.desk.setCurrentIndex(view.desk.findData("ZWL"))
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy and view.result is not None, timeout=10_000)
    assert _table(view.sections["month"].table) == [
        [format_month("2026-01"), "1", "1"],
        [format_month("2026-02"), "1", "1"],
    ]
    assert _table(view.sections["outcome"].table) == [[_("Sent"), "1"], [_("Completed"), "1"]]
    assert view.status.text() == ""


def test_overview_refused_for_counter_staff(qtbot, db, sup):
    view = OverviewView(context(db, "balie"))
    qtbot.addWidget(view)
    view.refresh()
    assert not view.busy
    assert view.status.text() == _("The overview is for supervisors.")
    assert view.result is None


def _dialog(qtbot, ctx, path) -> ExportDialog:
    dialog = ExportDialog(ctx, None, filters=Filters(fx.DATE_FROM, fx.DATE_TO))
    qtbot.addWidget(dialog)
    dialog.path.setText(str(path))
    return dialog


def test_export_dialog_writes_the_file(qtbot, db, sup, tmp_path):
    out = tmp_path / "log.csv"
    dialog = _dialog(qtbot, sup, out)
    assert dialog.identifiable.isVisibleTo(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert dialog.error is None and dialog.result.rows == 3
    assert dialog.bar.value() == 100
    rows = list(csv.reader(out.read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == 4 and rows[1][0] == "2026-01-10"
    # XLSX chosen: the file name follows the format
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    assert dialog.path.text().endswith("log.xlsx")
    assert not dialog.delimiter.isEnabled()


def test_export_dialog_cancel_leaves_no_file(qtbot, db, sup, tmp_path, monkeypatch):
    gate = threading.Event()
    real = repo.referral_rows

    def held(*args, **kwargs):  # the first batch waits until the test has pressed Cancel
        for batch in real(*args, **kwargs):
            gate.wait(10)
            yield batch

    monkeypatch.setattr(repo, "referral_rows", held)
    out = tmp_path / "log.xlsx"
    dialog = _dialog(qtbot, sup, out)
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    dialog.start()
    assert dialog.running and dialog.cancel_button.text() == _("Cancel")
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    wait_for_all()
    assert dialog.result is None
    assert dialog.message.text() == _("The export was cancelled; no file was written.")
    assert list(tmp_path.glob("*log.xlsx*")) == []
    assert dialog.cancel_button.text() == _("Close")


def test_export_dialog_for_counter_staff_is_refused(qtbot, db, sup):
    from loket.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        ExportDialog(context(db, "balie"))
