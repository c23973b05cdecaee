"""Hypothesis varies the schedule of edits and syncs on three PCs against a real hub; a
model of the protocol (base = the value last pulled, kept across unsent edits) says which
syncs must conflict.  At the end: the same value everywhere and exactly the model's
conflicts, none lost, none invented."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import psycopg
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loket.db import hub as hub_repo
from loket.sync.enroll import init_hub, install, issue_pc
from tests import helpers
from tests.pcs import new_pc
from tests.pcs import sync as _sync

PCS = 3
_n = itertools.count(1)
steps = st.lists(st.tuples(st.integers(0, PCS - 1), st.sampled_from(["edit", "sync"])),
                 min_size=2, max_size=12)  # fmt: skip


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schedule=steps)
@example(schedule=[(0, "edit"), (1, "edit"), (0, "sync"), (1, "sync")])  # one conflict
@example(schedule=[(0, "edit"), (0, "sync"), (1, "edit"), (1, "sync")])  # none: b saw a's
def test_any_schedule_converges_with_exactly_the_expected_conflicts(
    schedule, pg_cluster, pc_template
):
    name = f"schedule_{next(_n)}"
    with psycopg.connect(pg_cluster.dsn, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    dsn = f"host=127.0.0.1 port={pg_cluster.port} user=postgres dbname={name}"
    folder = Path(tempfile.mkdtemp(prefix="loket-schedule-"))
    hub = psycopg.connect(dsn, autocommit=True)
    pcs = []
    try:
        init_hub(hub)
        for i in range(PCS):
            db = new_pc(pc_template, folder / f"pc{i}")
            install(db, issue_pc(hub, name=f"pc{i}", desk_code="ZWL", dsn=dsn))
            pcs.append(db)
        v = helpers.visitor(helpers.context(pcs[0]), city="Start")
        for db in pcs:
            _sync(db)
        # the model: the hub's value, each PC's value, its base and whether it has an edit
        hub_value, local = "Start", ["Start"] * PCS
        base, pending, expected = ["Start"] * PCS, [False] * PCS, 0
        values = (f"City{n}" for n in itertools.count())
        for pc, action in schedule:
            db = pcs[pc]
            if action == "edit":
                local[pc] = next(values)
                pending[pc] = True
                with db.transaction():
                    db.execute("UPDATE visitor SET city = ? WHERE id = ?", (local[pc], v.id))
                continue
            _sync(db)
            if pending[pc]:
                if hub_value == base[pc]:
                    hub_value = local[pc]
                elif hub_value != local[pc]:
                    expected += 1
            local[pc] = base[pc] = hub_value
            pending[pc] = False
        for db in pcs:
            _sync(db)  # every PC's last edits go up
        for i in range(PCS):
            if pending[i]:
                if hub_value == base[i]:
                    hub_value = local[i]
                elif hub_value != local[i]:
                    expected += 1
                pending[i] = False
        for db in pcs:
            _sync(db)  # and everything comes down
        cities = {db.scalar("SELECT city FROM visitor WHERE id = ?", (v.id,)) for db in pcs}
        assert cities == {hub_value}
        assert len(hub_repo.conflicts(hub)) == expected
        assert all(db.scalar("SELECT count(*) FROM sync_conflict") == expected for db in pcs)
    finally:
        for db in pcs:
            db.close()
        hub.close()
        shutil.rmtree(folder, ignore_errors=True)
