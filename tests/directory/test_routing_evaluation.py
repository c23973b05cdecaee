"""The evaluation set (tests/directory/routing_evaluation.py) on the seed directory."""

from __future__ import annotations

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
