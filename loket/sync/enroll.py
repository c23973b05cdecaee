"""Setting up the hub (`loket hub init`), issuing a PC's enrolment (`loket hub enroll`) and
installing it on the PC (`loket sync enroll`).

Identity.  The hub gives each PC a national-unique workstation id, a PostgreSQL role of its
own (CN of its certificate, signed by the hub's authority) and nothing else: the role may
read what it pulls and call the hub's SECURITY DEFINER functions, which check that it
writes as itself.  The enrolment is a file (0600) the administrator carries to the PC.

Keys.  The hub holds ONE subject key for the whole deployment, so a V-nummer gives the same
subject reference on every PC; the enrolment hands it to the PC.  Replacing the PC's own
subject key must not break the PC's audit chain, whose HMAC key was derived from it: the
chain key is pinned first (key "chain" in the key store, loket.privacy.keystore, holding
the current derivation; `audit.chain_key()` reads it when it exists), the old key is kept
as "subject.previous", and the chain key goes to the hub (at the first sync) so the hub
can verify this PC's chain.  The sealed key copy beside backups is made again with all
three (the backup passphrase is asked for when one is set).  See docs/sync.md.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from loket.clock import new_id
from loket.db import hub as hub_repo
from loket.db import outbox
from loket.db.connection import Database
from loket.privacy import audit, keystore

SYNC_FOLDER = "sync"


# -- the hub's side ------------------------------------------------------------------------
def init_hub(conn, authority: Path | None = None, host: str = "127.0.0.1") -> None:
    """The hub's schema, functions, grants and its deployment subject key (idempotent);
    with `authority`, the certificate authority and the server's certificate there."""
    hub_repo.init_schema(conn)
    with conn.transaction():
        hub_repo.put_meta(conn, "subject_key", secrets.token_bytes(32).hex())
    from loket.sync import holdings

    holdings.key_hub_visitors(conn)
    if authority is not None:
        from loket.sync.authority import make_authority

        make_authority(authority, host)


def issue_pc(conn, *, name: str, desk_code: str, dsn: str, authority: Path | None = None) -> dict:
    """Register a new PC at the hub: its workstation id, role and (with `authority`) key and
    certificate.  `dsn` says how PCs reach the hub (host, port, dbname)."""
    from psycopg.conninfo import make_conninfo

    ws = new_id()
    role = "pc_" + ws.replace("-", "")
    tls = None
    if authority is not None:
        from loket.sync.authority import issue

        tls = issue(authority, role)
    with conn.transaction():
        hub_repo.add_workstation(conn, ws, name, desk_code, role, tls and tls["serial"])
        subject_key = hub_repo.get_meta(conn, "subject_key")
    return {
        "workstation": ws,
        "name": name,
        "desk": desk_code,
        "dsn": make_conninfo(dsn, user=role),
        "subject_key": subject_key,
        "tls": tls,
    }


def write_bundle(bundle: dict, path: Path) -> None:
    _write_private(path, json.dumps(bundle, indent=1))


# -- the PC's side -------------------------------------------------------------------------
def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def pin_chain_key(db: Database) -> bytes:
    """Keep the chain key of the current derivation as "chain", once: from then on the
    chain's key no longer depends on the subject key."""
    folder, installation = db.path.parent, db.workstation
    if audit.stored_key(folder, installation, audit.CHAIN_KEY_NAME) is None:
        keystore.put(
            folder, installation, audit.CHAIN_KEY_NAME, audit.derived_chain_key(db), replace=False
        )
    audit.forget_keys()
    return audit.chain_key(db)


def take_subject_key(db: Database, key_hex: str) -> None:
    """Put the deployment's subject key in place; the PC's own is kept as
    "subject.previous" (the first one only: the key of the rows written before any hub)."""
    key = bytes.fromhex(key_hex)
    folder, installation = db.path.parent, db.workstation
    current = keystore.get(folder, installation, audit.KEY_NAME)
    if current == key:
        return
    if current is not None:
        audit.stored_key(folder, installation, audit.PREVIOUS_KEY_NAME)  # an old file moved in
        keystore.put(folder, installation, audit.PREVIOUS_KEY_NAME, current, replace=False)
    keystore.put(folder, installation, audit.KEY_NAME, key)
    audit.forget_keys()


def install(db: Database, bundle: dict, *, passphrase: str | None = None) -> str:
    """Install an enrolment on this PC; returns its workstation id.  When backups carry a
    sealed key copy, `passphrase` (the backup passphrase) seals it again with the new keys;
    without it backups carry no key copy until `loket backup-passphrase` is run again."""
    from loket.privacy import backup

    if passphrase is not None:
        backup.check_passphrase(db, passphrase)  # a wrong one changes nothing
    pin_chain_key(db)  # before anything else: the chain goes on with its own key
    if bundle.get("subject_key"):
        take_subject_key(db, bundle["subject_key"])
    tls = bundle.get("tls")
    if tls:
        folder = db.path.parent / SYNC_FOLDER
        folder.mkdir(mode=0o700, exist_ok=True)
        _write_private(folder / "pc.key", tls["key"])
        _write_private(folder / "pc.crt", tls["cert"])
        _write_private(folder / "hub-ca.crt", tls["ca_cert"])
    with db.transaction():  # from now on every change is captured, and what it holds queued
        if outbox.setting(db, "sync_enrolled") != "1":
            outbox.capture_existing(db)
        outbox.put_setting(db, "sync_workstation", bundle["workstation"])
        outbox.put_setting(db, "sync_dsn", bundle["dsn"])
        outbox.put_setting(db, "sync_enrolled", "1")
    outbox.set_state(db, {"chain_key_registered": None})
    if passphrase is not None:
        backup.seal_key_copy(db, passphrase)
    return bundle["workstation"]


def enroll_pc(ctx, bundle_path: Path, *, passphrase=None) -> str:
    """`loket sync enroll FILE`: administrators only; logged.  `passphrase()` gives the
    backup passphrase, asked for only when backups carry a sealed key copy."""
    from loket.privacy import backup
    from loket.privacy.permissions import Permission

    ctx.require(Permission.SETTINGS_MANAGE, object_type="sync")
    bundle = read_bundle(bundle_path)
    given = passphrase() if passphrase is not None and backup.has_key_copy(ctx.db) else None
    ws = install(ctx.db, bundle, passphrase=given)
    audit.record(ctx, action="sync.enroll", object_type="workstation", object_id=ws,
                 detail={"name": bundle.get("name"), "desk": bundle.get("desk")})  # fmt: skip
    return ws


def read_bundle(bundle_path: Path) -> dict:
    """The enrolment file made by `loket hub enroll`; ValidationError (field `file`) when it
    is not one.  Changes nothing, so a first run can check it before making accounts."""
    from loket.errors import ValidationError
    from loket.i18n import _

    try:
        bundle = json.loads(Path(bundle_path).read_text(encoding="utf-8"))
        if not isinstance(bundle, dict) or not bundle.get("workstation") or not bundle.get("dsn"):
            raise ValueError
    except (OSError, ValueError):
        raise ValidationError.single(
            "file", _("This is not an enrolment file made by `loket hub enroll`.")
        ) from None
    return bundle
