"""ui.workers: results and errors come back on the main thread, and the worker never holds
the last reference to what the job captured."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, QThread

from ui import workers


def test_result_and_error_come_back_on_the_main_thread(qtbot):
    main = QThread.currentThread()
    seen: list = []

    def job():
        assert QThread.currentThread() is not main
        return 42

    def broken():
        raise ValueError("no")

    workers.run_in_background(job, lambda v: seen.append(("done", v, QThread.currentThread())))
    workers.run_in_background(
        broken, None, lambda e: seen.append(("error", str(e), QThread.currentThread()))
    )
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert sorted((kind, value) for kind, value, _t in seen) == [("done", 42), ("error", "no")]
    assert all(thread is main for _k, _v, thread in seen)
    assert workers._jobs == {} and workers._results == {}


class _Captured(QObject):
    """Notes the thread it was deleted on."""

    deleted_on: list = []

    def __del__(self) -> None:
        _Captured.deleted_on.append(threading.current_thread() is threading.main_thread())


def test_what_a_job_captures_is_let_go_on_the_main_thread(qtbot):
    """The job and its callbacks capture a QObject and nothing else keeps it: whichever
    thread finishes first, its last reference goes on the main thread."""
    _Captured.deleted_on.clear()
    released = []
    for i in range(30):
        captured = _Captured()

        def job(obj=captured):
            raise RuntimeError(obj.objectName())  # the traceback holds it too

        workers.run_in_background(job, None, lambda _e, obj=captured: released.append(1))
        del captured, job
        qtbot.waitUntil(lambda n=i + 1: len(released) == n, timeout=5000)
    workers.wait_for_all()
    qtbot.waitUntil(lambda: len(released) == 30, timeout=5000)
    gc.collect()
    assert len(_Captured.deleted_on) == 30
    assert all(_Captured.deleted_on)
