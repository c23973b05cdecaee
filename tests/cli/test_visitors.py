"""`loket visitors search|import`: the core search with reasons in JSON; the desk's Excel list
checked whole, refused with the known headers, nothing written on --dry-run, on an
unreadable file or a refused row, all in one audited transaction otherwise."""

from __future__ import annotations

import json

import openpyxl
import pytest

from loket.cli import main
from tests.helpers import PASSWORD, context, visitor


@pytest.fixture
def ctx(db, monkeypatch):
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    monkeypatch.setenv("LOKET_LANG", "en")  # the assertions read the English report
    return context(db, username="balie")


def count(db, table="visitor"):
    return db.scalar(f"SELECT count(*) FROM {table}")


def test_search_json_gives_both_spellings_and_why(ctx, capsys):
    made = visitor(
        ctx,
        given_names="محمد",
        family_name="الأحمد",
        latin_given_names="Mohamed",
        latin_family_name="Al-Ahmad",
        date_of_birth="1990-04-02",
        v_number="6234567890",
    )
    visitor(ctx, given_names="Maxamed", family_name="Cali", v_number=None)
    assert main(["visitors", "search", "Muhammad", "--json", "--user", "balie"]) == 0
    rows = json.loads(capsys.readouterr().out)
    top = next(r for r in rows if r["id"] == made.id)
    assert top["given_names"] == "محمد" and top["latin_family_name"] == "Al-Ahmad"
    assert top["date_of_birth"] == "1990-04-02" and top["v_number"] == "6234567890"
    assert top["reason"] in ("name_spelling", "name_script")
    assert {r["family_name"] for r in rows} == {"الأحمد", "Cali"}
    assert main(["visitors", "search", "x" * 10_000, "--user", "balie"]) == 0


def _write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_import_dry_run_reports_and_writes_nothing(ctx, db, tmp_path, capsys):
    visitor(
        ctx, given_names="محمد", family_name="الأحمد", date_of_birth="1990-04-02", v_number=None
    )
    before = count(db)
    f = _write_csv(
        tmp_path / "lijst.csv",
        "Voornaam;Achternaam;Geboortedatum;V-nummer\n"
        "Mohamad;Alahmed;02-04-1990;\n"
        "Ayşe;Özkan;1985-06-01;1234567891\n",
    )
    assert main(["visitors", "import", str(f), "--dry-run", "--user", "balie"]) == 0
    out = capsys.readouterr().out
    assert "row 2" in out and "not added" in out and "row 3: add" in out
    assert count(db) == before


def test_import_writes_all_in_one_audited_go(ctx, db, tmp_path, capsys):
    f = _write_csv(
        tmp_path / "lijst.csv",
        "Given names,Family name,Date of birth,Phone\n"
        "Yohannes,Tesfay,01-02-1980,0612345678\n"
        "Olga,Kovalenko,1975-03-04,\n",
    )
    before = count(db)
    assert main(["visitors", "import", str(f), "--user", "balie"]) == 0
    assert count(db) == before + 2
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.import'") == 1


def test_a_refused_row_means_nothing_is_written(ctx, db, tmp_path, capsys):
    f = _write_csv(
        tmp_path / "lijst.csv",
        "Voornaam,Achternaam,Geboortedatum,BSN\nAli,Haddad,01-01-1980,\nSara,Ali,31-02-1990,\n",
    )
    before = count(db)
    assert main(["visitors", "import", str(f), "--user", "balie"]) == 1
    assert "row 3: refused" in capsys.readouterr().out
    assert count(db) == before


def test_unknown_header_is_refused_with_the_known_ones(ctx, db, tmp_path, capsys):
    f = _write_csv(tmp_path / "lijst.csv", "Naam,Schoenmaat\nAli,42\n")
    assert main(["visitors", "import", str(f), "--user", "balie"]) == 2
    err = capsys.readouterr().err
    assert "Schoenmaat" in err and "achternaam" in err and "v-nummer" in err


def test_unreadable_file_writes_nothing(ctx, db, tmp_path, capsys):
    before = count(db)
    broken = tmp_path / "lijst.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["visitors", "import", str(broken), "--user", "balie"]) == 2
    assert main(["visitors", "import", str(tmp_path / "missing.csv"), "--user", "balie"]) == 2
    assert count(db) == before


def test_import_xlsx_with_real_dates(ctx, db, tmp_path, capsys):
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["Voornamen", "Achternaam", "Voornamen Latijns", "Achternaam Latijns", "Geboortedatum"]
    )
    sheet.append(["ዮሃንስ", "ተስፋይ", "Yohannes", "Tesfay", datetime(1980, 2, 1)])
    path = tmp_path / "lijst.xlsx"
    book.save(path)
    assert main(["visitors", "import", str(path), "--user", "balie"]) == 0
    row = db.one("SELECT * FROM visitor WHERE latin_family_name = 'Tesfay'")
    assert row["family_name"] == "ተስፋይ" and row["date_of_birth"] == "1980-02-01"
