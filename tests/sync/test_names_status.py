"""While the name search is built after a first pull, the status line and `loket sync
status` say how far it is; afterwards they say nothing of it."""

from __future__ import annotations

import json
from argparse import Namespace

import pytest

from loket.cli import sync as cli
from loket.sync.status import describe, read_status
from tests.sync.support import enrol, set_state


@pytest.fixture(autouse=True)
def english():
    from loket import i18n

    language = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(language)


def test_the_status_line_says_how_far_the_names_are(db):
    enrol(db)
    set_state(db, last_success_at="2026-12-04T11:40:00Z", hub_reachable="1")
    assert "Name search" not in describe(read_status(db))
    set_state(db, names_build="1 59 100")  # 41 of the 100 pulled visitors built
    status = read_status(db)
    assert status.names_progress == 0.41
    assert describe(status).endswith(
        " · Name search is being prepared (41 %); until then it finds only some visitors"
    )


def test_sync_status_reports_the_names(db, capsys, monkeypatch):
    enrol(db)
    monkeypatch.setattr(cli, "open_database", lambda args: db)
    set_state(db, names_build="1 79 100")
    assert cli.cmd_status(Namespace(json=True)) == 0
    assert json.loads(capsys.readouterr().out)["names_indexed"] == 0.21
    assert cli.cmd_status(Namespace(json=False)) == 0
    assert "Name search is being prepared (21 %)" in capsys.readouterr().out
    set_state(db, names_build=None)
    assert cli.cmd_status(Namespace(json=True)) == 0
    assert json.loads(capsys.readouterr().out)["names_indexed"] is None
