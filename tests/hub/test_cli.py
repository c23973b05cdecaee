"""`loket hub init`, `loket sync enroll|now|status` against a real hub."""

from __future__ import annotations

import json
import stat

import pytest

from loket.cli import main
from tests.helpers import PASSWORD, context, visitor


@pytest.fixture
def admin(db, monkeypatch):
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    monkeypatch.setenv("LOKET_LANG", "en")
    return context(db, "beheerder", "admin")


def test_init_enroll_sync_and_status(admin, db, hub_dsn, capsys, tmp_path):
    assert main(["hub", "init", "--dsn", hub_dsn]) == 0
    assert main(["hub", "init", "--dsn", hub_dsn]) == 0  # again: nothing breaks
    bundle = tmp_path / "zwl-1.json"
    issue = ["hub", "enroll", "--dsn", hub_dsn, "--name", "ZWL-1", "--desk", "ZWL"]
    assert main([*issue, "--pc-dsn", hub_dsn, "--out", str(bundle)]) == 0
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    assert main(["sync", "enroll", str(bundle), "--user", "admin"]) == 0
    capsys.readouterr()
    visitor(context(db))
    assert main(["sync", "status", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before["enrolled"] is True and before["waiting"] > 0
    assert before["last_success_at"] is None
    assert main(["sync", "now"]) == 0
    assert "0 waiting" in capsys.readouterr().out
    assert main(["sync", "status", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["waiting"] == 0 and after["hub_reachable"] is True
    assert after["last_success_at"] is not None
    assert main(["sync", "status"]) == 0
    assert "Changes waiting: 0" in capsys.readouterr().out


def test_a_counter_account_cannot_enroll(admin, db, hub_dsn, capsys, tmp_path):
    context(db, "balie", "balie")
    main(["hub", "init", "--dsn", hub_dsn])
    bundle = tmp_path / "zwl-1.json"
    issue = ["hub", "enroll", "--dsn", hub_dsn, "--name", "ZWL-1", "--desk", "ZWL"]
    assert main([*issue, "--pc-dsn", hub_dsn, "--out", str(bundle)]) == 0
    assert main(["sync", "enroll", str(bundle), "--user", "balie"]) == 2
    assert db.one("SELECT value FROM setting WHERE key = 'sync_enrolled'") is None


def test_sync_now_without_enrolment_says_so(db, capsys, monkeypatch):
    monkeypatch.setenv("LOKET_LANG", "en")
    assert main(["sync", "now"]) == 1
    assert "not enrolled" in capsys.readouterr().out
