"""Retention on a fixture with known dates; erasure and the right of access."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from loket import settings
from loket.context import system_context
from loket.counter import intake
from loket.errors import ConflictError, ValidationError
from loket.privacy import audit, retention
from loket.privacy import rights as visitor_rights
from tests.helpers import context, visit, visitor

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _person(ctx, v_number, last_activity, *, health=True):
    p = visitor(
        ctx,
        given_names="Ali",
        family_name=f"Test{v_number[-2:]}",
        v_number=v_number,
        phone="0612345678",
        email="ali@example.org",
        address="Straat 1",
    )
    v = visit(ctx, p.id, summary="Vertelde over schulden", outcome="Doorverwezen")
    if health:
        intake.set_health(ctx, v.id, "Diabetes", "explicit_consent")
    ctx.db.execute("UPDATE visitor SET last_activity_at = ? WHERE id = ?", (last_activity, p.id))
    ctx.db.execute("UPDATE visit SET arrived_at = ? WHERE id = ?", (last_activity, v.id))
    return p, v


@pytest.fixture
def people(db):
    admin = context(db, "beheerder", "admin0")
    old, old_visit = _person(admin, "1000000001", "2024-10-01T09:00:00Z")  # 26 months ago
    edge, _ = _person(admin, "1000000002", "2024-11-29T09:00:00Z")  # just under 24 months
    recent, _ = _person(admin, "1000000003", "2026-06-01T09:00:00Z")
    # Last touched long ago, but a referral of theirs changed status last month.
    referred, referred_visit = _person(admin, "1000000004", "2024-01-01T09:00:00Z")
    from tests.letters_support import partner, refer

    service = partner(db, "Taalhuis Zwolle", city="Zwolle")
    referral = refer(db, referred_visit.id, service)
    db.execute(
        "UPDATE referral SET status_changed_at = '2026-10-20T10:00:00Z' WHERE id = ?", (referral,)
    )
    return admin, {
        "old": old,
        "edge": edge,
        "recent": recent,
        "old_visit": old_visit,
        "referred": referred,
    }


def _row(db, person):
    return db.one("SELECT * FROM visitor WHERE id = ?", (person.id,))


def test_months_before_handles_short_months():
    assert retention.months_before(datetime(2026, 3, 31), 1) == datetime(2026, 2, 28)
    assert retention.months_before(datetime(2026, 1, 15), 24) == datetime(2024, 1, 15)


def test_dry_run_counts_and_changes_nothing(db, people):
    admin, p = people
    before = db.one("SELECT given_names, family_name FROM visitor WHERE id = ?", (p["old"].id,))
    result = retention.run(admin, dry_run=True, now=NOW)
    assert result.counts["visitor"] == 1
    assert result.counts["visit"] >= 2  # summary/outcome cleared + health note removed
    assert tuple(_row(db, p["old"])[k] for k in ("given_names", "family_name")) == tuple(before)
    assert _row(db, p["old"])["anonymised_at"] is None
    logged = db.one("SELECT detail FROM audit_log WHERE action = 'retention.run'")
    assert json.loads(logged["detail"])["dry_run"] is True


def test_run_anonymises_only_expired_visitors(db, people):
    admin, p = people
    result = retention.run(admin, now=NOW)
    assert result.counts["visitor"] == 1
    old = _row(db, p["old"])
    assert old["anonymised_at"] is not None
    for field in ("date_of_birth", "v_number", "bsn", "phone", "email", "address", "city"):
        assert old[field] is None, field
    assert old["given_names"] == old["family_name"] == ""
    assert old["preferred_language"] == "tr"  # kept for statistics
    v = db.one("SELECT * FROM visit WHERE id = ?", (p["old_visit"].id,))
    assert v["summary"] == v["outcome"] == ""
    assert v["visit_date"] and v["topic_code"] == "residence_permit"  # counts still work
    assert db.scalar("SELECT count(*) FROM visit_need WHERE visit_id = ?", (v["id"],)) == 1
    assert db.scalar("SELECT count(*) FROM visit_health WHERE visit_id = ?", (v["id"],)) == 0
    for key in ("edge", "recent", "referred"):
        row = _row(db, p[key])
        assert row["anonymised_at"] is None and row["v_number"] is not None
    # The name is gone from the search index too.
    from loket.db import visitors as repo

    assert not [r for r in repo.search_candidates(db, '"Test01"', 10)]
    # Logged: the run and the anonymised visitor, by keyed subject reference only.
    row = db.one("SELECT * FROM audit_log WHERE action = 'visitor.anonymise'")
    assert row["object_id"] == p["old"].id
    assert row["subject_ref"] == audit.subject_ref(db, "1000000001")
    assert retention.run(admin, now=NOW).counts == {
        "visit": 0,
        "referral": 0,
        "letter": 0,
        "draft": 0,
        "visitor": 0,
    }
    assert audit.verify(db) is None


def test_periods_are_settings(db, people):
    admin, p = people
    settings.set_setting(admin, "retention.visitor_months", "12")
    settings.set_setting(admin, "retention.visit_months", "12")
    assert retention.run(admin, now=NOW).counts["visitor"] == 2  # old and edge
    assert _row(db, p["recent"])["anonymised_at"] is None
    with pytest.raises(ValidationError):
        settings.set_setting(admin, "retention.visit_months", "zero")


def test_run_if_due_once_a_day(db, people):
    assert retention.run_if_due(db, day=date(2026, 11, 28)) is not None
    assert retention.run_if_due(db, day=date(2026, 11, 28)) is None
    assert retention.run_if_due(db, day=date(2026, 11, 29)) is not None
    row = db.one("SELECT actor, origin FROM audit_log WHERE action = 'retention.run'")
    assert row["actor"] is None and row["origin"].endswith("/system")


def test_erasure_on_request(db, people):
    _admin, p = people
    sup = context(db, "supervisor", "sup")
    with pytest.raises(ValidationError):
        visitor_rights.erase_visitor(sup, p["recent"].id, "  ")
    visitor_rights.erase_visitor(sup, p["recent"].id, "asked at the desk")
    row = _row(db, p["recent"])
    assert row["anonymised_at"] and row["v_number"] is None
    logged = db.one("SELECT detail FROM audit_log WHERE action = 'visitor.anonymise'")
    assert json.loads(logged["detail"]) == {
        "reason": "request",
        "category": "request",
        "note": "asked at the desk",
    }
    with pytest.raises(ConflictError):
        visitor_rights.erase_visitor(sup, p["recent"].id, "again")


def test_right_of_access_export(db, people, tmp_path):
    _admin, p = people
    sup = context(db, "supervisor", "sup")
    intake.get_visitor(sup, p["old"].id)
    pdf, data_file = visitor_rights.access_export(sup, p["old"].id, tmp_path / "inzage")
    data = json.loads(data_file.read_text("utf-8"))
    assert data["visitor"]["v_number"] == "1000000001"
    assert data["visits"][0]["summary"] == "Vertelde over schulden"
    assert data["visits"][0]["health_note"] == "Diabetes"
    assert any(a["action"] == "visitor.view" and a["actor"] == "sup" for a in data["audit_trail"])
    assert pdf.read_bytes().startswith(b"%PDF")
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "1000000001" in text and "Diabetes" in text
    assert db.one("SELECT * FROM audit_log WHERE action = 'visitor.access_export'") is not None


def test_system_context_may_run_but_anonymous_app_may_not(db):
    from loket.context import Context
    from loket.errors import PermissionDenied

    retention.run(system_context(db), dry_run=True)
    with pytest.raises(PermissionDenied):
        retention.run(Context(db=db), dry_run=True)


def test_old_drafts_are_deleted(db):
    from loket.counter import drafts

    clerk = context(db, "balie", "anna")
    old = drafts.save_draft(clerk, "visitor", {"family_name": "Haile"})
    fresh = drafts.save_draft(clerk, "visitor", {"family_name": "Tesfay"})
    db.execute("UPDATE draft SET updated_at = '2026-09-01T10:00:00Z' WHERE id = ?", (old,))
    db.execute("UPDATE draft SET updated_at = '2026-11-20T10:00:00Z' WHERE id = ?", (fresh,))
    result = retention.run(system_context(db), now=NOW)
    assert result.counts["draft"] == 1
    assert [d.id for d in drafts.list_drafts(clerk)] == [fresh]


def test_cli_access_and_erase(db, data_dir, tmp_path, monkeypatch):
    from loket.cli import main
    from tests.helpers import PASSWORD

    sup = context(db, "supervisor", "sup")
    context(db, "balie", "anna")
    person = visitor(sup, v_number="3333333333")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = tmp_path / "inzage"
    assert main(["visitor-access", person.id, "--out", str(out), "--user", "sup"]) == 0
    assert json.loads(out.with_suffix(".json").read_text("utf-8"))["visitor"]["v_number"] == (
        "3333333333"
    )
    assert out.with_suffix(".pdf").exists()
    assert main(["visitor-erase", person.id, "--reason", "asked", "--user", "anna"]) == 2
    assert db.one("SELECT v_number FROM visitor WHERE id = ?", (person.id,))[0] == "3333333333"
    assert main(["visitor-erase", person.id, "--reason", "asked", "--user", "sup"]) == 0
    assert db.one("SELECT v_number FROM visitor WHERE id = ?", (person.id,))[0] is None
