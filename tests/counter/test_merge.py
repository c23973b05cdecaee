"""Possibly the same visitor: tasks found, never merged by themselves; a merge staff decide."""

from __future__ import annotations

import json

import pytest

from loket.counter import intake, merge
from loket.db import merge as merge_repo
from loket.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from loket.referrals import lifecycle as referrals
from tests.helpers import context, insert_row, visit, visitor


@pytest.fixture
def ctx(db):
    return context(db, "supervisor")


def _service(db) -> str:
    return db.scalar("SELECT id FROM service WHERE name LIKE 'Schuldhulp%' ORDER BY id")


def _two_files(ctx):
    """One person registered twice: a V-nummer on one file, a phone and a BSN on the other."""
    a = visitor(
        ctx,
        given_names="Mohamed",
        family_name="Al-Hassan",
        v_number="1234567890",
        date_of_birth="1980-05-01",
    )
    b = visitor(
        ctx,
        given_names="Mohammed",
        family_name="Alhassan",
        v_number="1234567890",
        date_of_birth="1980-05-01",
        phone="0612345678",
        bsn="111222333",
    )
    return a, b


def _everything_of(ctx, db, person_id):
    """A visit with a referral and an appointment, a letter and a draft."""
    v = visit(ctx, person_id)
    ref = referrals.propose(ctx, v.id, _service(db))
    appt = insert_row(
        db,
        "appointment",
        id=f"ap-{person_id}",
        visit_id=v.id,
        referral_id=ref.id,
        starts_at="2026-12-03T10:30",
        place="Zwolle",
    )
    letter = insert_row(
        db,
        "letter",
        id=f"le-{person_id}",
        visit_id=v.id,
        visitor_id=person_id,
        template="referral",
        languages="nl",
        sha256="x",
    )
    draft = insert_row(
        db, "draft", id=f"dr-{person_id}", kind="visitor", visitor_id=person_id, payload="{}"
    )
    return v, ref, appt, letter, draft


def test_same_v_number_becomes_a_task_and_nothing_is_merged(ctx, db):
    a, b = _two_files(ctx)
    assert merge.scan(ctx) == 1
    assert merge.scan(ctx) == 0  # a pair has one task
    [task] = merge.open_tasks(ctx)
    assert {task.visitor_a, task.visitor_b} == {a.id, b.id}
    assert task.reason == "v_number"
    assert db.scalar("SELECT count(*) FROM visitor WHERE merged_into IS NOT NULL") == 0


def test_name_rules_with_the_same_birth_date_make_a_task(ctx, db):
    a = visitor(
        ctx, given_names="Maxamed", family_name="Cabdi", v_number=None, date_of_birth="1990-01-02"
    )
    b = visitor(
        ctx, given_names="Mohamed", family_name="Abdi", v_number=None, date_of_birth="1990-01-02"
    )
    visitor(
        ctx, given_names="Mohamed", family_name="Abdi", v_number=None, date_of_birth="1991-01-02"
    )  # another birthday: another person
    assert merge.scan(ctx) == 1
    [task] = merge.open_tasks(ctx)
    assert {task.visitor_a, task.visitor_b} == {a.id, b.id} and task.reason == "name_dob"


def test_merge_moves_every_referencing_row_and_keeps_the_pointer(ctx, db):
    a, b = _two_files(ctx)
    mine = _everything_of(ctx, db, a.id)
    theirs = _everything_of(ctx, db, b.id)
    merge.scan(ctx)
    [task] = merge.open_tasks(ctx)
    kept = merge.merge(
        ctx, a.id, b.id, take_from_other={"phone", "bsn", "given_names"}, task_id=task.id
    )
    assert kept.id == a.id
    assert (kept.given_names, kept.family_name) == ("Mohammed", "Al-Hassan")
    assert kept.phone == "+31612345678" and kept.bsn == "111222333"
    # both files' visits (with their referrals and appointments), letters and drafts
    assert {r["id"] for r in db.all("SELECT id FROM visit WHERE visitor_id = ?", (a.id,))} == {
        mine[0].id,
        theirs[0].id,
    }
    assert db.scalar("SELECT count(*) FROM letter WHERE visitor_id = ?", (a.id,)) == 2
    assert db.scalar("SELECT count(*) FROM draft WHERE visitor_id = ?", (a.id,)) == 2
    assert db.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (b.id,)) == 0
    assert referrals.load(ctx, theirs[1].id).visitor_id == a.id
    # the merged-away file points at the kept one, holds no second copy, and opens it
    row = db.one("SELECT * FROM visitor WHERE id = ?", (b.id,))
    assert row["merged_into"] == a.id
    assert (row["given_names"], row["v_number"], row["bsn"], row["phone"]) == ("", None, None, None)
    assert intake.get_visitor(ctx, b.id).id == a.id
    assert merge.open_tasks(ctx) == []
    assert merge_repo.get_task(db, task.id)["status"] == "merged"
    entry = db.one("SELECT * FROM audit_log WHERE action = 'visitor.merged'")
    detail = json.loads(entry["detail"])
    assert entry["object_id"] == a.id and detail["merged"] == b.id
    assert detail["fields_from_merged"] == ["bsn", "given_names", "phone"]
    assert detail["moved"]["visit.visitor_id"] == 1
    assert db.all("PRAGMA foreign_key_check") == []


def test_a_new_table_that_refers_to_visitors_is_moved_too(ctx, db):
    a, b = _two_files(ctx)
    db.execute(
        "CREATE TABLE visitor_note (id TEXT PRIMARY KEY,"
        " visitor_id TEXT NOT NULL REFERENCES visitor(id), text TEXT)"
    )
    db.execute("INSERT INTO visitor_note VALUES ('n1', ?, 'x')", (b.id,))
    merge.merge(ctx, a.id, b.id)
    assert db.scalar("SELECT visitor_id FROM visitor_note") == a.id


def test_every_visitor_reference_in_the_schema_is_moved_or_kept_on_purpose(db):
    # a column that holds a visitor id but has no foreign key is invisible to the merge
    # unless NO_KEY names it: every such column of the schema must be listed somewhere
    refs = set(merge_repo.visitor_references(db))
    for (table,) in db.all("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for col in db.all(f'PRAGMA table_info("{table}")'):
            if "visitor" in col["name"]:
                assert (table, col["name"]) in refs or (table, col["name"]) in {
                    ("visitor_name_key", "visitor_id"),  # derived keys, kept by triggers
                    # other desks' visitors: the index the hub replaces (a merged-away file
                    # leaves it) and the mark of a fetched file (tidied, whoever it became)
                    ("visitor_elsewhere", "visitor_id"),
                    ("visitor_fetched", "visitor_id"),
                }, (table, col["name"])
    moved = set(merge_repo.columns_to_move(db))
    assert {("visit", "visitor_id"), ("letter", "visitor_id"), ("draft", "visitor_id")} <= moved
    assert ("visitor_search", "visitor_id") not in moved


def test_a_merge_that_fails_validation_changes_nothing(ctx, db):
    a, b = _two_files(ctx)
    _everything_of(ctx, db, b.id)
    db.execute("UPDATE visitor SET email = 'not an address' WHERE id = ?", (b.id,))
    with pytest.raises(ValidationError):
        merge.merge(ctx, a.id, b.id, take_from_other={"email"})
    assert db.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (b.id,)) == 1
    assert db.scalar("SELECT merged_into FROM visitor WHERE id = ?", (b.id,)) is None


def test_merge_refusals(ctx, db):
    a, b = _two_files(ctx)
    with pytest.raises(PermissionDenied):
        merge.merge(context(db, "balie"), a.id, b.id)
    with pytest.raises(ConflictError):
        merge.merge(ctx, a.id, a.id)
    with pytest.raises(ValidationError):
        merge.merge(ctx, a.id, b.id, take_from_other={"created_by"})
    merge.merge(ctx, a.id, b.id)
    with pytest.raises(ConflictError):
        merge.merge(ctx, a.id, b.id)  # already merged away
    with pytest.raises(NotFound):
        merge.merge(ctx, a.id, "no-such-visitor")
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.merged'") == 1


def test_dismissed_pairs_are_not_proposed_again(ctx, db):
    _two_files(ctx)
    merge.scan(ctx)
    [task] = merge.open_tasks(ctx)
    merge.dismiss(ctx, task.id)
    db.execute("DELETE FROM setting WHERE key = ?", (merge.SCAN_SETTING,))
    assert merge.scan(ctx) == 0
    assert merge.open_tasks(ctx) == []
    with pytest.raises(ConflictError):
        merge.dismiss(ctx, task.id)


def test_tasks_of_the_merged_away_file_follow_the_kept_one(ctx, db):
    a, b = _two_files(ctx)
    c = visitor(
        ctx,
        given_names="M.",
        family_name="Al Hassan",
        v_number=None,
        bsn="111222333",
        date_of_birth="1970-01-01",
    )
    merge.scan(ctx)  # a-b (V-nummer) and b-c (BSN)
    assert len(merge.open_tasks(ctx)) == 2
    merge.merge(ctx, a.id, b.id)
    [task] = merge.open_tasks(ctx)
    assert {task.visitor_a, task.visitor_b} == {a.id, c.id}


def test_a_visit_recorded_on_the_merged_away_id_goes_to_the_kept_file(ctx, db):
    a, b = _two_files(ctx)
    merge.merge(ctx, a.id, b.id)
    late = visit(ctx, b.id)  # a form opened before the merge, or another PC's stale id
    assert late.visitor_id == a.id
    assert db.scalar("SELECT visitor_id FROM visit WHERE id = ?", (late.id,)) == a.id


def test_a_scan_goes_on_where_the_last_one_stopped(ctx, db):
    a = visitor(
        ctx, given_names="Maxamed", family_name="Cabdi", v_number=None, date_of_birth="1990-01-02"
    )
    visitor(
        ctx, given_names="Selam", family_name="Tesfay", v_number=None, date_of_birth="1991-03-04"
    )
    b = visitor(
        ctx, given_names="Mohamed", family_name="Abdi", v_number=None, date_of_birth="1990-01-02"
    )
    assert merge.scan(ctx, max_rows=1) == 1  # the first file already meets its double
    assert merge.scan(ctx, max_rows=1) == 0
    assert merge.scan(ctx, max_rows=1) == 0  # b's pair exists already
    assert merge.scan(ctx) == 0
    [task] = merge.open_tasks(ctx)
    assert {task.visitor_a, task.visitor_b} == {a.id, b.id}
    rowid = db.scalar("SELECT rowid FROM visitor WHERE id = ?", (b.id,))
    assert db.scalar("SELECT value FROM setting WHERE key = ?", (merge.SCAN_SETTING,)) == str(rowid)
