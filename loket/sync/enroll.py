"""Setting up the hub (`loket hub init`) and enrolling a PC at it (`loket sync enroll`).

Keys.  The hub holds ONE subject key for the whole deployment, so a V-nummer gives the same
subject reference on every PC; enrolment hands it to the PC.  Replacing the PC's own
subject.key must not break the PC's audit chain, whose HMAC key was derived from it: the
chain key is pinned first (`chain.key`, 0600, beside subject.key, holding the current
derivation; `audit.chain_key()` reads it when it exists), the old key is kept as
`subject.key.previous`, and the chain key goes to the hub so the hub can verify this PC's
chain on arrival.  See docs/sync.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from loket.db import hub as hub_repo
from loket.db import outbox
from loket.db.connection import Database
from loket.privacy import audit

CHAIN_KEY_FILENAME = "chain.key"
PREVIOUS_SUFFIX = ".previous"


def init_hub(conn) -> None:
    """The hub's schema and its deployment subject key (made once; idempotent)."""
    hub_repo.init_schema(conn)
    with conn.transaction():
        hub_repo.put_meta(conn, "subject_key", secrets.token_bytes(32).hex())


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def pin_chain_key(db: Database) -> bytes:
    """Write chain.key from the current derivation, once: from then on the chain's key no
    longer depends on subject.key."""
    path = db.path.parent / CHAIN_KEY_FILENAME
    if not path.exists():
        key = audit.chain_key(db)
        _write_private(path, key.hex())
    audit._KEYS.pop(str(path), None)
    return audit.chain_key(db)


def take_subject_key(db: Database, key_hex: str) -> None:
    """Put the deployment's subject key in place; the PC's own is kept as .previous."""
    path = audit.key_path(db)
    if path.exists():
        current = path.read_text(encoding="ascii").strip()
        if current == key_hex:
            return
        previous = path.with_name(path.name + PREVIOUS_SUFFIX)
        if not previous.exists():
            _write_private(previous, current)
    _write_private(path, key_hex)
    audit._KEYS.pop(str(path), None)


def enroll(
    db: Database, admin_conn, *, name: str, desk_code: str | None, dsn: str, role: str | None = None
) -> str:
    """Register this PC at the hub (its workstation id, name, desk and chain key), take the
    deployment subject key and remember how to reach the hub.  Returns the workstation id."""
    ws = db.workstation
    chain = pin_chain_key(db)
    with admin_conn.transaction():
        hub_repo.add_workstation(admin_conn, ws, name, desk_code, chain, role)
        key_hex = hub_repo.get_meta(admin_conn, "subject_key")
    if key_hex:
        take_subject_key(db, key_hex)
    with db.transaction():
        outbox.put_setting(db, "sync_dsn", dsn)
        outbox.put_setting(db, "sync_enrolled", "1")
    return ws


def enroll_pc(ctx, *, dsn: str, name: str, desk_code: str) -> str:
    """`loket sync enroll`: administrators only; logged."""
    import psycopg

    from loket.privacy.permissions import Permission

    ctx.require(Permission.SETTINGS_MANAGE, object_type="sync")
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        ws = enroll(ctx.db, conn, name=name, desk_code=desk_code, dsn=dsn)
    audit.record(ctx, action="sync.enroll", object_type="workstation", object_id=ws,
                 detail={"name": name, "desk": desk_code})  # fmt: skip
    return ws
