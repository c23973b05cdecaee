"""The app's background sync: started on the worker thread, on demand and by a timer, only
when the PC is enrolled; the result comes back on the main thread."""

from __future__ import annotations

from loket.db import outbox
from tests.helpers import context


def test_not_enrolled_no_timer_and_no_sync(qtbot, db):
    from ui.background_sync import BackgroundSync

    hook = BackgroundSync(context(db))
    assert not hook.timer.isActive()
    assert hook.sync_now() is False


def test_enrolled_syncs_in_the_background(qtbot, db):
    from ui.background_sync import INTERVAL_MS, BackgroundSync

    with db.transaction():
        outbox.put_setting(db, "sync_enrolled", "1")
        outbox.put_setting(db, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    hook = BackgroundSync(context(db))
    assert hook.timer.isActive() and hook.timer.interval() == INTERVAL_MS
    with qtbot.waitSignal(hook.finished, timeout=20_000) as got:
        assert hook.sync_now() is True
        assert hook.sync_now() is False  # one at a time
    assert got.args[0].error_code == "unreachable"
    assert outbox.get_state(db, "last_error_code") == "unreachable"
    assert not hook.running
