"""Export: the referral log of about 1,000,000 referrals to CSV with `loket export referrals`,
against `sqlite3 -csv` running the very same query on the same file.

Both run as child processes; each one's peak memory is its own `ru_maxrss` (from wait4), so
the figure includes Python, SQLite's page cache and the writer.  Goals: time ratio <= 2,
peak <= 150 MB.  The period is chosen from the first visit month on, month by month, until
it holds at least TARGET referrals (all of them when the database has fewer).  The database
must be a demo database (`loket demo`): the export signs in as its "supervisor" account.

Standalone: python bench/bench_export.py DATA_DIR_OR_DB_FILE
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from calendar import monthrange
from pathlib import Path

if __package__ in (None, ""):  # `python bench/bench_export.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Figure, Section, python_env

TARGET = 1_000_000
GOAL_RATIO = 2.0
GOAL_PEAK_MB = 150.0
RUNS = 2  # alternating baseline/export; the best of each counts (the machine is shared)


def _db_file(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path / "loket.sqlite" if db_path.is_dir() else db_path


def choose_period(db_file: Path, target: int = TARGET) -> tuple[str, str, int]:
    """(first day, last day, referrals) of the shortest run of whole months from the start
    holding at least `target` referrals."""
    from loket.db import exports as repo
    from loket.db.connection import Database

    db = Database(db_file)
    try:
        with repo.reader(db) as conn:
            months = repo.referrals_per_month(conn, repo.Filters("0000-01-01", "9999-12-31"))
    finally:
        db.close()
    if not months:
        raise RuntimeError(f"{db_file} holds no referrals; make it with `loket demo`")
    total = 0
    last = months[-1][0]
    for month, n in months:
        total += n
        if total >= target:
            last = month
            break
    year, mon = int(last[:4]), int(last[5:7])
    end = f"{last}-{monthrange(year, mon)[1]:02d}"
    return f"{months[0][0]}-01", end, total


def _run(cmd: list[str], *, stdout=None, env=None) -> tuple[float, float]:
    """(seconds, peak resident MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def measure(db_path: Path, runs: int = RUNS) -> dict:
    from loket.db import exports as repo

    sqlite3_bin = shutil.which("sqlite3")
    if sqlite3_bin is None:
        raise RuntimeError("the sqlite3 shell is not installed (apt-get install sqlite3)")
    db_file = _db_file(db_path)
    date_from, date_to, expected = choose_period(db_file)
    sql, params = repo.referral_sql(repo.Filters(date_from, date_to))
    env = python_env()
    env["LOKET_PASSWORD"] = "demo"
    with tempfile.TemporaryDirectory(prefix="loket-bench-export-") as tmp:
        query = Path(tmp) / "query.sql"
        query.write_text(repo.inline_sql(sql, params) + ";\n", encoding="utf-8")
        out = Path(tmp) / "export.csv"
        export_cmd = [
            sys.executable,
            "-m",
            "loket",
            "--data-dir",
            str(db_file.parent),
            "export",
            "referrals",
            "--from",
            date_from,
            "--to",
            date_to,
            "--format",
            "csv",
            "--out",
            str(out),
            "--user",
            "supervisor",
            "--quiet",
        ]
        base_times, base_peaks, exp_times, exp_peaks = [], [], [], []
        for _i in range(runs):
            with open(Path(tmp) / "baseline.csv", "wb") as fh:
                t, peak = _run(
                    [sqlite3_bin, "-csv", "-bail", f"file:{db_file}?mode=ro", f".read {query}"],
                    stdout=fh,
                )
            base_times.append(t)
            base_peaks.append(peak)
            t, peak = _run(export_cmd, env=env)
            exp_times.append(t)
            exp_peaks.append(peak)
        with open(out, "rb") as fh:
            rows = sum(1 for _line in fh) - 1  # no field of the pseudonymised log holds a newline
        with open(Path(tmp) / "baseline.csv", "rb") as fh:
            base_rows = sum(1 for _line in fh)
        out_mb = out.stat().st_size / 1024 / 1024
    export_s, base_s = min(exp_times), min(base_times)
    return {
        "period": [date_from, date_to],
        "referrals": expected,
        "rows_written": rows,
        "baseline_rows": base_rows,
        "export_seconds": export_s,
        "baseline_seconds": base_s,
        "export_times": exp_times,
        "baseline_times": base_times,
        "rows_per_second": rows / export_s if export_s else None,
        "baseline_rows_per_second": base_rows / base_s if base_s else None,
        "ratio": export_s / base_s if base_s else None,
        "peak_mb": max(exp_peaks),
        "baseline_peak_mb": max(base_peaks),
        "csv_mb": out_mb,
        "goal_ratio": GOAL_RATIO,
        "goal_peak_mb": GOAL_PEAK_MB,
        "ratio_met": bool(base_s) and export_s / base_s <= GOAL_RATIO,
        "peak_met": max(exp_peaks) <= GOAL_PEAK_MB,
    }


def run(db_path) -> dict:
    """The measurement as a dict (see measure()); `section()` turns it into a report part."""
    return measure(Path(db_path))


def section(result: dict) -> Section:
    s = Section("Referral-log export (CSV)")
    s.figures.append(
        Figure(
            "export time",
            result["export_seconds"],
            "s",
            baseline=result["baseline_seconds"],
            baseline_name="sqlite3 -csv, same query",
            goal=f"ratio <= {GOAL_RATIO:g}",
            met=result["ratio_met"],
        )
    )
    s.figures.append(
        Figure(
            "rows per second",
            result["rows_per_second"],
            "rows/s",
            baseline=result["baseline_rows_per_second"],
            baseline_name="sqlite3 -csv",
        )
    )
    s.figures.append(
        Figure(
            "peak memory (ru_maxrss)",
            result["peak_mb"],
            "MB",
            baseline=result["baseline_peak_mb"],
            baseline_name="sqlite3 -csv",
            goal=f"<= {GOAL_PEAK_MB:g} MB",
            met=result["peak_met"],
        )
    )
    s.notes.append(
        f"{result['rows_written']:,} referrals, visit dates {result['period'][0]} to "
        f"{result['period'][1]}; {result['csv_mb']:.0f} MB of CSV; best of "
        f"{len(result['export_times'])} runs each, alternating.  The export's time includes "
        "Python start-up, sign-in (Argon2) and the audit entry."
    )
    return s


if __name__ == "__main__":
    import json

    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
