"""The `loket` command: version, help, demo data (deterministic, refused on real data)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from loket.cli import main
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.demo import generate as demo
from loket.errors import DemoRefused


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert "Loket" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--data-dir" in out and "demo" in out


def test_python_dash_m_is_the_same_command():
    result = subprocess.run(
        [sys.executable, "-m", "loket", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.startswith("Loket ")


def _fresh(path):
    db = Database(path)
    migrate(db)
    return db


def test_demo_is_deterministic_and_complete(tmp_path):
    a = _fresh(tmp_path / "a.sqlite")
    b = _fresh(tmp_path / "b.sqlite")
    stats = demo.generate(a, visitors=120, seed=7)
    demo.generate(b, visitors=120, seed=7)
    assert stats["visitors"] == 120 and stats["visits"] >= 120
    query = "SELECT id, given_names, family_name, v_number, bsn FROM visitor ORDER BY id"
    assert [tuple(r) for r in a.all(query)] == [tuple(r) for r in b.all(query)]
    # Names in their own scripts, accounts with the demo password, the demo flag.
    langs = {r[0] for r in a.all("SELECT DISTINCT preferred_language FROM visitor")}
    assert {"ar", "ti", "uk"} <= langs
    users = {r[0] for r in a.all("SELECT username FROM staff")}
    assert users == {"balie", "supervisor", "beheerder"}
    assert demo.is_demo(a)
    # The search index was filled after the bulk load.
    assert a.scalar("SELECT count(*) FROM visitor_search") == 120
    assert a.scalar("PRAGMA integrity_check") == "ok"
    assert a.all("PRAGMA foreign_key_check") == []
    a.close()
    b.close()


def test_demo_refused_on_real_data(tmp_path):
    from loket.directory import seed
    from tests.helpers import context, visitor

    db = _fresh(tmp_path / "real.sqlite")
    seed.load_all(db)
    visitor(context(db))
    with pytest.raises(DemoRefused):
        demo.generate(db, visitors=5)
    assert db.scalar("SELECT count(*) FROM visitor") == 1
    db.close()


def test_demo_refused_once_an_account_exists(tmp_path):
    from loket.context import Context
    from loket.directory import seed
    from loket.privacy import auth

    db = _fresh(tmp_path / "admin.sqlite")
    seed.load_all(db)
    auth.create_account(
        Context(db=db),
        username="admin",
        display_name="Admin",
        role="beheerder",
        password="a good password",
        first_run=True,
    )
    with pytest.raises(DemoRefused):
        demo.generate(db, visitors=5)
    assert {r[0] for r in db.all("SELECT username FROM staff")} == {"admin"}
    assert not demo.is_demo(db)
    db.close()


def test_demo_cli(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "demo", "--visitors", "30"]) == 0
    assert "30" in capsys.readouterr().out
    # A second run refuses with a clear message and exit status 2.
    assert main(["--data-dir", str(tmp_path), "demo", "--visitors", "30"]) == 2
    assert "demo" in capsys.readouterr().err.lower()


def test_demo_search_works_on_folded_names(tmp_path):
    from loket.counter.textfold import fold
    from loket.db.visitors import search_candidates

    db = _fresh(tmp_path / "s.sqlite")
    demo.generate(db, visitors=50, seed=3)
    row = db.one("SELECT id, family_name FROM visitor WHERE preferred_language = 'tr' LIMIT 1")
    if row is None:
        pytest.skip("no Turkish visitor in this sample")
    query = '"' + fold(row["family_name"])[:4] + '"'
    assert row["id"] in [r["visitor_id"] for r in search_candidates(db, query, 200)]
    db.close()
