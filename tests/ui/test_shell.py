"""The main window shell: demo banner, navigation history, start-up without login."""

from __future__ import annotations

from loket.db import reference
from tests.helpers import context
from ui.main_window import MainWindow


def test_demo_banner_only_on_demo_database(qtbot, db):
    ctx = context(db)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.show()
    assert window.demo_banner.isVisible()
    assert "DEMO" in window.demo_banner.text()
    assert "DEMO" in window.windowTitle()
    plain = MainWindow(ctx, demo=False)
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.demo_banner.isVisible()


def test_exit_when_ready(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "loket", "--data-dir", str(tmp_path), "--exit-when-ready"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "loket.sqlite").exists()


def test_open_context_seeds_new_database(tmp_path):
    from ui.app import open_context

    ctx, demo = open_context(str(tmp_path))
    assert not demo
    assert len(reference.desks(ctx.db)) == 4
    ctx.db.close()
