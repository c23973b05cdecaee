"""The referral log's core: the same referrals as the export, pages by key without gaps or
duplicates (ties on created_at included), pseudonymised rows, permission and audit."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from loket.db import exports as export_repo
from loket.db import referral_log as repo
from loket.db.connection import Database
from loket.db.exports import Filters
from loket.db.migrate import migrate
from loket.demo import generate as demo
from loket.errors import PermissionDenied, ValidationError
from loket.referrals import log as referral_log
from loket.referrals.log import LogRow
from loket.reports import exports
from tests.helpers import context, copy_database

TODAY = date(2026, 6, 30)
ALL = ("2020-01-01", "2026-12-31")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A few thousand demo referrals, with one large group of equal created_at values."""
    path = tmp_path_factory.mktemp("log") / "loket.sqlite"
    db = Database(path)
    migrate(db)
    demo.generate(db, visitors=2500, seed=5, today=TODAY)
    with db.transaction():
        # 40 referrals made in the same second: a tie that spans several pages
        db.execute(
            "UPDATE referral SET created_at = '2026-03-02T10:00:00Z' WHERE rowid IN"
            " (SELECT rowid FROM referral ORDER BY rowid LIMIT 40 OFFSET 900)"
        )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def ldb(tmp_path, demo_template, monkeypatch):
    target = tmp_path / "data"
    copy_database(demo_template, target)
    monkeypatch.setenv("LOKET_DATA_DIR", str(target))
    database = Database(target / "loket.sqlite")
    yield database
    database.close()


def _sup(db):
    return context(db, role="supervisor", username="chef", desk_code="ZWL")


def _expected_keys(db, filters: Filters) -> list[tuple[str, int]]:
    """The log's order worked out the slow way: every matching referral, sorted in Python."""
    where, params = filters.referral_where()
    rows = db.conn.execute(
        f"SELECT r.created_at, r.rowid {export_repo._REFERRAL_FROM} WHERE {where}", params
    ).fetchall()
    return sorted(((a, b) for a, b in rows), reverse=True)


def _some(db, sql: str) -> str:
    return db.scalar(sql)


def _filters(db) -> list[dict]:
    org = _some(
        db,
        "SELECT o.id FROM organisation o JOIN service s ON s.organization_id = o.id"
        " JOIN referral r ON r.service_id = s.id GROUP BY o.id"
        " ORDER BY count(*) DESC LIMIT 1",
    )
    svc = _some(
        db, "SELECT service_id FROM referral GROUP BY service_id ORDER BY count(*) DESC LIMIT 1"
    )
    need = _some(
        db, "SELECT need_code FROM visit_need GROUP BY need_code ORDER BY count(*) LIMIT 1"
    )
    desk = _some(db, "SELECT code FROM desk ORDER BY code LIMIT 1")
    return [
        {"date_from": ALL[0], "date_to": ALL[1]},
        {"date_from": "2026-04-01", "date_to": "2026-06-30"},
        {"date_from": ALL[0], "date_to": ALL[1], "desk_code": desk},
        {"date_from": ALL[0], "date_to": ALL[1], "partner": org},
        {"date_from": ALL[0], "date_to": ALL[1], "partner": svc},
        {"date_from": ALL[0], "date_to": ALL[1], "need": need},
        {"date_from": ALL[0], "date_to": ALL[1], "status": "completed"},
        {
            "date_from": "2026-01-01",
            "date_to": "2026-03-31",
            "desk_code": desk,
            "status": "proposed",
        },
        {"date_from": "2019-01-01", "date_to": "2019-12-31"},  # nothing
    ]


def _all_pages(log, anchors) -> list[LogRow]:
    out: list[LogRow] = []
    for k in range(anchors.pages):
        page = log.page(anchors, k)
        assert len(page) == anchors.page_length(k)
        out += page
    return out


def test_count_equals_the_export_count_for_the_same_filters(ldb):
    ctx = _sup(ldb)
    seen = set()
    for kwargs in _filters(ldb):
        log = referral_log.open_log(ctx, page_size=50, **kwargs)
        anchors = log.scan()
        exported = export_repo.count_referrals(ldb.conn, log.filters)
        assert anchors.total == exported, kwargs
        seen.add(exported)
    assert 0 in seen and max(seen) > 2000 and len(seen) >= 6  # the filters really differ


def test_the_count_is_the_number_of_rows_an_export_writes(ldb, tmp_path):
    ctx = _sup(ldb)
    log = referral_log.open_log(ctx, date_from="2026-01-01", date_to="2026-06-30")
    result = exports.export_referrals(
        ctx, date_from="2026-01-01", date_to="2026-06-30", fmt="csv", out_path=tmp_path / "x.csv"
    )
    assert log.scan().total == result.rows > 300


@pytest.mark.parametrize("page_size", [7, 100])
def test_pages_cover_the_log_in_order_without_gaps_or_duplicates(ldb, page_size):
    ctx = _sup(ldb)
    for kwargs in _filters(ldb)[:4]:
        log = referral_log.open_log(ctx, page_size=page_size, **kwargs)
        first: list[LogRow] = []
        anchors = log.scan(first.extend)
        expected = _expected_keys(ldb, log.filters)
        got = [row.key for row in _all_pages(log, anchors)]
        assert got == expected, kwargs
        assert first == _all_pages(log, anchors)[:page_size]
        assert anchors.pages == -(-len(expected) // page_size)
        # keyset paging from the top (the list before the scan is done) gives the same rows
        keyset: list[tuple[str, int]] = []
        after = None
        while batch := log.rows_after(after, page_size):
            keyset += [r.key for r in batch]
            after = batch[-1].key
        assert keyset == expected


def test_pages_of_one_row(ldb):
    log = referral_log.open_log(
        _sup(ldb), date_from="2026-04-01", date_to="2026-06-30", status="sent", page_size=1
    )
    anchors = log.scan()
    expected = _expected_keys(ldb, log.filters)
    assert 10 < anchors.total == len(expected) == anchors.pages
    assert [r.key for r in _all_pages(log, anchors)] == expected


def test_ties_on_created_at_cross_page_boundaries(ldb):
    log = referral_log.open_log(_sup(ldb), date_from=ALL[0], date_to=ALL[1], page_size=7)
    anchors = log.scan()
    tied = [k for k in anchors.keys if k[0] == "2026-03-02T10:00:00Z"]
    assert len(tied) >= 4  # several pages start inside the group of 40
    rows = [r.key for r in _all_pages(log, anchors) if r.key[0] == "2026-03-02T10:00:00Z"]
    assert len(rows) == len(set(rows)) >= 40


def test_far_pages_are_index_walks_without_a_sort(ldb):
    """Whatever the filters, a page starts with a seek on referral_created and reads on from
    there in the index's order: no sort of the selection, no OFFSET."""
    upper, lower = ("2026-03-02T10:00:00Z", 5000), ("2026-02-01T00:00:00Z", 1)
    for kwargs in _filters(ldb):
        filters = Filters(**kwargs)
        for sql, params in (
            repo.rows_sql(filters, upper=upper, lower=lower, limit=50),
            repo.rows_sql(filters, upper=upper, limit=50, upper_included=False),
        ):
            plan = repo.query_plan(ldb.conn, sql, params)
            assert plan[0].startswith("SEARCH r USING INDEX referral_created (created_at"), plan
            assert not any("TEMP B-TREE" in step for step in plan), (kwargs, plan)
            assert "OFFSET" not in sql


def test_rows_are_pseudonymised(ldb):
    ctx = _sup(ldb)
    log = referral_log.open_log(ctx, date_from=ALL[0], date_to=ALL[1])
    anchors = log.scan()
    rows = _all_pages(log, anchors)
    secret = set()
    for r in ldb.all("SELECT id, given_names, family_name, v_number, bsn, phone FROM visitor"):
        secret.update(v for v in tuple(r) if v)
    values = {v for row in rows for v in vars(row).values() if isinstance(v, str)}
    assert not values & secret
    assert set(vars(rows[0])) == {
        "key",
        "visit_date",
        "desk",
        "staff",
        "needs",
        "partner",
        "service",
        "handover",
        "status",
        "follow_up_date",
        "visitor",
    }
    # one visitor keeps one code within an opening, and the same code in the next one
    by_visit = {}
    for row in rows:
        rowid = row.key[1]
        vid = ldb.scalar(
            "SELECT v.visitor_id FROM referral r JOIN visit v ON v.id = r.visit_id"
            " WHERE r.rowid = ?",
            (rowid,),
        )
        by_visit.setdefault(vid, set()).add(row.visitor)
        if len(by_visit) > 200:
            break
    assert all(len(codes) == 1 for codes in by_visit.values())
    again = referral_log.open_log(ctx, date_from=ALL[0], date_to=ALL[1]).scan()
    other = referral_log.open_log(ctx, date_from=ALL[0], date_to=ALL[1])
    assert other.page(again, 0)[0].visitor == log.page(anchors, 0)[0].visitor


def test_opening_is_audited_with_its_filters_and_nothing_identifying(ldb):
    ctx = _sup(ldb)
    referral_log.open_log(ctx, date_from="2026-01-01", date_to="2026-03-31", status="sent")
    row = ldb.one(
        "SELECT * FROM audit_log WHERE action = 'referral_log.open' ORDER BY rowid DESC LIMIT 1"
    )
    assert row["actor"] == "chef" and row["result"] == "ok"
    detail = json.loads(row["detail"])
    assert detail == {
        "from": "2026-01-01",
        "to": "2026-03-31",
        "desk": None,
        "partner": None,
        "need": None,
        "status": "sent",
    }


def test_counter_staff_may_not_open_the_log(ldb):
    ctx = context(ldb, role="balie")
    before = ldb.scalar("SELECT count(*) FROM audit_log WHERE result = 'refused'")
    with pytest.raises(PermissionDenied):
        referral_log.open_log(ctx, date_from=ALL[0], date_to=ALL[1])
    assert ldb.scalar("SELECT count(*) FROM audit_log WHERE result = 'refused'") == before + 1
    assert ldb.scalar("SELECT count(*) FROM audit_log WHERE action = 'referral_log.open'") == 0
    # an opened log stops answering when a counter colleague takes over the context
    sup = _sup(ldb)
    log = referral_log.open_log(sup, date_from=ALL[0], date_to=ALL[1])
    sup.user = ctx.user
    with pytest.raises(PermissionDenied):
        log.rows_after(None)


def test_bad_filters_get_the_exports_messages_and_write_nothing(ldb, tmp_path):
    ctx = _sup(ldb)
    count = ldb.scalar("SELECT count(*) FROM audit_log")
    cases = [
        {"date_from": "2026-13-01", "date_to": "2026-12-31"},
        {"date_from": "2026-06-01", "date_to": "2026-05-01"},
        {"date_from": "2026-01-01", "date_to": "2026-05-01", "desk_code": "NOPE"},
        {"date_from": "2026-01-01", "date_to": "2026-05-01", "partner": "nobody"},
        {"date_from": "2026-01-01", "date_to": "2026-05-01", "need": "nothing"},
        {"date_from": "2026-01-01", "date_to": "2026-05-01", "status": "lost"},
    ]
    for kwargs in cases:
        with pytest.raises(ValidationError) as ours:
            referral_log.open_log(ctx, **kwargs)
        with pytest.raises(ValidationError) as theirs:
            exports.export_referrals(ctx, fmt="csv", out_path=tmp_path / "x.csv", **kwargs)
        assert ours.value.errors == theirs.value.errors, kwargs
    assert ldb.scalar("SELECT count(*) FROM audit_log WHERE action = 'referral_log.open'") == 0
    assert ldb.scalar("SELECT count(*) FROM audit_log") == count


def test_removed_referrals_leave_short_pages_not_errors(ldb):
    log = referral_log.open_log(_sup(ldb), date_from=ALL[0], date_to=ALL[1], page_size=10)
    anchors = log.scan()
    page = log.page(anchors, 3)
    next_page = log.page(anchors, 4)
    with ldb.transaction():
        for row in page[2:5]:
            ldb.execute(
                "DELETE FROM referral_event WHERE referral_id ="
                " (SELECT id FROM referral WHERE rowid = ?)",
                (row.key[1],),
            )
            ldb.execute("DELETE FROM referral WHERE rowid = ?", (row.key[1],))
    after = log.page(anchors, 3)
    assert [r.key for r in after] == [r.key for r in page[:2] + page[5:]]
    assert log.page(anchors, 4) == next_page  # the next page keeps its rows: no overlap
    assert log.page(anchors, anchors.pages) == []


def test_a_stopped_scan_reads_nothing(ldb):
    log = referral_log.open_log(_sup(ldb), date_from=ALL[0], date_to=ALL[1])
    log.stop()
    with pytest.raises(sqlite3.OperationalError):
        log.scan()


def test_default_period_is_the_last_three_months():
    assert referral_log.default_period(date(2026, 6, 30)) == ("2026-03-30", "2026-06-30")
    assert referral_log.default_period(date(2026, 5, 31)) == ("2026-02-28", "2026-05-31")
    assert referral_log.default_period(date(2026, 2, 15)) == ("2025-11-15", "2026-02-15")
