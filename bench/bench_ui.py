"""UI responsiveness: the longest stall of the event loop while (1) the counter opens a visitor
with 500 visits and scrolls that visitor's history to the end, and (2) a supervisor opens
the referral log over every referral (a million on the big demo database) and scrolls it
from the first row to the last: PageDowns, the scroll bar thumb dragged through the whole
range, PageDowns to the end.  Goal: no single stall over 50 ms, while opening (until the
count is in) as while scrolling.

A stall is measured, not guessed: a 1 ms precise QTimer ticks while the action runs, each
step of the action is posted to the event loop (as a user's key presses would be), and the
longest gap between two ticks is the longest time the user could not have been answered.
The baseline is the same monitor over an idle event loop for the same time.

Run as a child process by bench/run.py (it needs its own QApplication, offscreen):
    python bench/bench_ui.py DB_PATH   -> prints one JSON object
"""

from __future__ import annotations

import gc
import importlib
import json
import pkgutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, Section, run_json

GOAL_STALL_MS = 50.0
VISITS = 500
OPEN_SECONDS = 120.0  # cap on waiting for the referral log's count and anchors
PAGE_DOWNS = 20  # PageDown presses at the top of the referral log, and again at its end
DRAG_STEPS = 400  # positions of the scroll bar thumb dragged from the top to the bottom
MARKER = "bench_visitor_500"


def prepare_visitor(db_path: Path) -> str:
    """The visitor with 500 visits, made once through the core (intake) like counter staff
    would, on 500 different days."""
    from loket.context import Context
    from loket.counter import intake
    from loket.db import reference
    from loket.db import staff as staff_repo
    from loket.db.connection import Database
    from loket.model import Desk, Staff, Visit, VisitNeed, Visitor, from_row

    db = Database(db_path)
    try:
        existing = reference.get_setting(db, MARKER)
        if existing:
            return existing
        staff = from_row(Staff, staff_repo.by_username(db, "balie"))
        desk = from_row(Desk, reference.desks(db)[0])
        ctx = Context(db=db, user=staff, desk=desk, origin="cli")
        visitor = intake.register_visitor(
            ctx,
            Visitor(
                given_names="Vaste",
                family_name="Bezoeker-Vijfhonderd",
                date_of_birth="1970-01-01",
                preferred_language="nl",
            ),
            confirmed_new=True,
        )
        topics = [r["code"] for r in reference.codes(db, "topic")]
        needs = [r["code"] for r in reference.codes(db, "need")]
        first = date.today() - timedelta(days=VISITS)
        for i in range(VISITS):
            day = first + timedelta(days=i)
            intake.save_visit(
                ctx,
                Visit(
                    visitor_id=visitor.id,
                    visit_date=day.isoformat(),
                    arrived_at=f"{day.isoformat()}T10:00:00Z",
                    status="done",
                    topic_code=topics[i % len(topics)],
                    needs=[VisitNeed(needs[i % len(needs)], "")],
                    summary=f"Bezoek {i + 1}",
                ),
            )
        with db.transaction():
            reference.set_setting(db, MARKER, visitor.id)
        return visitor.id
    finally:
        db.close()


def _referral_log_model():
    """The referral-log table model, if the UI has one (a class named *ReferralLog*Model)."""
    import ui.models

    for info in pkgutil.iter_modules(ui.models.__path__):
        module = importlib.import_module(f"ui.models.{info.name}")
        for name, obj in vars(module).items():
            if "ReferralLog" in name and name.endswith("Model") and isinstance(obj, type):
                return f"ui.models.{info.name}.{name}", obj
    return None, None


def measure(db_path: Path) -> dict:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QTableView

    from loket.context import Context
    from loket.db import reference
    from loket.db import staff as staff_repo
    from loket.db.connection import Database
    from loket.model import Desk, Staff, from_row

    visitor_id = prepare_visitor(db_path)
    app = QApplication.instance() or QApplication(sys.argv[:1])

    class Monitor(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.timer = QTimer(self)
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(1)
            self.timer.timeout.connect(self.tick)
            self.clock = QElapsedTimer()
            self.gaps: list[float] = []
            self.last = 0.0

        def start(self) -> None:
            self.gaps = []
            self.clock.start()
            self.last = 0.0
            self.timer.start()

        def tick(self) -> None:
            now = self.clock.nsecsElapsed() / 1e6
            self.gaps.append(now - self.last)
            self.last = now

        def stop(self) -> dict:
            self.tick()
            self.timer.stop()
            gaps = sorted(self.gaps)
            return {
                "max_ms": gaps[-1] if gaps else 0.0,
                "p99_ms": gaps[int(len(gaps) * 0.99)] if gaps else 0.0,
                "over_50": sum(g > GOAL_STALL_MS for g in gaps),
                "ticks": len(gaps),
                "seconds": self.clock.nsecsElapsed() / 1e9,
            }

    monitor = Monitor()

    def run_steps(steps, settle_ms: int = 200, gap_ms: int = 0, keep_windows: bool = False) -> dict:
        """Post each step to the event loop one after another; monitor the whole time.
        `gap_ms`: the next step comes that much later (1 ms: the monitor's tick fits in
        between, so one gap never spans two steps, as a person's actions never would).
        `keep_windows`: run a local event loop, because app.quit() also closes the windows
        (Qt 6), and a hidden table paints nothing."""
        queue = list(steps) if not callable(steps) else None
        loop = QEventLoop() if keep_windows else app

        def next_step() -> None:
            if queue is not None:
                if queue:
                    queue.pop(0)()
                    QTimer.singleShot(gap_ms, next_step)
                    return
            elif steps():
                QTimer.singleShot(0, next_step)
                return
            QTimer.singleShot(settle_ms, finish)

        def finish() -> None:
            loop.quit()

        monitor.start()
        QTimer.singleShot(0, next_step)
        loop.exec()
        return monitor.stop()

    out: dict = {}
    db = Database(db_path)
    staff = from_row(Staff, staff_repo.by_username(db, "balie"))
    desk = from_row(Desk, reference.desks(db)[0])
    ctx = Context(db=db, user=staff, desk=desk, origin="app")
    # As the app's sign-in does before the first window: its audit row reads the subject key
    # (the first look at the key store, ~0.1 s while keyring finds its backend).
    from loket.privacy import audit

    audit.record(ctx, action="login", object_type="staff", object_id=staff.id)

    # Baseline: the same monitor over an idle event loop.
    out["idle"] = run_steps([lambda: None], settle_ms=1000)

    # (1) Open the visitor with 500 visits, then scroll the visit history to its end.
    from ui.main_window import VIEWS, MainWindow

    window = MainWindow(ctx)
    window.show()
    app.processEvents()
    # The first seconds after start-up, before the clerk's first action: the main window
    # prepares the views opened next (PRELOAD) in small steps; none may stall the loop.
    out["after_start"] = run_steps([lambda: None], settle_ms=2000)
    if "visitor" in VIEWS:
        view_holder: dict = {}

        def open_visitor() -> None:
            start = time.perf_counter()
            view_holder["view"] = window.show_view("visitor", visitor_id=visitor_id)
            view_holder["open_ms"] = (time.perf_counter() - start) * 1000

        out["open_visitor"] = run_steps([open_visitor])
        out["open_visitor"]["call_ms"] = view_holder["open_ms"]
        # Again, now that the view's code is loaded: what every later visitor costs.
        window.show_view("search")
        app.processEvents()
        out["open_again"] = run_steps([open_visitor])
        out["open_again"]["call_ms"] = view_holder["open_ms"]
        table = next(
            (t for t in view_holder["view"].findChildren(QTableView) if t.model() is not None),
            None,
        )
        if table is not None:
            model = table.model()

            def scroll_history() -> bool:
                table.scrollToBottom()
                return model.canFetchMore()

            out["visit_history"] = run_steps(scroll_history)
            out["visit_history"]["rows"] = model.rowCount()
    else:
        out["open_visitor"] = {"missing": "no 'visitor' view registered"}

    # (2) The supervisors' referral log: open it over every referral, then scroll it from
    # the top to the last row as a person would.
    out.update(measure_referral_log(db, app, monitor, run_steps))
    db.close()
    return out


def measure_referral_log(db, app, monitor, run_steps) -> dict:
    """Open the referral log (reload, then wait for its count and anchors while the monitor
    runs), then scroll: PAGE_DOWNS PageDowns at the top, the scroll bar thumb dragged
    through the whole range in DRAG_STEPS posted steps, PageDowns to the very last row."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QTableView

    from loket.context import Context
    from loket.db import reference
    from loket.db import staff as staff_repo
    from loket.db.exports import Filters
    from loket.model import Desk, Staff, from_row

    name, cls = _referral_log_model()
    if cls is None:
        return {"referral_log": {"missing": "no *ReferralLog*Model in ui/models"}}
    from ui.views.referral_log_view import configure_table

    supervisor = from_row(Staff, staff_repo.by_username(db, "supervisor"))
    desk = from_row(Desk, reference.desks(db)[0])
    ctx = Context(db=db, user=supervisor, desk=desk, origin="app")
    model = cls(ctx)
    model.filters = Filters("2000-01-01", date.today().isoformat())  # every referral
    out: dict = {}

    # The table is on screen while the log opens, as in the view: the first page is painted
    # and a million rows are inserted into a shown table.
    view = QTableView()
    view.setModel(model)
    configure_table(view)
    view.resize(1000, 700)
    view.show()
    app.processEvents()
    start = time.perf_counter()
    # audit entry, first query started on a worker thread
    out["referral_open"] = run_steps([model.reload], settle_ms=0, keep_windows=True)

    def wait_ready() -> dict:
        """The monitor runs until the count and anchors are in (no busy loop meanwhile)."""
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(20)
        deadline = time.perf_counter() + OPEN_SECONDS

        def check() -> None:
            if model.total is not None or model.error or time.perf_counter() > deadline:
                poll.stop()
                QTimer.singleShot(200, loop.quit)

        poll.timeout.connect(check)
        monitor.start()
        poll.start()
        loop.exec()
        return monitor.stop()

    ready = wait_ready()
    ready["ready_s"] = time.perf_counter() - start
    ready["error"] = model.error
    out["referral_ready"] = ready
    total = model.total or 0

    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    app.processEvents()
    bar = view.verticalScrollBar()
    fetched_before = model.pages_fetched
    most_cached = 0

    def note_cache() -> None:
        nonlocal most_cached
        most_cached = max(most_cached, model.cached_pages())

    # Each step paints at once (repaint), as a person's PageDown or mouse move is shown
    # before the next one comes; without it Qt would fold several steps into one paint.
    def page_down() -> None:
        QTest.keyClick(view, Qt.Key.Key_PageDown)
        view.viewport().repaint()
        note_cache()

    def drag_to(i: int) -> None:
        bar.setValue(round(bar.maximum() * i / DRAG_STEPS))
        view.viewport().repaint()
        note_cache()

    def to_last_row() -> None:
        # the thumb is at the end; the current row follows with PageDown as a person would
        view.setCurrentIndex(view.indexAt(view.viewport().rect().topLeft()))
        note_cache()

    steps = [page_down] * PAGE_DOWNS
    steps += [lambda i=i: drag_to(i) for i in range(1, DRAG_STEPS + 1)]
    steps += [to_last_row] + [page_down] * PAGE_DOWNS
    pauses: list[float] = []

    def gc_pause(phase: str, info: dict) -> None:  # how long Python's collector held the loop
        if phase == "start":
            gc_pause.started = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - gc_pause.started) * 1000)

    gc.callbacks.append(gc_pause)
    try:
        scroll = run_steps(steps, gap_ms=1, keep_windows=True)
    finally:
        gc.callbacks.remove(gc_pause)
    last = total - 1
    bottom_row = view.indexAt(view.viewport().rect().bottomLeft()).row()
    cells = [model.data(model.index(last, c)) for c in range(model.columnCount())]
    last_row = model.row(last) if total else None  # the oldest referral, read from the db
    scroll.update(
        model=name,
        rows=model.rowCount(),
        total=model.total,
        current_row=view.currentIndex().row(),
        bottom_row=bottom_row,
        last_row_cells=sum(bool(c) for c in cells),
        last_row_empty=[
            model.headerData(c, Qt.Orientation.Horizontal) for c, v in enumerate(cells) if not v
        ],
        last_row_real=last_row is not None and all(cells[:2]) and bool(cells[-1]),
        columns=model.columnCount(),
        pages_fetched=model.pages_fetched - fetched_before,
        most_cached_pages=most_cached,
        cached_pages=model.cached_pages(),
        drag_steps=DRAG_STEPS,
        gc_runs=len(pauses),
        gc_max_ms=max(pauses, default=0.0),
        page_downs=2 * PAGE_DOWNS,
        reached_end=model.rowCount() == total > 0 and view.currentIndex().row() == last,
        table_shown=view.isVisible(),
    )
    out["referral_log"] = scroll
    view.close()
    model.close()
    return out


def run(db_path: Path) -> Section:
    m = run_json([str(Path(__file__).resolve()), str(db_path)], timeout=1800)
    section = Section("UI responsiveness")
    idle = m["idle"]["max_ms"]
    goal = f"longest stall <= {GOAL_STALL_MS:g} ms"
    after = m.get("after_start")
    if after:
        section.figures.append(
            Figure(
                "first 2 s after the window is shown (views prepared meanwhile): longest stall",
                after["max_ms"],
                "ms",
                baseline=idle,
                baseline_name="idle event loop",
                goal=goal,
                met=after["max_ms"] <= GOAL_STALL_MS,
            )
        )
    ov = m["open_visitor"]
    if "missing" in ov:
        section.notes.append(f"Opening a visitor: not measured ({ov['missing']}).")
    else:
        section.figures.append(
            Figure(
                f"then open a visitor with {VISITS} visits: longest stall",
                ov["max_ms"],
                "ms",
                baseline=idle,
                baseline_name="idle event loop, longest gap",
                goal=goal,
                met=ov["max_ms"] <= GOAL_STALL_MS,
                note=f"show_view() itself {ov['call_ms']:.1f} ms",
            )
        )
    again = m.get("open_again")
    if again:
        section.figures.append(
            Figure(
                "open it again (view code already loaded): longest stall",
                again["max_ms"],
                "ms",
                baseline=idle,
                baseline_name="idle event loop",
                goal=goal,
                met=again["max_ms"] <= GOAL_STALL_MS,
                note=f"show_view() itself {again['call_ms']:.1f} ms",
            )
        )
    vh = m.get("visit_history")
    if vh:
        section.figures.append(
            Figure(
                f"scroll the visit history to the end ({vh['rows']} rows): longest stall",
                vh["max_ms"],
                "ms",
                baseline=idle,
                baseline_name="idle event loop",
                goal=goal,
                met=vh["max_ms"] <= GOAL_STALL_MS,
            )
        )
    rl = m["referral_log"]
    if "missing" in rl:
        section.notes.append(f"Referral log: not measured ({rl['missing']}).")
        return section
    ro, ready = m["referral_open"], m["referral_ready"]
    opening = max(ro["max_ms"], ready["max_ms"])
    total = rl["total"] or 0
    section.figures.append(
        Figure(
            f"open the referral log over every referral ({total:,}): longest stall until its"
            " count and anchors are in",
            opening,
            "ms",
            baseline=idle,
            baseline_name="idle event loop",
            goal=goal,
            met=opening <= GOAL_STALL_MS and not ready.get("error"),
            note=(
                f"reload() {ro['max_ms']:.1f} ms; count and anchors after {ready['ready_s']:.1f} s"
                f" (off the UI thread; the first page shows at once); {ready['over_50']} gaps"
                " over 50 ms" + (f"; failed: {ready['error']}" if ready.get("error") else "")
            ),
        )
    )
    section.figures.append(
        Figure(
            f"scroll it to the end: {rl['page_downs']} PageDowns, the thumb dragged in"
            f" {rl['drag_steps']} steps, to row {rl['current_row'] + 1:,} of {total:,}:"
            " longest stall",
            rl["max_ms"],
            "ms",
            baseline=idle,
            baseline_name="idle event loop",
            goal=goal,
            met=rl["max_ms"] <= GOAL_STALL_MS
            and rl["reached_end"]
            and rl["last_row_real"]
            and rl["table_shown"],
            note=(
                f"p99 {rl['p99_ms']:.1f} ms, {rl['over_50']} gaps over 50 ms in"
                f" {rl['seconds']:.1f} s; {rl['pages_fetched']} pages read; at most"
                f" {rl['most_cached_pages']} pages in memory; the last row shows"
                f" {rl['last_row_cells']} of {rl['columns']} cells"
                + (f" (empty: {', '.join(rl['last_row_empty'])})" if rl["last_row_empty"] else "")
            ),
        )
    )
    section.notes.append(f"Referral table measured: `{rl['model']}`.")
    return section


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))
