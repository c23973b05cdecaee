"""Restore: put a checked backup in place of the live database.

The candidate is checked completely -- checksum, `PRAGMA integrity_check`, that it is a
Loket database with Loket's columns, its schema version, that it comes from this
installation -- on a private copy, before anything of the live database is touched; the
live file is then kept as `loket.sqlite.before-restore-...`.  The replace needs the
database for itself (loket.db.lock): while the app, a `loket` command or another program
has it open, the restore is refused and nothing changes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from loket import settings
from loket.context import Context
from loket.db import integrity, lock
from loket.db.connection import Database
from loket.db.migrate import latest_version, schema_differences
from loket.errors import DatabaseDamaged, LoketError
from loket.i18n import _
from loket.privacy import anchor, audit, keystore
from loket.privacy.backup import (
    KEY_COPY_SETTING,
    _fsync,
    check_connection,
    check_mark_path,
    key_fingerprint,
    make_backup,
    sha256_file,
)
from loket.privacy.copies import (
    STAGING_MARK,
    KeyCopy,
    WrongPassphrase,
    checksum_path,
    key_copy_path,
    open_keys,
    parse_key_copy,
    prune_copies,
    read_key_copy,
    remove_staging,
    remove_stale_staging,
)
from loket.privacy.permissions import Permission
from loket.startup_check import REQUIRED_TABLES as _REQUIRED_TABLES


class OtherInstallation(LoketError):
    """The backup was made by another Loket installation (other accounts, another key)."""


def _key_copy(backup_file: Path, staging: Path) -> KeyCopy | None:
    """The backup's key copy: the file beside it, else the sealed copy in its settings."""
    copy = read_key_copy(key_copy_path(backup_file), audit.fingerprint)
    if copy is None:
        text = integrity.setting_in_file(staging, KEY_COPY_SETTING)
        copy = parse_key_copy(text, audit.fingerprint) if text else None
    return copy


def _check_installation(live: Path, staging: Path, backup_file: Path) -> None:
    """Refuse a backup of another installation: its accounts and key are not this one's."""
    mine = integrity.setting_in_file(live, "workstation") if live.exists() else None
    theirs = integrity.setting_in_file(staging, "workstation")
    my_key = key_fingerprint(live) if live.exists() else ""
    their_key = integrity.setting_in_file(staging, "backup.key_fingerprint") or ""
    copy = _key_copy(backup_file, staging)
    if copy is not None:
        their_key = copy.fingerprint
    if my_key and their_key and my_key != their_key and mine and mine == theirs:
        # This installation's own backup from before it was enrolled at a hub: made with
        # the subject key the enrolment kept as "subject.previous" (only an enrolment of
        # this installation puts a key there).  Same accounts, same chain (its key was
        # pinned from that very key); the keys here stay as they are.
        previous = audit.stored_key(live.parent, mine, audit.PREVIOUS_KEY_NAME)
        if previous is not None and audit.fingerprint(previous) == their_key:
            their_key = my_key
    if (mine and theirs and mine != theirs) or (my_key and their_key and my_key != their_key):
        raise OtherInstallation(
            _(
                "The backup {path} was made by another Loket installation (other accounts, "
                "another key). Nothing was changed. To put it in place anyway, an "
                "administrator of this installation runs: loket restore {path} "
                "--other-installation --user NAME"
            ).format(path=backup_file)
        )


def _keys_to_restore(
    live: Path,
    staging: Path,
    backup_file: Path,
    *,
    replace: bool,
    passphrase: Callable[[], str] | None,
) -> dict[str, bytes]:
    """The backup's keys this PC does not hold yet (a new PC, a lost key store: the subject
    key, and an enrolled PC's chain key and previous subject key) or, forced, another
    installation's keys; empty when nothing needs to change.  A sealed copy is opened with
    the backup passphrase: a wrong one raises WrongPassphrase before anything is touched."""
    theirs = integrity.setting_in_file(staging, "workstation")
    copy = _key_copy(backup_file, staging)
    if copy is None or not theirs:
        return {}
    held = {n: audit.stored_key(live.parent, theirs, n) for n in copy.names}
    current = held[audit.KEY_NAME]
    subject_held = current is not None and (
        audit.fingerprint(current) == copy.fingerprint or not replace
    )
    missing = [n for n in copy.names if n != audit.KEY_NAME and held[n] is None]
    if subject_held and not missing and not (replace and len(copy.names) > 1):
        return {}
    if copy.sealed is not None and passphrase is None:
        raise WrongPassphrase(
            _(
                "The key copy {path} is sealed with the backup passphrase; restoring needs "
                "it. Nothing was changed."
            ).format(path=key_copy_path(backup_file))
        )
    keys = backup_keys(backup_file, staging, passphrase=passphrase or str)
    return {
        n: k
        for n, k in keys.items()
        if held.get(n) != k
        and (replace or held.get(n) is None or (n == audit.KEY_NAME and not subject_held))
    }


def backup_key(backup_file: Path, copy_of_backup: Path, *, passphrase: Callable[[], str]) -> bytes:
    """The subject key in a backup's key copy (opened with `passphrase()`); KeyProblem when
    the backup has no key copy."""
    return backup_keys(backup_file, copy_of_backup, passphrase=passphrase)[audit.KEY_NAME]


def backup_keys(
    backup_file: Path, copy_of_backup: Path, *, passphrase: Callable[[], str]
) -> dict[str, bytes]:
    """Every key in a backup's key copy by name (opened with `passphrase()`); KeyProblem
    when the backup has no key copy."""
    copy = _key_copy(Path(backup_file), Path(copy_of_backup))
    shown = str(key_copy_path(Path(backup_file)))
    if copy is None:
        raise audit.KeyProblem(
            _("The backup has no key copy ({path}), and this PC does not hold its key.").format(
                path=shown
            )
        )
    keys = open_keys(copy, passphrase() if copy.sealed is not None else "", shown=shown)
    if audit.fingerprint(keys[audit.KEY_NAME]) != copy.fingerprint:
        raise WrongPassphrase(
            _("The key copy {path} does not belong to this backup. Nothing was changed.").format(
                path=shown
            )
        )
    return keys


def _put_keys(live: Path, staging_installation: str, keys: dict[str, bytes], stamp: str) -> None:
    """Keep the restored keys; a different key this folder held is kept aside."""
    for name, key in keys.items():
        current = audit.stored_key(live.parent, staging_installation, name)
        if current is not None and current != key:
            keystore.put(
                live.parent, staging_installation, f"{name}.before-restore-{stamp}", current
            )
        keystore.put(live.parent, staging_installation, name, key)
    audit.forget_keys()


def verify_backup(path: Path, *, require_checksum: bool = True, name: str | None = None) -> int:
    """Check a backup file without changing it; returns its schema version or raises
    DatabaseDamaged with a message saying what is wrong (naming the file as `name`)."""
    path = Path(path)
    shown = name or str(path)
    if not path.is_file():
        raise DatabaseDamaged(_("The file {path} does not exist.").format(path=shown))
    checksum = checksum_path(path)
    if checksum.exists():
        words = checksum.read_text(encoding="utf-8").split()
        expected = words[0].lower() if words else ""
        if expected != sha256_file(path):
            raise DatabaseDamaged(
                _(
                    "The backup {path} does not match its checksum file: it was "
                    "changed or damaged after it was made."
                ).format(path=shown)
            )
    elif require_checksum:
        raise DatabaseDamaged(
            _("The checksum file {checksum} is missing, so the backup cannot be checked.").format(
                checksum=checksum_path(Path(shown))
            )
        )
    foreign = _("The file {path} is not a Loket database.").format(path=shown)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError as err:
        raise DatabaseDamaged(foreign) from err
    try:
        try:
            tables, version = integrity.tables_and_version(conn)
        except sqlite3.DatabaseError as err:
            if "not a database" in str(err):
                raise DatabaseDamaged(foreign) from err
            raise DatabaseDamaged(
                _("The backup {path} is damaged: {problem}").format(path=shown, problem=err)
            ) from err
        if not _REQUIRED_TABLES <= tables or version < 1:
            raise DatabaseDamaged(foreign)
        if version > latest_version():
            raise DatabaseDamaged(
                _(
                    "The backup {path} was made by a newer version of Loket (schema {version})."
                ).format(path=shown, version=version)
            )
        problems = check_connection(conn)
        if problems:
            raise DatabaseDamaged(
                _("The backup {path} is damaged: {problem}").format(path=shown, problem=problems[0])
            )
        wrong = schema_differences(conn, version)
        if wrong:
            raise DatabaseDamaged(
                _(
                    "The file {path} is not a Loket database of schema {version}: the table "
                    "{table} does not have Loket's columns."
                ).format(path=shown, version=version, table=wrong[0])
            )
    finally:
        conn.close()
    return version


def _mark_restored(path: Path) -> None:
    """Note the moment of the restore inside the restored file: automatic backups made
    before it hold audit rows the restored chain never had (see comparable_backups)."""
    from loket.clock import now_iso
    from loket.db import reference

    db = Database(path)
    try:
        with db.transaction():
            reference.set_setting(db, "backup.restored_at", now_iso())
    finally:
        db.close()
        lock.lock_path(path).unlink(missing_ok=True)


def restore(
    live: Path,
    backup_file: Path,
    *,
    require_checksum: bool = True,
    other_installation: bool = False,
    passphrase: Callable[[], str] | None = None,
) -> Path:
    """Replace the live database with a checked backup; returns where the old file was kept.
    `passphrase()` is asked for only when the backup's sealed key copy must be opened.

    Nothing of the live database is touched until the candidate has passed every check.
    """
    live, backup_file = Path(live), Path(backup_file)
    remove_stale_staging(live)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    staging = live.with_name(f"{live.name}{STAGING_MARK}{stamp}")
    kept = live.with_name(f"{live.name}.before-restore-{stamp}")
    try:
        shutil.copyfile(backup_file, staging)
        if checksum_path(backup_file).exists():
            shutil.copyfile(checksum_path(backup_file), checksum_path(staging))
        verify_backup(staging, require_checksum=require_checksum, name=str(backup_file))
        if not other_installation:
            _check_installation(live, staging, backup_file)
        keys = _keys_to_restore(
            live, staging, backup_file, replace=other_installation, passphrase=passphrase
        )
        installation = integrity.setting_in_file(staging, "workstation")
        checksum_path(staging).unlink(missing_ok=True)
        _mark_restored(staging)
        _fsync(staging)
        with lock.exclusive(live):
            _replace_live(live, staging, kept)
            if keys and installation:
                _put_keys(live, installation, keys, stamp)
    except BaseException:
        remove_staging(staging)
        raise
    check_mark_path(live).unlink(missing_ok=True)  # the restored file is checked afresh
    restored = Database(live)
    try:
        # Anchors of the replaced file's later rows are no longer expected.
        anchor.write(restored, kind="restore")
    finally:
        restored.close()
    return kept


def _replace_live(live: Path, staging: Path, kept: Path) -> None:
    """Keep the live file as `kept` and put `staging` in its place; the caller holds the
    database for itself (lock.exclusive), so no connection goes on writing to the old file."""
    if live.exists():
        try:
            make_backup(live, kept)
            checksum_path(kept).unlink(missing_ok=True)
        except sqlite3.DatabaseError:
            # Too damaged to read: keep the raw files as they are.
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(live) + suffix)
                if src.exists():
                    shutil.copyfile(src, Path(str(kept) + suffix))
    try:
        os.replace(staging, live)
    except PermissionError as err:  # Windows: the file is open in another process
        raise lock.DatabaseInUse(lock.in_use_message(live)) from err
    for suffix in ("-wal", "-shm"):
        Path(str(live) + suffix).unlink(missing_ok=True)


def restore_database(
    ctx: Context,
    backup_file: Path,
    *,
    require_checksum: bool = True,
    other_installation: bool = False,
    passphrase: Callable[[], str] | None = None,
) -> Path:
    """The restore use case (administrators): check the backup, close this connection, put
    the backup in place, log the restore in the restored database.  Returns the kept file."""
    ctx.require(Permission.RESTORE, object_type="database")
    verify_backup(Path(backup_file), require_checksum=require_checksum)
    live = ctx.db.path
    ctx.db.close()
    kept = restore(
        live,
        Path(backup_file),
        require_checksum=require_checksum,
        other_installation=other_installation,
        passphrase=passphrase,
    )
    record_restore(live, ctx.user, kept, other_installation=other_installation)
    return kept


def record_restore(live: Path, user, kept: Path, *, other_installation: bool = False) -> None:
    """Upgrade the restored file if it is older, and write the restore into its audit log."""
    from loket.db.migrate import migrate

    restored = Database(live)
    try:
        migrate(restored)
        actx = Context(db=restored, user=user, desk=None, origin="cli")
        audit.record(
            actx,
            action="backup.restore",
            object_type="database",
            detail={"kept": kept.name, "other_installation": other_installation},
        )
        prune_copies(live, settings.integer(restored, "backup.keep_restore_copies"))
    finally:
        restored.close()
