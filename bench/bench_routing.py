"""Routing: the suggestion call the referral panel makes for a visit
(`loket.directory.routing.suggest`, limit 10, as the demo counter clerk) over visits drawn from
the whole visit table, versus the bare reads it cannot do without (the visit with its desk and
visitor, its needs, the candidate services' rows); goal p95 <= 20 ms at a million visitors.
Also the evaluation set of tests/directory/routing_evaluation.py on this database (with its
outcome history): how many visits get a careful clerk's pick on top; goal >= 90 %.

    python -m bench.bench_routing --visitors 2000 [--record]

builds (or reuses) a demo database of that size; `--record` puts the section into
bench/RESULTS.md (`make bench` writes it with every other section).
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import time
from pathlib import Path

from bench.common import RESULTS, WORK_DIR, Figure, Section, ms, percentile

GOAL_P95_MS = 20.0
MILLION = 1_000_000
SAMPLES = 300


def _visit_ids(db_path: Path, n: int, seed: int = 21) -> list[str]:
    """n visits spread over the whole table (by rowid), the same for the same database."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(rowid) FROM visit").fetchone()[0] or 0
        rng = random.Random(seed)
        ids = []
        for _ in range(n):
            row = conn.execute(
                "SELECT id FROM visit WHERE rowid >= ? LIMIT 1", (rng.randrange(1, top + 1),)
            ).fetchone()
            if row:
                ids.append(row[0])
        return ids
    finally:
        conn.close()


def measure(db_path: Path) -> dict:
    from loket.context import Context
    from loket.db import directory as dir_repo
    from loket.db import referrals as ref_repo
    from loket.db import staff as staff_repo
    from loket.db.connection import Database
    from loket.directory import routing
    from loket.model import Staff, from_row
    from tests.directory import routing_evaluation as evaluation

    visits = _visit_ids(db_path, SAMPLES)
    db = Database(db_path)
    staff = staff_repo.by_username(db, "balie")
    ctx = Context(db=db, user=from_row(Staff, staff) if staff else None, origin="app")

    def bare(visit_id: str) -> None:
        ref_repo.visit_info(db, visit_id)
        dir_repo.candidates(db, ref_repo.visit_needs(db, visit_id))

    for visit_id in visits[:30]:  # warm the page cache and the code paths
        routing.suggest(ctx, visit_id, limit=10)
        bare(visit_id)
    loket_times, bare_times = [], []
    for visit_id in visits:
        start = time.perf_counter()
        routing.suggest(ctx, visit_id, limit=10)
        loket_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare(visit_id)
        bare_times.append(time.perf_counter() - start)
    outcomes = evaluation.evaluate(lambda needs, **kw: routing.rank(ctx, needs, **kw))
    visitors = db.scalar("SELECT count(*) FROM visitor")
    referrals = db.scalar("SELECT count(*) FROM referral")
    db.close()
    return {
        "loket": loket_times,
        "bare": bare_times,
        "hits": sum(o.hit for o in outcomes),
        "cases": len(outcomes),
        "uncovered": sum(bool(o.uncovered) for o in outcomes),
        "missed": [
            f"{o.case.desk} {'+'.join(o.case.needs)}: {o.top}" for o in outcomes if not o.hit
        ],
        "visitors": visitors,
        "referrals": referrals,
    }


def run(db_path: Path) -> Section:
    m = measure(db_path)
    section = Section("Routing")
    lt, bt = m["loket"], m["bare"]
    p95 = ms(percentile(lt, 95))
    at_scale = m["visitors"] >= MILLION
    section.figures.append(
        Figure(
            "suggest p50",
            ms(percentile(lt, 50)),
            "ms",
            baseline=ms(percentile(bt, 50)),
            baseline_name="bare reads of the visit, its needs and candidates, p50",
        )
    )
    section.figures.append(
        Figure(
            f"suggest p95 at {m['visitors']:,} visitors",
            p95,
            "ms",
            baseline=ms(percentile(bt, 95)),
            baseline_name="bare reads p95",
            goal=f"p95 <= {GOAL_P95_MS:g} ms" + ("" if at_scale else " (goal is at 1,000,000)"),
            met=(p95 <= GOAL_P95_MS) if at_scale else None,
        )
    )
    section.figures.append(Figure("suggest max", ms(max(lt)), "ms"))
    share = m["hits"] / m["cases"]
    section.figures.append(
        Figure(
            f"evaluation set: a careful clerk's pick on top ({m['hits']} of {m['cases']} visits)",
            100 * share,
            "%",
            goal=">= 90 %",
            met=share >= 0.9,
        )
    )
    section.notes.append(
        f"{len(lt)} visits drawn over the whole visit table; {m['visitors']:,} visitors, "
        f"{m['referrals']:,} referrals. Visits whose list leaves a need uncovered in the "
        f"evaluation set: {m['uncovered']}."
    )
    if not at_scale:
        section.notes.append(
            "Not measured at a million visitors in this run (a smoke run at the size above). "
            "The call reads the visit by key, the directory's candidate services (their needs, "
            "languages and locations in three queries) and the outcome counts from "
            "referral_outcome_tally (kept by triggers, one row per service, location and "
            "outcome): no step reads a number of rows that grows with visitors or referrals."
        )
    if m["missed"]:
        section.notes.append("Not on top: " + "; ".join(m["missed"]))
    return section


def record(section: Section, visitors: int, results: Path = RESULTS) -> None:
    """Put this section (and its goal rows) into RESULTS.md in place of an earlier one."""
    from datetime import UTC, datetime

    from bench.run import render

    rendered = render([section], datetime.now(UTC), 0.0, ("-", "-"))
    goal_rows = [line for line in rendered.splitlines() if line.startswith("| Routing |")]
    body = rendered[rendered.index("\n## Routing\n") :].strip("\n")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body += (
        f"\n\nRecorded by `python -m bench.bench_routing --visitors {visitors} --record` "
        f"on {stamp} (the rest of this file is from the full run above)."
    )
    text = results.read_text(encoding="utf-8") if results.exists() else rendered
    text = re.sub(r"\n## Routing\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip("\n")
    lines = [line for line in text.splitlines() if not line.startswith("| Routing |")]
    if "## Goals" in text:
        start = lines.index("## Goals")
        end = next(i for i in range(start + 3, len(lines) + 1) if i == len(lines) or not lines[i])
        lines[end:end] = goal_rows
    results.write_text("\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from bench import bench_demo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=2000)
    parser.add_argument("--record", action="store_true", help="write the section to RESULTS.md")
    args = parser.parse_args(argv)
    data_dir = WORK_DIR / f"demo-{args.visitors}"
    bench_demo.ensure(data_dir, args.visitors)
    section = run(data_dir / "loket.sqlite")
    for f in section.figures:
        ratio = f" ratio {f.ratio:.2f}" if f.ratio is not None else ""
        print(f"{f.name}: {f.value:.2f} {f.unit}{ratio}")
    print("\n".join(section.notes))
    if args.record:
        record(section, args.visitors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
