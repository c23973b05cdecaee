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


def test_collector_back_on_once_the_first_window_is_shown(tmp_path):
    """loket.cli switches the garbage collector off for the start; the app must switch it
    back on (after freezing the start-up objects) once its first window is up."""
    import os
    import subprocess
    import sys

    script = (
        "import gc, sys\n"
        "from loket.cli import main\n"
        "code = main(['--data-dir', sys.argv[1], '--exit-when-ready'])\n"
        "print(code, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["0", "True", "True"]


def test_the_first_window_loads_no_code_it_does_not_need(tmp_path):
    """Start-up is measured against a bare Qt window (bench/bench_startup.py); these modules
    once sat on its path and are needed only later (search, sign-in, backups, letters,
    exports, the command line; the name matching at the first write of a name; the key
    store and its cryptography at the first audit row)."""
    import os
    import subprocess
    import sys

    later = [
        "anyascii",
        "jellyfish",
        "rapidfuzz",
        "loket.counter.names.keys",
        "keyring",
        "cryptography",
        "zxcvbn",
        "loket.privacy.keystore",
        "babel",
        "ctypes",
        "dataclasses",
        "loket.privacy.backup",
        "loket.cli.export",
        "loket.counter.drafts",
        "loket.model",
        "loket.counter.search",
        "reportlab",
        "sqlite_utils",
    ]
    script = (
        "import sys\n"
        "from loket.cli import main\n"
        "assert main(['--data-dir', sys.argv[1], '--exit-when-ready']) == 0\n"
        f"print(sorted(m for m in {later!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # The first start makes and seeds the database (audit rows, so the key); measured is
    # every start after it.
    for _start in ("first", "normal"):
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_search_view_waits_as_long_as_the_search():
    from loket.counter import search
    from ui.views import search_view

    assert search_view.MIN_TEXT_QUERY == search.MIN_TEXT_QUERY


def test_the_capture_triggers_are_checked_once_the_first_window_is_up(db, qapp):
    """A start with nothing to migrate leaves the check of the hub's capture triggers to
    the moment after the first window; a trigger an older Loket left out is made then."""
    from loket.context import Context
    from loket.db.migrate import migrate
    from ui.app import after_first_window

    def capture_triggers():
        return {
            r["name"]
            for r in db.all("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            if r["name"].startswith("sync_capture_")
        }

    made = capture_triggers()
    assert made  # the migrations made them
    name = sorted(made)[0]
    with db.transaction():
        db.execute(f'DROP TRIGGER "{name}"')
    assert migrate(db, triggers=False) == [] and name not in capture_triggers()
    after_first_window(Context(db=db))
    assert capture_triggers() == made
