"""Four desks with five PCs each (SQLite files in one process) against a real PostgreSQL hub:
random registrations, visits, referrals and edits; the hub stopped and started mid-run;
acknowledgements lost; batches delivered twice; two PCs editing the same field.  At the
end every PC holds what the hub holds (a hash of each table's sorted rows), every outbox is
empty, every audit chain verifies, and exactly the expected conflicts and tasks exist."""

from __future__ import annotations

import hashlib
import json
import random

import psycopg
import pytest

from loket.db import hub as hub_repo
from loket.db import merge as merge_repo
from loket.db import outbox
from loket.db.outbox import sync_workstation as ws_of
from loket.privacy import audit
from loket.referrals import lifecycle
from loket.sync import exchange, holdings, receive, tables
from tests import helpers
from tests.pcs import pc_connection
from tests.pcs import sync as _sync

DESKS = ("AMS", "DHG", "DBS", "ZWL")
PER_DESK = 5
ROUNDS = 6


def _table_hash_pc(db, table: str) -> str:
    columns = [c for c, _ in outbox.captured_columns(db, table)]
    types = outbox.column_types(db, table)
    key = tables.key_column(table)
    rows = []
    for r in db.all(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {key}"):
        row = {c: (r[c].hex().upper() if types[c] == "BLOB" and r[c] is not None else r[c])
               for c in columns}  # fmt: skip
        rows.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _table_hash_hub(conn, table: str, desk_id: str, fetched: list[str]) -> str:
    """The hub's rows a PC of this desk holds: the shared tables, the desk's files and the
    files it fetched (here the other files of merge tasks across desks)."""
    rows = [
        json.dumps(r["data"], sort_keys=True, ensure_ascii=False)
        for r in hub_repo.table_rows(conn, table, desk_id, fetched)
    ]
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


@pytest.mark.slow
def test_four_desks_five_pcs_each(make_pc, hub, hub_dsn, pg_cluster):
    rnd = random.Random(16)
    pcs = [make_pc(f"{desk}-{n}", desk) for desk in DESKS for n in range(1, PER_DESK + 1)]
    desk_of = {id(db): DESKS[i // PER_DESK] for i, db in enumerate(pcs)}
    ctxs = {id(db): helpers.context(db, "balie", "balie", desk_of[id(db)]) for db in pcs}
    services = [
        r[0] for r in pcs[0].all("SELECT id FROM service WHERE NOT is_escalation ORDER BY id")
    ]
    owned: dict[int, list[str]] = {id(db): [] for db in pcs}  # visitors a PC registered
    visits: dict[int, list[str]] = {id(db): [] for db in pcs}
    referrals: dict[int, list[str]] = {id(db): [] for db in pcs}
    numbers = iter(range(4_000_000_000, 5_000_000_000, 7919))
    untouchable: set[str] = set()  # visitors of a deliberate conflict: no further edits
    expected_conflicts: set[tuple[str, str]] = set()
    expected_tasks: set[frozenset] = set()
    fetched: set[str] = set()  # visitors another desk fetched and saw

    def work(db) -> None:
        ctx = ctxs[id(db)]
        action = rnd.choice(("register", "register", "visit", "refer", "edit", "step", "elsewhere"))
        if action == "register" or not owned[id(db)]:
            v = helpers.visitor(ctx, given_names=rnd.choice(["Amina", "Yonas", "Olena", "Ali"]),
                                family_name=f"F{rnd.randrange(10**6)}",
                                v_number=str(next(numbers)))  # fmt: skip
            owned[id(db)].append(v.id)
        elif action == "visit":
            known = [r[0] for r in db.all("SELECT id FROM visitor ORDER BY id")]
            visitor_id = rnd.choice(known)  # any visitor this PC knows, also from other PCs
            visits[id(db)].append(helpers.visit(ctx, visitor_id).id)
        elif action == "elsewhere":  # a visitor of another desk comes here: fetched, seen
            others = [v for other, mine in owned.items() if desk_of[other] != desk_of[id(db)]
                      for v in mine if v not in untouchable]  # fmt: skip
            if others and outbox.get_state(db, "pull_cursor"):
                visitor_id = rnd.choice(others)
                try:
                    with pc_connection(db) as conn:
                        exchange.fetch_file(db, conn, visitor_id, None)
                except psycopg.OperationalError:
                    return  # the hub is down: nothing to fetch from
                if db.scalar("SELECT count(*) FROM visitor WHERE id = ?", (visitor_id,)):
                    visits[id(db)].append(helpers.visit(ctx, visitor_id).id)
                    fetched.add(visitor_id)
        elif action == "refer" and visits[id(db)]:
            ref = lifecycle.propose(ctx, rnd.choice(visits[id(db)]), rnd.choice(services))
            referrals[id(db)].append(ref.id)
        elif action == "step" and referrals[id(db)]:
            ref_id = rnd.choice(referrals[id(db)])
            status = db.scalar("SELECT status FROM referral WHERE id = ?", (ref_id,))
            step = {"proposed": lifecycle.mark_sent, "sent": lifecycle.accept,
                    "accepted": lifecycle.complete}.get(status)  # fmt: skip
            if step:
                step(ctx, ref_id)
        else:
            mine = [v for v in owned[id(db)] if v not in untouchable]
            if mine:
                with db.transaction():
                    db.execute(
                        "UPDATE visitor SET city = ? WHERE id = ?",
                        (rnd.choice(["Zwolle", "Kampen", "Deventer"]), rnd.choice(mine)),
                    )

    for round_no in range(ROUNDS):
        for db in pcs:
            for _ in range(rnd.randrange(1, 4)):
                work(db)
        if round_no == 2:  # the hub goes down; the PCs work on and keep their changes
            pg_cluster.stop()
            for db in rnd.sample(pcs, 4):
                result = _sync(db, expect_ok=False)
                assert result.error_code == "unreachable" and result.waiting > 0
                work(db)
            pg_cluster.start()
            hub.close()

            hub = psycopg.connect(hub_dsn, autocommit=True)
        if round_no == 3:  # lost acknowledgements and double delivery
            for db in rnd.sample(pcs, 5):
                exchange.seal_pending(db, ws_of(db))
                with pc_connection(db) as conn:
                    for batch in outbox.unacked_batches(db):
                        args = (ws_of(db), batch["id"], batch["seq"], batch["payload"],
                                batch["sha256"], holdings.keyer(db))  # fmt: skip
                        assert receive.receive(conn, *args) == receive.APPLIED  # ack lost
                        assert receive.receive(conn, *args) == receive.DUPLICATE  # sent twice
        if round_no == 4:  # two PCs edit the same field of the same visitor
            for first, second in rnd.sample([(pcs[i], pcs[i + 7]) for i in range(10)], 3):
                candidates = [v for v in owned[id(first)] if v not in untouchable]
                if not candidates:
                    continue
                visitor_id = candidates[0]
                _sync(first)
                _sync(second)
                with pc_connection(second) as conn:  # another desk's file: opened there
                    exchange.fetch_file(second, conn, visitor_id, None)
                untouchable.add(visitor_id)
                for db, phone in ((first, "0611111111"), (second, "0622222222")):
                    with db.transaction():
                        db.execute("UPDATE visitor SET phone = ? WHERE id = ?", (phone, visitor_id))
                expected_conflicts.add((visitor_id, "phone"))
            # and the same V-nummer registered at two desks: a task, not a merge
            for i in (0, 1):
                number = str(next(numbers))
                pair = []
                for db in (pcs[i], pcs[-1 - i]):
                    v = helpers.visitor(ctxs[id(db)], given_names="Same", v_number=number)
                    owned[id(db)].append(v.id)
                    pair.append(v.id)
                expected_tasks.add(frozenset(pair))
        for db in rnd.sample(pcs, 8):
            _sync(db)

    for _ in range(2):  # everything up, then everything down
        for db in pcs:
            _sync(db)

    for db in pcs:
        assert outbox.waiting(db) == 0
        assert outbox.get_state(db, "pull_skipped") == "0"
        assert audit.verify(db) is None
    desk_ids = {code: pcs[0].scalar("SELECT id FROM desk WHERE code = ?", (code,))
                for code in DESKS}  # fmt: skip
    for table in tables.PULLED:
        differing = []
        for db in pcs:
            fetched_here = [r[0] for r in db.all("SELECT visitor_id FROM visitor_fetched")]
            want = _table_hash_hub(hub, table, desk_ids[desk_of[id(db)]], fetched_here)
            if _table_hash_pc(db, table) != want:
                differing.append(db.path.parent.name)
        assert differing == [], f"{table} differs on {differing}"
    assert pcs[0].scalar("SELECT count(*) FROM visitor") > 10
    # a PC holds its desk's files whole and of the others only their keyed index
    all_visitors = hub_repo.table_rows(hub, "visitor")
    assert fetched and len(all_visitors) > 60
    for db in pcs:
        here = {r[0] for r in db.all("SELECT id FROM visitor")}
        index = {r[0] for r in db.all("SELECT visitor_id FROM visitor_elsewhere")}
        # (the index can only know a visitor by a number, or a name with a birth date)
        live = {r["row_id"] for r in all_visitors if not r["data"].get("merged_into")
                and (r["data"].get("v_number") or r["data"].get("bsn")
                     or r["data"].get("date_of_birth"))}  # fmt: skip
        fetched_here = {r[0] for r in db.all("SELECT visitor_id FROM visitor_fetched")}
        # a fetched file keeps its index entry (the file leaves again, the entry stays)
        assert here & index <= fetched_here and live <= here | index
        assert len(here) < len(all_visitors)
    assert len(expected_conflicts) >= 2 and len(expected_tasks) == 2  # the run made them
    found = {(c["row_id"], c["field"]) for c in hub_repo.conflicts(hub)}
    assert found == expected_conflicts
    assert len(hub_repo.conflicts(hub)) == len(expected_conflicts)
    tasks = {frozenset((t["visitor_id"], t["other_visitor_id"])) for t in hub_repo.tasks(hub)}
    assert tasks == expected_tasks
    for db in pcs:
        here = {r[0] for r in db.all("SELECT id FROM visitor")}
        # the conflicts of the files this PC holds (a conflict carries the row's values)
        assert outbox.open_conflicts(db) == len({c for c in expected_conflicts if c[0] in here})
        local = {frozenset((t["visitor_a"], t["visitor_b"])) for t in merge_repo.open_tasks(db)}
        # the hub's tasks are merge tasks on the PCs holding either file
        assert local == {t for t in expected_tasks if t & here}
    assert hub_repo.quarantined(hub) == []
    heads = {w["id"]: w["audit_seq"] for w in hub_repo.workstations(hub)}
    for db in pcs:
        assert heads[ws_of(db)] == db.scalar("SELECT max(seq) FROM audit_log")
