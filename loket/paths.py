"""Where Loket keeps its data and where its shipped resources are."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Loket"
DB_FILENAME = "loket.sqlite"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """--data-dir wins, then LOKET_DATA_DIR, then the user's data folder (platformdirs)."""
    if override:
        path = Path(override)
    elif os.environ.get("LOKET_DATA_DIR"):
        path = Path(os.environ["LOKET_DATA_DIR"])
    else:
        import platformdirs  # only here: it costs start-up time and --data-dir skips it

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(override: str | os.PathLike | None = None) -> Path:
    return data_dir(override) / DB_FILENAME


def project_root() -> Path:
    """The folder holding resources/ and locales/ (the bundle's folder when frozen)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    # From a source checkout (or an editable install, or the bundle) the folders sit at the
    # top level; `pip install .` puts them under <prefix>/share/loket (pyproject data-files).
    top = project_root() / name
    if top.is_dir():
        return top
    return Path(sys.prefix) / "share" / "loket" / name


def resources_dir() -> Path:
    return _shipped("resources")


def locales_dir() -> Path:
    return _shipped("locales")


PRIVATE_MODE = 0o600  # the database, its write-ahead log, backups and exports
PRIVATE_UMASK = 0o077


def keep_new_files_private() -> None:
    """Files Loket (and SQLite, and the libraries it writes with) create from now on are
    readable by this user only.  Called once at start-up; a no-op where there is no umask."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def create_private(path: str | os.PathLike) -> None:
    """Create `path` empty with mode 0600 before anything writes to it (writers that open an
    existing file keep its mode), or narrow an existing one to 0600 where we may."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        if os.name == "posix":
            try:
                os.chmod(path, PRIVATE_MODE)
            except OSError:  # not ours (a shared, read-only copy): SQLite decides
                pass
        return
    os.close(fd)
