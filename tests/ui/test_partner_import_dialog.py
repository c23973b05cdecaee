"""Importing partner data in the app: the report is shown before anything is written, a
refused package cannot be confirmed, and confirming imports what the report announced."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QDialog

from loket.db import directory as repo
from loket.directory.transfer import import_path
from loket.i18n import _
from tests.directory.test_hsds_io import snapshot
from tests.directory.test_hsds_messy import API_PAGE
from tests.helpers import context
from ui.views.directory_view import DirectoryView
from ui.views.partner_import_dialog import PartnerImportDialog


@pytest.fixture
def chef(db):
    return context(db, "supervisor", username="chef")


def test_the_report_is_shown_before_confirming(qtbot, chef, db, tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    before = snapshot(db)
    dialog = PartnerImportDialog(chef, path)
    qtbot.addWidget(dialog)
    text = dialog.report.toPlainText()
    assert "organization.funding" in text and "070 353 4455" in text
    assert dialog.refused_list.isHidden() and dialog.refused_records == 0
    assert dialog.import_button.isEnabled()
    assert snapshot(db) == before  # shown, not written
    dialog.import_button.click()
    assert dialog.result is not None and dialog.result.changed > 0
    assert repo.get(db, "service", "svc-api") is not None


def test_refused_records_are_shown_apart_and_the_rest_can_be_imported(qtbot, chef, db, tmp_path):
    bad = json.loads(json.dumps(API_PAGE))
    bad["contents"][0]["name"] = True
    bad["contents"][0]["service_at_locations"][0]["location"]["latitude"] = 999
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    before = snapshot(db)
    dialog = PartnerImportDialog(chef, path)
    qtbot.addWidget(dialog)
    refused = dialog.refused_list.toPlainText()
    assert (
        "latitude" in refused and _("field {field}").format(field="name") in refused
    )  # both problems at once, apart from the other remarks
    assert "organization.funding" in dialog.report.toPlainText()
    assert "latitude" not in dialog.report.toPlainText()
    assert dialog.refused_records == 3 and not dialog.refused_list.isHidden()
    assert "3" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    assert snapshot(db) == before  # shown, not written
    dialog.import_button.click()
    assert dialog.result is not None and dialog.result.refused == 3
    assert repo.get(db, "organisation", "org-api") is not None
    assert repo.get(db, "service", "svc-api") is None


def test_a_package_that_cannot_be_read_cannot_be_confirmed(qtbot, chef, db, tmp_path):
    bad = json.loads(json.dumps(API_PAGE))
    bad["contents"][0]["service_at_locations"] = "Spui 68"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    before = snapshot(db)
    dialog = PartnerImportDialog(chef, path)
    qtbot.addWidget(dialog)
    assert "service_at_locations" in dialog.refused_list.toPlainText()
    assert not dialog.import_button.isEnabled()
    assert snapshot(db) == before


def test_directory_view_offers_the_import_to_editors_only(qtbot, db, tmp_path, monkeypatch):
    view = DirectoryView(context(db, "balie"))
    qtbot.addWidget(view)
    assert view.import_button.isHidden()
    editor_view = DirectoryView(context(db, "supervisor", username="chef"))
    qtbot.addWidget(editor_view)
    assert not editor_view.import_button.isHidden()
    shown = []
    monkeypatch.setattr(
        PartnerImportDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Rejected
    )
    path = tmp_path / "page.json"
    path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    editor_view.import_partners(str(path))
    assert len(shown) == 1 and shown[0].import_button.isEnabled()


def test_past_imports_show_each_full_report(qtbot, chef, db, tmp_path, monkeypatch):
    from ui.views.partner_import_dialog import PastImportsDialog

    path = tmp_path / "page.json"
    path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    done = import_path(chef, path)
    dialog = PastImportsDialog(chef)
    qtbot.addWidget(dialog)
    assert "page.json" in dialog.imports.item(0).text()  # newest first
    assert dialog.report.toPlainText() == "\n".join(done.report.lines())
    view = DirectoryView(chef)
    qtbot.addWidget(view)
    assert not view.past_imports_button.isHidden()
    shown = []
    monkeypatch.setattr(
        PastImportsDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Rejected
    )
    view.show_past_imports()
    assert len(shown) == 1 and shown[0].imports.count() == len(dialog.past)
    clerk = DirectoryView(context(db, "balie"))
    qtbot.addWidget(clerk)
    assert clerk.past_imports_button.isHidden()
