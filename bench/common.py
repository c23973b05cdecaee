"""What every benchmark shares: where the demo database lives, timing statistics, the
machine description, and the shape of a result.

Every figure is reported next to a baseline measured in the same run, because this machine's
speed drifts (other processes share its two CPUs); the ratio is the figure to compare across
runs, the absolute value says how long a user waits today.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / "work"
RESULTS = BENCH_DIR / "RESULTS.md"
DEMO_VISITORS = int(os.environ.get("LOKET_BENCH_VISITORS", "1000000"))

if str(ROOT) not in sys.path:  # `python bench/run.py` from the checkout
    sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    """One measured quantity, optionally with its baseline and a goal."""

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: str = ""  # e.g. "ratio <= 1.5" or "<= 16 ms"
    met: bool | None = None
    note: str = ""
    # Set when the ratio is not value / baseline: e.g. the median of paired ratios, each of a
    # run and its baseline measured back to back (the medians of each side then only shown).
    paired_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.paired_ratio is not None:
            return self.paired_ratio
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: bool = True


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def python_env() -> dict[str, str]:
    """The environment for child processes: the checkout on the path, Qt offscreen."""
    env = dict(os.environ)
    # An installed Loket (pip, or the PyInstaller bundle) runs from compiled bytecode; with
    # PYTHONDONTWRITEBYTECODE set, every measured start would compile Loket's modules from
    # source again (~35 ms) -- a cost no counter PC pays.  The warm-up run writes the caches.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def run_json(args: list[str], timeout: float = 1800) -> dict:
    """Run a child Python script that prints one JSON object on its last line of stdout."""
    proc = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=python_env(),
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1])


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "n/a"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import sqlite3

    try:
        import PySide6

        qt = PySide6.__version__
    except ImportError:
        qt = "not installed"
    return {
        "OS": platform.platform(),
        "CPU": f"{cpu}, {os.cpu_count()} logical CPUs",
        "Memory": memory,
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "SQLite": sqlite3.sqlite_version,
        "PySide6": qt,
    }


def file_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def mib(size: int) -> float:
    return size / 1024 / 1024
