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
        for suffix, ref in (("i", "new"), ("u", "new"), ("u", "old"), ("d", "old")):
            name = f"{outbox.TRIGGER_PREFIX}{table}_{suffix}"
            sql = found.get(name)
            if sql is None:
                problems.append(f"{table}: no trigger {name}")
                continue
            for column in columns:
                captured = re.search(rf"'{column}', (CASE WHEN )?{ref}\.\"{column}\"", sql)
                if column not in local and not captured:
                    problems.append(f"{table}.{column} not captured by {name} ({ref})")
    assert problems == []


def test_latin_names_are_captured(db):
    ctx = helpers.context(db)
    v = helpers.visitor(ctx, latin_given_names="Aysha", latin_family_name="Yilmaz")
    row = db.one(
        "SELECT new FROM sync_outbox WHERE table_name = 'visitor' AND row_id = ? AND op = 'I'",
        (v.id,),
    )
    new = json.loads(row["new"])
    assert new["latin_given_names"] == "Aysha"
    assert new["latin_family_name"] == "Yilmaz"


def test_an_update_records_old_and_new_and_rolls_back_with_the_change(db):
    ctx = helpers.context(db)
    v = helpers.visitor(ctx)
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


def test_sign_in_bookkeeping_stays_local(db):
    helpers.make_staff(db, "balie9")
    before = outbox.waiting(db)
    with db.transaction():
        db.execute("UPDATE staff SET failed_logins = 3 WHERE username = 'balie9'")
    assert outbox.waiting(db) == before


def test_capture_is_off_while_pulled_rows_are_applied(db):
    ctx = helpers.context(db)
    v = helpers.visitor(ctx)
    before = outbox.waiting(db)
    with outbox.applying(db):
        outbox.update_row(db, "visitor", v.id, {"city": "Zwolle"})
    assert outbox.waiting(db) == before
    assert db.scalar("SELECT count(*) FROM sync_apply") == 0
    with db.transaction():
        db.execute("UPDATE visitor SET city = 'Kampen' WHERE id = ?", (v.id,))
    assert outbox.waiting(db) == before + 1


def test_triggers_follow_a_column_added_later(db):
    assert outbox.install_triggers(db) == 0  # idempotent
    with db.transaction():
        db.execute("ALTER TABLE visitor ADD COLUMN merged_into TEXT")
    assert outbox.install_triggers(db) == 3
    ctx = helpers.context(db)
    v = helpers.visitor(ctx)
    with db.transaction():
        db.execute("UPDATE visitor SET merged_into = 'x' WHERE id = ?", (v.id,))
    row = db.one("SELECT new FROM sync_outbox ORDER BY seq DESC LIMIT 1")
    assert json.loads(row["new"])["merged_into"] == "x"


def test_a_dropped_trigger_comes_back_at_start_up(db):
    from loket.db.migrate import migrate

    with db.transaction():
        db.execute(f"DROP TRIGGER {outbox.TRIGGER_PREFIX}visitor_u")
    migrate(db)
    assert f"{outbox.TRIGGER_PREFIX}visitor_u" in outbox.trigger_names(db)
