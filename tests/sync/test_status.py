"""read_status: what the status line shows, from the contract's tables only."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from loket.sync.status import SyncStatus, describe, read_status
from tests.sync.support import conflict, enrol, set_state, waiting


def test_a_pc_that_never_synced_is_calm(db):
    status = read_status(db)
    assert status == SyncStatus(None, None, None, 0, 0, None, False)


def test_reads_times_reachability_waiting_and_conflicts(db):
    enrol(db)
    set_state(
        db,
        last_attempt_at="2026-12-04T11:45:00Z",
        last_success_at="2026-12-04T11:40:00Z",
        hub_reachable="0",
        last_error_code="unreachable",
        last_error="connect timeout to hub:5432",
    )
    waiting(db, 14)
    conflict(db, "visitor", "v1", "phone", base="1", hub="2", incoming="3")
    resolved = conflict(db, "visitor", "v1", "email", base=None, hub="a@b.nl", incoming="c@d.nl")
    db.execute("UPDATE sync_conflict SET resolved_at = 'x' WHERE id = ?", (resolved,))
    status = read_status(db)
    assert status.enrolled is True
    assert status.last_attempt_at == datetime(2026, 12, 4, 11, 45, tzinfo=UTC)
    assert status.last_success_at == datetime(2026, 12, 4, 11, 40, tzinfo=UTC)
    assert status.hub_reachable is False
    assert status.waiting == 14
    assert status.conflicts_open == 1
    assert status.error_code == "unreachable"


def test_odd_values_say_less_never_something_wrong(db):
    set_state(db, last_success_at="yesterday", hub_reachable="maybe", last_error_code="boom")
    status = read_status(db)
    assert status.last_success_at is None
    assert status.hub_reachable is None
    assert status.error_code == "other"
    set_state(db, hub_reachable="1", last_error_code="")
    assert read_status(db).hub_reachable is True
    assert read_status(db).error_code is None


def _status(**kw):
    base = dict(
        last_attempt_at=None,
        last_success_at=None,
        hub_reachable=None,
        waiting=0,
        conflicts_open=0,
        error_code=None,
        enrolled=True,
    )
    return SyncStatus(**{**base, **kw})


@pytest.fixture
def english_utc(monkeypatch):
    from loket import i18n

    language = i18n.language()
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    i18n.set_language("en")
    yield
    i18n.set_language(language)
    monkeypatch.undo()
    time.tzset()


def test_the_sentences(english_utc):
    now = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
    at = datetime(2026, 12, 4, 12, 3, tzinfo=UTC)
    assert "not connected" in describe(_status(enrolled=False, waiting=3), now)
    online = _status(last_success_at=at, hub_reachable=True)
    assert describe(online, now) == "Updated at 12:03"  # 24-hour, as every time on screen
    offline = _status(
        last_success_at=datetime(2026, 12, 4, 11, 40, tzinfo=UTC),
        hub_reachable=False,
        error_code="unreachable",
        waiting=14,
    )
    assert describe(offline, now) == "No connection since 11:40 — 14 changes waiting"
    assert describe(_status(hub_reachable=False, waiting=1), now) == (
        "No connection yet — 1 change waiting"
    )
    cert = describe(_status(hub_reachable=True, error_code="certificate"), now)
    assert "administrator" in cert and "certificate" in cert
    assert describe(_status(last_success_at=at, conflicts_open=2), now) == (
        "Updated at 12:03 · 2 conflicts to decide"
    )
    yesterday = datetime(2026, 12, 3, 17, 5, tzinfo=UTC)
    earlier = describe(_status(last_success_at=yesterday), now)
    assert earlier == "Updated at Dec 3, 2026 17:05"  # another day: date and time
