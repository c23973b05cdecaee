"""Who has the database open: every Loket connection holds a shared lock on a small file
beside the database (`loket.sqlite.lock`); a restore needs the exclusive one.

On POSIX this is `flock(2)` on the lock file (held per open file, so two connections in one
process count as two), and a restore also checks SQLite's own shared-memory lock, which every
connection in WAL mode holds -- that catches a program other than Loket (the `sqlite3` shell,
a database browser) that has the file open.  On Windows an open database file cannot be
replaced, so the replace itself fails and is refused with the same message.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loket.errors import LoketError
from loket.i18n import _

LOCK_SUFFIX = ".lock"
# SQLite (os_unix.c): the byte of the -shm file every open WAL connection read-locks.
SHM_DMS_OFFSET = 128
SHARED_WAIT_SECONDS = 30.0

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - Windows
    fcntl = None


class DatabaseInUse(LoketError):
    """The database is open elsewhere (another window, `loket` command or program)."""


def in_use_message(path: Path) -> str:
    return _(
        "The database {path} is open in another Loket window, a loket command or another "
        "program. Close Loket and those programs on this PC, then restore again. Nothing "
        "was changed."
    ).format(path=path)


def lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def _open_lock_file(db_path: Path) -> int:
    return os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)


class SharedLock:
    """Held by every open connection; released by `release()` (or when the process ends)."""

    def __init__(self, db_path: Path) -> None:
        self.fd: int | None = None
        if fcntl is None:  # pragma: no cover - Windows
            return
        try:
            fd = _open_lock_file(db_path)
        except OSError:
            # A folder Loket cannot write to (read-only media): SQLite reports it, or reads.
            return
        deadline = time.monotonic() + SHARED_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                # A restore holds it for a few seconds; wait, boundedly.
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise DatabaseInUse(
                        _("The database {path} is being restored; try again shortly.").format(
                            path=db_path
                        )
                    ) from err
                time.sleep(0.05)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file drops the flock
            self.fd = None


def _sqlite_connection_open(db_path: Path) -> bool:
    """True when any process (Loket or not) has the database open in WAL mode."""
    shm = Path(f"{db_path}-shm")
    if fcntl is None or not shm.exists():
        return False
    fd = os.open(shm, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_OFFSET)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DMS_OFFSET)
        return False
    finally:
        os.close(fd)


@contextmanager
def exclusive(db_path: Path) -> Iterator[None]:
    """Hold the database for oneself (a restore); raises DatabaseInUse at once when any
    other connection -- in this process or another -- has it open."""
    db_path = Path(db_path)
    if fcntl is None:  # pragma: no cover - Windows: the replace fails on an open file
        yield
        return
    fd = _open_lock_file(db_path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            raise DatabaseInUse(in_use_message(db_path)) from err
        if _sqlite_connection_open(db_path):
            raise DatabaseInUse(in_use_message(db_path))
        yield
    finally:
        os.close(fd)
