"""The audit log is append-only and hash-chained; subject references are keyed hashes."""

from __future__ import annotations

import sqlite3

import pytest

from loket.privacy import audit, chain_check
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


# -- the chain catches edits, removals and swaps made behind the app's back --------------------
def _chain(db, n=6):
    ctx = context(db)
    for i in range(n):
        audit.record(ctx, action="test", object_id=str(i))
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("DROP TRIGGER audit_log_no_delete")
    return {
        r["object_id"]: r["seq"]
        for r in db.all("SELECT seq, object_id FROM audit_log WHERE action = 'test'")
    }


def test_deleted_row_is_found(db):
    seqs = _chain(db)
    db.execute("DELETE FROM audit_log WHERE seq = ?", (seqs["2"],))
    problem = audit.verify(db)
    assert problem == audit.ChainProblem(seqs["2"], "missing")
    assert str(seqs["2"]) in problem.describe()


def test_deleted_row_renumbered_is_found(db):
    seqs = _chain(db)
    target = seqs["2"]
    db.execute("DELETE FROM audit_log WHERE seq = ?", (target,))
    last = db.scalar("SELECT max(seq) FROM audit_log")
    for seq in range(target + 1, last + 1):
        db.execute("UPDATE audit_log SET seq = seq - 1 WHERE seq = ?", (seq,))
    problem = audit.verify(db)
    assert problem is not None and problem.seq == target


def test_swapped_rows_are_found(db):
    seqs = _chain(db)
    a, b = seqs["2"], seqs["3"]
    db.execute("UPDATE audit_log SET seq = -1 WHERE seq = ?", (a,))
    db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (a, b))
    db.execute("UPDATE audit_log SET seq = ? WHERE seq = -1", (b,))
    problem = audit.verify(db)
    assert problem is not None and problem.seq == a and problem.reason == "out of order"


def test_edit_with_recomputed_own_hash_is_still_found(db):
    seqs = _chain(db)
    target = seqs["3"]
    row = dict(db.one("SELECT * FROM audit_log WHERE seq = ?", (target,)))
    row["actor"] = "someone else"
    new_hash = audit.row_hash(row["prev_hash"], row)
    db.execute(
        "UPDATE audit_log SET actor = ?, hash = ? WHERE seq = ?", (row["actor"], new_hash, target)
    )
    problem = audit.verify(db)
    # A plain SHA-256 after keyed rows is refused at the row itself.
    assert problem == audit.ChainProblem(target, "edited")


def test_cli_verify_exit_status(db, data_dir, monkeypatch, capsys):
    from loket.cli import main
    from tests.helpers import PASSWORD, make_staff

    make_staff(db, "super", "supervisor")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    assert main(["audit", "verify", "--user", "super"]) == 0
    seqs = _chain(db)
    db.execute("UPDATE audit_log SET detail = '{\"x\": 1}' WHERE seq = ?", (seqs["4"],))
    assert main(["audit", "verify", "--user", "super"]) == 1
    err = capsys.readouterr().err
    assert str(seqs["4"]) in err
    assert main(["audit", "list", "--user", "super", "--action", "audit.verify"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "failed" in out[0] and "ok" in out[1]


# -- every kind of action leaves a row ---------------------------------------------------------
def test_every_action_kind_is_logged(db, tmp_path):
    from loket.context import Context
    from loket.counter import intake
    from loket.errors import PermissionDenied
    from loket.letters import service as letters
    from loket.privacy import auth, backup
    from loket.privacy import rights as visitor_rights
    from tests.helpers import PASSWORD, visit, visitor
    from tests.letters_support import letter_visit

    start = db.scalar("SELECT max(seq) FROM audit_log")
    ctx = Context(db=db)
    context(db, "balie", "anna")  # makes the account
    with pytest.raises(Exception):  # noqa: B017 - failed login
        auth.login(ctx, "anna", "wrong")
    auth.login(ctx, "anna", PASSWORD)
    person = visitor(ctx, v_number="9876543210")
    intake.get_visitor(ctx, person.id)
    person.phone = "0612345678"
    intake.update_visitor(ctx, person)
    visit(ctx, person.id)
    with pytest.raises(PermissionDenied):
        backup.backup(ctx, tmp_path / "x.sqlite")
    auth.lock(ctx)
    auth.unlock(ctx, PASSWORD)
    lctx, visit_id = letter_visit(db)
    template = next(
        n for n in letters.template_names() if not letters.get_template(n).needs_appointment
    )
    letters.produce(lctx, visit_id, template, "nl")
    sup = context(db, "supervisor", "sup")
    exports = pytest.importorskip("loket.reports.exports")
    exports.export_referrals(
        sup, date_from="2020-01-01", date_to="2030-12-31", fmt="csv", out_path=tmp_path / "log.csv"
    )
    visitor_rights.erase_visitor(sup, person.id, "the visitor asked for it")
    auth.logout(ctx)
    rows = db.all(
        "SELECT action, result, subject_ref, detail FROM audit_log WHERE seq > ?", (start,)
    )
    seen = {(r["action"], r["result"]) for r in rows}
    for expected in [
        ("login", "failed"),
        ("login", "ok"),
        ("visitor.create", "ok"),
        ("visitor.view", "ok"),
        ("visitor.update", "ok"),
        ("visit.create", "ok"),
        ("backup", "refused"),
        ("session.lock", "ok"),
        ("session.unlock", "ok"),
        ("letter.produce", "ok"),
        ("visitor.anonymise", "ok"),
        ("logout", "ok"),
    ]:
        assert expected in seen, expected
    assert any(a.startswith("export") and r == "ok" for a, r in seen)
    for r in rows:  # no number and no password ever in the trail
        assert "9876543210" not in (r["detail"] or "") + (r["subject_ref"] or "")
        assert PASSWORD not in r["detail"]
    assert audit.verify(db) is None


def test_entries_filters(db):
    sup = context(db, "supervisor", "sup")
    clerk = context(db, "balie", "anna")
    audit.record(clerk, action="visitor.view", object_id="v1", subject="1234567890")
    audit.record(clerk, action="visitor.view", object_id="v2", subject="1111111111")
    audit.record(sup, action="export.referrals", result="ok")
    rows = audit.entries(sup, actor="anna")
    assert {r["object_id"] for r in rows} == {"v1", "v2"}
    assert [r["object_id"] for r in audit.entries(sup, subject="1234567890")] == ["v1"]
    assert [r["action"] for r in audit.entries(sup, action="export")] == ["export.referrals"]
    newest = audit.entries(sup, limit=1)
    older = audit.entries(sup, before_seq=newest[0]["seq"], limit=1)
    assert older[0]["seq"] < newest[0]["seq"]


def test_rows_removed_from_the_end_are_found_against_a_backup(db, tmp_path):
    from loket.privacy import backup

    seqs = _chain(db)
    sup = context(db, "supervisor", "sup")
    copy = backup.make_backup(db.path, tmp_path / "earlier.sqlite")
    last = db.scalar("SELECT max(seq) FROM audit_log")  # the newest row in the copy
    assert chain_check.check_chain(sup, earlier=copy) is None
    db.execute("DELETE FROM audit_log WHERE seq >= ?", (seqs["4"],))
    assert audit.verify(db) is None  # the chain alone cannot see a cut-off end
    problem = chain_check.check_chain(sup, earlier=copy)
    # The anchor written by the clean check above is the first to miss its row.
    assert problem is not None and problem.reason == "missing" and problem.seq >= last


def test_cli_verify_against_a_backup(db, data_dir, tmp_path, monkeypatch, capsys):
    from loket.cli import main
    from loket.privacy import backup
    from tests.helpers import PASSWORD, make_staff

    make_staff(db, "super", "supervisor")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    seqs = _chain(db)
    copy = backup.make_backup(db.path, tmp_path / "copy.sqlite")
    head = db.scalar("SELECT max(seq) FROM audit_log")
    db.execute("DELETE FROM audit_log WHERE seq >= ?", (seqs["5"],))
    assert main(["audit", "verify", "--user", "super"]) == 0  # the chain alone looks fine
    assert main(["audit", "verify", "--user", "super", "--against", str(copy)]) == 1
    assert str(head) in capsys.readouterr().err
