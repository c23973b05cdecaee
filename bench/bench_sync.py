"""Sync: the hub's ingest of 20 PCs' changes against a plain INSERT and a COPY of the same
rows; the catch-up of 20 PCs after an outage; a new PC's first pull against a plain COPY of
the same rows out of the hub.  Runs on a throwaway PostgreSQL cluster (tests/pg.py).

    python -m bench.bench_sync [--per-pc 150] [--visitors 20000]

writes its section into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from loket.db.outbox import sync_workstation as ws_of

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, Figure, Section, mib

PCS = 20


def _pcs(template: Path, folder: Path, conn, dsn: str, per_pc: int):
    from loket.sync.enroll import install, issue_pc
    from tests import helpers
    from tests.pcs import new_pc

    pcs = []
    for n in range(PCS):
        db = new_pc(template, folder / f"pc{n}")
        install(db, issue_pc(conn, name=f"PC-{n}", desk_code="ZWL", dsn=dsn))
        pcs.append(db)
    return pcs, helpers


def run(per_pc: int = 150, visitors: int = 20_000) -> Section:
    import psycopg

    from loket.context import system_context
    from loket.db import hub as hub_repo
    from loket.db import outbox
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.directory import seed
    from loket.sync import exchange
    from loket.sync.enroll import init_hub, install, issue_pc
    from loket.sync.run import connection_settings, sync_now
    from tests.pg import Cluster, find_bindir

    section = Section("Sync")
    bindir = find_bindir()
    if bindir is None:
        section.available = False
        section.notes.append("Not available: PostgreSQL is not installed.")
        return section
    work = Path(tempfile.mkdtemp(prefix="loket-bench-sync-"))
    cluster = Cluster(bindir)
    cluster.init()
    cluster.start()
    dsn = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres"
    try:
        conn = psycopg.connect(dsn, autocommit=True)
        init_hub(conn)
        template = work / "template" / "loket.sqlite"
        template.parent.mkdir()
        tdb = Database(template)
        migrate(tdb)
        seed.load_all(tdb)
        from tests.helpers import make_staff

        make_staff(tdb, "balie", "balie")
        tdb.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tdb.close()
        pcs, helpers = _pcs(template, work, conn, dsn, per_pc)
        # the shared seed first, as a hub's first PC brings it
        sync_now(system_context(pcs[0]))
        for db in pcs:
            exchange.seal_pending(db, ws_of(db))
            with db.transaction():
                db.execute("DELETE FROM sync_outbox")
                db.execute("DELETE FROM sync_batch")
        # -- ingest: every PC's day of registrations, pushed -------------------------------
        for n, db in enumerate(pcs):
            ctx = helpers.context(db, "balie", "balie")
            for i in range(per_pc):
                helpers.visitor(ctx, family_name=f"F{n}-{i}", v_number=f"{n:02d}{i:08d}")
        entries = sum(outbox.waiting(db) for db in pcs)
        payloads = []
        for db in pcs:
            exchange.seal_pending(db, ws_of(db))
            for b in outbox.unacked_batches(db):
                payloads.extend(json.loads(b["payload"])["entries"])
        t0 = time.perf_counter()
        for db in pcs:
            with psycopg.connect(**connection_settings(db)) as pc_conn:
                exchange.push(db, pc_conn, ws_of(db))
        ingest = time.perf_counter() - t0
        rows = [(e["table"], e["row_id"] + "-b", json.dumps(e["new"])) for e in payloads]
        conn.execute("CREATE TABLE bench_insert (t text, id text, data jsonb)")
        t0 = time.perf_counter()
        with conn.cursor() as cur, conn.transaction():
            cur.executemany("INSERT INTO bench_insert VALUES (%s, %s, %s)", rows)
        insert = time.perf_counter() - t0
        t0 = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_insert FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        copy_s = time.perf_counter() - t0
        rate = entries / ingest
        section.figures.append(
            Figure(f"ingest, {PCS} PCs × {per_pc} registrations ({entries:,} changes)",
                   rate, "changes/s", baseline=entries / insert,
                   baseline_name="plain INSERT (executemany) of the same rows",
                   goal=">= 1,000 changes/s", met=rate >= 1000,
                   note=f"COPY of the same rows: {entries / copy_s:,.0f} changes/s")
        )  # fmt: skip
        # -- catch-up: every PC fetches the others' day ------------------------------------
        t0 = time.perf_counter()
        for db in pcs:
            sync_now(system_context(db))
        catch_up = time.perf_counter() - t0
        section.figures.append(
            Figure(f"catch-up of {PCS} PCs after an outage (each pulls the others' day)",
                   catch_up, "s", goal="<= 10 s", met=catch_up <= 10)
        )  # fmt: skip
        # -- first pull of a new PC -------------------------------------------------------
        conn.execute(
            "INSERT INTO loket.row (table_name, row_id, data, meta)"
            " SELECT 'visitor', 'bench-' || g, jsonb_build_object('id', 'bench-' || g,"
            " 'given_names', 'Amina', 'family_name', 'F' || g, 'v_number', lpad(g::text, 10,"
            " '9'), 'preferred_language', 'nl', 'interpreter_needed', 0, 'latin_given_names',"
            " '', 'latin_family_name', '', 'created_at', '2026-01-01T00:00:00Z', 'updated_at',"
            " '2026-01-01T00:00:00Z', 'workstation', 'bench'), '{}'"
            " FROM generate_series(1, %s) g",
            (visitors,),
        )
        total = hub_repo.count_rows(conn)
        (work / "new").mkdir()
        fresh = Database(work / "new" / "loket.sqlite")
        migrate(fresh)
        install(fresh, issue_pc(conn, name="NEW", desk_code="ZWL", dsn=dsn))
        t0 = time.perf_counter()
        with psycopg.connect(**connection_settings(fresh)) as pc_conn:
            exchange.pull(fresh, pc_conn)
        first = time.perf_counter() - t0
        fresh.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = (work / "new" / "loket.sqlite").stat().st_size
        fresh.close()
        t0 = time.perf_counter()
        sink = io.BytesIO()
        with conn.cursor() as cur, cur.copy("COPY (SELECT data FROM loket.row) TO STDOUT") as cp:
            for block in cp:
                sink.write(block)
        plain = time.perf_counter() - t0
        section.figures.append(
            Figure(f"first pull of a new PC ({total:,} rows, {visitors:,} visitors)", first, "s",
                   baseline=plain, baseline_name="COPY of the same rows out of the hub",
                   goal="<= 30 s at 1,000,000 visitors",
                   note=f"database after the pull: {mib(size):.0f} MiB")
        )  # fmt: skip
        if visitors < 1_000_000:
            projected = first * 1_000_000 / visitors
            section.notes.append(
                f"First pull: at this rate 1,000,000 visitors would take ~{projected:,.0f} s,"
                " so the goal of 30 s is not met. The pull applies row by row (a look for"
                " unsent local edits, then the insert with the search and name-key triggers);"
                " a bulk first pull into empty tables (triggers off and the derived tables"
                " rebuilt after, as `loket demo` loads) and a paged feed are the next step."
            )
        section.notes.append(
            "Each batch is applied in one transaction through the hub's SECURITY DEFINER"
            " functions, one call per change, merges one at a time; the PCs push one after"
            " the other from one process on this 2-core machine, shared with the hub."
        )
        for db in pcs:
            db.close()
        conn.close()
    finally:
        cluster.remove()
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return section


def _render(section: Section) -> str:
    lines = [f"## {section.title}", ""]
    lines += ["| figure | value | baseline | ratio | goal | met |", "| --- " * 6 + "|"]
    for f in section.figures:
        base = f"{f.baseline:,.2f} ({f.baseline_name})" if f.baseline is not None else "—"
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        met = "—" if f.met is None else ("yes" if f.met else "**no**")
        value = f"{f.value:,.2f} {f.unit}" + (f"; {f.note}" if f.note else "")
        lines.append(f"| {f.name} | {value} | {base} | {ratio} | {f.goal or '—'} | {met} |")
    return "\n".join([*lines, "", "\n\n".join(section.notes), ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-pc", type=int, default=150)
    parser.add_argument("--visitors", type=int, default=20_000)
    args = parser.parse_args(argv)
    text = _render(run(args.per_pc, args.visitors))
    text += (
        f"\nA small run (`python -m bench.bench_sync --per-pc {args.per_pc} --visitors"
        f" {args.visitors}`); the first pull of 1,000,000 visitors and the national export"
        " from the hub are still to be measured.\n"
    )
    results = RESULTS.read_text("utf-8") if RESULTS.exists() else ""
    results = re.sub(r"\n## Sync\n.*?(?=\n## |\Z)", "", results, flags=re.S).rstrip()
    RESULTS.write_text(results + "\n\n" + text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
