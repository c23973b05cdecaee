"""Checking the audit chain against an earlier copy of the database (a backup).

The chain alone cannot show rows cut off its end; the newest row of a backup must still be in
the live chain, unchanged.  Kept beside `audit` and `backup` (it needs both) so that writing
an audit row never imports the backup code.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from loket import settings
from loket.db import audit as audit_repo
from loket.privacy import anchor, audit
from loket.privacy.audit import ChainProblem
from loket.privacy.backup import comparable_backups, key_fingerprint
from loket.privacy.permissions import Permission

if TYPE_CHECKING:
    from loket.context import Context
    from loket.db.connection import Database


def verify_against(db: Database, earlier: Path) -> ChainProblem | None:
    """Compare with an earlier copy of the database (a backup): its newest row must still be
    in the live chain, unchanged.  This finds rows removed from the end of the chain, which
    the chain alone cannot show."""
    try:
        head = audit_repo.head_in_file(earlier)
    except sqlite3.DatabaseError:
        return None  # an unreadable backup proves nothing either way
    if head is None:
        return None
    live = audit_repo.hash_at(db, head[0])
    if live is None:
        return ChainProblem(head[0], "missing")
    if live != head[1]:
        return ChainProblem(head[0], "edited")
    return None


def _other_key(db: Database) -> ChainProblem | None:
    """A restored file names the key its chain was written with (backup.key_fingerprint):
    when this PC uses another one (another installation's backup put back without its key
    copy, on a PC whose key is a file), every row would look edited; say so instead."""
    recorded = settings.value(db, "backup.key_fingerprint")
    if recorded and audit_repo.uses_key(db) and key_fingerprint(db.path) != recorded:
        return ChainProblem(0, "key")
    return None


def check_chain(ctx: Context, *, earlier: Path | None = None) -> ChainProblem | None:
    """verify() for a person or the CLI: needs AUDIT_READ, and the check itself is logged.
    `earlier` is a backup to compare with (default: the newest automatic backup)."""
    ctx.require(Permission.AUDIT_READ, object_type="audit_log")
    problem = _other_key(ctx.db) or audit.verify(ctx.db)
    if problem is None:
        problem = anchor.verify(ctx.db)
    if problem is None:
        if earlier is None:
            found = comparable_backups(ctx.db)
            earlier = found[0] if found else None
        if earlier is not None:
            problem = verify_against(ctx.db, earlier)
    audit.record(
        ctx,
        action="audit.verify",
        object_type="audit_log",
        result="ok" if problem is None else "failed",
        detail={} if problem is None else {"seq": problem.seq, "reason": problem.reason},
    )
    if problem is None:
        anchor.write(ctx.db)
    return problem
