"""The one way Loket runs work off the UI thread: `run_in_background(fn, on_done, on_error)`.

The function runs on Qt's global thread pool; its result (or exception) comes back on the
main thread through a queued signal, so callbacks may touch widgets.  No ad-hoc threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    """Lives on the main thread; signals emitted by the pool thread are queued to its slots."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done, on_error) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_done(self, value) -> None:
        _live.discard(self)
        if self._on_done:
            self._on_done(value)

    @Slot(object)
    def _deliver_error(self, err) -> None:
        _live.discard(self)
        if self._on_error:
            self._on_error(err)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as err:
            self.relay.failed.emit(err)
        else:
            self.relay.done.emit(result)


_live: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> _Relay:
    relay = _Relay(on_done, on_error)
    _live.add(relay)
    QThreadPool.globalInstance().start(_Job(fn, relay))
    return relay


def wait_for_all(msecs: int = 30_000) -> bool:
    return QThreadPool.globalInstance().waitForDone(msecs)
