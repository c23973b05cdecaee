"""A file the command line cannot write (a folder that does not exist, a folder where a file
was meant) or a password prompt with nothing to read is one translated sentence, never a
traceback, and nothing is written or audited."""

from __future__ import annotations

import errno

import pytest

from loket.cli import main
from loket.errors import file_problem
from tests.helpers import PASSWORD, context, visitor


@pytest.fixture
def admin(db, monkeypatch):
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    context(db, role="supervisor", username="sup")
    return context(db, role="beheerder", username="admin")


def access_rows(db):
    return db.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.access_export'")


def test_access_report_into_a_missing_folder_is_refused_cleanly(admin, db, tmp_path, capsys):
    person = visitor(admin)
    before = access_rows(db)
    out = tmp_path / "no-such-folder" / "inzage"
    assert main(["visitor-access", person.id, "--out", str(out), "--user", "admin"]) == 2
    printed = capsys.readouterr().err
    assert "Traceback" not in printed
    assert str(file_problem(FileNotFoundError(errno.ENOENT, "x", str(out) + ".json"))) in printed
    assert access_rows(db) == before
    assert not (tmp_path / "no-such-folder").exists()


def test_export_onto_a_folder_names_the_folder(admin, tmp_path, capsys):
    args = ["export", "referrals", "--from", "2020-01-01", "--to", "2030-12-31"]
    args += ["--format", "csv", "--out", str(tmp_path), "--user", "sup"]
    assert main(args) == 2
    printed = capsys.readouterr().err
    assert "Traceback" not in printed
    expected = file_problem(
        IsADirectoryError(errno.EISDIR, "x", "/tmp/.t.part", None, str(tmp_path))
    )
    assert str(expected) in printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_password_prompt_without_input_is_a_message(admin, db, monkeypatch, capsys):
    monkeypatch.delenv("LOKET_NEW_PASSWORD", raising=False)

    def no_input(prompt=""):
        raise EOFError

    monkeypatch.setattr("getpass.getpass", no_input)
    args = ["account", "create", "nieuw", "--name", "Nieuw", "--role", "balie"]
    assert main([*args, "--user", "admin"]) == 2
    printed = capsys.readouterr().err
    assert "Traceback" not in printed and "LOKET_NEW_PASSWORD" in printed
    assert db.scalar("SELECT count(*) FROM staff WHERE username = 'nieuw'") == 0


def test_only_errors_that_name_a_file_are_taken_for_one():
    assert file_problem(OSError(errno.EACCES, "Permission denied")) is None
    assert file_problem(OSError(errno.ENOSPC, "No space left", "/x")) is None  # DiskFull's
    assert file_problem(ValueError("x")) is None
    denied = file_problem(PermissionError(errno.EACCES, "Permission denied", "/srv/a.csv"))
    assert "/srv/a.csv" in str(denied)
