"""The referral-log export against a small fixture whose numbers are worked out by hand
(see tests/reports/export_fixture.py for the data and the arithmetic)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from datetime import date, datetime, timedelta

import pytest

from loket.cli import main
from loket.db import exports as repo
from loket.db import reference
from loket.errors import PermissionDenied, ValidationError
from loket.i18n import language, set_language
from loket.reports import exports, pseudonyms
from loket.reports.formats import FORMULA_STARTS, IDENTIFIABLE, columns, headers
from loket.reports.overview import overview
from tests.helpers import PASSWORD, context
from tests.reports import export_fixture as fx

TODAY = date.fromisoformat(fx.TODAY)
P, Q = "P", "Q"  # placeholders for the two visitors' pseudonyms
# Words in the export's language, each code in a column of its own beside them.
EXPECTED = [
    [
        "2026-01-10",
        "ZWL",
        "Supervisor",
        "Debts or money, Housing",
        "debts, housing",
        "Org A",
        "Svc A1",
        "Warm: the desk handed over",
        "warm",
        "Completed",
        "completed",
        "2026-01-10",
        "2026-01-11",
        "2026-01-12",
        "",
        "2026-01-20",
        "",
        "",
        "10",
        "2026-02-01",
        P,
    ],
    [
        "2026-01-15",
        "'-X",
        "'@staff",
        "'=cmd",
        "'=cmd",
        "Org A",
        "Svc A1",
        "Cold: the visitor goes alone",
        "cold",
        "Declined",
        "declined",
        "2026-01-15",
        "",
        "",
        "2026-01-16",
        "",
        "",
        "",
        "",
        "",
        Q,
    ],
    [
        "2026-02-03",
        "ZWL",
        "Supervisor",
        "Debts or money",
        "debts",
        "'=Org B",
        "'+Svc B",
        "Cold: the visitor goes alone",
        "cold",
        "Sent",
        "sent",
        "2026-02-03",
        "2026-02-04",
        "",
        "",
        "",
        "",
        "",
        "",
        "2026-02-10",
        P,
    ],
]
SECRETS = (
    "Ayşe",
    "Yılmaz",
    "1234567890",
    "111222333",
    "612345678",
    "HYPERLINK",
    "vertrouwelijk",
    "vrije tekst",
    "notitie",
    "reden",
    "1980-05-01",
)


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Headers and labels compared below are the English msgids."""
    before = language()
    monkeypatch.setenv("LOKET_LANG", "en")  # what the CLI's main() switches to
    set_language("en")
    yield
    set_language(before)


@pytest.fixture
def out_dir(tmp_path):
    """A folder of its own for export files (tmp_path also holds the data folder)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.fixture
def fixture(db):
    return fx.build(db)


@pytest.fixture
def sup(db, fixture):
    return context(db, "supervisor")


def export(ctx, out_dir, fmt="csv", name=None, **kw):
    out = out_dir / (name or f"log.{fmt}")
    kw.setdefault("date_from", fx.DATE_FROM)
    kw.setdefault("date_to", fx.DATE_TO)
    result = exports.export_referrals(ctx, fmt=fmt, out_path=out, today=TODAY, **kw)
    return out, result


def read_csv(path, delimiter=";"):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def with_pseudonyms(rows):
    """Replace the two pseudonyms by P and Q, checking they are stable within the file."""
    seen = {rows[0][-1]: P, rows[1][-1]: Q}
    assert len(seen) == 2
    return [[*r[:-1], seen[r[-1]]] for r in rows]


def audit_rows(db, action="export.referrals"):
    return [
        dict(r)
        for r in db.all(
            "SELECT actor, action, result, detail FROM audit_log WHERE action = ? ORDER BY seq",
            (action,),
        )
    ]


# -- formats ---------------------------------------------------------------------------------


def test_csv_matches_hand_computed_rows(sup, out_dir):
    out, result = export(sup, out_dir)
    rows = read_csv(out)
    assert rows[0] == headers(False)
    assert with_pseudonyms(rows[1:]) == EXPECTED
    assert result.rows == 3
    assert all(len(r[-1]) == pseudonyms.LENGTH for r in rows[1:])


def test_csv_comma_separator_and_batches(sup, out_dir, monkeypatch):
    monkeypatch.setattr(repo, "FETCH", 1)  # one row per batch: batch edges must not matter
    seen = []
    out, _r = export(sup, out_dir, delimiter=",", progress=lambda d, t: seen.append((d, t)))
    assert with_pseudonyms(read_csv(out, ",")[1:]) == EXPECTED
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_xlsx_typed_columns_frozen_header_autofilter(sup, out_dir):
    openpyxl = pytest.importorskip("openpyxl")
    out, _r = export(sup, out_dir, "xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Referrals"]
    ws = book["Referrals"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:U4"
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == headers(False)
    at = {c.key: i for i, c in enumerate(columns(False))}
    first = values[1]
    assert first[0] == datetime(2026, 1, 10) and ws["A2"].is_date
    assert first[at["completed_on"]] == datetime(2026, 1, 20)
    days = first[at["days_to_completion"]]
    assert days == 10 and isinstance(days, int)
    assert first[1 : at["status_code"] + 1] == [
        "ZWL",
        "Supervisor",
        "Debts or money, Housing",
        "debts, housing",
        "Org A",
        "Svc A1",
        "Warm: the desk handed over",
        "warm",
        "Completed",
        "completed",
    ]
    assert values[2][1:4] == ["'-X", "'@staff", "'=cmd"]
    assert values[2][at["declined_on"]] == datetime(2026, 1, 16)
    assert values[2][at["days_to_completion"]] is None
    assert values[3][at["partner"] : at["service"] + 1] == ["'=Org B", "'+Svc B"]
    v = at["visitor"]
    assert values[1][v] == values[3][v] != values[2][v]
    # No cell holds a formula.
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_xlsx_summary_sheet_has_the_overview_numbers(sup, db, out_dir):
    openpyxl = pytest.importorskip("openpyxl")
    with db.transaction():
        reference.set_setting(db, "suppress_below", "2")
    out, _r = export(sup, out_dir, "xlsx")
    ws = openpyxl.load_workbook(out)["Summary"]
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    facts = {r[0]: r[1] for r in cells[:6]}
    assert facts == {
        "Visits": 3,
        "Referrals": 3,
        "Warm handovers": "<2",
        "Completed": "<2",
        "Median days from visit to completion": "–",
        "Follow-ups overdue": "<2",
    }
    month_at = next(i for i, r in enumerate(cells) if r[0] == "Visits and referrals per month")
    assert cells[month_at + 2][:3] == ["2026-01", 2, 2]
    assert cells[month_at + 3][:3] == ["2026-02", "<2", "<2"]


def test_pdf_has_summary_then_rows(sup, out_dir):
    pdfium = pytest.importorskip("pypdfium2")
    out, result = export(sup, out_dir, "pdf")
    assert out.read_bytes().startswith(b"%PDF")
    pdf = pdfium.PdfDocument(str(out))
    text = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert "Referral log" in text[0] and "Period 2026-01-01 to 2026-02-28" in text[0]
    assert "<5" in text[0]  # three visits: suppressed
    rows_page = next(i for i, t in enumerate(text) if "Svc A1" in t and "2026-01-20" in t)
    summary_page = next(i for i, t in enumerate(text) if "Referrals per partner" in t)
    assert summary_page < rows_page
    assert "=Org B" in text[rows_page]  # text in a PDF is inert; shown as it is
    assert not any(s in "".join(text) for s in SECRETS)
    assert result.rows == 3


# -- privacy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_pseudonymised_export_holds_no_identifying_data(sup, out_dir, fmt):
    out, _r = export(sup, out_dir, fmt)
    if fmt == "xlsx":
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.load_workbook(out)
        text = " ".join(
            str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row
        )
    elif fmt == "csv":
        text = out.read_text("utf-8-sig")
    else:
        return  # checked in test_pdf_has_summary_then_rows
    assert not [s for s in SECRETS if s in text]


def test_pseudonyms_hold_within_a_quarter_and_change_with_the_next(sup, out_dir):
    a = read_csv(export(sup, out_dir, name="a.csv")[0])[1:]
    b = read_csv(export(sup, out_dir, name="b.csv")[0])[1:]
    assert a[0][-1] == a[2][-1]  # one visitor, two referrals, one code
    assert [r[-1] for r in a] == [r[-1] for r in b]  # a second export of the quarter
    out = out_dir / "next.csv"
    next_quarter = TODAY + timedelta(days=92)
    assert pseudonyms.period(next_quarter) != pseudonyms.period(TODAY)
    exports.export_referrals(
        sup,
        fmt="csv",
        out_path=out,
        today=next_quarter,
        date_from=fx.DATE_FROM,
        date_to=fx.DATE_TO,
    )
    c = read_csv(out)[1:]
    assert {r[-1] for r in a}.isdisjoint({r[-1] for r in c})
    # the earlier quarter's key is gone: its codes cannot be made again
    keys = [k for k in sup.db.all("SELECT key FROM setting") if k[0].startswith("pseudonym.")]
    assert [k[0] for k in keys] == [pseudonyms.KEY_PREFIX + pseudonyms.period(next_quarter)]


def test_formula_injection_neutralised_in_every_text_column(sup, out_dir):
    openpyxl = pytest.importorskip("openpyxl")
    out, _r = export(sup, out_dir, identifiable=True, reason="Klacht nr 12")
    rows = read_csv(out)
    q_row = rows[2]
    ident = dict(zip([c.key for c in IDENTIFIABLE], q_row[-6:], strict=True))
    assert ident == {
        "given_names": '\'=HYPERLINK("http://x")',
        "family_name": "'\tTab",
        "date_of_birth": "1990-01-02",
        "v_number": "'-123",
        "bsn": "'@456",
        "phone": "'\r789",
    }
    for row in rows:
        for value in row:
            assert value[:1] not in FORMULA_STARTS, value
    xout, _r = export(sup, out_dir, "xlsx", identifiable=True, reason="Klacht nr 12")
    for ws in openpyxl.load_workbook(xout):
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f"
                if isinstance(c.value, str):
                    assert c.value[:1] not in FORMULA_STARTS, c.value


def test_identifiable_export_needs_role_and_reason_and_is_audited(db, sup, out_dir):
    balie = context(db, "balie")
    with pytest.raises(PermissionDenied):
        export(balie, out_dir, identifiable=True, reason="x")
    with pytest.raises(ValidationError):
        export(sup, out_dir, identifiable=True, reason="  ")
    assert not list(out_dir.iterdir())
    out, _r = export(sup, out_dir, identifiable=True, reason="Verzoek inzage")
    rows = read_csv(out)
    assert rows[0] == headers(True)
    assert rows[1][-6:] == [
        "Ayşe",
        "Yılmaz",
        "1980-05-01",
        "1234567890",
        "111222333",
        "'+31612345678",
    ]
    refused = [
        dict(r)
        for r in db.all(
            "SELECT actor, action, result FROM audit_log WHERE result = 'refused' ORDER BY seq"
        )
    ]
    assert {"actor": "balie", "action": "export.pseudonymised", "result": "refused"} in refused
    log = audit_rows(db)
    assert [(r["actor"], r["result"]) for r in log] == [
        ("supervisor", "refused"),
        ("supervisor", "ok"),
    ]
    detail = json.loads(log[-1]["detail"])
    assert detail["identifiable"] is True and detail["reason"] == "Verzoek inzage"
    assert detail["rows"] == 3 and detail["format"] == "csv"


def test_counter_staff_cannot_export(db, fixture, out_dir):
    balie = context(db, "balie")
    with pytest.raises(PermissionDenied):
        export(balie, out_dir)
    assert not list(out_dir.iterdir())
    assert (
        db.scalar(
            "SELECT result FROM audit_log WHERE action = 'export.pseudonymised' AND actor = 'balie'"
        )
        == "refused"
    )


def test_every_export_is_audited_without_personal_data(db, sup, out_dir):
    export(sup, out_dir, desk_code="ZWL")
    (row,) = audit_rows(db)
    detail = json.loads(row["detail"])
    assert detail == {
        "format": "csv",
        "from": fx.DATE_FROM,
        "to": fx.DATE_TO,
        "desk": "ZWL",
        "partner": None,
        "need": None,
        "status": None,
        "identifiable": False,
        "rows": 2,
    }


# -- filters, validation, cancel ---------------------------------------------------------------


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"desk_code": "ZWL"}, [0, 2]),
        ({"status": "declined"}, [1]),
        ({"need": "debts"}, [0, 2]),
        ({"need": "housing"}, [0]),
        ({"date_from": "2026-01-11", "date_to": "2026-02-03"}, [1, 2]),
    ],
)
def test_filters(sup, out_dir, filters, expected):
    rows = read_csv(export(sup, out_dir, **filters)[0])[1:]
    assert [r[:-1] for r in rows] == [EXPECTED[i][:-1] for i in expected]


def test_partner_filter_by_organisation_or_service(sup, fixture, out_dir):
    rows = read_csv(export(sup, out_dir, name="o.csv", partner=fixture["org_b"])[0])[1:]
    assert [r[[c.key for c in columns(False)].index("partner")] for r in rows] == ["'=Org B"]
    rows = read_csv(export(sup, out_dir, name="s.csv", partner=fixture["svc_a"])[0])[1:]
    assert [r[0] for r in rows] == ["2026-01-10", "2026-01-15"]


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-03-01"}, "date_to"),
        ({"fmt": "doc"}, "format"),
        ({"delimiter": "|"}, "delimiter"),
        ({"desk_code": "NOPE"}, "desk"),
        ({"status": "lost"}, "status"),
        ({"partner": "no-such-id"}, "partner"),
        ({"need": "no_such_need"}, "need"),
    ],
)
def test_bad_input_is_refused_clearly(sup, out_dir, bad, field):
    kw = {"fmt": "csv", **bad}
    with pytest.raises(ValidationError) as err:
        export(sup, out_dir, **kw)
    assert field in err.value.errors
    assert not list(out_dir.iterdir())


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_cancel_leaves_no_file_and_keeps_an_older_one(db, sup, out_dir, fmt):
    out = out_dir / f"log.{fmt}"
    out.write_bytes(b"older export")
    stop = threading.Event()
    with pytest.raises(exports.ExportCancelled):
        exports.export_referrals(
            sup,
            date_from=fx.DATE_FROM,
            date_to=fx.DATE_TO,
            fmt=fmt,
            out_path=out,
            progress=lambda d, t: stop.set(),
            cancel=stop,
            today=TODAY,
        )
    assert [p.name for p in out_dir.iterdir()] == [out.name]
    assert out.read_bytes() == b"older export"
    (row,) = audit_rows(db)
    assert row["result"] == "failed" and json.loads(row["detail"])["cancelled"] is True


def test_failure_midway_leaves_no_file(db, sup, out_dir, monkeypatch):
    def broken(*_a, **_k):
        yield [("v", "2026-01-01") + (None,) * 9]
        raise OSError("disk full")

    monkeypatch.setattr(repo, "referral_rows", broken)
    with pytest.raises(OSError):
        export(sup, out_dir)
    assert not list(out_dir.iterdir())
    assert audit_rows(db)[0]["result"] == "failed"


# -- overview --------------------------------------------------------------------------------


def shown(table):
    return [(label, [c.shown for c in cells]) for label, cells in table.rows]


def test_overview_numbers_by_hand(db, sup):
    with db.transaction():
        reference.set_setting(db, "suppress_below", "1")  # no suppression: raw numbers
    ov = overview(sup, repo.Filters(fx.DATE_FROM, fx.DATE_TO), today=TODAY)
    assert shown(ov.table("month")) == [("2026-01", ["2", "2"]), ("2026-02", ["1", "1"])]
    assert shown(ov.table("need")) == [
        ("Debts or money", ["2", "2"]),
        ("Housing", ["1", "1"]),
        ("=cmd", ["1", "1"]),
    ]
    assert shown(ov.table("partner")) == [("Org A", ["2", "1"]), ("=Org B", ["1", "0"])]
    assert shown(ov.table("outcome")) == [
        ("Sent", ["1"]),
        ("Declined", ["1"]),
        ("Completed", ["1"]),
    ]
    assert [c[0].value for _l, c in ov.table("completion").rows] == [0, 1, 0, 0, 0]
    assert shown(ov.table("overdue")) == [("ZWL", ["1"])]
    facts = {label: v.shown for label, v in ov.facts}
    assert facts == {
        "Visits": "3",
        "Referrals": "3",
        "Warm handovers": "1",
        "Completed": "1",
        "Median days from visit to completion": "10",
        "Follow-ups overdue": "1",
    }


def test_overview_suppresses_small_counts(db, sup):
    ov = overview(sup, repo.Filters(fx.DATE_FROM, fx.DATE_TO), today=TODAY)
    assert shown(ov.table("month")) == [("2026-01", ["<5", "<5"]), ("2026-02", ["<5", "<5"])]
    cells = [c for _l, cs in ov.table("completion").rows for c in cs]
    assert [c.shown for c in cells] == ["0", "<5", "0", "0", "0"]
    assert all(c.plotted == 0 for c in cells)  # a chart must not show the hidden number


def test_overview_needs_the_supervisor_role(db, fixture):
    with pytest.raises(PermissionDenied):
        overview(context(db, "balie"), repo.Filters(fx.DATE_FROM, fx.DATE_TO))


# -- command line ----------------------------------------------------------------------------


def cli(data_dir, *args):
    return main(
        [
            "--data-dir",
            str(data_dir),
            "export",
            "referrals",
            "--from",
            fx.DATE_FROM,
            "--to",
            fx.DATE_TO,
            *args,
        ]
    )


def test_cli_exports_for_a_supervisor(db, fixture, data_dir, out_dir, monkeypatch, capsys):
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = out_dir / "cli.csv"
    assert cli(data_dir, "--format", "csv", "--out", str(out), "--user", "supervisor") == 0
    assert with_pseudonyms(read_csv(out)[1:]) == EXPECTED
    assert "3" in capsys.readouterr().out
    assert audit_rows(db)[-1]["result"] == "ok"


def test_cli_refuses_wrong_password_and_counter_staff(
    db, fixture, data_dir, out_dir, monkeypatch, capsys
):
    out = out_dir / "cli.csv"
    monkeypatch.setenv("LOKET_PASSWORD", "wrong password")
    assert cli(data_dir, "--format", "csv", "--out", str(out), "--user", "supervisor") == 2
    assert "password" in capsys.readouterr().err.lower()
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    assert cli(data_dir, "--format", "csv", "--out", str(out), "--user", "balie") == 2
    assert "not allowed" in capsys.readouterr().err
    assert (
        cli(
            data_dir, "--format", "csv", "--out", str(out), "--user", "supervisor", "--identifiable"
        )
        == 2
    )
    assert "reason" in capsys.readouterr().err
    assert not out.exists()
    results = [
        (r["actor"], r["action"], r["result"])
        for r in db.all(
            "SELECT actor, action, result FROM audit_log WHERE result != 'ok' ORDER BY seq"
        )
    ]
    assert results == [
        ("supervisor", "login", "failed"),
        ("balie", "export.pseudonymised", "refused"),
        ("supervisor", "export.referrals", "refused"),
    ]


def test_identifiable_pdf_lists_names(sup, out_dir):
    pdfium = pytest.importorskip("pypdfium2")
    out, _r = export(sup, out_dir, "pdf", identifiable=True, reason="Verzoek inzage")
    pdf = pdfium.PdfDocument(str(out))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Ayşe" in text and "Yılmaz" in text and "1234567890" in text
    assert "names and numbers" in text  # the report says it is confidential


def test_overview_with_a_status_filter_counts_only_those_referrals(db, sup):
    with db.transaction():
        reference.set_setting(db, "suppress_below", "1")
    ov = overview(sup, repo.Filters(fx.DATE_FROM, fx.DATE_TO, status="sent"), today=TODAY)
    # visits are not filtered by a referral's status; referrals are
    assert shown(ov.table("need")) == [
        ("Debts or money", ["2", "1"]),
        ("Housing", ["1", "0"]),
        ("=cmd", ["1", "0"]),
    ]
    assert shown(ov.table("outcome")) == [("Sent", ["1"])]
    assert shown(ov.table("partner")) == [("=Org B", ["1", "0"])]
    assert ov.referrals == 1


def test_benchmark_baseline_runs_the_same_query(db, fixture):
    """bench/bench_export.py compares the export with `sqlite3 -csv` on this very query."""
    import shutil
    import subprocess

    from bench.bench_export import choose_period

    assert choose_period(db.path, target=2) == ("2025-12-01", "2026-01-31", 3)
    assert choose_period(db.path, target=100) == ("2025-12-01", "2026-02-28", 4)
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("no sqlite3 shell")
    sql, params = repo.referral_sql(repo.Filters(fx.DATE_FROM, fx.DATE_TO))
    out = subprocess.run(
        [shell, "-csv", str(db.path)],
        input=repo.inline_sql(sql, params) + ";\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert [(r[1], r[2], r[8]) for r in rows] == [
        ("2026-01-10", "ZWL", "completed"),
        ("2026-01-15", "-X", "declined"),
        ("2026-02-03", "ZWL", "sent"),
    ]
    assert (
        rows[0][9] == "proposed=2026-01-10,sent=2026-01-11,accepted=2026-01-12,completed=2026-01-20"
    )


def test_a_pdf_export_leaves_the_letters_their_fonts():
    """ReportLab keeps one font object per typeface; an export that registered Noto Sans
    under its own name made every later letter fail (a fresh process, as at the counter)."""
    import subprocess
    import sys

    script = (
        "from loket.reports import pdf as export_pdf\n"
        "export_pdf._fonts()\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        "from loket.letters import fonts\n"
        "print(all(isinstance(pdfmetrics.getFont(n), fonts.LetterFont)\n"
        "          for bold in (False, True) for n in fonts.fonts(bold).names.values()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"


def test_a_dutch_export_reads_in_dutch_with_the_codes_beside(sup, out_dir):
    set_language("nl")
    rows = read_csv(export(sup, out_dir, name="nl.csv")[0])
    at = {c.key: i for i, c in enumerate(columns(False))}
    first = rows[1]
    assert rows[0][at["needs"]] == "Hulpvragen"
    assert rows[0][at["needs_codes"]] == "Hulpvragen (codes)"
    assert first[at["handover"]] == "Warm: de balie heeft overgedragen"
    assert first[at["handover_code"]] == "warm"
    assert first[at["status_code"]] == "completed" != first[at["status"]]
    assert first[at["needs_codes"]] == "debts, housing"
    labels = dict(sup.db.all("SELECT code, label_nl FROM need WHERE code IN ('debts', 'housing')"))
    assert first[at["needs"]] == f"{labels['debts']}, {labels['housing']}"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_export_file_is_0600(sup, out_dir, fmt):
    old = os.umask(0o022)
    try:
        out, _result = export(sup, out_dir, fmt)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


@pytest.mark.parametrize(
    "value",
    [
        "＝1+1",  # fullwidth equals
        "＋31 6 1234",
        "－2+3",
        "＠SUM(A1)",
        "﹦HYPERLINK(1)",  # small form
        "−1+1",  # minus sign
        "–1+1",  # en dash
        " =1+1",  # a space first
        "\u200b=1+1",  # zero-width space first
        "\u202e=1+1",  # bidi override first
        "\n=1+1",
    ],
)
def test_odd_formula_starts_are_neutralised(value):
    from loket.reports.formats import inert

    assert inert(value) == "'" + value


@pytest.mark.parametrize("value", ["Jansen", "１２３", "Ümit", "(06) 1234", "", "'quoted"])
def test_plain_text_is_left_alone(value):
    from loket.reports.formats import inert

    assert inert(value) == value


@pytest.mark.parametrize(
    "bad", ["court\u202eorder", "court\norder", "court\x1border", "x" * 10_000]
)
def test_export_reason_is_one_clean_line(db, sup, out_dir, bad):
    with pytest.raises(ValidationError) as err:
        export(sup, out_dir, identifiable=True, reason=bad)
    assert "reason" in err.value.errors
    assert not (out_dir / "log.csv").exists()


@pytest.mark.parametrize("identifiable", [False, True])
def test_the_pdfs_rows_do_not_overlap(sup, out_dir, identifiable):
    """Every cell of the rows pages keeps to its column: a long handover label ("Cold: the
    visitor goes alone") was drawn over the status beside it."""
    pdfium = pytest.importorskip("pypdfium2")
    out, _r = export(sup, out_dir, "pdf", identifiable=identifiable, reason="Verzoek inzage")
    pdf = pdfium.PdfDocument(str(out))
    try:
        page = pdf[len(pdf) - 1]  # the rows
        text = page.get_textpage()
        boxes = [
            text.get_charbox(i)
            for i in range(text.count_chars())
            if not text.get_text_range(i, 1).isspace()
        ]
        assert "Svc A1" in text.get_text_range()
    finally:
        pdf.close()

    def overlap(a, b) -> bool:
        width = min(a[2], b[2]) - max(a[0], b[0])
        height = min(a[3], b[3]) - max(a[1], b[1])
        return width > 0.5 and height > 0.5

    crossed = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
               if overlap(boxes[i], boxes[j])]  # fmt: skip
    assert crossed == []
