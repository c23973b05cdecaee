"""Exports read from the hub: XLSX and PDF (their summary the overview, counted at the hub)
and exports with names, for the desks the supervisor may see, with the same rows, columns,
order, pseudonyms and audit entry as the PC's own export would have for the same data;
offline they are this PC's file and say so.  Two PCs of Zwolle and one of Den Haag against a
real throwaway hub."""

from __future__ import annotations

import dataclasses
import json

import pytest

from loket.context import Context
from loket.db import outbox, reference
from loket.errors import PermissionDenied, ValidationError
from loket.referrals import lifecycle as referrals
from loket.referrals.log import default_period
from loket.reports import exports
from loket.sync import reading
from tests import helpers
from tests.pcs import sync as _sync

PERIOD = dict(zip(("date_from", "date_to"), default_period(), strict=True))


def _referral(db, desk: str, n: int, *, needs=("debts",), steps=(), **visitor):
    ctx = helpers.context(db, desk_code=desk)
    v = helpers.visitor(ctx, v_number=f"{n:010d}", **visitor)
    visit = helpers.visit(ctx, v.id, needs=needs)
    services = [r["id"] for r in db.all("SELECT id FROM service ORDER BY id LIMIT 3")]
    made = referrals.propose(ctx, visit.id, services[n % len(services)])
    supervisor = helpers.context(db, "supervisor", desk_code=desk)
    for step in steps:
        step(supervisor, made.id)
    return made


@pytest.fixture
def pcs(make_pc):
    """Zwolle's PCs a and b, Den Haag's c.  PC a pulled before the others wrote theirs, so
    its own file holds only its own referral; the hub holds four."""
    a, b, c = make_pc("a", "ZWL"), make_pc("b", "ZWL"), make_pc("c", "DHG")
    _sync(a, b, c)
    _referral(a, "ZWL", 1, given_names="Anna", family_name="Eerste")
    _sync(a)
    _referral(
        b, "ZWL", 2, needs=("debts", "housing"), steps=(referrals.mark_sent,),
        given_names="Bram", family_name="Tweede", bsn="111222333", phone="0612345678",
    )  # fmt: skip
    _referral(
        b, "ZWL", 3, steps=(referrals.mark_sent, referrals.accept, referrals.complete),
        given_names="Carla", family_name="Derde",
    )  # fmt: skip
    _referral(c, "DHG", 4, given_names="Dirk", family_name="Haags")
    _sync(b, c)
    with a.transaction():
        reference.set_setting(a, "suppress_below", "1")  # raw numbers: what the hub counts
    assert a.scalar("SELECT count(*) FROM referral") == 1
    return a, b, c


def _offline(db):
    with db.transaction():
        outbox.put_setting(db, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")


def _pull_everything(db, *others):
    """The PC's own file then holds what the hub holds for it (its desk's files, every desk's
    on a national PC), offline after."""
    _sync(*others, db)
    _offline(db)


def _national(db):
    user = dataclasses.replace(helpers.context(db, "supervisor").user, desk_id=None)
    return Context(db=db, user=user, desk=None, origin="test")


def _sheets(path):
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def _pdf_text(path) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def _audits(db, action="export.referrals"):
    return [
        (r["result"], json.loads(r["detail"]) if r["detail"] else {})
        for r in db.all("SELECT result, detail FROM audit_log WHERE action = ? ORDER BY id",
                        (action,))
    ]  # fmt: skip


def test_xlsx_from_the_hub_is_what_the_pcs_own_would_be(pcs, english, tmp_path):
    a, b, c = pcs
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    out = tmp_path / "hub.xlsx"
    result, scope, desk = reading.export_referrals(supervisor, **PERIOD, fmt="xlsx", out_path=out)
    assert (scope, desk, result.rows, result.total) == (reading.HUB_DESK, "ZWL", 3, 3)
    at_hub = _sheets(out)
    rows = at_hub["Referrals"][1:]
    assert [r[1] for r in rows] == ["ZWL"] * 3  # a's and b's, not Den Haag's
    assert {r[9] for r in rows} == {"Proposed", "Sent", "Completed"}
    summary = {r[0]: r[1] for r in at_hub["Summary"] if r and r[0]}
    assert summary["Referrals"] == 3 and summary["Completed"] == 1  # counted at the hub

    _pull_everything(a, b, c)
    here = tmp_path / "here.xlsx"
    exports.export_referrals(supervisor, **PERIOD, fmt="xlsx", out_path=here, desk_code="ZWL")
    assert at_hub == _sheets(here)  # every cell of both sheets, pseudonyms included
    offline = tmp_path / "offline.xlsx"
    result, scope, _desk = reading.export_referrals(
        supervisor, **PERIOD, fmt="xlsx", out_path=offline
    )
    assert scope == reading.THIS_PC
    assert "this PC only" in reading.export_text(scope, "ZWL")


def test_pdf_from_the_hub_is_what_the_pcs_own_would_be(
    pcs, make_pc, english, tmp_path, monkeypatch
):
    a, b, c = pcs
    monkeypatch.setattr(exports, "now_iso", lambda: "2026-12-04T10:00:00Z")  # "Made at"
    with a.transaction():
        reference.set_setting(a, "suppress_below", "3")  # 3 referrals shown, a 1 or a 2 not
    national = _national(a)
    out = tmp_path / "hub.pdf"
    result, scope, desk = reading.export_referrals(national, **PERIOD, fmt="pdf", out_path=out)
    assert (scope, desk, result.rows) == (reading.HUB_ALL, None, 4)
    pages = _pdf_text(out)
    assert "<3" in pages[0]  # the summary's small counts suppressed, as on the PC
    listed = "\n".join(pages[1:])
    assert "DHG" in listed and listed.count("ZWL") >= 3

    # a national PC (no desk) holds every desk's files, as the hub does
    n = make_pc("n", None)
    with n.transaction():
        reference.set_setting(n, "suppress_below", "3")
        for r in a.all("SELECT key, value FROM setting WHERE key LIKE 'pseudonym.key.%'"):
            reference.set_setting(n, r["key"], r["value"])  # the same pseudonyms as a's
    _pull_everything(n, a, b, c)
    here = tmp_path / "here.pdf"
    exports.export_referrals(_national(n), **PERIOD, fmt="pdf", out_path=here)
    assert pages == _pdf_text(here)


def test_the_hubs_pdf_summary_is_the_overview_counted_there(pcs, english, tmp_path, monkeypatch):
    from loket.reports import pdf

    a = pcs[0]
    seen = {}

    def keep(path, overview, batches, **kwargs):
        seen["overview"] = overview
        return real(path, overview, batches, **kwargs)

    real = pdf.write_pdf
    monkeypatch.setattr(pdf, "write_pdf", keep)
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    reading.export_referrals(supervisor, **PERIOD, fmt="pdf", out_path=tmp_path / "x.pdf")
    from loket.db.exports import Filters

    counted, scope, _desk = reading.overview(
        supervisor, Filters(*default_period()), suppress_below=1
    )
    assert scope == reading.HUB_DESK
    assert seen["overview"].facts == counted.facts and counted.referrals == 3
    assert [t.rows for t in seen["overview"].tables] == [t.rows for t in counted.tables]


def test_another_desk_from_the_hub_is_refused_in_every_format(pcs, english, tmp_path):
    a = pcs[0]
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    for fmt in ("xlsx", "pdf"):
        out = tmp_path / f"dhg.{fmt}"
        with pytest.raises(ValidationError) as err:
            reading.export_referrals(supervisor, **PERIOD, fmt=fmt, out_path=out, desk_code="DHG")
        assert "own desk (ZWL)" in str(err.value.errors["desk_code"])
        assert not out.exists()
    # the national role may choose Den Haag
    out = tmp_path / "dhg.xlsx"
    result, scope, desk = reading.export_referrals(
        _national(a), **PERIOD, fmt="xlsx", out_path=out, desk_code="DHG"
    )
    assert (scope, desk, result.rows) == (reading.HUB_DESK, "DHG", 1)
    assert [r[1] for r in _sheets(out)["Referrals"][1:]] == ["DHG"]


def test_with_names_from_the_hub_is_audited_as_the_pcs_own(pcs, english, tmp_path):
    a, b, c = pcs
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    out = tmp_path / "names.xlsx"
    reason = "Overdracht aan de gemeente"
    result, scope, _desk = reading.export_referrals(
        supervisor, **PERIOD, fmt="xlsx", out_path=out, identifiable=True, reason=reason
    )
    assert result.identifiable and (scope, result.rows) == (reading.HUB_DESK, 3)
    at_hub = _sheets(out)
    names = {(r[21], r[22], r[24], r[25], r[26]) for r in at_hub["Referrals"][1:]}
    assert names == {
        ("Anna", "Eerste", "0000000001", None, None),
        ("Bram", "Tweede", "0000000002", "111222333", "'+31612345678"),  # inert()
        ("Carla", "Derde", "0000000003", None, None),
    }  # b's visitors too, which this PC does not hold; not Den Haag's
    assert a.scalar("SELECT count(*) FROM visitor WHERE given_names = 'Bram'") == 0
    result_, detail = _audits(a)[-1]
    assert result_ == "ok"
    assert detail["identifiable"] is True and detail["reason"] == reason
    assert (detail["rows"], detail["desk"], detail["covers"]) == (3, "ZWL", "hub_desk")
    text = reading.export_text(scope, "ZWL", identifiable=True)
    assert "every PC of desk ZWL" in text and "names and numbers" in text

    # no reason: refused and audited, as on the PC, and no file
    with pytest.raises(ValidationError):
        reading.export_referrals(
            supervisor, **PERIOD, fmt="csv", out_path=tmp_path / "n.csv", identifiable=True
        )
    assert _audits(a)[-1] == ("refused", {"identifiable": True, "why": "no reason given"})
    assert not (tmp_path / "n.csv").exists()
    # a counter colleague may not: refused and audited before the hub is asked
    counter = helpers.context(a, "balie", desk_code="ZWL")
    with pytest.raises(PermissionDenied):
        reading.export_referrals(
            counter, **PERIOD, fmt="pdf", out_path=tmp_path / "b.pdf", identifiable=True,
            reason=reason,
        )  # fmt: skip
    assert not (tmp_path / "b.pdf").exists()
    refused = a.all("SELECT action, result FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert refused["result"] == "refused" and refused["action"].startswith("export")

    # the same cells as the PC's own export with names, once it holds the same rows
    _pull_everything(a, b, c)
    here = tmp_path / "here.xlsx"
    exports.export_referrals(
        supervisor, **PERIOD, fmt="xlsx", out_path=here, desk_code="ZWL", identifiable=True,
        reason=reason,
    )  # fmt: skip
    assert at_hub == _sheets(here)


def test_with_names_csv_and_pdf_from_the_hub(pcs, english, tmp_path):
    a = pcs[0]
    national = _national(a)
    out = tmp_path / "names.csv"
    result, scope, _desk = reading.export_referrals(
        national, **PERIOD, fmt="csv", out_path=out, identifiable=True, reason="Onderzoek"
    )
    assert (scope, result.rows) == (reading.HUB_ALL, 4)
    text = out.read_text("utf-8-sig")
    assert all(name in text for name in ("Anna", "Bram", "Carla", "Dirk"))
    pdf = tmp_path / "names.pdf"
    reading.export_referrals(
        national, **PERIOD, fmt="pdf", out_path=pdf, identifiable=True, reason="Onderzoek"
    )
    listed = "\n".join(_pdf_text(pdf)[1:])
    assert all(name in listed for name in ("Anna", "Bram", "Carla", "Dirk"))
    assert [d["covers"] for _r, d in _audits(a)[-2:]] == ["hub_all", "hub_all"]


def test_pseudonymised_exports_from_the_hub_hold_no_names(pcs, english, tmp_path):
    a = pcs[0]
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    out = tmp_path / "hub.xlsx"
    reading.export_referrals(supervisor, **PERIOD, fmt="xlsx", out_path=out)
    cells = {str(v) for sheet in _sheets(out).values() for row in sheet for v in row}
    assert not cells & {"Anna", "Bram", "Carla", "Eerste", "Tweede", "111222333"}
    _result, detail = _audits(a)[-1]
    assert detail["identifiable"] is False and detail["covers"] == "hub_desk"


def _dialog_export(qtbot, ctx, out, *, names: bool = False):
    from loket.db.exports import Filters
    from ui.views.export_dialog import ExportDialog

    dialog = ExportDialog(ctx, None, filters=Filters(*default_period()))
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData(out.suffix[1:]))
    dialog.path.setText(str(out))
    if names:
        dialog.identifiable.setChecked(True)
        dialog.reason.setText("Overdracht aan de gemeente")
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert dialog.error is None, dialog.error
    return dialog


def test_the_dialog_says_what_the_file_covers(qtbot, pcs, english, tmp_path):
    a = pcs[0]
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    dialog = _dialog_export(qtbot, supervisor, tmp_path / "zwl.xlsx")
    assert dialog.result.rows == 3 and dialog.scope == reading.HUB_DESK
    assert dialog.message.text() == (
        f"3 referrals written to \u2066{tmp_path / 'zwl.xlsx'}\u2069\n"
        "The file holds the referrals of every PC of desk ZWL, read at the hub."
    )
    dialog = _dialog_export(qtbot, supervisor, tmp_path / "names.pdf", names=True)
    assert dialog.result.rows == 3 and dialog.result.identifiable
    assert dialog.message.text().endswith(
        "every PC of desk ZWL, read at the hub. Contains names and numbers: handle as confidential."
    )
    _offline(a)
    dialog = _dialog_export(qtbot, supervisor, tmp_path / "offline.pdf")
    assert dialog.result.rows == 1 and dialog.scope == reading.THIS_PC
    assert dialog.message.text().endswith(
        "The hub cannot be reached: the file holds the referrals of this PC only."
    )


def test_the_command_line_reads_the_hub_too(pcs, tmp_path, monkeypatch, capsys):
    from loket.cli import main

    a = pcs[0]
    monkeypatch.setenv("LOKET_PASSWORD", helpers.PASSWORD)
    monkeypatch.setenv("LOKET_LANG", "en")
    out = tmp_path / "zwl.xlsx"
    command = ["--data-dir", str(a.path.parent), "export", "referrals", "--from",
               PERIOD["date_from"], "--to", PERIOD["date_to"], "--format", "xlsx",
               "--user", "supervisor"]  # fmt: skip
    assert main([*command, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "3 referrals written" in said and "every PC of desk ZWL, read at the hub" in said
    assert [r[1] for r in _sheets(out)["Referrals"][1:]] == ["ZWL"] * 3
    assert main([*command, "--out", str(tmp_path / "dhg.xlsx"), "--desk", "DHG"]) != 0
    assert "own desk (ZWL)" in capsys.readouterr().err
    _offline(a)
    assert main([*command, "--out", str(tmp_path / "here.xlsx")]) == 0
    said = capsys.readouterr().out
    assert "1 referrals written" in said and "this PC only" in said


def test_a_cancelled_export_from_the_hub_leaves_no_file(pcs, english, tmp_path, monkeypatch):
    from loket.db import hub_log

    a = pcs[0]
    monkeypatch.setattr(hub_log, "FETCH", 1)  # one referral a batch: cancelled after the first
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 1  # not before the rows, after the first batch

    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "stopped.xlsx"
    with pytest.raises(exports.ExportCancelled):
        reading.export_referrals(
            supervisor, **PERIOD, fmt="xlsx", out_path=out, identifiable=True, reason="Test",
            cancel=cancel,
        )  # fmt: skip
    assert list(folder.iterdir()) == []  # neither the file nor its part
    result_, detail = _audits(a)[-1]
    assert result_ == "failed" and detail["cancelled"] is True and detail["covers"] == "hub_desk"
    # the hub's snapshot and cursor were given back: the next export reads every row again
    result, _scope, _desk = reading.export_referrals(supervisor, **PERIOD, fmt="csv", out_path=out)
    assert result.rows == 3
