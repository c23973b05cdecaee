"""Setting up the hub (`loket hub init`), issuing a PC's enrolment (`loket hub enroll`) and
installing it on the PC (`loket sync enroll`).

Identity.  The hub gives each PC a national-unique workstation id, a PostgreSQL role of its
own (CN of its certificate, signed by the hub's authority) and nothing else: the role may
read what it pulls and call the hub's SECURITY DEFINER functions, which check that it
writes as itself.  The enrolment is a file (0600) the administrator carries to the PC.

Keys.  The hub holds ONE subject key for the whole deployment, so a V-nummer gives the same
subject reference on every PC; the enrolment hands it to the PC.  Replacing the PC's own
subject.key must not break the PC's audit chain, whose HMAC key was derived from it: the
chain key is pinned first (`chain.key`, 0600, beside subject.key, holding the current
derivation; `audit.chain_key()` reads it when it exists), the old key is kept as
`subject.key.previous`, and the chain key goes to the hub (at the first sync) so the hub
can verify this PC's chain.  See docs/sync.md.
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
from loket.privacy import audit

CHAIN_KEY_FILENAME = "chain.key"
PREVIOUS_SUFFIX = ".previous"
SYNC_FOLDER = "sync"


# -- the hub's side ------------------------------------------------------------------------
def init_hub(conn, authority: Path | None = None, host: str = "127.0.0.1") -> None:
    """The hub's schema, functions, grants and its deployment subject key (idempotent);
    with `authority`, the certificate authority and the server's certificate there."""
    hub_repo.init_schema(conn)
    with conn.transaction():
        hub_repo.put_meta(conn, "subject_key", secrets.token_bytes(32).hex())
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
    """Write chain.key from the current derivation, once: from then on the chain's key no
    longer depends on subject.key."""
    path = db.path.parent / CHAIN_KEY_FILENAME
    if not path.exists():
        key = audit.chain_key(db)
        _write_private(path, key.hex())
    audit._KEYS.pop(str(path), None)
    return audit.chain_key(db)


def take_subject_key(db: Database, key_hex: str) -> None:
    """Put the deployment's subject key in place, where this PC keeps its subject key (the
    OS key store, or subject.key where there is none); the PC's own is kept as
    subject.key.previous so that rows written before enrolment are still found."""
    from loket.privacy import keystore

    key = bytes.fromhex(key_hex)
    folder, installation = db.path.parent, db.workstation
    current = keystore.get(folder, installation, audit.KEY_NAME)
    if current == key:
        return
    if current is not None:
        previous = audit.key_path(db).with_name(audit.KEY_FILENAME + PREVIOUS_SUFFIX)
        if not previous.exists():
            _write_private(previous, current.hex())
    keystore.put(folder, installation, audit.KEY_NAME, key, replace=True)
    audit._KEYS.pop(f"{folder}|{installation}", None)  # the cache of audit._key


def install(db: Database, bundle: dict) -> str:
    """Install an enrolment on this PC; returns its workstation id."""
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
    return bundle["workstation"]


def enroll_pc(ctx, bundle_path: Path) -> str:
    """`loket sync enroll FILE`: administrators only; logged."""
    from loket.privacy.permissions import Permission

    ctx.require(Permission.SETTINGS_MANAGE, object_type="sync")
    bundle = read_bundle(bundle_path)
    ws = install(ctx.db, bundle)
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
