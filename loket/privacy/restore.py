"""Restore: put a checked backup in place of the live database.

The candidate is checked completely -- checksum, `PRAGMA integrity_check`, that it is a
Loket database with Loket's columns, its schema version, that it comes from this
installation -- on a private copy, before anything of the live database is touched; the
live file is then kept as `loket.sqlite.before-restore-...`.  The replace needs the
database for itself (loket.db.lock): while the app, a `loket` command or another program
has it open, the restore is refused and nothing changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from loket import settings
from loket.context import Context
from loket.db import integrity, lock
from loket.db.connection import Database
from loket.db.migrate import latest_version, schema_differences
from loket.errors import DatabaseDamaged, LoketError
from loket.i18n import _
from loket.privacy import anchor, audit
from loket.privacy.backup import (
    _fsync,
    check_connection,
    check_mark_path,
    key_fingerprint,
    make_backup,
    sha256_file,
)
from loket.privacy.copies import (
    STAGING_MARK,
    chain_key_copy_path,
    checksum_path,
    key_copy_path,
    prune_copies,
    remove_staging,
    remove_stale_staging,
)
from loket.privacy.permissions import Permission
from loket.startup_check import REQUIRED_TABLES as _REQUIRED_TABLES


class OtherInstallation(LoketError):
    """The backup was made by another Loket installation (other accounts, another key)."""


def _check_installation(live: Path, staging: Path, backup_file: Path) -> None:
    """Refuse a backup of another installation: its accounts and key are not this one's."""
    mine = integrity.setting_in_file(live, "workstation") if live.exists() else None
    theirs = integrity.setting_in_file(staging, "workstation")
    my_key = key_fingerprint(live.parent)
    their_key = integrity.setting_in_file(staging, "backup.key_fingerprint") or ""
    copy = key_copy_path(backup_file)
    if copy.is_file():
        their_key = hashlib.sha256(
            b"loket key fingerprint " + copy.read_bytes().strip()
        ).hexdigest()[:16]
    if (mine and theirs and mine != theirs) or (my_key and their_key and my_key != their_key):
        raise OtherInstallation(
            _(
                "The backup {path} was made by another Loket installation (other accounts, "
                "another key). Nothing was changed. To put it in place anyway, an "
                "administrator of this installation runs: loket restore {path} "
                "--other-installation --user NAME"
            ).format(path=backup_file)
        )


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
) -> Path:
    """Replace the live database with a checked backup; returns where the old file was kept.

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
        checksum_path(staging).unlink(missing_ok=True)
        _mark_restored(staging)
        _fsync(staging)
        with lock.exclusive(live):
            _replace_live(live, staging, kept)
            _restore_key(live, backup_file, replace=other_installation, stamp=stamp)
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


def _restore_key(live: Path, backup_file: Path, *, replace: bool, stamp: str) -> None:
    """Put the backup's copy of subject.key in place when the data folder has none, or (a
    backup of another installation, forced) keep this one aside and use the backup's."""
    copy = key_copy_path(backup_file)
    key = live.parent / audit.KEY_FILENAME
    if copy.is_file() and key.exists() and replace:
        if key.read_bytes().strip() != copy.read_bytes().strip():
            os.replace(key, key.with_name(f"{key.name}.before-restore-{stamp}"))
    if copy.is_file() and not key.exists():
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(copy.read_bytes())
        audit._KEYS.pop(str(key), None)
    # an enrolled PC's pinned chain key, the same way (docs/sync.md)
    chain_copy, chain = chain_key_copy_path(backup_file), live.parent / "chain.key"
    if chain_copy.is_file() and chain.exists() and replace:
        if chain.read_bytes().strip() != chain_copy.read_bytes().strip():
            os.replace(chain, chain.with_name(f"{chain.name}.before-restore-{stamp}"))
    if chain_copy.is_file() and not chain.exists():
        fd = os.open(chain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(chain_copy.read_bytes())
        audit._KEYS.pop(str(chain), None)


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
