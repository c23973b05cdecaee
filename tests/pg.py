"""A throwaway PostgreSQL cluster for the hub tests: initdb + pg_ctl in a temporary folder,
127.0.0.1 on a free port, fsync off, stopped at the end (also when a test fails).

PostgreSQL refuses to run as root, so as root the programs run as the `postgres` user
through runuser, in a folder that user owns.  Every wait is bounded.  `find_bindir()` is None
when PostgreSQL is not installed: the hub tests are then skipped (CI installs it).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

WAIT_SECONDS = 60


def find_bindir() -> Path | None:
    candidates = []
    if shutil.which("pg_config"):
        try:
            out = subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
            candidates.append(out)
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """One cluster; `dsn` connects as the superuser `postgres` (trust on 127.0.0.1)."""

    def __init__(self, bindir: Path, folder: Path | None = None) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        if folder is not None:
            folder.mkdir(parents=True)
        self.folder = folder or Path(tempfile.mkdtemp(prefix="loket-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
            self.folder.chmod(0o700)
        self.started = False

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def _run(self, *args: str, timeout: int = WAIT_SECONDS) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr}\n{log[-2000:]}")

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self, extra: str = "") -> None:
        self.extra = extra or getattr(self, "extra", "")
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c unix_socket_directories='' "
            "-c max_connections=60 " + self.extra
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", str(WAIT_SECONDS), "start",
        )  # fmt: skip
        self.started = True

    def stop(self) -> None:
        if self.started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")
            self.started = False

    def put_file(self, name: str, data: bytes, mode: int = 0o600) -> Path:
        """A file in the data folder, owned by the server's user (certificates, pg_hba)."""
        path = self.data / name
        path.write_bytes(data)
        path.chmod(mode)
        if self.as_root:
            shutil.chown(path, "postgres", "postgres")
        return path

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
