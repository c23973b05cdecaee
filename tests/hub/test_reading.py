"""Reading across desks: the referral log of every desk, or one, from the hub, streamed
with COPY, without any visitor's details."""

from __future__ import annotations

import csv

from loket.cli import main
from loket.context import system_context
from loket.referrals import lifecycle
from loket.sync.run import sync_now
from tests import helpers


def test_referral_log_of_all_desks_and_of_one(make_pc, hub_dsn, tmp_path, capsys):
    zwolle, amsterdam = make_pc("zwl", "ZWL"), make_pc("ams", "AMS")
    made = {}
    for db, desk in ((zwolle, "ZWL"), (amsterdam, "AMS")):
        ctx = helpers.context(db, "balie", "balie", desk)
        v = helpers.visitor(ctx, given_names="Geheim", v_number=f"{len(made) + 1:010d}")
        visit = helpers.visit(ctx, v.id)
        service = db.scalar("SELECT id FROM service WHERE NOT is_escalation ORDER BY id")
        made[desk] = lifecycle.propose(ctx, visit.id, service).id
        assert sync_now(system_context(db)).ok
    out = tmp_path / "all.csv"
    assert main(["hub", "referrals", "--dsn", hub_dsn, "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["referral_id"]: r["desk"] for r in rows} == {made["ZWL"]: "ZWL", made["AMS"]: "AMS"}
    assert all(r["status"] == "proposed" and r["service"] for r in rows)
    assert "Geheim" not in out.read_text(encoding="utf-8")
    one = tmp_path / "zwl.csv"
    assert main(["hub", "referrals", "--dsn", hub_dsn, "--desk", "ZWL", "--out", str(one)]) == 0
    assert [r["referral_id"] for r in csv.DictReader(one.open(encoding="utf-8"))] == [made["ZWL"]]
    assert one.stat().st_mode & 0o077 == 0
