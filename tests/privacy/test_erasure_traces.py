"""After an erasure or a retention run nothing of the visitor stays behind: not in the
database file, not in the write-ahead log, not in an unsaved form, not in the audit trail's
reason -- also while the app has its own connection open."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from loket.clock import utcnow
from loket.counter import drafts
from loket.db.connection import Database
from loket.errors import ValidationError
from loket.privacy import retention
from loket.privacy import rights as visitor_rights
from tests.helpers import context, visit, visitor

SECRETS = {
    "given_names": "Qwertinia",
    "family_name": "Zoblitzky",
    "v_number": "8765432109",
    "phone": "0687654321",
    "email": "qwz@voorbeeld.example",
    "address": "Vlindergracht 77",
}


def _raw(path: Path) -> bytes:
    found = b""
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            found += part.read_bytes()
    return found.lower()


def _leftovers(path: Path) -> list[str]:
    raw = _raw(path)
    return [k for k, v in SECRETS.items() if v.lower().encode() in raw]


def _person(db):
    ctx = context(db, "balie", "anna")
    person = visitor(ctx, **SECRETS)
    visit(ctx, person.id, summary="Qwertinia Zoblitzky came with papers")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the values are in loket.sqlite itself
    assert _leftovers(db.path)  # the test can see them
    return person


def test_erasure_leaves_nothing_in_the_files_while_the_app_is_open(db, data_dir):
    app = Database(data_dir / "loket.sqlite")  # the running app's connection
    try:
        app.one("SELECT count(*) FROM visitor")
        person = _person(db)
        sup = context(db, "supervisor", "sup")
        visitor_rights.erase_visitor(sup, person.id, "asked at the desk")
        assert _leftovers(db.path) == []
        assert Path(f"{db.path}-wal").stat().st_size == 0
    finally:
        app.close()


def test_retention_leaves_nothing_in_the_files(db, data_dir):
    app = Database(data_dir / "loket.sqlite")
    try:
        person = _person(db)
        system = context(db, "beheerder", "admin0")
        retention.run(system, now=utcnow() + timedelta(days=365 * 30))
        row = db.one("SELECT anonymised_at FROM visitor WHERE id = ?", (person.id,))
        assert row["anonymised_at"]
        assert _leftovers(db.path) == []
    finally:
        app.close()


def test_erasure_removes_unsaved_registrations_that_name_the_visitor(db):
    person = _person(db)
    clerk = context(db, "balie", "anna")
    by_number = drafts.save_draft(
        clerk, "visitor", {"given_names": "Q.", "v_number": "876 543 2109"}
    )
    by_name = drafts.save_draft(
        clerk, "visitor", {"given_names": "qwertinia", "family_name": "ZOBLITZKY"}
    )
    other = drafts.save_draft(clerk, "visitor", {"given_names": "Anna", "family_name": "Berg"})
    sup = context(db, "supervisor", "sup")
    visitor_rights.erase_visitor(sup, person.id, "asked at the desk")
    left = {r["id"] for r in db.all("SELECT id FROM draft")}
    assert by_number not in left and by_name not in left
    assert other in left


@pytest.mark.parametrize(
    "note",
    [
        "Qwertinia asked for it",
        "asked, V-nummer 8765432109",
        "see mail from qwz@voorbeeld.example",
        "lives at Vlindergracht",
        "called from 06 8765 4321",
    ],
)
def test_a_reason_that_names_the_visitor_is_refused(db, note):
    person = _person(db)
    sup = context(db, "supervisor", "sup")
    with pytest.raises(ValidationError) as err:
        visitor_rights.erase_visitor(sup, person.id, note)
    assert "why, not who" in err.value.message.casefold() or "niet wie" in err.value.message
    assert db.scalar("SELECT anonymised_at FROM visitor WHERE id = ?", (person.id,)) is None


def test_the_reason_is_stored_as_category_and_note(db):
    person = _person(db)
    sup = context(db, "supervisor", "sup")
    visitor_rights.erase_visitor(sup, person.id, "consent withdrawn at the desk", category="other")
    row = db.one(
        "SELECT detail FROM audit_log WHERE action = 'visitor.anonymise' ORDER BY seq DESC"
    )
    detail = json.loads(row["detail"])
    assert detail == {
        "reason": "request",
        "category": "other",
        "note": "consent withdrawn at the desk",
    }
    with pytest.raises(ValidationError):
        visitor_rights.erase_visitor(sup, person.id, "x", category="whim")
