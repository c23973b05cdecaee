"""Writing files all or nothing, and one message for a full disk (backups, the visitor's
right of access)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from loket.errors import DiskFull
from loket.i18n import _

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_disk_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in _FULL:
        return True
    if isinstance(err, sqlite3.OperationalError):
        text = str(err).lower()
        return "database or disk is full" in text or "disk i/o error" in text
    return False


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
