"""A restore refuses while any other connection has the database open: nothing written by a
running app or command is lost in a file that was replaced under it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from loket.cli import main
from loket.db.connection import Database
from loket.db.lock import DatabaseInUse, lock_path
from loket.privacy import backup, restore
from tests.helpers import PASSWORD, context, make_staff

WRITER = textwrap.dedent(
    """
    import sys
    from loket.db.connection import Database

    db = Database(sys.argv[1])
    i = 0
    while True:
        with db.transaction():
            db.execute(
                "INSERT INTO setting (key, value, created_at, updated_at, workstation)"
                " VALUES (?, 'x', 'a', 'a', 'w')",
                (f"load.{i}",),
            )
        print(i, flush=True)  # committed
        i += 1
        if i == 5:
            print("ready", flush=True)
            sys.stdin.readline()  # wait until the restore was tried
        if i >= 10:
            break
    db.close()
    """
)

PLAIN_SQLITE = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("SELECT count(*) FROM setting").fetchone()
    print("ready", flush=True)
    sys.stdin.readline()
    conn.close()
    """
)


def _start(script: str, live: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(live)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return proc


def _wait_ready(proc: subprocess.Popen) -> list[str]:
    lines = []
    for _ in range(100):
        line = proc.stdout.readline().strip()
        assert line, "the other process ended early"
        if line == "ready":
            return lines
        lines.append(line)
    raise AssertionError("the other process never got ready")


def _keys(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT key FROM setting WHERE key LIKE 'load.%'")}
    finally:
        conn.close()


def test_restore_is_refused_while_another_process_writes(db, data_dir, tmp_path):
    ctx = context(db, "beheerder", "admin0")
    saved = backup.backup(ctx, tmp_path / "saved.sqlite")
    db.close()
    live = data_dir / "loket.sqlite"
    writer = _start(WRITER, live)
    try:
        committed = _wait_ready(writer)
        with pytest.raises(DatabaseInUse) as err:
            restore.restore(live, saved)
        assert "open in another Loket window" in str(err.value) or "geopend" in str(err.value)
        writer.stdin.write("go\n")
        writer.stdin.flush()
        rest, _ = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    committed += [line for line in rest.split() if line.isdigit()]
    assert len(committed) == 10
    # Every row the writer believed committed is in the live database, which was not replaced.
    assert _keys(live) == {f"load.{i}" for i in committed}
    assert not list(data_dir.glob("loket.sqlite.restore-*"))
    assert not list(data_dir.glob("loket.sqlite.before-restore-*"))
    # Nobody has it open any more: now the restore goes ahead.
    kept = restore.restore(live, saved)
    assert _keys(live) == set()
    assert len(_keys(kept)) == 10


def test_restore_is_refused_while_another_program_has_the_file_open(db, data_dir, tmp_path):
    ctx = context(db, "beheerder", "admin0")
    saved = backup.backup(ctx, tmp_path / "saved.sqlite")
    db.close()
    live = data_dir / "loket.sqlite"
    other = _start(PLAIN_SQLITE, live)
    try:
        _wait_ready(other)
        with pytest.raises(DatabaseInUse):
            restore.restore(live, saved)
    finally:
        other.stdin.write("go\n")
        other.stdin.flush()
        other.communicate(timeout=60)
    restore.restore(live, saved)


def test_restore_is_refused_while_this_process_has_another_connection(db, data_dir, tmp_path):
    ctx = context(db, "beheerder", "admin0")
    saved = backup.backup(ctx, tmp_path / "saved.sqlite")
    live = data_dir / "loket.sqlite"
    with pytest.raises(DatabaseInUse):
        restore.restore(live, saved)
    db.close()
    restore.restore(live, saved)
    assert lock_path(live).exists()
    assert not lock_path(live.with_name("loket.sqlite.restore-x")).exists()
    assert not [p for p in data_dir.iterdir() if ".restore-" in p.name]


def test_cli_restore_refused_while_the_app_has_it_open(db, data_dir, tmp_path, monkeypatch, capsys):
    make_staff(db, "admin0", "beheerder")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    out = tmp_path / "b.sqlite"
    assert main(["backup", "--out", str(out), "--user", "admin0"]) == 0
    app = Database(data_dir / "loket.sqlite")  # the running app
    try:
        assert main(["restore", str(out), "--user", "admin0"]) == 2
        assert "Loket" in capsys.readouterr().err
    finally:
        app.close()
    db.close()
    assert main(["restore", str(out), "--user", "admin0"]) == 0
