"""Administrators at a PC: the PCs of their desk with their last contact, and revoking one;
the hub then refuses the revoked PC (it can neither push nor pull)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from loket.context import system_context
from loket.db.outbox import sync_workstation as ws_of
from loket.errors import LoketError, PermissionDenied
from loket.sync import pcs
from loket.sync.run import sync_now
from tests import helpers
from tests.pcs import sync as _sync


@pytest.fixture(autouse=True)
def english():
    from loket import i18n

    language = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(language)


def test_the_desks_pcs_with_their_last_contact_and_a_revoked_one_is_refused(make_pc, hub):
    a, b, c = make_pc("zwl-1", "ZWL"), make_pc("zwl-2", "ZWL"), make_pc("dhg-1", "DHG")
    _sync(a, b, c)
    admin = helpers.context(a, "beheerder")
    listed = pcs.desk_pcs(admin)
    assert [p.name for p in listed] == ["zwl-1", "zwl-2"]  # not Den Haag's
    assert [p.is_me for p in listed] == [True, False]
    assert all(p.last_contact is not None and p.revoked_at is None for p in listed)

    with pytest.raises(LoketError, match="itself"):
        pcs.revoke(admin, ws_of(a))
    with pytest.raises(LoketError, match="no such PC"):
        pcs.revoke(admin, ws_of(c))
    with pytest.raises(PermissionDenied):
        pcs.revoke(helpers.context(a, "balie"), ws_of(b))

    pcs.revoke(admin, ws_of(b))
    assert a.scalar("SELECT count(*) FROM audit_log WHERE action = 'sync.pc_revoked'") == 1
    [revoked] = [p for p in pcs.desk_pcs(admin) if p.name == "zwl-2"]
    assert revoked.revoked_at is not None
    helpers.visitor(helpers.context(b))  # b works on, but the hub no longer takes it
    result = sync_now(system_context(b))
    assert not result.ok and result.error_code == "not_enrolled"
    assert result.waiting > 0
    _sync(a, c)  # the others go on


def test_a_pc_that_only_pulls_shows_a_recent_contact(make_pc, hub, hub_dsn, capsys, monkeypatch):
    from loket.cli import main
    from loket.db import hub as hub_repo

    a, b = make_pc("zwl-1", "ZWL"), make_pc("zwl-2", "ZWL")
    _sync(a, b)
    # b's last batch was long ago; since then it only fetched the others' changes
    hub.execute(
        "UPDATE loket.batch SET received_at = now() - interval '3 hours' WHERE workstation = %s",
        (ws_of(b),),
    )
    batches = hub.execute("SELECT count(*) FROM loket.batch").fetchone()[0]
    helpers.visitor(helpers.context(a))
    _sync(a)
    result = sync_now(system_context(b))
    assert result.ok and result.pushed == 0 and result.pulled > 0
    assert hub.execute("SELECT count(*) FROM loket.batch").fetchone()[0] == batches + 1  # a's
    hub_now = hub.execute("SELECT now()").fetchone()[0]
    [listed] = [p for p in pcs.desk_pcs(helpers.context(a, "beheerder")) if p.name == "zwl-2"]
    assert hub_now - listed.last_contact < timedelta(minutes=5)
    [reported] = [w for w in hub_repo.report(hub)["workstations"] if w["name"] == "zwl-2"]
    last = datetime.fromisoformat(reported["last_contact_at"])
    assert hub_now - last < timedelta(minutes=5)
    capsys.readouterr()
    monkeypatch.setenv("LOKET_LANG", "en")
    assert main(["hub", "report", "--dsn", hub_dsn]) == 0
    out = capsys.readouterr().out
    assert f"zwl-2 (ZWL): last contact {reported['last_contact_at']}, batch" in out


def test_the_administrators_settings_list_the_desks_pcs_and_revoke_one(
    qtbot, make_pc, hub, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from ui.views.admin_settings_view import AdminSettingsView

    a, b = make_pc("zwl-1", "ZWL"), make_pc("zwl-2", "ZWL")
    _sync(a, b)
    view = AdminSettingsView(helpers.context(a, "beheerder"))
    qtbot.addWidget(view)
    view.open()
    assert not view.desk_pcs.isHidden()  # enrolled: the box is there
    assert ws_of(a) in view.enrolment.text()  # the hub's id of this PC
    box = view.desk_pcs
    box.show_button.click()
    qtbot.waitUntil(lambda: box.list.count() == 2, timeout=20_000)
    assert "zwl-1" in box.list.item(0).text() and "(this PC)" in box.list.item(0).text()
    assert "last contact" in box.list.item(1).text()
    box.list.setCurrentRow(0)
    assert not box.revoke_button.isEnabled()  # not this PC itself
    box.list.setCurrentRow(1)
    assert box.revoke_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    box.revoke_button.click()
    qtbot.waitUntil(lambda: box.message.text() == "The PC is revoked.", timeout=20_000)
    assert "(revoked)" in box.list.item(1).text()
    assert sync_now(system_context(b)).error_code == "not_enrolled"


def test_the_first_run_enrols_the_pc_with_the_file_from_the_hub(qtbot, tmp_path, hub, hub_dsn):
    from PySide6.QtCore import Qt

    from loket.context import Context
    from loket.db import outbox
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.directory import seed
    from loket.sync.enroll import issue_pc, write_bundle
    from ui.views.first_run_dialog import FirstRunDialog

    bundle = issue_pc(hub, name="zwl-9", desk_code="ZWL", dsn=hub_dsn)
    path = tmp_path / "zwl-9.json"
    write_bundle(bundle, path)
    (tmp_path / "broken.json").write_text("{}", encoding="utf-8")
    folder = tmp_path / "pc"
    folder.mkdir()
    db = Database(folder / "loket.sqlite")
    migrate(db)
    seed.load_all(db)
    ctx = Context(db=db)
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.desk.setCurrentIndex(dialog.desk.findText("Zwolle", Qt.MatchFlag.MatchContains))
    for field, text in (
        (dialog.username, "beheer"),
        (dialog.display_name, "Beheerder Zwolle"),
        (dialog.password, "long enough"),
        (dialog.repeat, "long enough"),
        (dialog.desk_phone, "038 456 7890"),
        (dialog.enrolment_file, str(tmp_path / "broken.json")),
    ):
        qtbot.keyClicks(field, text)
    dialog.create()  # not an enrolment file: nothing is made
    assert "enrolment file" in dialog.error.text()
    assert db.scalar("SELECT count(*) FROM staff") == 0
    dialog.enrolment_file.setText(str(path))
    dialog.create()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert outbox.setting(db, "sync_enrolled") == "1"
    assert outbox.sync_workstation(db) == bundle["workstation"]
    assert sync_now(system_context(db)).ok
    db.close()
