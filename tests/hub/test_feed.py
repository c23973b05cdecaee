"""The pull feed never skips a row committed out of order."""

from __future__ import annotations

import json

import psycopg

from loket.db import hub as hub_repo


def _write(conn, row_id: str, code: str | None = None) -> None:
    """As loket.put_row writes a row (the test signs in as the hub's owner)."""
    conn.execute(
        "INSERT INTO loket.row (table_name, row_id, data) VALUES ('need', %s, %s)"
        " ON CONFLICT (table_name, row_id) DO UPDATE SET data = excluded.data,"
        " xid = pg_current_xact_id()",
        (row_id, json.dumps({"id": row_id, "code": code or row_id})),
    )


def test_a_late_commit_with_a_lower_xid_is_still_pulled(hub, hub_dsn):
    early = psycopg.connect(hub_dsn)  # not autocommit: a transaction stays open
    late = psycopg.connect(hub_dsn)
    try:
        early.execute("SELECT pg_current_xact_id()")  # takes the lower transaction id
        _write(early, "slow")
        _write(late, "fast")
        late.commit()  # the higher xid commits first
        first = hub_repo.read_feed(hub, 0, ("need",))
        assert [r["row_id"] for r in first["rows"]] == ["fast"]
        early.commit()  # now the lower one
        second = hub_repo.read_feed(hub, first["cursor"], ("need",))
        assert "slow" in [r["row_id"] for r in second["rows"]]
        # once both are over, the cursor moves past them and they are not sent again
        third = hub_repo.read_feed(hub, second["cursor"], ("need",))
        assert third["rows"] == []
    finally:
        early.close()
        late.close()


def test_a_row_written_again_comes_again(hub):
    _write(hub, "n1")
    first = hub_repo.read_feed(hub, 0, ("need",))
    assert [r["row_id"] for r in first["rows"]] == ["n1"]
    _write(hub, "n1", "other")
    second = hub_repo.read_feed(hub, first["cursor"], ("need",))
    assert [r["data"]["code"] for r in second["rows"]] == ["other"]
