"""read_status: what the status line shows, from the contract's tables only."""

from __future__ import annotations

from datetime import UTC, datetime

from loket.sync.status import SyncStatus, read_status
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
    waiting(db, 14, acked=3)
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
