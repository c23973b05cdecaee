"""The follow-ups list reads the partial index of open referrals (migration 0004), so the
count and each page stay cheap however many closed referrals there are."""

from __future__ import annotations

from loket.db import referrals as repo
from loket.db.migrate import migrations


def _plan(db, sql: str, params: tuple) -> str:
    return " | ".join(r["detail"] for r in db.all("EXPLAIN QUERY PLAN " + sql, params))


def _index_where() -> str:
    sql = next(m.sql for m in migrations() if m.name == "0004_open_referral_followups.sql")
    return " ".join(sql.rsplit("WHERE", 1)[1].split()).rstrip(";")


def test_query_repeats_the_index_condition_word_for_word():
    assert _index_where() == repo._OPEN_DUE.replace("r.", "")
    statuses = ", ".join(f"'{s}'" for s in repo.OPEN_STATUSES)
    assert f"status IN ({statuses})" in _index_where()


def test_count_and_pages_use_the_open_referral_index(db, monkeypatch):
    captured = []
    real_all, real_scalar = db.all, db.scalar
    monkeypatch.setattr(db, "all", lambda sql, p=(): captured.append((sql, p)) or real_all(sql, p))
    monkeypatch.setattr(
        db, "scalar", lambda sql, p=(): captured.append((sql, p)) or real_scalar(sql, p)
    )
    on = "2026-11-28"
    repo.followups_due_count(db, on)
    repo.followups_due(db, on, limit=50)
    repo.followups_due(db, on, limit=50, after=("2026-01-01", "2026-01-01T00:00:00Z", "x"))
    repo.followups_due_count(db, on, desk_id="d")
    repo.followups_due(db, on, staff_id="s", limit=50)
    monkeypatch.undo()
    assert len(captured) == 5
    for sql, params in captured:
        plan = _plan(db, sql, params)
        assert "referral_open_follow_up" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # rows come in the list's order
    count_plan = _plan(db, *captured[0])
    assert "COVERING INDEX referral_open_follow_up" in count_plan, count_plan
    assert "visit" not in count_plan.replace("referral_open_follow_up", "")
