"""Writing files all or nothing, and one message for a full disk (backups, the visitor's
right of access)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from loket import errors
from loket.errors import DiskFull
from loket.i18n import _

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_disk_full(err: BaseException) -> bool:
    """A full disk, as SQLite or the system says it (loket.errors.disk_full), or SQLite's
    I/O error, which is how a full disk shows while a file is copied."""
    if errors.disk_full(err) is not None:
        return True
    return isinstance(err, sqlite3.OperationalError) and "disk i/o error" in str(err).lower()


def disk_full(path: Path) -> DiskFull:
    return DiskFull(
        _(
            "The disk is full: {path} could not be written. Free some space and try again; "
            "nothing half-written was left behind."
        ).format(path=path)
    )


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass


def partial_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".partial")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
