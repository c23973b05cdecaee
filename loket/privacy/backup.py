"""Backups, their rotation and the integrity check.

A backup is made with SQLite's online backup API from a connection of its own, in one step,
so it is a consistent snapshot even while the app goes on writing; it is written under a
temporary name, flushed to disk, renamed, and a SHA-256 checksum file (`FILE.sha256`, the
format of `sha256sum`) is put beside it.

A restore is `loket.privacy.restore`; the files beside a backup (checksum, key copy) and
the old copies kept after a restore or an upgrade are `loket.privacy.copies`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from loket import settings
from loket.clock import now_iso, today
from loket.context import Context, system_context
from loket.db import integrity
from loket.db.connection import Database
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from loket.paths import DB_FILENAME
from loket.privacy import anchor, audit, files
from loket.privacy.copies import (
    checksum_path,
    key_copy_path,
    parse_key_copy,
    prune_copies,
    remove_stale_staging,
    seal,
    write_private,
)
from loket.privacy.permissions import Permission

# The cheap look before the login window lives in a light module of its own (start-up
# imports it without this module's hashing, JSON and file-copy machinery); kept public here.
from loket.startup_check import left_open, open_problems  # noqa: F401

BACKUP_FOLDER = "backups"


def key_fingerprint(path: Path) -> str:
    """A short public fingerprint of the subject key of the database at `path` ('' when it
    has none or it cannot be read)."""
    try:
        key = audit.key_of_file(Path(path))
    except audit.KeyProblem:
        return ""
    return audit.fingerprint(key) if key else ""


def _copy_key(out: Path, fingerprint: str) -> None:
    """Write the sealed key copy kept in the backup's settings beside it, when there is one
    and it holds the current key; else no key copy."""
    target = key_copy_path(out)
    text = integrity.setting_in_file(out, KEY_COPY_SETTING)
    copy = parse_key_copy(text, audit.fingerprint) if text else None
    if copy is None or not fingerprint or copy.fingerprint != fingerprint:
        target.unlink(missing_ok=True)
        return
    write_private(target, text)


# -- the passphrase that seals the key copy beside every backup ---------------------------
KEY_COPY_SETTING = "backup.key_copy"
MIN_PASSPHRASE = 12
MIN_PASSPHRASE_SCORE = 3  # zxcvbn: the sealed copy can be attacked offline


def check_passphrase_rules(passphrase: str, field: str = "passphrase") -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError.single(
            field,
            _("A backup passphrase has at least {n} characters.").format(n=MIN_PASSPHRASE),
        )
    from zxcvbn import zxcvbn

    if zxcvbn(passphrase[:100])["score"] < MIN_PASSPHRASE_SCORE:
        raise ValidationError.single(
            field,
            _(
                "This passphrase is too easy to guess. Choose a longer one, for example "
                "four or five unrelated words."
            ),
        )


def set_passphrase(ctx: Context, passphrase: str) -> None:
    """`loket backup-passphrase` (administrators): seal the installation's keys with
    `passphrase` and keep the sealed copy, which every later backup carries beside it as
    FILE.key."""
    ctx.require(Permission.SETTINGS_MANAGE, object_type="setting", object_id=KEY_COPY_SETTING)
    check_passphrase_rules(passphrase)
    from loket.db import reference

    with ctx.db.transaction():
        changed = reference.get_setting(ctx.db, KEY_COPY_SETTING) is not None
        seal_key_copy(ctx.db, passphrase)
        audit.record(
            ctx,
            action="backup.passphrase",
            object_type="setting",
            object_id=KEY_COPY_SETTING,
            detail={"changed": changed},
        )


def seal_key_copy(db: Database, passphrase: str) -> None:
    """Seal every key this installation keeps (the subject key; once enrolled at a hub also
    the chain key and the previous subject key) with `passphrase`, as the key copy that
    backups carry."""
    from loket.db import reference

    keys = audit.stored_keys(db)
    subject = keys.pop(audit.KEY_NAME)
    sealed = seal(
        subject,
        passphrase,
        installation=db.workstation,
        fingerprint=audit.fingerprint(subject),
        others=keys,
    )
    with db.transaction():
        reference.set_setting(db, KEY_COPY_SETTING, sealed)


def check_passphrase(db: Database, passphrase: str) -> None:
    """WrongPassphrase (translated) unless `passphrase` opens the key copy backups carry."""
    from loket.db import reference
    from loket.privacy.copies import open_keys

    text = reference.get_setting(db, KEY_COPY_SETTING)
    copy = parse_key_copy(text, audit.fingerprint) if text else None
    if copy is not None:
        open_keys(copy, passphrase, shown=KEY_COPY_SETTING)


def has_key_copy(db: Database) -> bool:
    """True when backups carry a sealed key copy (a passphrase was set for the current key)."""
    from loket.db import reference

    text = reference.get_setting(db, KEY_COPY_SETTING)
    copy = parse_key_copy(text, audit.fingerprint) if text else None
    key = audit.key_of_file(db.path) if copy is not None else None
    return key is not None and copy.fingerprint == audit.fingerprint(key)


def no_key_copy_message() -> str:
    return _(
        "This backup carries no copy of the subject key: no backup passphrase is set. Without "
        "the key, a restore on another PC cannot check the audit trail. An administrator sets "
        "one with: loket backup-passphrase --user NAME"
    )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_backup(source: Path, out: Path) -> Path:
    """Copy the database at `source` to `out` (+ checksum file and key copy); returns `out`.
    A failure (a full disk) leaves nothing of the new backup behind and raises DiskFull."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = files.partial_path(out)
    leftovers = [tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")]
    files.remove_quietly(*leftovers)
    replaced = False
    try:
        src = sqlite3.connect(str(source), timeout=30)
        try:
            dest = sqlite3.connect(str(tmp))
            try:
                src.backup(dest)  # pages=-1: one step, one consistent snapshot
                # A backup is one self-contained file: no write-ahead log beside it.
                dest.execute("PRAGMA journal_mode = DELETE")
                fingerprint = key_fingerprint(Path(source))
                integrity.put_setting(dest, "backup.key_fingerprint", fingerprint)
            finally:
                dest.close()
        finally:
            src.close()
        _fsync(tmp)
        os.replace(tmp, out)
        replaced = True
        checksum = checksum_path(out)
        checksum.write_text(f"{sha256_file(out)}  {out.name}\n", encoding="utf-8")
        _fsync(checksum)
        _copy_key(out, fingerprint)
    except BaseException as err:
        files.remove_quietly(*leftovers, files.partial_path(key_copy_path(out)))
        if replaced:  # a backup without its checksum or key is no backup
            files.remove_quietly(out, checksum_path(out), key_copy_path(out))
        if files.is_disk_full(err):
            raise files.disk_full(out) from err
        raise
    return out


def backup(ctx: Context, out: str | Path) -> Path:
    """`loket backup --out FILE`: supervisors and administrators."""
    ctx.require(Permission.BACKUP, object_type="database")
    target = Path(out)
    live = ctx.db.path.resolve()
    if target.resolve() in {live, Path(f"{live}-wal"), Path(f"{live}-shm")}:
        raise ValidationError.single(
            "out", _("Write the backup to another file than the database itself.")
        )
    path = make_backup(ctx.db.path, target)
    audit.record(
        ctx,
        action="backup.create",
        object_type="database",
        detail={"automatic": False, "size": path.stat().st_size},
    )
    anchor.write(ctx.db)
    return path


# -- checking ------------------------------------------------------------------------------
def check_connection(conn: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    """Problems found by integrity_check (or quick_check) and foreign_key_check; [] = sound."""
    return integrity.problems(conn, quick=quick)


def check_database(db: Database, *, quick: bool = False) -> list[str]:
    with db._lock:
        return check_connection(db.conn, quick=quick)


def check(ctx: Context, *, quick: bool = False) -> list[str]:
    """`loket check` and the start-up check; the result is logged when it can be."""
    problems = check_database(ctx.db, quick=quick)
    if problems:
        try:
            audit.record(
                ctx,
                action="database.check",
                object_type="database",
                result="failed",
                detail={"problems": len(problems)},
            )
        except sqlite3.DatabaseError:
            pass
    return problems


# -- at start-up: a cheap look first, the full check in the background, once a day ----------
CHECK_MARK_SUFFIX = ".checked"


def check_mark_path(path: Path) -> Path:
    """The small file beside the database that remembers the last clean full check."""
    path = Path(path)
    return path.with_name(path.name + CHECK_MARK_SUFFIX)


def _identity(path: Path) -> list[int]:
    st = Path(path).stat()
    return [st.st_dev, st.st_ino]


def full_check_due(path: Path, *, day: date | None = None) -> bool:
    """True unless the same database file was found sound by a full check today."""
    try:
        mark = json.loads(check_mark_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    day = day or today()
    return not (
        isinstance(mark, dict)
        and mark.get("result") == "sound"
        and mark.get("day") == day.isoformat()
        and mark.get("file") == _identity(path)  # a restore puts another file in place
    )


def background_check(
    path: Path, *, force: bool = False, day: date | None = None
) -> list[str] | None:
    """The full check (integrity_check + foreign_key_check) on a read-only connection of its
    own, for a worker thread: at most once a day per database unless `force` (after a crash).
    Returns None when it was not due, else the problems found ([] = sound)."""
    path = Path(path)
    if not path.exists() or not (force or full_check_due(path, day=day)):
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError as err:
        return [str(err)]
    try:
        problems = check_connection(conn)
    finally:
        conn.close()
    mark = check_mark_path(path)
    if problems:
        mark.unlink(missing_ok=True)
    else:
        data = {
            "result": "sound",
            "day": (day or today()).isoformat(),
            "checked_at": now_iso(),
            "file": _identity(path),
        }
        mark.write_text(json.dumps(data), encoding="utf-8")
    return problems


def refuse_writes(db: Database, problems: list[str]) -> str:
    """The background check found damage: log it if the audit trail can still be written,
    then refuse every ordinary write on `db`.  Returns the explanation shown to staff."""
    message = damaged_message(db.path)
    try:
        audit.record(
            system_context(db),
            action="database.check",
            object_type="database",
            result="failed",
            detail={"problems": len(problems)},
        )
    except (sqlite3.DatabaseError, LoketError):
        pass
    db.mark_damaged(message)
    return message


def damaged_message(path: Path, *, command: bool = False) -> str:
    """What to do about a damaged database.  Staff in the app read who can fix it, in plain
    words; the command line (`command`) also gets the exact restore command."""
    latest = latest_backups(path.parent)
    hint = str(latest[0]) if latest else _("a backup file")
    if command:
        return _(
            "The database {path} is damaged; Loket will not write to it. Close Loket and "
            "restore the latest backup with:  loket restore {backup} --user NAME  (the damaged "
            "file is kept beside it)."
        ).format(path=path, backup=hint)
    return _(
        "The database {path} is damaged; Loket will not write to it. Close Loket and ask the "
        "administrator to put back the latest backup ({backup}). The damaged file is kept."
    ).format(path=path, backup=hint)


# -- automatic daily backups ---------------------------------------------------------------
def backup_folder(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUP_FOLDER


def _backup_day(path: Path) -> date | None:
    try:
        return date.fromisoformat(path.stem.removeprefix("loket-"))
    except ValueError:
        return None


def latest_backups(data_dir: Path) -> list[Path]:
    """The automatic backups in the data folder, newest first."""
    folder = backup_folder(data_dir)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("loket-*.sqlite") if _backup_day(p) is not None]
    return sorted(found, key=lambda p: _backup_day(p), reverse=True)


def comparable_backups(db: Database) -> list[Path]:
    """Automatic backups made since the last restore, newest first: the live audit chain
    must contain each one's chain (an older restore legitimately drops later rows)."""
    restored = settings.value(db, "backup.restored_at")
    found = latest_backups(db.path.parent)
    if not restored:
        return found
    try:
        cutoff = datetime.strptime(restored, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return found  # not a time Loket wrote: compare with every backup
    if cutoff.timestamp() > datetime.now(UTC).timestamp():
        return found  # a restore in the future did not happen
    return [p for p in found if p.stat().st_mtime > cutoff.timestamp()]


def rotate(
    data_dir: Path, keep_daily: int = 7, keep_weekly: int = 4, keep_copies: int = 3
) -> list[Path]:
    """Keep the newest `keep_daily` backups, then the newest one of each of the
    `keep_weekly` weeks before those; remove the rest.  Also the newest `keep_copies`
    before-restore and premigrate copies, and no staging file of a killed restore.
    Returns the removed files."""
    backups = latest_backups(data_dir)
    daily = backups[:keep_daily]
    keep = set(daily)
    covered = {_backup_day(p).isocalendar()[:2] for p in daily}
    weekly: set[tuple[int, int]] = set()
    for path in backups[keep_daily:]:
        week = _backup_day(path).isocalendar()[:2]
        if week in covered or week in weekly:
            continue
        if len(weekly) >= keep_weekly:
            break
        keep.add(path)
        weekly.add(week)
    removed = []
    live = Path(data_dir) / DB_FILENAME
    remove_stale_staging(live)
    removed += prune_copies(live, keep_copies)
    for path in backups:
        if path not in keep:
            path.unlink(missing_ok=True)
            checksum_path(path).unlink(missing_ok=True)
            key_copy_path(path).unlink(missing_ok=True)
            removed.append(path)
    return removed


def daily_backup(db: Database, *, day: date | None = None) -> Path | None:
    """The automatic backup: one per day in `<data folder>/backups`, then rotation."""
    day = day or today()
    data_dir = db.path.parent
    target = backup_folder(data_dir) / f"loket-{day.isoformat()}.sqlite"
    if target.exists():
        return None
    make_backup(db.path, target)
    if not key_copy_path(target).exists():
        import logging

        logging.getLogger(__name__).warning(
            "%s has no key copy beside it: no backup passphrase is set", target
        )
    rotate(
        data_dir,
        settings.integer(db, "backup.keep_daily"),
        settings.integer(db, "backup.keep_weekly"),
        settings.integer(db, "backup.keep_restore_copies"),
    )
    audit.record(
        system_context(db),
        action="backup.create",
        object_type="database",
        detail={"automatic": True, "size": target.stat().st_size},
    )
    anchor.write(db)
    return target
