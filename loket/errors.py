"""Errors the core raises; every message is translated and safe to show to staff."""

from __future__ import annotations

import os


class LoketError(Exception):
    """Base class: `str(err)` is a translated message meant for the user."""

    @property
    def message(self) -> str:
        """What to show staff."""
        return str(self)


class ValidationError(LoketError):
    """One or more fields are invalid.  `errors` maps field name → translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    @property
    def message(self) -> str:
        """The messages only, one per line: field names are for the code, not for staff."""
        return "\n".join(self.errors.values())

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


class NotFound(LoketError):
    pass


class PermissionDenied(LoketError):
    pass


class AuthenticationFailed(LoketError):
    pass


class ConflictError(LoketError):
    """The action does not fit the current state (e.g. an illegal referral transition)."""


class DemoRefused(LoketError):
    pass


class DatabaseDamaged(LoketError):
    pass


class DiskFull(LoketError):
    """The disk (or the user's quota) is full: nothing was saved.  `message` may name the
    file that could not be written (loket.privacy.files.disk_full)."""

    def __init__(self, message: str | None = None) -> None:
        from loket.i18n import _

        super().__init__(
            message
            or _(
                "The disk is full: nothing was saved. Make room on the disk (or ask the "
                "administrator to), then try again."
            )
        )


def disk_full(err: BaseException) -> DiskFull | None:
    """The DiskFull to raise instead of `err` when `err` says the disk is full (SQLite's
    SQLITE_FULL, or ENOSPC/EDQUOT from the system); None for any other error."""
    import errno
    import sqlite3

    if isinstance(err, DiskFull):
        return err
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL or "disk is full" in str(err).lower():
            return DiskFull()
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull()
    return None


class FileProblem(LoketError):
    """A file or folder named on the command line (or chosen in a dialog) cannot be opened or
    written: the folder does not exist, no permission, a read-only disk, a folder where a file
    was meant."""


def file_problem(err: BaseException) -> FileProblem | None:
    """The translated FileProblem for an OSError that names its file (not a full disk, which
    is DiskFull); None for anything else.  A temporary name (`….part`, `….partial`) is
    reported as its folder, the place staff chose."""
    import errno
    from pathlib import Path

    from loket.i18n import _

    if not isinstance(err, OSError) or disk_full(err) is not None or not err.filename:
        return None
    # A rename names its source and its destination: the destination is the chosen file.
    path = Path(os.fsdecode(err.filename2 or err.filename))
    if err.errno in (errno.ENOENT, errno.ENOTDIR):
        return FileProblem(
            _("The folder {folder} does not exist. Choose another place and try again.").format(
                folder=path.parent
            )
        )
    if path.name.endswith((".part", ".partial")):
        path = path.parent
    reasons = {
        errno.EISDIR: _("it is a folder, not a file"),
        errno.EACCES: _("you have no permission to write there"),
        errno.EPERM: _("you have no permission to write there"),
        errno.EROFS: _("the disk can only be read"),
        errno.EEXIST: _("a file of that name is in the way"),
    }
    reason = reasons.get(err.errno, _("the system refused it"))
    return FileProblem(
        _("{path} could not be written: {reason}. Choose another place and try again.").format(
            path=path, reason=reason
        )
    )
