"""Start-up: from process start until the first window is shown and the event loop is idle
(`loket --exit-when-ready` on the demo database), versus a bare PySide6 script that shows one
empty QMainWindow (bench/baseline_window.py).  Both are timed from spawn to exit, alternately,
and the medians compared.  Goal: ratio <= 1.5."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH_DIR, Figure, Section, median, ms, python_env

RUNS = 9
GOAL_RATIO = 1.5


def _time(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=python_env(), timeout=300
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr[-1500:]}")
    return elapsed


def measure(data_dir: Path, runs: int = RUNS) -> tuple[list[float], list[float]]:
    app = ["-m", "loket", "--data-dir", str(data_dir), "--exit-when-ready"]
    base = [str(BENCH_DIR / "baseline_window.py")]
    _time(app)  # warm the file cache and the bytecode of both once
    _time(base)
    app_times, base_times = [], []
    for _ in range(runs):
        app_times.append(_time(app))
        base_times.append(_time(base))
    return app_times, base_times


def startup_check(db_file: Path) -> tuple[float, float, float]:
    """What the real start now runs before the login window (ui/startup.py ->
    backup.open_problems: the file opens, has Loket's tables and a schema version), which
    `--exit-when-ready` skips; the full integrity_check + foreign_key_check it used to run
    there now runs on a worker thread after sign-in, at most once a day (timed too, for the
    record).  Baseline: reading the whole file once, sequentially."""
    import sqlite3

    from loket import backup

    start = time.perf_counter()
    problems = backup.open_problems(db_file)
    cheap = time.perf_counter() - start
    if problems:
        raise RuntimeError(f"the start-up look found problems: {problems[:3]}")
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        start = time.perf_counter()
        backup.check_connection(conn)
        full = time.perf_counter() - start
    finally:
        conn.close()
    start = time.perf_counter()
    with open(db_file, "rb", buffering=0) as fh:
        while fh.read(8 << 20):
            pass
    return cheap, full, time.perf_counter() - start


def run(data_dir: Path) -> Section:
    app_times, base_times = measure(data_dir)
    app_med, base_med = median(app_times), median(base_times)
    ratio = app_med / base_med
    section = Section("Start-up")
    section.figures.append(
        Figure(
            f"loket --exit-when-ready (median of {RUNS})",
            ms(app_med),
            "ms",
            baseline=ms(base_med),
            baseline_name="bare PySide6 QMainWindow",
            goal=f"ratio <= {GOAL_RATIO}",
            met=ratio <= GOAL_RATIO,
        )
    )
    section.figures.append(
        Figure(
            "loket fastest run",
            ms(min(app_times)),
            "ms",
            baseline=ms(min(base_times)),
            baseline_name="bare PySide6 fastest run",
        )
    )
    try:
        cheap, full, read = startup_check(data_dir / "loket.sqlite")
    except ImportError as err:
        section.notes.append(f"Start-up check not measured ({err}).")
    else:
        total = (app_med + cheap) / base_med
        section.figures.append(
            Figure(
                "start-up check of a normal start (the database opens and is Loket's)",
                cheap * 1000,
                "ms",
                baseline=ms(base_med),
                baseline_name="bare PySide6 QMainWindow",
                goal=f"start-up with it: ratio <= {GOAL_RATIO}",
                met=total <= GOAL_RATIO,
                note=(
                    "before the login window, which --exit-when-ready skips; start-up with "
                    f"it {ms(app_med + cheap):.0f} ms, ratio {total:.2f}"
                ),
            )
        )
        section.figures.append(
            Figure(
                "full integrity_check + foreign_key_check (worker thread after sign-in, "
                "once a day)",
                full * 1000,
                "ms",
                baseline=read * 1000,
                baseline_name="reading the whole file once",
                note="staff do not wait for it; on damage writes are refused with a banner",
            )
        )
    return section


if __name__ == "__main__":
    a, b = measure(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5)
    print("app", [round(ms(x)) for x in a], "baseline", [round(ms(x)) for x in b])
    print("ratio of medians", median(a) / median(b))
