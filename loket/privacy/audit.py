"""The audit trail: who did what to which record, when, from where, with what result.

Each row carries the hash of the row before it, so that `verify()` finds the first row that
was edited, removed or put out of order.  The hash is an HMAC over every column (stamps
included) under a key derived from the subject key ("v2:..."); rows written before that keep
their plain SHA-256 and stay verifiable.  `loket.privacy.anchor` keeps the chain's head
outside the database, which finds a shortened or rewritten log.  A person is referred to
by a keyed hash of their V-nummer or BSN (HMAC-SHA256 with a key kept outside the
database), so the log never holds the number itself and a copy of the database alone cannot
reverse it.

Call `record(ctx, action=..., object_type=..., object_id=..., result=..., subject=...,
detail=...)` inside the same transaction as the change it describes.  `detail` is a small
JSON object: field names, codes, counts, a reason typed by staff -- never a password, a
name, a BSN/V-nummer or a health note.

Action names (result is 'ok' unless said otherwise; 'refused' = a rule said no,
'failed' = it was tried and did not work):

sessions (loket.privacy.auth)
  login                 signed in; 'failed' for a wrong password or an unknown name (then
                        no actor: the typed name may be a misplaced password; detail.name_ref
                        is its keyed hash), 'refused' while locked or deactivated;
                        detail.switched when someone signed in at a locked screen
  logout                signed out
  session.lock          screen locked (detail.reason 'manual' = Ctrl+L, or 'idle')
  session.unlock        the same user signed in again ('failed' / 'refused' as for login)
refusals (loket.context.Context.require)
  <permission value>    e.g. 'export.identifiable', 'accounts.manage': result 'refused'
visitors, visits, health (loket.counter.intake)
  visitor.view          a visitor record was opened by staff (every view)
  visitor.create / visitor.update / visit.create / visit.update / visit.status
  health.write / health.view (health details opened deliberately)
  visitor.anonymise     personal data removed: detail.reason 'retention' or 'request'
                        (erasure, with detail.category and detail.note = why, checked
                        not to name the visitor: loket.privacy.rights); deletion in
                        Loket is always this anonymisation plus the anonymised_at tombstone
  visitor.access_export right of access: everything about one visitor exported
drafts (loket.counter.drafts)       draft.create / draft.restore / draft.saved
referrals (loket.referrals.lifecycle) referral.create / referral.update / referral.status /
                            referral.consent / referral.handover_note
directory (loket.directory.browse, loket.directory.transfer)
  directory.service.* / directory.organisation.* / directory.location.* /
  directory.import / directory.export (import detail: changed, deleted, refused_records, and
                        report = its counts and the id and SHA-256 of the full report in
                        table import_report; 'failed' when nothing was written)
letters (loket.letters)     letter.produce (a letter given to the visitor) / letter.reprint
                            desk.update (its phone number, loket.letters.contact)
other desks' visitors (loket.sync.elsewhere)
  visitor.search_hub    a search at the hub (a number as a keyed subject reference)
  visitor.search_index  an offline search of the keyed index of other desks' visitors
  visitor.fetch_hub     another desk's file brought here on opening (the hub logs it too);
                        detail.by 'sync' when the sync fetched it (reason 'merge_task':
                        the other file of a task across desks, 'refresh': it changed)
exports (loket.reports.exports)     export.referrals (detail: format, rows, identifiable, reason)
referral log on screen      referral_log.open (detail: the filters; pseudonymised rows only)
accounts and settings (loket.privacy.accounts, loket.settings, loket.counter.preferences)
  staff.create / staff.role / staff.activate / staff.deactivate / staff.update
  staff.password_reset / staff.password_change ('failed' when the old password was wrong)
  setting.update (detail: old, new) / preferences.update
maintenance (loket.privacy.retention, loket.privacy.backup)
  retention.run         one run (detail: dry_run, counts per record type)
  backup.create         (detail.automatic) / backup.restore / database.check ('failed')
  audit.verify          the chain was checked ('failed' naming the first broken row)
  audit.anchor          the row a new line of the anchor file anchors (detail: line, kind),
                        so that the chain knows its anchor file (loket.privacy.anchor)

Functions for other modules: record() for any of the above; subject_ref() to look a
person up; entries() / count_entries() to browse (AUDIT_READ); verify().  The check that also
compares with the newest backup, to find rows cut off the end, is
`loket.privacy.chain_check.check_chain`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from loket.clock import new_id, now_iso
from loket.db import audit as repo
from loket.i18n import _
from loket.privacy import keystore
from loket.privacy.keystore import KeyProblem  # raised from here too

if TYPE_CHECKING:
    from loket.context import Context
    from loket.db.connection import Database

GENESIS = "0" * 64
KEY_NAME = "subject"
KEY_FILENAME = keystore.file_path(Path("."), KEY_NAME).name  # where there is no key store


_KEYS: dict[str, bytes] = {}


def key_path(db: Database) -> Path:
    """The key file beside the database: where the key is kept on a PC without a key store,
    and where earlier versions kept it (moved into the key store at first use)."""
    return keystore.file_path(db.path.parent, KEY_NAME)


def key_location(db: Database) -> str:
    """Where the subject key is kept, in words (`loket check`, the settings screen)."""
    return keystore.location(db.path.parent, db.workstation, KEY_NAME)


def _key(db: Database) -> bytes:
    installation = db.workstation
    cache = f"{db.path.parent}|{installation}"
    cached = _KEYS.get(cache)
    if cached is not None:
        return cached
    key = keystore.get(db.path.parent, installation, KEY_NAME)
    if key is None:
        if repo.uses_key(db):
            # A new key would silently break every lookup and fail the whole chain.
            raise KeyProblem(
                _(
                    "The subject key of this installation is missing ({where}), and the "
                    "audit trail was written with it. Put it back from the backup (the file "
                    "BACKUP.key beside it); Loket does not make a new one."
                ).format(where=keystore.location(db.path.parent, installation, KEY_NAME))
            )
        key = keystore.put(
            db.path.parent, installation, KEY_NAME, secrets.token_bytes(32), replace=False
        )
    _KEYS[cache] = key
    return key


def subject_key(db: Database) -> bytes:
    """The subject key (the deployment's, on a PC enrolled at a hub): what keyed references
    to visitors are made with, here and in the hub's keyed index (loket.sync.holdings)."""
    return _key(db)


def use_key(db: Database, key: bytes) -> None:
    """Use `key` for `db` without keeping it anywhere: for a private probe copy of a backup
    whose key is only in its sealed key copy (signing in before a restore)."""
    _KEYS[f"{db.path.parent}|{db.workstation}"] = key


def key_of_file(path: Path) -> bytes | None:
    """The subject key of the database file at `path` (found by its installation id), or
    None when it has none; never makes one."""
    from loket.db import integrity

    installation = integrity.setting_in_file(path, "workstation")
    if not installation:
        return None
    return keystore.get(Path(path).parent, installation, KEY_NAME)


def fingerprint(key: bytes) -> str:
    """A short public fingerprint of a subject key (kept in backups to recognise it)."""
    return hashlib.sha256(b"loket key fingerprint " + key.hex().encode()).hexdigest()[:16]


def subject_ref(db: Database, number: str | None) -> str | None:
    """Keyed hash of a V-nummer or BSN; None when there is no number."""
    if not number:
        return None
    digest = hmac.new(_key(db), number.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


# The other keys of an installation, in the key store beside the subject key (see
# docs/sync.md): the chain key pinned at enrolment at a hub, and the PC's own subject key
# from before it (kept for the audit rows written then).
CHAIN_KEY_NAME = "chain"
PREVIOUS_KEY_NAME = "subject.previous"
KEY_NAMES = (KEY_NAME, CHAIN_KEY_NAME, PREVIOUS_KEY_NAME)
_LEGACY_PREVIOUS = KEY_FILENAME + ".previous"  # the file an earlier version wrote


def stored_key(folder: Path, installation: str, name: str) -> bytes | None:
    """The key `name` of an installation as kept (never derived nor made); the previous
    subject key's file of an earlier version is moved into the key store on the way."""
    folder = Path(folder)
    if name == PREVIOUS_KEY_NAME:
        legacy = folder / _LEGACY_PREVIOUS
        if legacy.exists():
            try:
                old = bytes.fromhex(legacy.read_text(encoding="ascii").strip())
            except (OSError, UnicodeDecodeError, ValueError):
                old = b""
            if len(old) != keystore.KEY_BYTES:
                raise KeyProblem(
                    _("The key file {path} is damaged. Put it back from the backup.").format(
                        path=legacy
                    )
                )
            keystore.put(folder, installation, name, old, replace=False)
            legacy.unlink()
    return keystore.get(folder, installation, name)


def stored_keys(db: Database) -> dict[str, bytes]:
    """Every key this installation keeps (the subject key made if there is none yet):
    what the sealed copy beside a backup carries."""
    keys = {KEY_NAME: _key(db)}
    for name in (CHAIN_KEY_NAME, PREVIOUS_KEY_NAME):
        key = stored_key(db.path.parent, db.workstation, name)
        if key is not None:
            keys[name] = key
    return keys


def forget_keys() -> None:
    """Drop the keys read so far (after a key was put in place)."""
    _KEYS.clear()


def subject_refs(db: Database, number: str | None) -> list[str]:
    """The references a number may have in this trail: under the subject key, and under
    the PC's own key from before it was enrolled at a hub ("subject.previous", kept for
    the rows written then; see docs/sync.md)."""
    refs = [r for r in (subject_ref(db, number),) if r]
    if refs:
        old = stored_key(db.path.parent, db.workstation, PREVIOUS_KEY_NAME)
        if old is not None:
            refs.append(hmac.new(old, number.encode(), hashlib.sha256).hexdigest()[:32])
    return refs


# Rows written before every column was hashed keep their plain SHA-256 over the first 11
# columns (version 1) and stay verifiable; rows written since carry "v2:" + an HMAC-SHA256,
# keyed (chain_key) over every column, stamps included.  Once a version-2 row exists, a later
# version-1 row is a forgery (it would let anyone without the key append one).
HASH_V2 = "v2:"
_V1_COLUMNS = repo.COLUMNS[:11]
_V2_COLUMNS = tuple(c for c in repo.COLUMNS if c not in ("prev_hash", "hash"))


def _field(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value)


def chain_key(db: Database) -> bytes:
    """The key of the chain's HMACs, derived from the subject key (kept outside the
    database): a copy of the database alone cannot forge a row or rewrite the chain.
    Once the PC is enrolled at a hub the key is pinned as "chain" in the key store (the
    deployment's subject key replaced this PC's own, the chain goes on with its key)."""
    cache = f"{db.path.parent}|{db.workstation}|{CHAIN_KEY_NAME}"
    cached = _KEYS.get(cache)
    if cached is not None:
        return cached
    key = stored_key(db.path.parent, db.workstation, CHAIN_KEY_NAME)
    if key is None:
        return derived_chain_key(db)
    _KEYS[cache] = key
    return key


def derived_chain_key(db: Database) -> bytes:
    """The chain key as derived from the current subject key (before any pin)."""
    return hmac.new(_key(db), b"loket audit chain v2", hashlib.sha256).digest()


def row_hash(prev_hash: str, row: dict) -> str:
    """Version 1, for rows written before every column was hashed."""
    fields = [_field(row, c) for c in _V1_COLUMNS]
    payload = "\x1f".join([prev_hash, *fields])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def row_hash_v2(key: bytes, prev_hash: str, row: dict) -> str:
    fields = [f"{c}={_field(row, c)}" for c in _V2_COLUMNS]
    payload = "\x1f".join([prev_hash, *fields]).encode("utf-8")
    return HASH_V2 + hmac.new(key, payload, hashlib.sha256).hexdigest()


def record(
    ctx: Context,
    *,
    action: str,
    object_type: str | None = None,
    object_id: str | None = None,
    result: str = "ok",
    subject: str | None = None,
    detail: dict | None = None,
    actor: str | None = None,
) -> None:
    """Append one row.  `subject` is a V-nummer or BSN; only its keyed hash is stored."""
    db = ctx.db
    if db.damaged:
        # A damaged database: the row is written if SQLite still can, else only logged,
        # so signing in and reading go on (see Database.mark_damaged).
        import logging
        import sqlite3

        try:
            _append(ctx, db, action, object_type, object_id, result, subject, detail, actor)
        except sqlite3.DatabaseError as err:
            logging.getLogger(__name__).error("audit row %s not written: %s", action, err)
        return
    _append(ctx, db, action, object_type, object_id, result, subject, detail, actor)


def _append(ctx, db, action, object_type, object_id, result, subject, detail, actor) -> None:
    with db.transaction(essential=True):
        prev = repo.last(db)
        row = {
            "seq": (prev["seq"] + 1) if prev else 1,
            "id": new_id(),
            "at": now_iso(),
            "actor": actor if actor is not None else ctx.actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "result": result,
            "origin": f"{db.workstation}/{ctx.origin}",
            "subject_ref": subject_ref(db, subject),
            "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
            **db.stamp(),
        }
        row["prev_hash"] = prev["hash"] if prev else GENESIS
        row["hash"] = row_hash_v2(chain_key(db), row["prev_hash"], row)
        repo.insert(db, row)


@dataclass
class ChainProblem:
    seq: int
    reason: str  # 'edited', 'missing' (removed), 'out of order', 'anchor' or 'key'

    def describe(self) -> str:
        from loket.i18n import _

        if self.reason == "anchor":
            return _(
                "The audit trail's anchor file beside the database was changed; the trail "
                "cannot be trusted."
            )
        if self.reason == "key":
            return _(
                "The audit trail was written with another key than this PC holds (a backup of "
                "another installation was put back without its key copy), so it cannot be "
                "checked here. Restore that backup with its key copy (the file BACKUP.key)."
            )
        if self.reason == "missing":
            return _("Row {seq} of the audit trail was removed.").format(seq=self.seq)
        if self.reason == "out of order":
            return _(
                "Row {seq} of the audit trail is out of order (rows were moved or swapped)."
            ).format(seq=self.seq)
        return _("Row {seq} of the audit trail was edited.").format(seq=self.seq)


def verify(db: Database) -> ChainProblem | None:
    """Walk the chain; return the first broken row, or None when the log is intact."""
    expected_prev = GENESIS
    expected_seq = 1
    key = None
    keyed = False
    for row in repo.iterate(db):
        data = dict(row)
        if data["seq"] != expected_seq:
            return ChainProblem(expected_seq, "missing")
        if data["prev_hash"] != expected_prev:
            return ChainProblem(data["seq"], "out of order")
        if str(data["hash"]).startswith(HASH_V2):
            key = key or chain_key(db)
            keyed = True
            expected = row_hash_v2(key, data["prev_hash"], data)
        elif keyed:
            return ChainProblem(data["seq"], "edited")  # an unkeyed row after keyed ones
        else:
            expected = row_hash(data["prev_hash"], data)
        if not hmac.compare_digest(expected, str(data["hash"])):
            return ChainProblem(data["seq"], "edited")
        expected_prev = data["hash"]
        expected_seq += 1
    return None


def _filters(ctx: Context, filters: dict) -> dict:
    from loket.privacy.permissions import Permission

    ctx.require(Permission.AUDIT_READ, object_type="audit_log")
    known = ("actor", "action", "result", "since", "until", "object_type", "object_id")
    clean = {k: (filters.get(k) or None) for k in known}
    subject = filters.get("subject")
    clean["subject_ref"] = subject_refs(ctx.db, subject) if subject else None
    return clean


def entries(
    ctx: Context, *, before_seq: int | None = None, limit: int = 200, **filters
) -> list[dict]:
    """Browse the trail, newest first (supervisors).  Filters: actor, action (a prefix),
    result, since, until (ISO dates or timestamps), object_type, object_id, subject (a
    V-nummer or BSN, looked up by its keyed hash).  Page on with `before_seq` = the smallest
    seq already shown."""
    clean = _filters(ctx, filters)
    rows = repo.search(ctx.db, before_seq=before_seq, limit=limit, **clean)
    return [dict(row) for row in rows]


def count_entries(ctx: Context, **filters) -> int:
    return repo.count_matching(ctx.db, **_filters(ctx, filters))
