"""The phone numbers letters print: never invented; administrators fill them in (core, CLI,
letter panel, `loket demo --desk-phone`), and re-seeding keeps them."""

from __future__ import annotations

import pytest

from loket import letters
from loket.cli import main
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.demo import generate as demo
from loket.directory import seed
from loket.errors import LoketError, PermissionDenied, ValidationError
from loket.letters import contact
from tests.helpers import PASSWORD, context
from tests.letters_support import letter_visit


def _without_phones(db):
    ctx, visit_id = letter_visit(db, desk_phone=None)
    with db.transaction():
        db.execute("UPDATE staff SET phone = NULL")
    return ctx, visit_id


def test_administrator_fills_in_the_desk_phone_and_the_letter_can_be_given(db):
    ctx, visit_id = _without_phones(db)
    assert letters.compose(ctx, visit_id, "plan", "nl").problems
    with pytest.raises(PermissionDenied):
        contact.set_desk_phone(ctx, "ZWL", "038 456 7890")  # counter staff may not
    admin = context(db, "beheerder")
    with pytest.raises(ValidationError):
        contact.set_desk_phone(admin, "ZWL", "call us")
    assert contact.set_desk_phone(admin, "ZWL", "038 456 7890") == "+31384567890"
    letter = letters.produce(ctx, visit_id, "plan", "nl")
    assert letter.problems == [] and letter.id
    logged = db.one("SELECT detail FROM audit_log WHERE action = 'desk.update'")["detail"]
    assert "456" not in logged


def test_a_staff_members_direct_number_comes_first(db):
    from tests.letters.test_render import page_texts

    ctx, visit_id = _without_phones(db)
    admin = context(db, "beheerder")
    contact.set_desk_phone(admin, "ZWL", "038 456 7890")
    contact.set_staff_phone(admin, ctx.user.username, "06 1234 5678")
    text = "\n".join(page_texts(letters.compose(ctx, visit_id, "plan", "nl").pdf))
    text = text.replace("\u00a0", " ")
    assert "06 1234 5678" in text and "038 456 7890" not in text
    with pytest.raises(LoketError):
        contact.set_staff_phone(admin, "nobody-here", "06 1234 5678")


def test_cli_phone(db, data_dir, capsys, monkeypatch):
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    _ctx, _visit = _without_phones(db)
    admin = context(db, "beheerder")
    args = ["letters", "phone", "--desk", "ZWL", "--user", admin.user.username]
    assert main([*args, "--number", "038 456 7890"]) == 0
    assert db.scalar("SELECT phone FROM desk WHERE code = 'ZWL'") == "+31384567890"
    assert main([*args, "--number", "abc"]) != 0
    err = capsys.readouterr().err
    assert letters.explain(ValidationError({"desk_phone": "x"})).split(":")[0] in err
    assert "desk_phone" not in err
    assert main([*args, "--number", ""]) == 0
    assert db.scalar("SELECT phone FROM desk WHERE code = 'ZWL'") is None


def test_reseeding_keeps_a_desk_phone(db):
    admin = context(db, "beheerder")
    contact.set_desk_phone(admin, "ZWL", "038 456 7890")
    seed.load_all(db)
    assert db.scalar("SELECT phone FROM desk WHERE code = 'ZWL'") == "+31384567890"


def test_demo_desks_have_a_phone_so_demo_letters_can_be_given(tmp_path, monkeypatch):
    plain = Database(tmp_path / "a.sqlite")
    migrate(plain)
    demo.generate(plain, visitors=3)
    phones = {r[0] for r in plain.all("SELECT phone FROM desk")}
    assert phones == {"+31880430430"}  # the IND's public number, on every desk
    assert plain.scalar("SELECT count(*) FROM staff WHERE phone IS NOT NULL") == 0
    none = Database(tmp_path / "none.sqlite")
    migrate(none)
    demo.generate(none, visitors=3, desk_phone="")  # as on a new installation
    assert none.scalar("SELECT count(*) FROM desk WHERE phone IS NOT NULL") == 0
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path / "cli"))
    assert main(["demo", "--visitors", "3"]) == 0  # `loket demo`, as `make run` calls it
    cli = Database(tmp_path / "cli" / "loket.sqlite")
    assert {r[0] for r in cli.all("SELECT phone FROM desk")} == {"+31880430430"}
    given = Database(tmp_path / "b.sqlite")
    migrate(given)
    demo.generate(given, visitors=3, desk_phone="038 456 7890")
    phones = {r[0] for r in given.all("SELECT phone FROM desk")}
    assert phones == {"+31384567890"}
    refused = Database(tmp_path / "c.sqlite")
    migrate(refused)
    with pytest.raises(ValidationError):
        demo.generate(refused, visitors=3, desk_phone="not a number")
    assert refused.scalar("SELECT count(*) FROM staff") == 0  # checked before anything


def test_letter_panel_asks_an_administrator_for_the_desk_phone(qtbot, db, monkeypatch):
    pytest.importorskip("PySide6")
    from PySide6.QtWidgets import QInputDialog

    from ui.views.letter_dialog import LetterDialog

    counter_ctx, visit_id = _without_phones(db)
    window = LetterDialog(counter_ctx, visit_id, "nl")
    qtbot.addWidget(window)
    window.show()
    view = window.panel
    qtbot.waitUntil(lambda: view.letter is not None and view._pending == 0, timeout=20_000)
    assert view.problems.isVisible() and not view.desk_phone_button.isVisible()

    admin = context(db, "beheerder")
    window2 = LetterDialog(admin, visit_id, "nl")
    qtbot.addWidget(window2)
    window2.show()
    view2 = window2.panel
    qtbot.waitUntil(lambda: view2.letter is not None and view2._pending == 0, timeout=20_000)
    assert view2.desk_phone_button.isVisible()
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("038 456 7890", True))
    )
    view2.desk_phone_button.click()
    qtbot.waitUntil(
        lambda: view2._pending == 0 and view2.letter.problems == [] and view2.problems.isHidden(),
        timeout=20_000,
    )
    assert not view2.desk_phone_button.isVisible()


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+31201234567", "020 123 4567"),
        ("+31384567890", "038 456 7890"),
        ("+31612345678", "06 1234 5678"),
        ("+31880430430", "088 043 0430"),  # the IND's own number: a three-digit prefix
        ("+31851234567", "085 123 4567"),
        ("+31900800", "0900 800"),
        ("+441234567890", "+441234567890"),  # abroad: as stored
    ],
)
def test_phone_numbers_are_grouped_as_dutch_readers_dial_them(stored, shown):
    from loket.letters.data import display_phone

    assert display_phone(stored) == shown
