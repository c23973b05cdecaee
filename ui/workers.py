"""The one way Loket runs work off the UI thread: `run_in_background(fn, on_done, on_error)`.

The function runs on Qt's global thread pool; its result (or exception) comes back on the
main thread through a queued signal, so callbacks may touch widgets.  No ad-hoc threads.

The worker never holds the last reference to anything of the caller's.  The function and
the callbacks stay in `_jobs` (main thread) until the result is delivered; the worker lets
go of the function, hands the result (or the exception, whose traceback may hold the
function's variables) over under a lock and lets go of it too, and only then reports the
job's number through one QObject that lives as long as the app.  Otherwise a Qt object the
job captured (a model, a relay) could be deleted on the worker thread whenever the main
thread happened to let go first -- a crash in Qt.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Dispatcher(QObject):
    """Made once, on the main thread: the workers' results are queued to its slot."""

    finished = Signal(int)  # the job's number; its result waits in _results

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)

    @Slot(int)
    def _deliver(self, job_id: int) -> None:
        with _lock:
            ok, value = _results.pop(job_id)
        job = _jobs.pop(job_id, None)
        if job is None:
            return
        _fn, on_done, on_error = job
        callback = on_done if ok else on_error
        if callback is not None:
            callback(value)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.job_id = job_id
        self.fn: Callable[[], Any] | None = fn
        self.setAutoDelete(True)

    def run(self) -> None:
        fn, self.fn = self.fn, None
        try:
            value, ok = fn(), True
        except BaseException as err:
            value, ok = err, False
        del fn  # the main thread still holds it in _jobs: this is never the last reference
        with _lock:
            _results[self.job_id] = (ok, value)
        del value  # now only _results holds it, for the main thread to take
        _dispatcher().finished.emit(self.job_id)


_jobs: dict[int, tuple[Callable, Callable | None, Callable | None]] = {}  # main thread only
_results: dict[int, tuple[bool, object]] = {}  # under _lock
_ids = itertools.count(1)
_the_dispatcher: _Dispatcher | None = None
_lock = threading.Lock()


def _dispatcher() -> _Dispatcher:
    global _the_dispatcher
    with _lock:
        if _the_dispatcher is None:  # first use is run_in_background, on the main thread
            _the_dispatcher = _Dispatcher()
        return _the_dispatcher


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> int:
    """Run `fn` on the thread pool; `on_done(result)` or `on_error(exception)` follow on
    the main thread.  Returns the job's number."""
    _dispatcher()
    job_id = next(_ids)
    _jobs[job_id] = (fn, on_done, on_error)
    QThreadPool.globalInstance().start(_Job(job_id, fn))
    return job_id


def wait_for_all(msecs: int = 30_000) -> bool:
    return QThreadPool.globalInstance().waitForDone(msecs)
