"""UI responsiveness: the longest stall of the event loop while (1) the counter opens a visitor
with 500 visits and scrolls that visitor's history to the end, and (2) a table of referrals
is scrolled from the top to the end.  Goal: no single stall over 50 ms.

A stall is measured, not guessed: a 1 ms precise QTimer ticks while the action runs, each
step of the action is posted to the event loop (as a user's key presses would be), and the
longest gap between two ticks is the longest time the user could not have been answered.
The baseline is the same monitor over an idle event loop for the same time.

Run as a child process by bench/run.py (it needs its own QApplication, offscreen):
    python bench/bench_ui.py DB_PATH   -> prints one JSON object
"""

from __future__ import annotations

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
SCROLL_SECONDS = 90.0  # cap on scrolling a very long table to its end
MARKER = "bench_visitor_500"


def prepare_visitor(db_path: Path) -> str:
    """The visitor with 500 visits, made once through the core (intake) like counter staff
    would, on 500 different days."""
    from loket import intake
    from loket.context import Context
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
    from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer
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

    def run_steps(steps, settle_ms: int = 200) -> dict:
        """Post each step to the event loop one after another; monitor the whole time."""
        queue = list(steps) if not callable(steps) else None

        def next_step() -> None:
            if queue is not None:
                if queue:
                    queue.pop(0)()
                    QTimer.singleShot(0, next_step)
                    return
            elif steps():
                QTimer.singleShot(0, next_step)
                return
            QTimer.singleShot(settle_ms, finish)

        def finish() -> None:
            app.quit()

        monitor.start()
        QTimer.singleShot(0, next_step)
        app.exec()
        return monitor.stop()

    out: dict = {}
    db = Database(db_path)
    staff = from_row(Staff, staff_repo.by_username(db, "balie"))
    desk = from_row(Desk, reference.desks(db)[0])
    ctx = Context(db=db, user=staff, desk=desk, origin="app")

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

    # (2) Scroll a table of referrals from the top to the end.
    name, cls = _referral_log_model()
    if cls is not None:
        model = cls(ctx)
        load = model.reload if hasattr(model, "reload") else (lambda: None)
        label = name
    else:
        from ui.models.followups_model import FollowupsModel

        model = FollowupsModel(ctx)
        load = model.set_scope  # every desk: the largest referral list the UI has today
        label = "ui.models.followups_model.FollowupsModel (no referral-log model yet)"
    out["referral_open"] = run_steps([load])  # count + first page, as when the list opens
    total = getattr(model, "total", None)
    view = QTableView()
    view.setModel(model)
    view.resize(1000, 700)
    view.show()
    app.processEvents()
    deadline = time.perf_counter() + SCROLL_SECONDS

    def scroll_log() -> bool:
        view.scrollToBottom()
        return model.canFetchMore() and time.perf_counter() < deadline

    scroll = run_steps(scroll_log)
    scroll.update(
        model=label, rows=model.rowCount(), total=total, reached_end=not model.canFetchMore()
    )
    out["referral_log"] = scroll
    db.close()
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
    ro = m.get("referral_open")
    if ro:
        section.figures.append(
            Figure(
                "open that referral list (count and first page): longest stall",
                ro["max_ms"],
                "ms",
                baseline=idle,
                baseline_name="idle event loop",
                goal=goal,
                met=ro["max_ms"] <= GOAL_STALL_MS,
            )
        )
    rl = m["referral_log"]
    end = "to the end" if rl["reached_end"] else f"for {SCROLL_SECONDS:g} s (end not reached)"
    section.figures.append(
        Figure(
            f"scroll {rl['total']} referrals {end}, {rl['rows']} rows loaded: longest stall",
            rl["max_ms"],
            "ms",
            baseline=idle,
            baseline_name="idle event loop",
            goal=goal,
            met=rl["max_ms"] <= GOAL_STALL_MS and rl["reached_end"],
            note=f"{rl['over_50']} gaps over 50 ms in {rl['seconds']:.1f} s",
        )
    )
    section.notes.append(f"Referral table measured: `{rl['model']}`.")
    return section


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))
