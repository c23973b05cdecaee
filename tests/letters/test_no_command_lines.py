"""A clerk never reads a command line: what the core tells the app about a letter that cannot
be given or a damaged database says who can fix it (administrators find the commands in the
README and `loket --help`; the command line itself still prints them)."""

from __future__ import annotations

import re

from loket import letters
from loket.privacy import backup
from tests.letters_support import letter_visit

COMMAND = re.compile(r"--[a-z]|\bloket (letters|restore|account|setting|check|backup)\b")


def test_what_the_core_tells_the_app_names_no_command(db, tmp_path):
    ctx, visit_id = letter_visit(db, desk_phone=None)
    with db.transaction():
        db.execute("UPDATE staff SET phone = NULL")
    problems = letters.compose(ctx, visit_id, "plan", "nl").problems
    damaged = backup.damaged_message(tmp_path / "loket.sqlite")
    assert problems and not any(COMMAND.search(p) for p in problems)
    assert not COMMAND.search(damaged)
    assert COMMAND.search(backup.damaged_message(tmp_path / "loket.sqlite", command=True))
