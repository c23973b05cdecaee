"""Appointments stored for a visit, and the Afspraak letter made from them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdfium2 import PdfDocument

from loket import letters
from loket.cli import main
from loket.context import Context
from loket.counter import appointments
from loket.counter.appointments import Appointment
from loket.errors import NotFound, PermissionDenied, ValidationError
from loket.privacy import audit
from tests.helpers import PASSWORD
from tests.letters_support import letter_visit


def _text(pdf: bytes) -> str:
    doc = PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


def _appt(**kw) -> Appointment:
    values = dict(
        starts_at=datetime(2099, 12, 3, 10, 30),
        place="Stationsplein 1, Zwolle",
        contact_person="mevrouw De Vries",
        bring=["Identiteitsbewijs", "Loonstrook mei"],
    )
    values.update(kw)
    return Appointment(**values)


def test_save_list_and_update(db):
    ctx, visit_id = letter_visit(db)
    saved = appointments.save(ctx, visit_id, _appt(bring=[" Zorgpas ", "", "Zorgpas"]))
    assert saved.id and saved.visit_id == visit_id
    assert saved.bring == ["Zorgpas"]  # trimmed, empties and repeats dropped
    row = db.one("SELECT * FROM appointment WHERE id = ?", (saved.id,))
    assert row["starts_at"] == "2099-12-03T10:30" and row["workstation"] and row["staff_id"]
    later = appointments.save(ctx, visit_id, _appt(starts_at=datetime(2099, 12, 5, 9, 0)))
    assert [a.id for a in appointments.for_visit(ctx, visit_id)] == [later.id, saved.id]
    assert appointments.latest(ctx, visit_id).id == later.id

    saved.place = "Kerkstraat 2, Zwolle"
    updated = appointments.save(ctx, visit_id, saved)
    assert updated.id == saved.id and updated.place == "Kerkstraat 2, Zwolle"
    actions = [
        r["action"] for r in db.all("SELECT action FROM audit_log WHERE object_type='appointment'")
    ]
    assert actions == ["appointment.create", "appointment.create", "appointment.update"]
    appointments.save(ctx, visit_id, updated)  # unchanged: no new row in the audit log
    assert db.scalar("SELECT count(*) FROM audit_log WHERE object_type='appointment'") == 3
    logged = db.one("SELECT detail FROM audit_log WHERE action = 'appointment.update'")
    assert "Kerkstraat" not in logged["detail"] and "1234567890" not in logged["detail"]
    assert audit.verify(db) is None


def test_bad_input_reports_every_field_and_stores_nothing(db):
    ctx, visit_id = letter_visit(db)
    with pytest.raises(ValidationError) as err:
        appointments.save(
            ctx,
            visit_id,
            _appt(
                starts_at=datetime(2000, 1, 1, 9, 0),
                place="  ",
                contact_person="x\u202e",
                bring=[f"papier {n}" for n in range(30)],
            ),
        )
    assert set(err.value.errors) == {"starts_at", "place", "contact_person", "bring"}
    with pytest.raises(ValidationError):
        appointments.save(ctx, visit_id, _appt(starts_at=None))
    with pytest.raises(ValidationError) as err:
        appointments.save(ctx, visit_id, _appt(referral_id="not-a-referral"))
    assert set(err.value.errors) == {"referral_id"}
    assert db.scalar("SELECT count(*) FROM appointment") == 0


def test_referral_of_the_visit_is_kept(db):
    ctx, visit_id = letter_visit(db)
    referral = db.scalar("SELECT id FROM referral WHERE visit_id = ? LIMIT 1", (visit_id,))
    saved = appointments.save(ctx, visit_id, _appt(referral_id=referral))
    assert appointments.get(ctx, saved.id).referral_id == referral


def test_unknown_visit_or_appointment(db):
    ctx, visit_id = letter_visit(db)
    with pytest.raises(NotFound):
        appointments.save(ctx, "no-such-visit", _appt())
    with pytest.raises(NotFound):
        appointments.save(ctx, visit_id, _appt(id="no-such-appointment"))
    with pytest.raises(NotFound):
        appointments.get(ctx, "no-such-appointment")


def test_permission_is_checked_and_refusal_logged(db):
    _ctx, visit_id = letter_visit(db)
    nobody = Context(db=db, user=None, origin="test")
    with pytest.raises(PermissionDenied):
        appointments.save(nobody, visit_id, _appt())
    with pytest.raises(PermissionDenied):
        appointments.for_visit(nobody, visit_id)
    assert db.scalar("SELECT count(*) FROM appointment") == 0
    assert db.scalar("SELECT count(*) FROM audit_log WHERE result = 'refused'") == 2


def test_afspraak_letter_prints_the_latest_stored_appointment(db):
    ctx, visit_id = letter_visit(db)
    appointments.save(ctx, visit_id, _appt(place="Eerste plek 1"))
    appointments.save(ctx, visit_id, _appt(place="Tweede plek 2", contact_person="Meneer Bakker"))
    letter = letters.compose(ctx, visit_id, "afspraak", "nl", letter_date=date(2026, 11, 28))
    text = _text(letter.pdf)
    assert "Tweede plek 2" in text and "Meneer Bakker" in text and "Eerste plek" not in text
    flat = " ".join(text.split())
    assert "donderdag 3 december 2099" in flat and "10.30 uur" in flat


def test_afspraak_letter_by_id_and_checks_the_visit(db):
    ctx, visit_id = letter_visit(db)
    first = appointments.save(ctx, visit_id, _appt(place="Eerste plek 1"))
    appointments.save(ctx, visit_id, _appt(place="Tweede plek 2"))
    pdf = letters.render(ctx, visit_id, "afspraak", "ar", appointment_id=first.id)
    assert "Eerste plek 1" in _text(pdf)
    _ctx2, other_visit = letter_visit(db, given_names="Sara")
    with pytest.raises(ValidationError):
        letters.render(ctx, other_visit, "afspraak", "nl", appointment_id=first.id)
    with pytest.raises(ValidationError):  # the other visit has no appointment at all
        letters.render(ctx, other_visit, "afspraak", "nl")


def test_produce_stores_a_typed_appointment_with_the_letter(db):
    ctx, visit_id = letter_visit(db)
    letter = letters.produce(ctx, visit_id, "afspraak", "ti", appointment=_appt())
    stored = appointments.latest(ctx, visit_id)
    assert stored is not None and letter.appointment.id == stored.id
    assert db.scalar("SELECT appointment_id FROM letter WHERE id = ?", (letter.id,)) == stored.id
    # the same appointment again: no second row
    letters.produce(ctx, visit_id, "afspraak", "nl", appointment_id=stored.id)
    assert db.scalar("SELECT count(*) FROM appointment") == 1


def test_failed_letter_stores_no_appointment(db):
    ctx, visit_id = letter_visit(db)
    with pytest.raises(ValidationError):
        letters.produce(ctx, visit_id, "afspraak", "nl", appointment=_appt(place=""))
    with pytest.raises(letters.service.LoketError):
        letters.produce(ctx, visit_id, "afspraak", "zz", appointment=_appt())
    assert db.scalar("SELECT count(*) FROM appointment") == 0
    assert db.scalar("SELECT count(*) FROM letter") == 0


def test_checklist_includes_the_appointment_papers(db):
    ctx, visit_id = letter_visit(db)
    appointments.save(ctx, visit_id, _appt(bring=["Huurcontract"]))
    assert "Huurcontract" in _text(letters.render(ctx, visit_id, "meenemen", "nl"))


def test_cli_uses_stored_appointments(db, data_dir, tmp_path, capsys, monkeypatch):
    ctx, visit_id = letter_visit(db)
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    saved = appointments.save(ctx, visit_id, _appt(place="Kerkstraat 9"))
    user = ["--user", ctx.user.username]
    assert main(["letters", "appointments", "--visit", visit_id, *user]) == 0
    assert capsys.readouterr().out.split("\t") == [saved.id, "2099-12-03 10:30", "Kerkstraat 9\n"]
    out = tmp_path / "afspraak.pdf"
    base = ["letters", "render", "--visit", visit_id, "--template", "afspraak", "--lang", "nl"]
    assert main([*base, "--out", str(out), *user]) == 0  # the latest appointment
    assert "Kerkstraat 9" in _text(out.read_bytes())
    out.unlink()
    assert main([*base, "--out", str(out), "--appointment", saved.id, *user]) == 0
    assert "Kerkstraat 9" in _text(out.read_bytes())
    both = [*base, "--out", str(tmp_path / "x.pdf"), "--appointment", saved.id]
    assert main([*both, "--at", "2099-12-04 09:00", "--place", "Elders", *user]) == 2
    assert not (tmp_path / "x.pdf").exists()


def test_retention_helpers_clear_free_text_and_list_the_dossier(db):
    from loket.db import appointments as repo
    from loket.db.retention import one_visitor_sql

    ctx, visit_id = letter_visit(db)
    saved = appointments.save(ctx, visit_id, _appt())
    visitor_id = db.scalar("SELECT visitor_id FROM visit WHERE id = ?", (visit_id,))
    dossier = repo.dossier_appointments(db, visitor_id)
    assert [r["id"] for r in dossier] == [saved.id] and dossier[0]["place"]
    with db.transaction():
        assert repo.clear_for_visitors(db, one_visitor_sql(visitor_id)) == 1
        assert repo.clear_for_visitors(db, one_visitor_sql(visitor_id)) == 0  # nothing left
    row = db.one("SELECT * FROM appointment WHERE id = ?", (saved.id,))
    assert (row["place"], row["contact_person"], row["bring"]) == ("", "", "[]")
    assert row["starts_at"] == "2099-12-03T10:30"
