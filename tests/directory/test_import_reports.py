"""The full report of every partner data import is kept beside its audit row (table
`import_report`, inside the database so that backups carry it), however long it is, and an
administrator can open a past import's report."""

from __future__ import annotations

import hashlib
import json

import pytest

from loket.directory.hsds_report import NORMALISED, REFUSED
from loket.directory.transfer import ImportFailed, import_path, past_import, past_imports
from loket.errors import NotFound, PermissionDenied
from loket.i18n import _
from tests.helpers import context

PHONES = 250  # more lines than the audit detail ever held


@pytest.fixture
def chef(db):
    return context(db, "supervisor", username="chef")


def _package(tmp_path, *, broken: bool = False):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "organizations.csv").write_text("id,name\norg-r,Buurthuis\n", encoding="utf-8")
    header = "id,organization_id,number\n" if not broken else "id,organization_id\n"
    rows = "".join(f'ph-{i},org-r,"""020 555 {i:04d}"""\n' for i in range(PHONES))
    (folder / "phones.csv").write_text(header + (rows if not broken else ""), encoding="utf-8")
    return folder


def _audit_detail(db) -> tuple[str, dict]:
    row = db.all("SELECT result, detail FROM audit_log WHERE action = 'directory.import'")[-1]
    return row["result"], json.loads(row["detail"])


def test_the_whole_report_is_kept_beside_the_audit_row(chef, db, tmp_path):
    result = import_path(chef, _package(tmp_path))
    assert result.report.count(NORMALISED) == PHONES
    outcome, detail = _audit_detail(db)
    assert outcome == "ok" and detail["report"]["counts"][NORMALISED] == PHONES
    assert "problems" not in detail["report"]  # the audit row stays small
    stored = db.one("SELECT * FROM import_report WHERE id = ?", (detail["report"]["id"],))
    assert hashlib.sha256(stored["problems"].encode()).hexdigest() == detail["report"]["sha256"]
    past = past_import(chef, detail["report"]["id"])
    assert past.report.lines() == result.report.lines()  # every line, not the first 200
    assert len(past.report.lines()) == PHONES
    assert (past.source, past.result, past.actor) == ("package", "ok", "chef")
    assert past.counts["changed"] == result.changed and past.counts["refused_records"] == 0
    assert past_imports(chef)[0].id == past.id  # newest first (the seed's import after it)


def test_a_refused_package_keeps_its_report_too(chef, db, tmp_path):
    with pytest.raises(ImportFailed):
        import_path(chef, _package(tmp_path, broken=True))
    outcome, detail = _audit_detail(db)
    assert outcome == "failed"
    past = past_import(chef, detail["report"]["id"])
    assert past.result == "failed" and past.counts[REFUSED] == 1
    assert [(p.file, p.field) for p in past.report.refusals] == [("phones.csv", "number")]


def test_only_directory_editors_read_reports_and_an_unknown_id_is_said(chef, db, tmp_path):
    import_path(chef, _package(tmp_path))
    counter = context(db, "balie")
    with pytest.raises(PermissionDenied):
        past_imports(counter)
    with pytest.raises(PermissionDenied):
        past_import(counter, past_imports(chef)[0].id)
    with pytest.raises(NotFound) as caught:
        past_import(chef, "no-such-report")
    assert str(caught.value) == _("There is no import report {id}.").format(id="no-such-report")


def test_cli_lists_past_imports_and_prints_one_report(db, data_dir, tmp_path, monkeypatch, capsys):
    from loket.cli import main

    chef = context(db, "supervisor", username="chef")
    monkeypatch.setenv("LOKET_PASSWORD", "correct horse")
    result = import_path(chef, _package(tmp_path))
    base = ["--data-dir", str(data_dir), "partners"]
    capsys.readouterr()
    assert main([*base, "reports", "--user", "chef"]) == 0
    listing = capsys.readouterr().out.splitlines()
    report_id = past_imports(chef)[0].id
    assert listing[0].startswith(report_id) and "  package  " in listing[0]
    assert len(listing) == len(past_imports(chef))
    assert main([*base, "report", report_id, "--user", "chef"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2:] == result.report.lines()
    assert main([*base, "report", "zzzzzzzz", "--user", "chef"]) != 0
    assert _("There is no import report {id}.").format(id="zzzzzzzz") in capsys.readouterr().err
