"""Producing, archiving and reprinting letters; permissions, audit log and the CLI."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from loket import letters
from loket.cli import main
from loket.context import Context
from loket.errors import LoketError, PermissionDenied, ValidationError
from loket.privacy import audit
from tests.helpers import PASSWORD, context
from tests.letters_support import letter_visit, next_week_at


def test_produce_archives_and_logs(db):
    ctx, visit_id = letter_visit(db)
    letter = letters.produce(ctx, visit_id, "plan", "ar", letter_date=date(2026, 11, 28))
    assert letter.languages == ["ar", "nl"]
    assert letter.unchecked == ["ar"]
    row = db.one("SELECT * FROM letter WHERE id = ?", (letter.id,))
    assert row["template"] == "plan" and row["languages"] == "ar,nl"
    assert row["sha256"] == hashlib.sha256(letter.pdf).hexdigest()
    versions = json.loads(row["catalogue_versions"])
    assert set(versions) == {"ar", "nl"} and versions["nl"] == "source"
    logged = db.one("SELECT * FROM audit_log WHERE action = 'letter.produce'")
    assert logged["object_id"] == letter.id and logged["subject_ref"]
    assert "1234567890" not in logged["detail"]
    assert audit.verify(db) is None


def test_reprint_is_identical(db):
    ctx, visit_id = letter_visit(db)
    letter = letters.produce(ctx, visit_id, "meenemen", "ti")
    assert letters.reprint(ctx, letter.id) == letter.pdf
    assert [x["id"] for x in letters.letters_for_visit(ctx, visit_id)] == [letter.id]


def test_reprint_refuses_a_damaged_archive(db):
    ctx, visit_id = letter_visit(db)
    letter = letters.produce(ctx, visit_id, "plan", "nl")
    with db.transaction():
        db.execute("UPDATE letter SET pdf = ? WHERE id = ?", (b"%PDF-broken", letter.id))
    with pytest.raises(LoketError):
        letters.reprint(ctx, letter.id)


def test_dutch_only_and_dutch_visitor_give_one_language(db):
    ctx, visit_id = letter_visit(db)
    assert letters.compose(ctx, visit_id, "plan", "ar", dutch_only=True).languages == ["nl"]
    assert letters.compose(ctx, visit_id, "plan", "nl").languages == ["nl"]


def test_without_permission_nothing_is_made(db):
    _ctx, visit_id = letter_visit(db)
    nobody = Context(db=db, user=None, origin="test")
    with pytest.raises(PermissionDenied):
        letters.produce(nobody, visit_id, "plan", "nl")
    assert db.scalar("SELECT count(*) FROM letter") == 0


def test_bad_requests_are_clear_errors(db):
    ctx, visit_id = letter_visit(db)
    with pytest.raises(ValidationError):
        letters.render(ctx, visit_id, "onbekend", "nl")
    with pytest.raises(ValidationError):
        letters.render(ctx, visit_id, "afspraak", "nl")  # no appointment given
    with pytest.raises(LoketError):
        letters.render(ctx, visit_id, "plan", "xx")
    with pytest.raises(LoketError):
        letters.render(ctx, "no-such-visit", "plan", "nl")


def test_appointment_letter(db):
    ctx, visit_id = letter_visit(db)
    appt = letters.Appointment(
        next_week_at(10, 30),
        "Stationsplein 1, Zwolle",
        "mevrouw De Vries",
        ["Identiteitsbewijs"],
    )
    letter = letters.compose(ctx, visit_id, "afspraak", "uk", appointment=appt)
    assert letter.pdf.startswith(b"%PDF")


def test_cli_list_and_render(db, data_dir, tmp_path, capsys, monkeypatch):
    ctx, visit_id = letter_visit(db)
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    assert main(["letters", "list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == letters.template_names()
    out = tmp_path / "brief.pdf"
    rc = main(
        [
            "letters",
            "render",
            "--visit",
            visit_id,
            "--template",
            "afspraak",
            "--lang",
            "fa",
            "--out",
            str(out),
            "--user",
            ctx.user.username,
            "--at",
            next_week_at(10, 30).strftime("%Y-%m-%d %H:%M"),
            "--place",
            "Stationsplein 1",
            "--bring",
            "Identiteitsbewijs",
        ]
    )
    assert rc == 0 and out.read_bytes().startswith(b"%PDF")
    assert letters.language_names(["fa"]) in capsys.readouterr().err  # not-certified warning


def test_cli_failure_leaves_no_file(db, data_dir, tmp_path, monkeypatch):
    ctx, visit_id = letter_visit(db)
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = tmp_path / "brief.pdf"
    rc = main(
        [
            "letters",
            "render",
            "--visit",
            visit_id,
            "--template",
            "plan",
            "--lang",
            "zz",
            "--out",
            str(out),
            "--user",
            ctx.user.username,
        ]
    )
    assert rc == 2
    assert list(tmp_path.iterdir()) == [data_dir] or not out.exists()
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())


def test_counter_role_may_produce(db):
    ctx = context(db, "balie")
    assert ctx.can(letters.service.Permission.LETTER_PRODUCE)


def test_cli_check(capsys, tmp_path):
    assert main(["letters", "check"]) == 0
    hard = tmp_path / "tekst.txt"
    hard.write_text(
        "De aanvrager dient zich te vergewissen van de toepasselijkheid van de "
        "desbetreffende verordening.",
        encoding="utf-8",
    )
    assert main(["letters", "check", "--file", str(hard)]) == 1
    assert "toepasselijkheid" in capsys.readouterr().out
