"""Every earlier schema version's snapshot migrates to the newest, keeping its data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loket.db.connection import Database
from loket.db.migrate import latest_version, migrate, split_statements, versions
from loket.db.visitors import search_candidates

SNAPSHOTS = sorted(Path(__file__).parent.parent.joinpath("data").glob("schema_v*.sqlite"))


def test_there_is_a_snapshot_of_every_earlier_version():
    found = {int(p.stem.removeprefix("schema_v")) for p in SNAPSHOTS}
    assert found == set(versions()[:-1]), (
        "commit a snapshot of each earlier schema version: python tests/make_snapshot.py N"
    )


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem)
def test_snapshot_migrates_to_latest(tmp_path, snapshot):
    path = tmp_path / "loket.sqlite"
    shutil.copy(snapshot, path)
    db = Database(path)
    before = db.user_version
    applied = migrate(db)
    assert applied == [v for v in versions() if v > before]
    assert db.user_version == latest_version()
    # The data survived, foreign keys hold, and the file was copied aside first.
    assert db.scalar("SELECT count(*) FROM visitor") == 2
    assert db.scalar("SELECT need_code FROM visit_need") == "debts"
    assert db.all("PRAGMA foreign_key_check") == []
    assert db.scalar("PRAGMA integrity_check") == "ok"
    assert list(tmp_path.glob("loket.sqlite.v*.premigrate"))
    # Visitors from before the search index are found by it.
    hits = search_candidates(db, '"ayse"', 10)
    assert [h["visitor_id"] for h in hits] == ["v1"]
    db.close()


def test_the_hubs_open_tasks_become_merge_tasks_at_version_11(tmp_path):
    path = tmp_path / "loket.sqlite"
    shutil.copy(SNAPSHOTS[0].with_name("schema_v10.sqlite"), path)
    db = Database(path)
    for tid, a, b, closed in (("t1", "v2", "v1", None), ("t2", "v1", "gone", None),
                              ("t3", "v1", "v2", "2026-01-01T00:00:00Z")):  # fmt: skip
        db.execute(
            "INSERT INTO sync_task VALUES (?, 'possible_duplicate', ?, ?, 'bsn',"
            " '2026-01-01T00:00:00Z', ?)",
            (tid, a, b, closed),
        )
    migrate(db)
    rows = [
        tuple(r) for r in db.all("SELECT id, visitor_a, visitor_b, reason, status FROM merge_task")
    ]
    assert rows == [("t1", "v1", "v2", "bsn", "open")]  # a file not here, or closed: no task
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sync_task'") == 0
    db.close()


def test_merge_tasks_decided_before_version_12_are_sent_at_the_next_round(tmp_path):
    from loket.db import merge as merge_repo

    path = tmp_path / "loket.sqlite"
    shutil.copy(SNAPSHOTS[0].with_name("schema_v11.sqlite"), path)
    db = Database(path)
    db.execute(
        "INSERT INTO merge_task (id, visitor_a, visitor_b, reason, status, decided_at,"
        " created_at, updated_at, workstation) VALUES ('t1', 'v1', 'v2', 'name_dob',"
        " 'dismissed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',"
        " '2026-01-01T00:00:00Z', 'ws')"
    )
    migrate(db)
    assert [r["id"] for r in merge_repo.decisions_to_push(db)] == ["t1"]
    merge_repo.mark_decisions_pushed(db, ["t1"], "2026-01-02T00:00:00Z")
    assert merge_repo.decisions_to_push(db) == []
    db.close()


def test_fresh_database_migrates_without_backup(tmp_path):
    db = Database(tmp_path / "loket.sqlite")
    assert migrate(db) == versions()
    assert migrate(db) == []
    assert not list(tmp_path.glob("*.premigrate"))
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    db.close()


def test_failed_migration_rolls_back_whole(tmp_path, monkeypatch):
    from loket.db import migrate as mig

    db = Database(tmp_path / "loket.sqlite")
    migrate(db, target=1)
    real = mig.migrations()
    broken = mig.Migration(2, "0002_broken.sql", "CREATE TABLE half (x);\nSELECT nonsense(;\n")
    monkeypatch.setattr(mig, "migrations", lambda: [real[0], broken])
    with pytest.raises(Exception):  # noqa: B017 - any SQLite error
        mig.migrate(db)
    assert db.user_version == 1
    assert db.one("SELECT name FROM sqlite_master WHERE name = 'half'") is None
    db.close()


def test_newer_schema_is_refused(tmp_path):
    from loket.db.migrate import NewerSchemaError

    db = Database(tmp_path / "loket.sqlite")
    db.execute("PRAGMA user_version = 999")
    with pytest.raises(NewerSchemaError) as err:
        migrate(db)
    assert "999" in str(err.value)
    assert db.user_version == 999
    db.close()


def test_split_statements_keeps_trigger_bodies():
    sql = (
        "CREATE TABLE a (x);\n-- note\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
        "  SELECT 1;\n  SELECT 2;\nEND;\n"
    )
    parts = split_statements(sql)
    assert len(parts) == 2
    assert parts[1].endswith("END;")
