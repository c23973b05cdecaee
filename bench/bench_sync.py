"""Sync: the hub's ingest of 20 PCs' changes against a plain INSERT and a COPY of the same
rows; the catch-up of 20 PCs after an outage; the first pull of a new PC of one desk (its
desk's files and the keyed index of the other desks' visitors) against a plain COPY of the
same rows out of the hub into SQLite; the national export of the referral log from the
hub against psql's COPY of the same join.  Runs on a throwaway PostgreSQL cluster (tests/pg.py).

    python -m bench.bench_sync [--per-pc 150] [--visitors 20000] [--referrals 20000]

writes its section into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
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


DESK_CODES = ("AMS", "DHG", "DBS", "ZWL")
SECOND_DESK = 0.05  # the share of visitors seen at a second desk as well
NEW_PC_DESK = "AMS"


def _hub_visitors(conn, columns: list[tuple[str, str]], n: int) -> dict[str, int]:
    """`n` visitors as a PC's capture sends them (every column), into the hub's rows, each
    with its visitor (`loket.row.visitor_id`), spread evenly over the four desks as
    `loket demo` spreads its visitors (a few seen at a second desk as well: held there too),
    the holdings, and the keyed index the pushing PC would have computed
    (`loket.sync.holdings.index_keys`, with the hub's subject key).  Returns the visitors
    held per desk code."""
    import bisect
    import itertools
    import random

    import psycopg

    from loket.db import hub as hub_repo
    from loket.demo.names import COMMUNITIES
    from loket.sync.holdings import derive_key, index_keys

    rng = random.Random(20261204)
    rnd = rng.random
    place = random.Random(20261205).random  # the desks apart: the same visitors as before
    desk_ids = dict(
        conn.execute(
            "SELECT data->>'code', row_id FROM loket.row WHERE table_name = 'desk'"
        ).fetchall()
    )
    desks = [desk_ids[code] for code in DESK_CODES]
    held = dict.fromkeys(DESK_CODES, 0)
    key = derive_key(bytes.fromhex(hub_repo.get_meta(conn, "subject_key")))
    communities = list(COMMUNITIES.values())
    weights = list(itertools.accumulate(c[1] for c in communities))
    blank = dict.fromkeys(name for name, _kind in columns)
    stamp = "2026-01-01T00:00:00Z"
    # one COPY at a time per connection: the three tables over three connections
    conns = [conn] + [psycopg.connect(conn.info.dsn, autocommit=True) for _ in range(2)]
    with (
        conns[0].cursor() as c0,
        conns[1].cursor() as c1,
        conns[2].cursor() as c2,
        c0.copy("COPY loket.row (table_name, row_id, data, visitor_id) FROM STDIN") as rows,
        c1.copy("COPY loket.holding (visitor_id, desk_id) FROM STDIN") as holding,
        c2.copy("COPY loket.visitor_key (visitor_id, desk_id, keys) FROM STDIN") as keys,
    ):
        for i in range(n):
            lang, _w, given, family = communities[bisect.bisect(weights, rnd() * weights[-1])]
            interp = int(lang not in ("nl", "en") and rnd() < 0.5)
            row = {
                **blank,
                "id": f"bench-{i:07d}",
                "given_names": given[int(rnd() * len(given))],
                "family_name": family[int(rnd() * len(family))],
                "date_of_birth": f"{1940 + int(rnd() * 66)}-{1 + int(rnd() * 12):02d}-"
                f"{1 + int(rnd() * 28):02d}",
                "v_number": str(1_000_000_000 + i) if rnd() < 0.9 else None,
                "bsn": f"{100_000_000 + i}" if rnd() < 0.4 else None,
                "phone": f"+316{10_000_000 + int(rnd() * 90_000_000)}" if rnd() < 0.6 else None,
                "preferred_language": lang,
                "interpreter_needed": interp,
                "interpreter_language": lang if interp else None,
                "latin_given_names": "",
                "latin_family_name": "",
                "last_activity_at": stamp,
                "created_at": stamp,
                "updated_at": stamp,
                "workstation": "bench",
            }
            vid = row["id"]
            rows.write_row(("visitor", vid, json.dumps(row, ensure_ascii=False), vid))
            home = int(place() * len(desks))
            at = [home]
            if place() < SECOND_DESK:
                at.append((home + 1 + int(place() * (len(desks) - 1))) % len(desks))
            for d in at:
                holding.write_row((vid, desks[d]))
                held[DESK_CODES[d]] += 1
            keys.write_row((vid, desks[home], "{" + ",".join(index_keys(key, row)) + "}"))
    for other in conns[1:]:
        other.close()
    conn.execute("ANALYZE loket.row")
    conn.execute("ANALYZE loket.holding")
    conn.execute("ANALYZE loket.visitor_key")
    return held


def _hub_referrals(conn, n: int, visitors: int) -> None:
    """`n` referrals over n/2 visits of the hub's visitors, each at the visitor's own desk
    (so no new holdings), to the seed's services; their visitor as `loket.visitor_of`
    (FILE_TABLES) finds it, the visit's by its column, the referral's through its visit."""
    # each row's visitor by the hub's own rule, as put_row tags it
    tagged = (
        "INSERT INTO loket.row (table_name, row_id, data, visitor_id)"
        " SELECT t, id, data, loket.visitor_of(t, id, data) FROM ({rows}) x"
    )
    conn.execute(
        tagged.format(
            rows="SELECT 'visit' t, 'bench-visit-' || g id, jsonb_build_object('id',"
            " 'bench-visit-' || g, 'visitor_id', k.visitor_id, 'desk_id', k.desk_id,"
            " 'visit_date', (date '2024-12-01' + (g %% 730))::text) data"
            " FROM generate_series(1, %s) g JOIN loket.visitor_key k"
            " ON k.visitor_id = 'bench-' || lpad((g %% %s)::text, 7, '0')"
        ),
        (n // 2, max(visitors, 1)),
    )
    conn.execute("ANALYZE loket.row")
    conn.execute(
        tagged.format(
            rows="SELECT 'referral' t, 'bench-ref-' || g id, jsonb_build_object('id',"
            " 'bench-ref-' || g, 'visit_id', 'bench-visit-' || (1 + g %% %s), 'service_id',"
            " s.ids[1 + g %% cardinality(s.ids)], 'created_at', to_char(timestamp"
            " '2024-12-01' + g * interval '1 minute', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
            " 'handover', 'warm', 'status', 'sent', 'status_changed_at', NULL) data"
            " FROM generate_series(1, %s) g, (SELECT array_agg(row_id ORDER BY row_id) ids"
            " FROM loket.row WHERE table_name = 'service') s"
        ),
        (n // 2, n),
    )
    conn.execute("ANALYZE loket.row")


def _plain_export(conn, bindir: Path, dsn: str, out: Path) -> None:
    """The baseline: psql's \\copy of the same join (the same query, order and CSV)."""
    from loket.db import hub as hub_repo

    query = hub_repo.referral_log_query().as_string(conn)
    subprocess.run(
        [str(bindir / "psql"), "-X", "-q", "-d", dsn, "-c",
         f"\\copy ({query}) TO '{out}' WITH (FORMAT csv, HEADER false)"],
        check=True, capture_output=True,
    )  # fmt: skip


def _blocks(path: Path):
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            yield block


def _plain_pull(conn, path: Path, desk: str) -> tuple[float, int]:
    """The baseline: what a PC of `desk` gets -- the JSON of the shared rows and of the
    desk's files, and the keyed index of the other desks' visitors as text -- copied out of
    the hub into two plain SQLite tables."""
    import sqlite3

    from loket.db import hub as hub_repo

    scope = hub_repo._scope(desk).as_string(conn)
    t0 = time.perf_counter()
    lite = sqlite3.connect(path, isolation_level=None)
    lite.execute("PRAGMA journal_mode = WAL")
    lite.execute("CREATE TABLE pulled (table_name TEXT, row_id TEXT, data TEXT,"
                 " PRIMARY KEY (table_name, row_id))")  # fmt: skip
    lite.execute("CREATE TABLE pulled_keys (visitor_id TEXT PRIMARY KEY, desk_id TEXT,"
                 " keys TEXT)")  # fmt: skip
    lite.execute("BEGIN")
    with conn.cursor() as cur:
        query = f"COPY (SELECT table_name, row_id, data::text FROM loket.row r WHERE NOT deleted{scope}) TO STDOUT"  # noqa: E501
        with cur.copy(query) as cp:
            lite.executemany("INSERT INTO pulled VALUES (?, ?, ?)", cp.rows())
        query = (
            "COPY (SELECT k.visitor_id, k.desk_id, k.keys::text FROM loket.visitor_key k"
            " WHERE NOT EXISTS (SELECT 1 FROM loket.holding h WHERE h.visitor_id ="
            f" k.visitor_id AND h.desk_id = '{desk}')) TO STDOUT"
        )
        with cur.copy(query) as cp:
            lite.executemany("INSERT INTO pulled_keys VALUES (?, ?, ?)", cp.rows())
    lite.execute("COMMIT")
    lite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lite.close()
    return time.perf_counter() - t0, path.stat().st_size


def run(per_pc: int = 150, visitors: int = 20_000, referrals: int = 20_000) -> Section:
    import psycopg

    from loket.context import system_context
    from loket.counter.search import search_visitors_db
    from loket.db import hub as hub_repo
    from loket.db import outbox
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.directory import seed
    from loket.sync import exchange, names, tables
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
        calls = {name: [0, 0.0] for name in HUB_CALLS}
        saved = {name: getattr(hub_repo, name) for name in HUB_CALLS}
        for name, fn in saved.items():
            setattr(hub_repo, name, _counted(fn, calls[name]))
        t0 = time.perf_counter()
        try:
            for db in pcs:
                with psycopg.connect(**connection_settings(db)) as pc_conn:
                    exchange.push(db, pc_conn, ws_of(db))
        finally:
            for name, fn in saved.items():
                setattr(hub_repo, name, fn)
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
                   note=f"COPY of the same rows: {entries / copy_s:,.0f} changes/s; of the"
                   " time, per call at the hub (each with its round trip): "
                   + ", ".join(f"{name} {n:,} × {t / n * 1000:.2f} ms"
                               for name, (n, t) in calls.items() if n))
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
        # -- first pull of a new PC of one desk -------------------------------------------
        (work / "new").mkdir()
        fresh = Database(work / "new" / "loket.sqlite")
        migrate(fresh)
        t0 = time.perf_counter()
        held = _hub_visitors(conn, outbox.captured_columns(fresh, "visitor"), visitors)
        filled = time.perf_counter() - t0
        total = hub_repo.count_rows(conn)
        install(fresh, issue_pc(conn, name="NEW", desk_code=NEW_PC_DESK, dsn=dsn))
        desk_id = conn.execute(
            "SELECT row_id FROM loket.row WHERE table_name = 'desk' AND data->>'code' = %s",
            (NEW_PC_DESK,),
        ).fetchone()[0]
        from loket.db import bulk, visitor_index
        from loket.sync import holdings

        steps: dict[str, float] = {}
        fill, rebuild = bulk.suspended_indexes._fill, bulk.suspended_indexes.__exit__
        apply_keys = holdings.apply_keys

        def timed(name, fn):
            def wrapper(*args):
                t = time.perf_counter()
                try:
                    return fn(*args)
                finally:
                    steps[name] = steps.get(name, 0.0) + time.perf_counter() - t

            return wrapper

        def timed_keys(db, rows):
            # the feed's rows stream from the hub while they are applied: both are counted
            return timed("keys", apply_keys)(db, rows)

        bulk.suspended_indexes._fill = timed("derived", fill)
        bulk.suspended_indexes.__exit__ = timed("rebuild", rebuild)
        holdings.apply_keys = timed_keys
        t0 = time.perf_counter()
        try:
            with psycopg.connect(**connection_settings(fresh)) as pc_conn:
                exchange.pull(fresh, pc_conn)
        finally:
            bulk.suspended_indexes._fill, bulk.suspended_indexes.__exit__ = fill, rebuild
            holdings.apply_keys = apply_keys
        first = time.perf_counter() - t0
        # what the PC can do now: find one of its desk's visitors by V-nummer (the
        # exact-match indexes are in), and tell where another desk's visitor's file is
        some = fresh.scalar("SELECT v_number FROM visitor WHERE v_number IS NOT NULL LIMIT 1")
        assert [r.v_number for r in search_visitors_db(fresh, some)][:1] == [some]
        other, other_number = conn.execute(
            "SELECT r.row_id, r.data->>'v_number' FROM loket.row r WHERE r.table_name ="
            " 'visitor' AND r.data->>'v_number' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
            " loket.holding h WHERE h.visitor_id = r.row_id AND h.desk_id = %s) LIMIT 1",
            (desk_id,),
        ).fetchone()
        assert [k.visitor_id for k in holdings.lookup(fresh, other_number)] == [other]
        whole = fresh.scalar("SELECT count(*) FROM visitor")
        assert whole == held[NEW_PC_DESK], (whole, held)
        indexed, index_keys = visitor_index.size(fresh)
        keyed = conn.execute("SELECT count(*) FROM loket.visitor_key").fetchone()[0]
        assert whole + indexed == keyed, (whole, indexed, keyed)
        index_bytes = fresh.scalar(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master"
            " WHERE tbl_name IN ('visitor_elsewhere', 'visitor_index'))"
        )
        serve_size = _file_size(fresh, work / "new" / "loket.sqlite")
        # the hub's side of the keyed index alone: the same feed read, nothing applied
        t0 = time.perf_counter()
        with (
            psycopg.connect(**connection_settings(fresh)) as pc_conn,
            hub_repo.feed(pc_conn, 0, tables.PULLED) as again,
        ):
            sent = sum(1 for _row in again["keys"]())
        keys_read = time.perf_counter() - t0
        # the name search after it, in chunks (what the sync's worker runs next)
        t0 = time.perf_counter()
        names.run(fresh)
        build = time.perf_counter() - t0
        size = _file_size(fresh, work / "new" / "loket.sqlite")
        counts = {t: fresh.scalar(f"SELECT count(*) FROM {t}")
                  for t in ("visitor", "visitor_search", "visitor_name_key")}  # fmt: skip
        fresh.close()
        plain, plain_size = _plain_pull(conn, work / "plain.sqlite", desk_id)
        goal_met = first <= 30 * visitors / 1_000_000 if visitors < 1_000_000 else first <= 30
        spread = ", ".join(f"{code} {n:,}" for code, n in held.items())
        section.figures.append(
            Figure(f"first pull of a new PC of one desk ({NEW_PC_DESK}), until it serves"
                   f" visitors ({whole:,} visitors whole, {indexed:,} in the keyed index;"
                   f" {total:,} rows at the hub, {visitors:,} visitors)", first, "s",
                   baseline=plain,
                   baseline_name="plain COPY of the same rows and index keys out of the hub"
                   " into SQLite",
                   goal="<= 30 s at 1,000,000 visitors", met=goal_met,
                   note=f"the desk's files, the V-nummer, BSN and birth-date indexes, the"
                   f" triggers, and the keyed index of the other desks' visitors;"
                   f" database then: {mib(serve_size):,.0f} MiB (the plain copy:"
                   f" {mib(plain_size):,.0f} MiB); of the time, the indexes and triggers"
                   f" {steps.get('rebuild', 0):.1f} s, the keyed index (streamed from the"
                   f" hub and applied) {steps.get('keys', 0):.1f} s, of which reading its"
                   f" {sent:,} rows (one per visitor) from the hub alone {keys_read:.1f} s")
        )  # fmt: skip
        section.figures.append(
            Figure(f"the keyed index of the other desks' visitors on that PC ({indexed:,}"
                   f" visitors, {index_keys:,} keys)", mib(index_bytes), "MiB",
                   note=f"{index_keys / max(indexed, 1):.1f} keys and"
                   f" {index_bytes / max(indexed, 1):.0f} bytes per visitor: the file is that"
                   " much larger with it (its tables' and indexes' pages, SQLite's dbstat)")
        )  # fmt: skip
        section.figures.append(
            Figure("the same first pull with the name search built after it (search lines,"
                   " trigram index, name keys; in chunks of"
                   f" {names.CHUNK:,} visitors)", first + build, "s",
                   baseline=plain,
                   baseline_name="plain COPY of the same rows and index keys out of the hub"
                   " into SQLite",
                   note=f"the name search alone {build:.1f} s; database after it:"
                   f" {mib(size):,.0f} MiB; {counts['visitor']:,} visitors,"
                   f" {counts['visitor_search']:,} search lines,"
                   f" {counts['visitor_name_key']:,} name keys")
        )  # fmt: skip
        section.notes.append(
            f"First pull: the hub held {visitors:,} visitors made like `loket demo` makes them"
            " (its communities' names, dates of birth, V-nummers, BSNs and phone numbers)"
            " and the seed, as `loket hub init` and the PCs' pushes leave them: every"
            " visitor row tagged with its visitor (`loket.row.visitor_id`), each visitor"
            " held by one of the four desks drawn evenly, as `loket demo` spreads them, and"
            f" {SECOND_DESK:.0%} of them by a second desk as well (seen there too), so held:"
            f" {spread}; and each visitor's keyed index (`loket.visitor_key`) as"
            " `loket.sync.holdings.index_keys` makes it with the key derived from the hub's"
            f" subject key (computed in Python, loaded with COPY in {filled:.0f} s, not"
            f" counted). The new PC is enrolled for {NEW_PC_DESK} and pulls the shared"
            " tables, its desk's files and the keyed index of every other visitor. Tables"
            " still empty on the new PC are filled straight from a COPY per table (the hub"
            " extracts the columns of the rows in the desk's scope, SQLite's column types"
            f" convert them) with executemany, {exchange.BULK_CHUNK:,} rows a statement;"
            " the keyed index is streamed from the hub's feed and applied"
            f" ({holdings.APPLY_CHUNK:,} visitors a statement), all in one transaction; the"
            " visitor and referral indexes and triggers are set aside and built once, the"
            " outcome counts filled in one pass. The PC serves visitors when that"
            " transaction commits: its desk's found by V-nummer, BSN and birth date at"
            " once, by name as the name search is built right after, newest visitors first,"
            " one transaction per chunk (`loket.sync.names`; the status line says how"
            " far); another desk's found by an exact V-nummer, BSN or name with birth date"
            " in the keyed index. After the timed pull a V-nummer search of one of the"
            " desk's visitors, and an index lookup of another desk's visitor by its"
            " V-nummer, check that. The baseline copies what this PC gets -- each shared"
            " row's and each of the desk's rows' JSON, and the other desks' visitors' keys"
            " as text -- into two plain SQLite tables."
        )
        section.notes.append(
            "First pull, the whole build: in chunks the name search takes a little longer,"
            " and leaves a larger file, than built in one pass at the end of the pull's"
            " transaction (as `loket demo` still does): the name keys go in chunk by chunk"
            " instead of one sorted insert, so their pages are less full, and each search"
            " line goes into the full-text index by its trigger instead of one rebuild."
            " Each chunk is one write transaction, so a registration at the counter"
            " meanwhile waits at most that long."
        )
        # -- national export of the referral log from the hub -----------------------------
        _hub_referrals(conn, referrals, visitors)
        out = work / "national.csv"
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "loket", "hub", "referrals", "--dsn", dsn, "--out", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        export = time.perf_counter() - t0
        lines = sum(block.count(b"\n") for block in _blocks(out)) - 1
        t0 = time.perf_counter()
        _plain_export(conn, Path(bindir), dsn, work / "plain.csv")
        plain_export = time.perf_counter() - t0
        section.figures.append(
            Figure(f"national export of {lines:,} referrals from the hub (loket hub referrals)",
                   export, "s", baseline=plain_export,
                   baseline_name="plain COPY of the same join into a file",
                   goal="ratio <= 2", met=export <= 2 * plain_export,
                   note=f"{mib(out.stat().st_size):,.0f} MiB of CSV")
        )  # fmt: skip
        section.notes.append(
            f"National export: {referrals:,} referrals over {referrals // 2:,} visits of the"
            " hub's visitors, each at the visitor's own desk, and the seed's services, in"
            " the hub (tagged with their visitor as `loket.visitor_of` does; loaded after"
            " the first pull above); the command's time includes its"
            " Python start-up; the baseline is psql's `\\copy` of the same query (same join,"
            " same order) into a file, its start-up included too."
        )
        section.notes.append(
            "Ingest: each batch is applied in one transaction through the hub's SECURITY"
            " DEFINER functions, one call per change, merges one at a time; the PCs (all of"
            " ZWL) push one after the other from one process on this 2-core machine, shared"
            " with the hub, into a hub holding only the seed (the visitors of the first pull"
            " are loaded after it). Since PCs hold only their desk's files, `loket.put_row`"
            " also tags each row with its visitor and records the desk's holding"
            " (`loket.hold`), and a visitor's push also writes its keyed index"
            " (`loket.put_keys`, one more call per visitor); the calls' times are in the"
            " figure."
        )
        for db in pcs:
            db.close()
        conn.close()
    finally:
        cluster.remove()
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return section


# What a push calls at the hub per change (loket.sync.receive): the hub's row, the row
# written (tagged with its visitor, the desk's holding recorded: loket.put_row and
# loket.hold), a visitor's keyed index, the V-nummer and BSN check for a second file.
HUB_CALLS = ("row", "put_row", "put_keys", "rows_with_number")


def _counted(fn, tally: list):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            tally[0] += 1
            tally[1] += time.perf_counter() - t

    return wrapper


def _file_size(db, path: Path) -> int:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


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
    parser.add_argument("--referrals", type=int, default=20_000)
    args = parser.parse_args(argv)
    text = _render(run(args.per_pc, args.visitors, args.referrals))
    text += (
        f"\nRecorded by `python -m bench.bench_sync --per-pc {args.per_pc} --visitors"
        f" {args.visitors} --referrals {args.referrals}` on"
        f" {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC.\n"
    )
    results = RESULTS.read_text("utf-8") if RESULTS.exists() else ""
    results = re.sub(r"\n## Sync\n.*?(?=\n## |\Z)", "", results, flags=re.S).rstrip()
    RESULTS.write_text(results + "\n\n" + text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
