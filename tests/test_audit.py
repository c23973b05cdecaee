"""The audit log is append-only and hash-chained; subject references are keyed hashes."""

from __future__ import annotations

import sqlite3

import pytest

from loket import audit
from tests.helpers import context


def test_rows_chain_and_verify(db):
    ctx = context(db)
    for i in range(5):
        audit.record(ctx, action="test", object_id=str(i), subject="1234567890")
    assert audit.verify(db) is None
    row = db.one("SELECT * FROM audit_log WHERE action = 'test' LIMIT 1")
    assert row["subject_ref"] and "1234567890" not in row["subject_ref"]
    assert row["actor"] == ctx.user.username


def test_update_and_delete_refused(db):
    ctx = context(db)
    audit.record(ctx, action="test")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM audit_log")


def test_edit_is_found(db):
    ctx = context(db)
    for i in range(4):
        audit.record(ctx, action="test", object_id=str(i))
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET object_id = 'forged' WHERE seq = 3")
    problem = audit.verify(db)
    assert problem is not None and problem.seq == 3 and problem.reason == "edited"
