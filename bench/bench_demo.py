"""Demo data: `loket demo --visitors N` (wall time, database size, rows), versus the floor:
SQLite alone writing the same number of rows into the same tables (a recursive CTE, no
Python per row, same pragmas) and building the same indexes and full-text index afterwards.
The ratio says what generating realistic rows in Python costs on top of SQLite's own work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.common import ROOT, Figure, Section, file_size, mib, python_env

TABLES = ("visitor", "visitor_search", "visit", "visit_need", "referral", "referral_event")
PARENT = {"visitor_id": "visitor", "visit_id": "visit", "referral_id": "referral"}
STAMP = "build.json"


def source_hash() -> str:
    """What the demo database depends on: the generator and the schema."""
    import hashlib

    h = hashlib.sha256()
    files = [*sorted((ROOT / "loket" / "demo").glob("*.py")), ROOT / "loket" / "db" / "bulk.py"]
    files += sorted((ROOT / "loket" / "counter" / "names").glob("*.py"))
    files += sorted((ROOT / "loket" / "db" / "migrations").glob("*.sql"))
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def counts(db_file: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def _remove(db_file: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(f"{db_file}{suffix}")
        if p.exists():
            p.unlink()


def ensure(data_dir: Path, visitors: int, *, rebuild: bool = False) -> dict:
    """Build the demo database unless one made today by the same generator is there."""
    db_file = data_dir / "loket.sqlite"
    stamp_file = data_dir / STAMP
    wanted = source_hash()
    if not rebuild and db_file.exists() and stamp_file.exists():
        stamp = json.loads(stamp_file.read_text())
        if (
            stamp.get("source") == wanted
            and stamp.get("visitors") == visitors
            and stamp.get("date") == date.today().isoformat()
        ):
            stamp["reused"] = True
            return stamp
    data_dir.mkdir(parents=True, exist_ok=True)
    _remove(db_file)
    stamp_file.unlink(missing_ok=True)
    print(f"building the demo database: {visitors:,} visitors in {data_dir} ...", flush=True)
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "--data-dir",
            str(data_dir),
            "demo",
            "--visitors",
            str(visitors),
        ],
        env=python_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before if cpu_before is not None else None
    if proc.returncode != 0:
        raise RuntimeError(f"loket demo failed: {proc.stderr[-2000:]}")
    stamp = {
        "visitors": visitors,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "size": file_size(db_file),
        "rows": counts(db_file),
        "date": date.today().isoformat(),
        "source": wanted,
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    stamp_file.write_text(json.dumps(stamp, indent=2))
    stamp["reused"] = False
    return stamp


def _children_cpu() -> float | None:
    """User + system CPU seconds of finished child processes (the demo command and its
    generator process): unlike wall time, this does not grow when other work shares the
    machine."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _value(table: str, column: str, rows: dict[str, int]) -> str:
    """An SQL expression for `column` of row i: valid for the constraints, of realistic width."""
    uuid = "printf('%08x-%04x-7000-8000-%012x', {n} / 65536, {n} % 65536, {n})"
    if column == "id":
        return uuid.format(n="i")
    if column in PARENT:
        return uuid.format(n=f"(i % {max(1, rows[PARENT[column]])})")
    if column.endswith("_id") or column == "workstation":
        return "'00000000-0000-7000-8000-000000000001'"
    if column == "text":
        return "printf('ayse yilmaz %010d 1980-05-01 01-05-1980 31612345678 0612345678', i)"
    fixed = {
        "given_names": "'Ayşe'",
        "family_name": "'Yılmaz'",
        "date_of_birth": "'1980-05-01'",
        "v_number": "printf('%010d', i)",
        "phone": "'+31612345678'",
        "preferred_language": "'tr'",
        "language": "'tr'",
        "interpreter_needed": "0",
        "status": "'done'" if table == "visit" else "'completed'",
        "to_status": "'completed'",
        "handover": "'cold'",
        "need_code": f"printf('need%d', i / {max(1, rows['visit'])})",
        "topic_code": "NULL",
        "visit_date": "'2025-06-01'",
        "summary": "''",
        "outcome": "''",
        "note": "''",
    }
    if column in fixed:
        return fixed[column]
    if column.endswith("_at") or column == "at":
        return "'2025-06-01T10:00:00Z'"
    return "NULL"


def floor_seconds(work_dir: Path, rows: dict[str, int]) -> float:
    """SQLite alone: the same rows, pragmas, index builds and full-text rebuild."""
    from loket.db import bulk
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.demo import generate as demo

    columns = {
        "visitor": demo.VISITOR_COLS,
        "visitor_search": ("visitor_id", "text"),
        "visit": demo.VISIT_COLS,
        "visit_need": demo.NEED_COLS,
        "referral": demo.REFERRAL_COLS,
        "referral_event": demo.EVENT_COLS,
    }
    work_dir.mkdir(parents=True, exist_ok=True)
    db_file = work_dir / "floor.sqlite"
    _remove(db_file)
    db = Database(db_file)
    migrate(db)
    try:
        start = time.perf_counter()
        bulk.fast_writes(db, True)
        with bulk.suspended_indexes(db, TABLES):
            for table in TABLES:
                cols = columns[table]
                values = ", ".join(_value(table, c, rows) for c in cols)
                with db.transaction():
                    db.execute(
                        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                        f" WHERE i < {rows[table]}) INSERT INTO {table} ({', '.join(cols)})"
                        f" SELECT {values} FROM n"
                    )
        bulk.analyze(db)
        bulk.fast_writes(db, False)
        return time.perf_counter() - start
    finally:
        db.close()
        _remove(db_file)


def run(data_dir: Path, stamp: dict) -> Section:
    section = Section("Demo data")
    rows = stamp["rows"]
    floor = floor_seconds(data_dir.parent / "floor", rows)
    goal_s = 120
    section.figures.append(
        Figure(
            f"loket demo --visitors {stamp['visitors']:,}",
            stamp["seconds"],
            "s",
            baseline=floor,
            baseline_name="SQLite alone: same rows, indexes, FTS",
            goal=f"well under {goal_s} s",
            met=stamp["seconds"] < goal_s,
        )
    )
    if stamp.get("cpu_seconds"):
        section.figures.append(
            Figure(
                "CPU time of the demo command (both processes)",
                stamp["cpu_seconds"],
                "s",
                note="does not grow with other load on the machine",
            )
        )
    section.figures.append(Figure("database size", mib(stamp["size"]), "MiB"))
    section.notes.append(
        "Rows: "
        + ", ".join(f"{t} {n:,}" for t, n in rows.items())
        + (
            f"; built {stamp['date']}"
            + (" (reused from an earlier run today)" if stamp.get("reused") else " in this run")
        )
        + (
            f"; load average at the end of the build {stamp['load'][0]:.1f}"
            if stamp.get("load")
            else ""
        )
    )
    return section
