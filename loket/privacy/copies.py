"""The files around a database and its backups: checksum and key copies beside a backup,
staging copies of a restore, and the old copies kept after a restore or an upgrade."""

from __future__ import annotations

from pathlib import Path

from loket.db import lock


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def key_copy_path(path: Path) -> Path:
    """The copy of subject.key beside a backup (mode 0600): without it the backup's audit
    trail cannot be verified nor its subject references looked up."""
    return path.with_name(path.name + ".key")


def chain_key_copy_path(path: Path) -> Path:
    """The copy of chain.key beside a backup (mode 0600), for a PC enrolled at a hub: the
    key its audit chain goes on with once the deployment's subject key replaced its own."""
    return path.with_name(path.name + ".chain.key")


STAGING_MARK = ".restore-"


def remove_staging(staging: Path) -> None:
    for path in (
        staging,
        checksum_path(staging),
        lock.lock_path(staging),
        *(Path(f"{staging}{suffix}") for suffix in ("-journal", "-wal", "-shm")),
    ):
        path.unlink(missing_ok=True)


def remove_stale_staging(live: Path) -> list[Path]:
    """Copies left by a restore that was killed half-way (full-size files): removed before
    the next restore and by the daily rotation."""
    live = Path(live)
    found = [
        p
        for p in live.parent.glob(f"{live.name}{STAGING_MARK}*")
        if not p.name.endswith(("-journal", "-wal", "-shm", ".sha256", ".lock"))
    ]
    for path in found:
        remove_staging(path)
    return found


def prune_copies(live: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` before-restore copies and the newest `keep` premigrate copies
    (setting backup.keep_restore_copies); remove the older ones.  Returns what was removed."""
    live = Path(live)
    removed = []
    for pattern in (f"{live.name}.before-restore-*", f"{live.name}.v*-*.premigrate"):
        copies = [
            p
            for p in live.parent.glob(pattern)
            if not p.name.endswith(("-wal", "-shm", ".key", ".sha256", ".lock"))
        ]
        copies.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[keep:]:
            for extra in ("", "-wal", "-shm", ".key", ".sha256"):
                Path(f"{old}{extra}").unlink(missing_ok=True)
            removed.append(old)
    return removed
