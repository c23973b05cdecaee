"""The register screen's Save on a full disk shows the message and keeps the form."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from loket.db import visitors as visitor_repo
from loket.errors import DiskFull
from tests.helpers import context
from tests.ui.test_counter_flow import make_window, shortcut


def test_save_on_a_full_disk_says_so(qtbot, db, monkeypatch):
    window = make_window(qtbot, context(db))
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    qtbot.keyClicks(form.fields["given_names"].widget, "Sara")
    qtbot.keyClicks(form.fields["family_name"].widget, "Jansen")

    def full(*_a, **_k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(visitor_repo, "insert", full)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert window.current_view() is form
    assert form.form_error.text() == DiskFull().message
    assert form.fields["family_name"].widget.text() == "Jansen"
    assert db.scalar("SELECT count(*) FROM visitor") == 0
