"""The evaluation set (tests/directory/routing_evaluation.py) on the seed directory."""

from __future__ import annotations

from loket.db import referrals as ref_repo
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.demo import generate as demo
from loket.directory import routing
from tests.directory import routing_evaluation as evaluation
from tests.helpers import context


def test_a_careful_clerks_pick_comes_out_on_top_for_nine_in_ten_visits(db, capsys):
    ctx = context(db, "balie")
    outcomes = evaluation.evaluate(lambda needs, **kw: routing.rank(ctx, needs, **kw))
    share = evaluation.share(outcomes)
    missed = [
        f"{o.case.desk} {'+'.join(o.case.needs)} {o.case.language}: {o.top}"
        for o in outcomes
        if not o.hit
    ]
    with capsys.disabled():
        print(f"\nrouting evaluation: {sum(o.hit for o in outcomes)} of {len(outcomes)} on top")
    assert len({o.case.desk for o in outcomes}) == 4
    assert share >= evaluation.MIN_SHARE, missed
    # Every need of every visit is covered by its list.
    assert [o for o in outcomes if o.uncovered] == []


def test_the_evaluation_can_fail():
    """A ranking that puts the wrong partner on top scores below the bar."""

    class Wrong:
        service_name = "Landelijke escalatie multiproblematiek"
        needs: list[str] = []

    outcomes = evaluation.evaluate(lambda needs, **kw: [Wrong()])
    assert evaluation.share(outcomes) < evaluation.MIN_SHARE
    assert all(o.uncovered or o.case.needs == () for o in outcomes)


def test_on_demo_data_with_outcome_history_too(tmp_path):
    """The demo database (two years of referrals, counted by the bulk load's tally rebuild):
    the outcome figures must not push another partner over a careful clerk's pick."""
    db = Database(tmp_path / "demo.sqlite")
    migrate(db)
    demo.generate(db, visitors=3000, seed=3)
    direct = {
        (r[0], r[1]): (r[2], r[3])
        for r in db.all(
            "SELECT service_id, COALESCE(location_id, ''), sum(status = 'completed'), count(*)"
            " FROM referral WHERE status IN ('completed', 'declined', 'no_show') GROUP BY 1, 2"
        )
    }
    ids = [r[0] for r in db.all("SELECT id FROM service")]
    assert direct and ref_repo.outcome_tally(db, ids) == direct
    ctx = context(db, "balie", username="dbs", desk_code="DBS")
    outcomes = evaluation.evaluate(lambda needs, **kw: routing.rank(ctx, needs, **kw))
    assert evaluation.share(outcomes) >= evaluation.MIN_SHARE
    assert [o for o in outcomes if o.uncovered] == []
    # Some suggestions now carry local figures, none claims another city's figures as local.
    ranked = routing.rank(ctx, ["language_barrier"], city="'s-Hertogenbosch", language="ar")
    assert ranked[0].service_name == "Taalhuis 's-Hertogenbosch"
    assert not [s for s in ranked if s.service_name.startswith("Taalhuis ") and s is not ranked[0]]
    db.close()
