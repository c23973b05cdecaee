"""Change capture: every table classified, every synced column captured by triggers that
follow the schema, in the same transaction as the change, and silent while pulled rows are
applied."""

from __future__ import annotations

import json
import re

import pytest

from loket.db import outbox
from loket.db.migrate import latest_version, reference_columns
from loket.sync import tables
from tests import helpers


@pytest.fixture
def enrolled(db):
    """A PC as enrolment leaves it (without a hub to reach): capture is on."""
    with db.transaction():
        outbox.put_setting(db, "sync_enrolled", "1")
    return db


def test_a_pc_that_is_not_enrolled_keeps_no_outbox(db):
    helpers.visitor(helpers.context(db))
    assert outbox.waiting(db) == 0


def test_every_table_of_the_schema_is_classified():
    unclassified = [t for t in reference_columns(latest_version()) if not tables.classification(t)]
    assert unclassified == [], "classify these in loket/sync/tables.py"
    groups = [tables.MUTABLE, tables.APPEND_ONLY, tables.LOCAL, tables.DERIVED]
    every = [t for g in groups for t in g]
    assert len(every) == len(set(every)), "a table is in two groups"
    assert set(every) <= set(reference_columns(latest_version())), "a table that is gone"


def test_derived_and_synced_tables_are_where_the_design_says():
    assert {"visitor_name_key", "visitor_fts", "referral_outcome_tally"} <= set(tables.DERIVED)
    assert "directory_translation" in tables.MUTABLE
    assert "setting" in tables.LOCAL
    assert tables.AUDIT in tables.APPEND_ONLY and tables.AUDIT not in tables.PULLED


def test_every_synced_table_has_triggers_capturing_every_column(db):
    found = {
        r["name"]: r["sql"]
        for r in db.all("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    }
    problems = []
    for table in tables.SYNCED:
        columns = [r["name"] for r in db.all(f"PRAGMA table_info({table})")]
        local = tables.LOCAL_COLUMNS.get(table, ())
        refs = [("i", "new"), ("u", "new")]
        if table in tables.MUTABLE:
            refs.append(("u", "old"))  # the base an edit is checked against at the hub
        for suffix, ref in refs:
            name = f"{outbox.TRIGGER_PREFIX}{table}_{suffix}"
            if f"{outbox.TRIGGER_PREFIX}{table}_d" not in found:
                problems.append(f"{table}: no delete trigger")
            sql = found.get(name)
            if sql is None:
                problems.append(f"{table}: no trigger {name}")
                continue
            if ref == "old":
                sql = sql.split("INSERT INTO")[1]  # the statement that makes a new row
            for column in columns:
                captured = re.search(rf"'{column}', (CASE WHEN )?{ref}\.\"{column}\"", sql)
                if column not in local and not captured:
                    problems.append(f"{table}.{column} not captured by {name} ({ref})")
    assert problems == []


def test_latin_names_are_captured(enrolled):
    db = enrolled
    ctx = helpers.context(db)
    v = helpers.visitor(ctx, latin_given_names="Aysha", latin_family_name="Yilmaz")
    row = db.one(
        "SELECT new FROM sync_outbox WHERE table_name = 'visitor' AND row_id = ? AND op = 'I'",
        (v.id,),
    )
    new = json.loads(row["new"])
    assert new["latin_given_names"] == "Aysha"
    assert new["latin_family_name"] == "Yilmaz"


def _sealed(db) -> None:
    from loket.sync.exchange import seal_pending

    seal_pending(db, db.workstation)


def test_an_update_records_old_and_new_and_rolls_back_with_the_change(enrolled):
    db = enrolled
    ctx = helpers.context(db)
    v = helpers.visitor(ctx)
    _sealed(db)
    before = outbox.waiting(db)
    with pytest.raises(RuntimeError):
        with db.transaction():
            db.execute("UPDATE visitor SET phone = '0612345678' WHERE id = ?", (v.id,))
            raise RuntimeError("the use case failed")
    assert outbox.waiting(db) == before  # no change, no outbox row
    with db.transaction():
        db.execute("UPDATE visitor SET phone = '0612345678' WHERE id = ?", (v.id,))
    row = db.one("SELECT * FROM sync_outbox ORDER BY seq DESC LIMIT 1")
    assert (row["table_name"], row["row_id"], row["op"]) == ("visitor", v.id, "U")
    assert json.loads(row["old"])["phone"] is None
    assert json.loads(row["new"])["phone"] == "0612345678"
    # an update that changes nothing is not a change
    with db.transaction():
        db.execute("UPDATE visitor SET phone = '0612345678' WHERE id = ?", (v.id,))
    assert outbox.waiting(db) == before + 1


def test_unsent_changes_of_a_row_fold_into_one_keeping_the_first_base(enrolled):
    db = enrolled
    ctx = helpers.context(db)
    v = helpers.visitor(ctx, phone="0611111111")
    with db.transaction():
        db.execute("UPDATE visitor SET family_name = 'Overwritten' WHERE id = ?", (v.id,))
    rows = db.all("SELECT op, new FROM sync_outbox WHERE row_id = ?", (v.id,))
    assert [r["op"] for r in rows] == ["I"]  # the insert of the final row
    assert json.loads(rows[0]["new"])["family_name"] == "Overwritten"
    assert b"Yilmaz" not in json.dumps([dict(r) for r in rows]).encode()
    _sealed(db)
    for phone in ("0622222222", "0633333333"):
        with db.transaction():
            db.execute("UPDATE visitor SET phone = ? WHERE id = ?", (phone, v.id))
    rows = db.all("SELECT old, new FROM sync_outbox WHERE row_id = ? AND op = 'U'", (v.id,))
    assert len(rows) == 1
    assert json.loads(rows[0]["old"])["phone"] == "+31611111111"
    assert json.loads(rows[0]["new"])["phone"] == "0633333333"


def test_an_anonymisation_keeps_no_old_values(enrolled):
    db = enrolled
    ctx = helpers.context(db)
    v = helpers.visitor(ctx, given_names="Qwertinia")
    _sealed(db)
    with db.transaction():
        db.execute(
            "UPDATE visitor SET given_names = '', anonymised_at = '2026-01-01T00:00:00Z'"
            " WHERE id = ?",
            (v.id,),
        )
    row = db.one("SELECT old, new FROM sync_outbox WHERE row_id = ? AND op = 'U'", (v.id,))
    assert row["old"] is None and "Qwertinia" not in row["new"]


def test_sign_in_bookkeeping_stays_local(enrolled):
    db = enrolled
    helpers.make_staff(db, "balie9")
    before = outbox.waiting(db)
    with db.transaction():
        db.execute("UPDATE staff SET failed_logins = 3 WHERE username = 'balie9'")
    assert outbox.waiting(db) == before


def test_capture_is_off_while_pulled_rows_are_applied(enrolled):
    db = enrolled
    ctx = helpers.context(db)
    v = helpers.visitor(ctx)
    _sealed(db)
    before = outbox.waiting(db)
    with outbox.applying(db):
        outbox.update_row(db, "visitor", v.id, {"city": "Zwolle"})
    assert outbox.waiting(db) == before
    assert db.scalar("SELECT count(*) FROM sync_apply") == 0
    with db.transaction():
        db.execute("UPDATE visitor SET city = 'Kampen' WHERE id = ?", (v.id,))
    assert outbox.waiting(db) == before + 1


def test_triggers_follow_a_column_added_later(enrolled):
    db = enrolled
    assert outbox.install_triggers(db) == 0  # idempotent
    with db.transaction():
        db.execute("ALTER TABLE visitor ADD COLUMN nickname TEXT")
    assert outbox.install_triggers(db) == 2  # insert, update (a deletion carries no values)
    ctx = helpers.context(db)
    v = helpers.visitor(ctx)
    with db.transaction():
        db.execute("UPDATE visitor SET nickname = 'x' WHERE id = ?", (v.id,))
    row = db.one("SELECT new FROM sync_outbox WHERE row_id = ?", (v.id,))
    assert json.loads(row["new"])["nickname"] == "x"


def test_a_dropped_trigger_comes_back_at_start_up(db):
    from loket.db.migrate import migrate

    with db.transaction():
        db.execute(f"DROP TRIGGER {outbox.TRIGGER_PREFIX}visitor_u")
    migrate(db)
    assert f"{outbox.TRIGGER_PREFIX}visitor_u" in outbox.trigger_names(db)


def test_rows_no_trigger_saw_are_queued_once_at_enrolment(db):
    from loket.sync.enroll import install

    ctx = helpers.context(db)
    v = helpers.visitor(ctx)
    with db.transaction():  # as before schema version 8, or a bulk load with triggers off
        db.execute("DELETE FROM sync_outbox")
    own = db.workstation
    install(db, {"workstation": "ws-1", "dsn": "host=127.0.0.1 port=1"})
    # the hub's id is the PC's identity towards the hub; its rows keep the file's own id
    assert outbox.sync_workstation(db) == "ws-1"
    assert db.scalar("SELECT value FROM setting WHERE key = 'workstation'") == own
    rows = db.all("SELECT table_name, row_id FROM sync_outbox WHERE op = 'I'")
    queued = {(r["table_name"], r["row_id"]) for r in rows}
    assert ("visitor", v.id) in queued
    assert db.scalar("SELECT count(*) FROM desk") == sum(t == "desk" for t, _ in queued)
    audit_rows = [r["row_id"] for r in rows if r["table_name"] == "audit_log"]
    in_order = [r["id"] for r in db.all("SELECT id FROM audit_log ORDER BY seq")]
    assert audit_rows == in_order  # the whole chain, from its start, in order
    assert len(queued) == len(rows)  # each row once


def test_seeded_reference_rows_have_the_same_id_on_every_pc(tmp_path):
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.directory import seed

    ids = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        other = Database(tmp_path / name / "loket.sqlite")
        migrate(other)
        seed.load_reference(other)
        ids.append([tuple(r) for r in other.all("SELECT id, code FROM desk ORDER BY code")])
        other.close()
    assert ids[0] == ids[1] and ids[0]
