"""A PC can only write as itself: its role reads what it pulls and calls the hub's SECURITY
DEFINER functions, nothing else; the functions refuse a write attributed to another PC."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from loket.db import hub as hub_repo
from loket.db.outbox import sync_workstation as ws_of
from loket.sync import receive
from tests import helpers
from tests.pcs import pc_connection


def test_a_pc_role_cannot_write_a_table_directly(make_pc):
    a = make_pc("a")
    with pc_connection(a) as conn:
        for sql in (
            "INSERT INTO loket.row (table_name, row_id, data) VALUES ('need', 'x', '{}')",
            "UPDATE loket.workstation SET last_seq = 0",
            "DELETE FROM loket.conflict",
            "SELECT * FROM loket.audit_row",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()


def test_the_functions_refuse_a_field_written_as_another_pc(make_pc, hub):
    a, b = make_pc("a"), make_pc("b")
    batch = receive.seal(str(uuid.uuid4()), 1, ws_of(a), "2026-01-01T00:00:00Z", [])
    with pc_connection(a) as conn:
        with conn.transaction():
            hub_repo.open_batch(conn, batch["id"], 1, batch["sha256"], 0)
            with pytest.raises(psycopg.errors.RaiseException, match="another workstation"):
                hub_repo.put_row(conn, batch["id"], "need", "n-x", {"code": "x"},
                                 {"code": {"ws": ws_of(b)}}, False)  # fmt: skip
    with pc_connection(b) as conn:  # b cannot use a's open batch either
        with pytest.raises(psycopg.errors.RaiseException, match="no open batch"):
            hub_repo.put_row(conn, batch["id"], "need", "n-x", {"code": "x"},
                             {"code": {"ws": ws_of(b)}}, False)  # fmt: skip
    assert hub_repo.count_rows(hub) == 0


def test_the_chain_key_is_handed_over_once(make_pc, hub):
    a = make_pc("a")
    helpers.visitor(helpers.context(a))
    from loket.context import system_context
    from loket.sync.run import sync_now

    assert sync_now(system_context(a)).ok
    with pc_connection(a) as conn:
        assert hub_repo.register_chain_key(conn, b"\x00" * 32) is False  # not replaced
    assert hub_repo.quarantined(hub) == []
