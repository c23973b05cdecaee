"""Names: the evaluation set (recall@10, false variant matches) and typing a whole name
keystroke by keystroke, in Latin and other scripts, against bare FTS5 MATCH; the size of the
name-key index and the time its build adds to `loket demo`.

`python -m bench.bench_names --visitors 20000` runs it at a small size (a demo database of
that many visitors in bench/work/) and writes its section into bench/RESULTS.md; `make
bench` runs it on the full demo database.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench import bench_search
from bench.common import RESULTS, ROOT, WORK_DIR, Figure, Section


def _evaluation() -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "tests/counter/test_name_matching.py",
            "-k",
            "recall",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    m = re.search(r"recall@10 ([\d.]+)% of (\d+); false variants ([\d.]+)% of (\d+)", out)
    if not m:
        return {}
    return {"recall": float(m[1]), "pairs": int(m[2]), "false": float(m[3]), "unrelated": int(m[4])}


def _index(db_path: Path) -> dict:
    from loket.db.connection import Database

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        size = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'visitor_name_key%'"
        ).fetchone()[0]
        fts = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'visitor_fts%'"
        ).fetchone()[0]
        visitors, rows = conn.execute(
            "SELECT (SELECT count(*) FROM visitor), (SELECT count(*) FROM visitor_name_key)"
        ).fetchone()
    finally:
        conn.close()
    # the build `loket demo` runs after its load (loket.db.bulk), timed on a copy
    copy = db_path.with_name("names-build.sqlite")
    src = sqlite3.connect(db_path)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    db = Database(copy)
    db.execute("DELETE FROM visitor_name_key")
    start = time.perf_counter()
    with db.transaction():
        db.execute(
            "INSERT OR IGNORE INTO visitor_name_key (key, visitor_id) SELECT j.value, v.id"
            " FROM visitor v, json_each(loket_name_keys(v.given_names, v.family_name,"
            " v.latin_given_names, v.latin_family_name)) j ORDER BY 1, 2"
        )
    build = time.perf_counter() - start
    db.close()
    for p in copy.parent.glob(copy.name + "*"):
        p.unlink()
    return {"bytes": size, "fts": fts, "visitors": visitors, "rows": rows, "build": build}


def run(db_path: Path) -> Section:
    section = Section("Names")
    ev = _evaluation()
    if ev:
        section.figures.append(
            Figure(
                f"recall@10 ({ev['pairs']} registered → typed pairs)",
                ev["recall"],
                "%",
                goal=">= 95 %",
                met=ev["recall"] >= 95,
            )
        )
        section.figures.append(
            Figure(
                f"false variant matches ({ev['unrelated']} unrelated names)",
                ev["false"],
                "%",
                goal="<= 2 %",
                met=ev["false"] <= 2,
            )
        )
    section.notes.append(
        "Evaluation set: `tests/data/name_variants.tsv` (sources in its header), run by the"
        " suite (`tests/counter/test_name_matching.py`). Recall@10: the registered visitor is"
        " among the first 10 results when the typed spelling is searched, with every"
        " registered spelling of the set and the demo names as other visitors. A false variant"
        " match: an unrelated typed name returns the paired registered visitor as another"
        " spelling, script, sound-alike or typo. Names that differ in vowels only (Maria /"
        " Mira) do count as other spellings: Arabic script writes no short vowels."
    )
    m = bench_search.measure_keystrokes(db_path)
    section.figures += bench_search.keystroke_figures(m)
    idx = _index(db_path)
    section.figures.append(
        Figure(
            f"name-key index on disk ({idx['rows']:,} keys)",
            idx["bytes"] / 1e6,
            "MB",
            baseline=idx["fts"] / 1e6,
            baseline_name="the FTS5 trigram index",
        )
    )
    section.figures.append(Figure("time the key build adds to loket demo", idx["build"], "s"))
    section.notes.append(
        f"Measured on {idx['visitors']:,} demo visitors: {m['keystrokes']} keystrokes (2"
        f" characters up to the whole name), {m['found']} with at least one result, warm cache."
    )
    return section


def _render(section: Section) -> str:
    from bench.run import _fmt

    lines = [
        "## Names",
        "",
        "| Figure | Value | Baseline | Ratio | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    for f in section.figures:
        base = f"{_fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline else "—"
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        met = "—" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(
            f"| {f.name} | {_fmt(f.value, f.unit)} | {base} | {ratio} | {f.goal or '—'} | {met} |"
        )
    return "\n".join([*lines, "", *section.notes, ""])


def main(argv: list[str] | None = None) -> int:
    from bench import bench_demo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=20_000)
    args = parser.parse_args(argv)
    data_dir = WORK_DIR / f"demo-{args.visitors}"
    bench_demo.ensure(data_dir, args.visitors)
    section = run(data_dir / "loket.sqlite")
    text = _render(section)
    if args.visitors < 1_000_000:
        text += (
            f"\nThis is a small run ({args.visitors:,} visitors, `python -m bench.bench_names"
            f" --visitors {args.visitors}`). The figures at 1,000,000 visitors (keystroke p95"
            " and max, index size, build time) are still to be measured with `make bench`.\n"
        )
    results = RESULTS.read_text("utf-8") if RESULTS.exists() else ""
    results = re.sub(r"\n## Names\n.*?(?=\n## |\Z)", "", results, flags=re.S).rstrip()
    RESULTS.write_text(results + "\n\n" + text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
