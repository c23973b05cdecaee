"""A process killed with SIGKILL in the middle of writing leaves a sound database holding every
record whose transaction it had committed (WAL + synchronous=FULL)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loket.db.connection import Database
from loket.privacy import audit, backup

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

WRITER = r"""
import sys
from loket.privacy import audit
from loket.clock import new_id
from loket.context import system_context
from loket.db import visitors
from loket.db.connection import Database

db = Database(sys.argv[1])
ctx = system_context(db)
print("ready", flush=True)
n = 0
while True:
    vid = new_id()
    with db.transaction():
        visitors.insert(db, {"id": vid, "given_names": "Crash", "family_name": f"Test {n}",
                             "v_number": f"{n:010d}", "preferred_language": "nl"})
        audit.record(ctx, action="visitor.create", object_type="visitor", object_id=vid)
    print(vid, flush=True)  # only after COMMIT returned
    n += 1
"""


def test_sigkill_while_writing(data_dir):
    path = data_dir / "loket.sqlite"
    script = data_dir / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    committed: list[str] = []
    for _round in range(20):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.01, 0.25))
        proc.send_signal(signal.SIGKILL)
        out, _err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        ids = [line for line in out.splitlines() if line]
        committed.extend(ids[:-1] if out and not out.endswith("\n") else ids)
        db = Database(path)
        try:
            assert backup.check_database(db) == []
            present = {r[0] for r in db.all("SELECT id FROM visitor WHERE given_names = 'Crash'")}
            missing = [i for i in committed if i not in present]
            assert not missing, f"round {_round}: {len(missing)} committed records lost"
            assert audit.verify(db) is None
        finally:
            db.close()
    assert len(committed) > 20
