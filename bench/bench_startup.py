"""Start-up: from process start until the first window is shown and the event loop is idle
(`loket --exit-when-ready` on the demo database), versus a bare PySide6 script that shows one
empty QMainWindow (bench/baseline_window.py).  Goal: ratio <= 1.5.

Both are timed from spawn to exit in back-to-back pairs; the ratio is the median of the
pairs' ratios.  This machine is shared and its speed drifts from one second to the next: a
pair sees the same machine, and the median of the pairs is not moved by a few runs that
another process slowed down (the medians of each side are shown too).  The CPU time of both
processes (user + system) is reported beside it: it does not grow while the process waits
for a CPU that another one holds.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH_DIR, Figure, Section, median, ms, python_env

RUNS = 15
GOAL_RATIO = 1.5


def _cpu_of_children() -> float:
    try:
        import resource
    except ImportError:  # Windows: CPU time is not reported
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of Python with `args`."""
    cpu = _cpu_of_children()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=python_env(), timeout=300
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr[-1500:]}")
    return elapsed, _cpu_of_children() - cpu


def measure(data_dir: Path, runs: int = RUNS) -> tuple[list[tuple], list[tuple]]:
    """[(wall, cpu)] of the app and of the bare window, run in pairs, the order in each pair
    alternating (neither always gets the warmer machine)."""
    app = ["-m", "loket", "--data-dir", str(data_dir), "--exit-when-ready"]
    base = [str(BENCH_DIR / "baseline_window.py")]
    _time(app)  # warm the file cache and the bytecode of both once
    _time(base)
    app_runs, base_runs = [], []
    for i in range(runs):
        if i % 2:
            base_runs.append(_time(base))
            app_runs.append(_time(app))
        else:
            app_runs.append(_time(app))
            base_runs.append(_time(base))
    return app_runs, base_runs


def paired(app: list[float], base: list[float]) -> float:
    return median([a / b for a, b in zip(app, base, strict=True) if b > 0])


def startup_check(db_file: Path) -> tuple[float, float, float]:
    """What the real start now runs before the login window (ui/startup.py ->
    backup.open_problems: the file opens, has Loket's tables and a schema version), which
    `--exit-when-ready` skips; the full integrity_check + foreign_key_check it used to run
    there now runs on a worker thread after sign-in, at most once a day (timed too, for the
    record).  Baseline: reading the whole file once, sequentially."""
    import sqlite3

    from loket.privacy import backup

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
    app_runs, base_runs = measure(data_dir)
    app_wall, base_wall = [w for w, _c in app_runs], [w for w, _c in base_runs]
    app_med, base_med = median(app_wall), median(base_wall)
    ratio = paired(app_wall, base_wall)
    section = Section("Start-up")
    section.figures.append(
        Figure(
            f"loket --exit-when-ready (median of {RUNS} back-to-back pairs)",
            ms(app_med),
            "ms",
            baseline=ms(base_med),
            baseline_name="bare PySide6 QMainWindow",
            goal=f"ratio <= {GOAL_RATIO}",
            met=ratio <= GOAL_RATIO,
            paired_ratio=ratio,
            note=f"ratio of the medians {app_med / base_med:.2f}",
        )
    )
    section.figures.append(
        Figure(
            "loket fastest run",
            ms(min(app_wall)),
            "ms",
            baseline=ms(min(base_wall)),
            baseline_name="bare PySide6 fastest run",
        )
    )
    app_cpu, base_cpu = [c for _w, c in app_runs], [c for _w, c in base_runs]
    if median(base_cpu) > 0:
        section.figures.append(
            Figure(
                "CPU time of the start (user + system, median)",
                ms(median(app_cpu)),
                "ms",
                baseline=ms(median(base_cpu)),
                baseline_name="bare PySide6 QMainWindow",
                paired_ratio=paired(app_cpu, base_cpu),
            )
        )
    try:
        cheap, full, read = startup_check(data_dir / "loket.sqlite")
    except ImportError as err:
        section.notes.append(f"Start-up check not measured ({err}).")
    else:
        total = ratio * (app_med + cheap) / app_med
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
    print("app", [round(ms(w)) for w, _c in a], "baseline", [round(ms(w)) for w, _c in b])
    print("ratio of medians", median([w for w, _ in a]) / median([w for w, _ in b]))
    print("median of paired ratios", paired([w for w, _ in a], [w for w, _ in b]))
    print("CPU: median of paired ratios", paired([c for _, c in a], [c for _, c in b]))
