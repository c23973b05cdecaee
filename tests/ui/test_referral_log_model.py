"""The referral-log table model: first page, then the anchors; one page per far row; a
bounded cache; reloads; a database that changed under it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QModelIndex

from loket.db import exports as export_repo
from loket.db import referral_log as repo
from loket.db.exports import Filters
from loket.i18n import _
from loket.referrals.log import PAGE
from loket.reports import pseudonyms
from loket.reports.overview import status_label
from tests.helpers import context
from tests.referrals.test_log import ALL, demo_template, ldb  # noqa: F401 (fixtures)
from ui.models import referral_log_model as mod
from ui.models.counter_models import format_date
from ui.models.referral_log_model import ReferralLogModel
from ui.workers import wait_for_all

P = PAGE


@pytest.fixture
def model(qtbot, ldb):  # noqa: F811
    m = ReferralLogModel(context(ldb, role="supervisor", username="chef"))
    yield m
    m.close()
    wait_for_all()


def _load(qtbot, model, filters: Filters) -> None:
    with qtbot.waitSignal(model.ready, timeout=10_000):
        model.set_filters(filters)


def _cell(model, row: int, col: int) -> str:
    return model.data(model.index(row, col))


def test_first_page_comes_first_then_the_rest_is_inserted(qtbot, model, ldb):  # noqa: F811
    events: list = []
    model.rowsInserted.connect(lambda _p, first, last: events.append(("rows", first, last)))
    model.modelReset.connect(lambda: events.append(("reset",)))
    model.ready.connect(lambda: events.append(("ready", model.canFetchMore())))
    assert not model.canFetchMore()
    _load(qtbot, model, Filters(*ALL))
    total = export_repo.count_referrals(ldb.conn, Filters(*ALL))
    assert total > 2000
    assert events == [("reset",), ("rows", 0, P - 1), ("rows", P, total - 1), ("ready", False)]
    assert model.total == model.rowCount() == total
    assert model.columnCount() == len(mod.SHOWN)
    assert model.headerData(0, mod.Qt.Orientation.Horizontal) == _("Visit date")


def test_a_far_row_reads_exactly_its_page(qtbot, model, ldb):  # noqa: F811
    _load(qtbot, model, Filters(*ALL))
    before = model.pages_fetched
    last = model.rowCount() - 1
    row = model.row(last)
    assert model.pages_fetched == before + 1
    _cell(model, last - 1, 0)
    _cell(model, last - 5, 3)
    assert model.pages_fetched == before + 1  # same page: from memory
    # the last row is the oldest referral of the selection
    oldest = ldb.one(
        "SELECT r.created_at, r.status, v.visit_date FROM referral r"
        " JOIN visit v ON v.id = r.visit_id ORDER BY r.created_at, r.rowid LIMIT 1"
    )
    assert row.key[0] == oldest["created_at"]
    assert _cell(model, last, 0) == format_date(oldest["visit_date"])
    assert _cell(model, last, mod.SHOWN.index("status")) == status_label(oldest["status"])
    assert len(_cell(model, last, mod.SHOWN.index("visitor"))) == pseudonyms.LENGTH  # a pseudonym


def test_memory_stays_bounded_while_scrolling_everything(qtbot, model, monkeypatch):
    monkeypatch.setattr(mod, "MAX_PAGES", 5)
    _load(qtbot, model, Filters(*ALL))
    for row in range(0, model.rowCount(), 37):
        assert _cell(model, row, 1)
        assert model.cached_pages() <= 5
    fetched = model.pages_fetched
    assert fetched >= model.rowCount() // P
    _cell(model, 0, 0)  # the first page was dropped long ago: read again
    assert model.pages_fetched == fetched + 1


def test_reload_with_new_filters(qtbot, model, ldb):  # noqa: F811
    _load(qtbot, model, Filters(*ALL))
    wide = model.total
    done = Filters(*ALL, status="completed")
    _load(qtbot, model, done)
    assert model.total == export_repo.count_referrals(ldb.conn, done) < wide
    col = mod.SHOWN.index("status")
    shown = {_cell(model, r, col) for r in range(0, model.rowCount(), 50)}
    assert shown == {status_label("completed")}
    # two reloads in a row: only the last one counts
    model.set_filters(Filters("2026-04-01", "2026-06-30"))
    _load(qtbot, model, Filters(*ALL, status="declined"))
    wait_for_all()
    assert model.total == export_repo.count_referrals(ldb.conn, Filters(*ALL, status="declined"))


def test_before_the_anchors_rows_come_page_by_page(qtbot, model, ldb, monkeypatch):  # noqa: F811
    """The scan is held back: the first page is shown, fetchMore adds pages by key; when the
    anchors come, a page that does not match them is read again."""
    release = threading.Event()
    real = repo.anchors

    def slow_anchors(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, "anchors", slow_anchors)
    filters = Filters(*ALL)
    model.set_filters(filters)
    qtbot.waitUntil(lambda: model.rowCount() == P, timeout=5000)
    assert model.canFetchMore() and model.total is None
    # a referral of the second page is removed (retention) after the scan's snapshot
    gone = repo.rows(ldb.conn, filters, limit=2 * P)[P + P // 2]
    with ldb.transaction():
        ldb.execute(
            "DELETE FROM referral_event WHERE referral_id = (SELECT id FROM referral"
            " WHERE rowid = ?)",
            (gone[1],),
        )
        ldb.execute("DELETE FROM referral WHERE rowid = ?", (gone[1],))
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * P and model.canFetchMore()
    assert (gone[0], gone[1]) not in [model.row(r).key for r in range(2 * P)]
    changed = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    with qtbot.waitSignal(model.ready, timeout=10_000):
        release.set()
    # the count comes from the snapshot, which still held the removed referral
    assert model.rowCount() == model.total == export_repo.count_referrals(ldb.conn, filters) + 1
    assert changed == [(P, 2 * P - 1)]  # the second page did not fit the anchors
    fetched = model.pages_fetched
    keys = [model.row(r).key for r in range(P)]
    assert model.pages_fetched == fetched  # the first page did: kept
    assert (
        model.row(2 * P - 1) is None and _cell(model, 2 * P - 1, 0) == ""
    )  # the gap: an empty row
    assert model.pages_fetched == fetched + 1
    assert model.row(2 * P).key < model.row(2 * P - 2).key < keys[-1]


def test_a_page_that_cannot_be_read_shows_empty_cells(qtbot, model, monkeypatch):
    _load(qtbot, model, Filters(*ALL))

    def broken(*_args):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(model.log, "page", broken)
    far = model.rowCount() - 3
    assert _cell(model, far, 0) == ""
    assert model.row(far) is None


def test_a_counter_colleague_gets_no_rows(qtbot, ldb):  # noqa: F811
    from loket.errors import PermissionDenied

    m = ReferralLogModel(context(ldb, role="balie"))
    with pytest.raises(PermissionDenied):
        m.set_filters(Filters(*ALL))
    assert m.rowCount() == 0 and not m.canFetchMore()


def test_a_language_switch_shows_the_cells_anew(qtbot, model):
    from loket import i18n

    language = i18n.language()
    _load(qtbot, model, Filters(*ALL, status="completed"))
    col = mod.SHOWN.index("status")
    changed = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    try:
        i18n.set_language("nl")
        model.retranslate()
        dutch = _cell(model, 3, col)
        i18n.set_language("en")
        model.retranslate()
        assert _cell(model, 3, col) == "Completed" != dutch
        assert model.headerData(0, mod.Qt.Orientation.Horizontal) == "Visit date"
        assert changed[-1] == (0, model.rowCount() - 1)
    finally:
        i18n.set_language(language)


def test_a_model_deleted_while_counting_ignores_the_late_count(qtbot, ldb, monkeypatch):  # noqa: F811
    release = threading.Event()
    real = repo.anchors

    def slow_anchors(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, "anchors", slow_anchors)
    m = ReferralLogModel(context(ldb, role="supervisor", username="chef"))
    m.set_filters(Filters(*ALL))
    qtbot.waitUntil(lambda: m.rowCount() == P, timeout=5000)
    m.close()
    m.deleteLater()
    qtbot.wait(10)
    release.set()
    wait_for_all()
    qtbot.wait(10)  # the late results are delivered here, to nothing


def test_needs_are_words_in_the_ui_language(qtbot, model, ldb):  # noqa: F811
    """The export keeps the codes (debts, housing); the screen shows the needs' names, in
    the UI language, with the whole text in the tooltip."""
    from loket import i18n
    from loket.db import reference

    language = i18n.language()
    col = mod.SHOWN.index("needs")
    labels_nl = {r["code"]: r["label_nl"] for r in reference.codes(ldb, "need")}
    try:
        i18n.set_language("nl")
        _load(qtbot, model, Filters(*ALL))
        row = next(r for r in range(model.rowCount()) if model.row(r).needs)
        codes = [c.strip() for c in model.row(row).needs.split(",")]
        assert _cell(model, row, col) == ", ".join(labels_nl[c] for c in codes)
        tip = model.data(model.index(row, col), mod.Qt.ItemDataRole.ToolTipRole)
        assert tip == _cell(model, row, col)
        i18n.set_language("en")
        model.retranslate()
        english = {r["code"]: r["label_en"] for r in reference.codes(ldb, "need")}
        assert _cell(model, row, col) == ", ".join(english[c] for c in codes)
    finally:
        i18n.set_language(language)


def test_a_database_error_is_said_in_the_users_language(qtbot, model, monkeypatch):
    """SQLite's own text is English and technical: the supervisor reads Loket's message,
    the detail goes to the log."""
    import sqlite3

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(repo, "anchors", broken)
    with qtbot.waitSignal(model.failed, timeout=10_000) as failed:
        model.set_filters(Filters(*ALL))
    assert failed.args == [_("The referral log could not be read.")]
    assert model.error == _("The referral log could not be read.")
    assert not model.scanning
