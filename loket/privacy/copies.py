"""The files around a database and its backups: checksum and key copies beside a backup,
staging copies of a restore, and the old copies kept after a restore or an upgrade.

The key copy beside a backup (`FILE.key`, mode 0600) is the subject key sealed with a
passphrase the administrator gives (`loket backup-passphrase`): scrypt (n=2^15, r=8, p=1)
derives a 256-bit key from it, AES-256-GCM encrypts the subject key, and the installation
id and the key's public fingerprint are authenticated with it.  The sealed copy is made once,
when the passphrase is set (and again when a PC's keys change at its enrolment at a hub),
and kept in the database's settings (`backup.key_copy`), so the automatic backups carry it
without anybody typing the passphrase.  One copy holds all the installation's keys: version
1 the subject key alone, version 2 (an enrolled PC) also the chain key and the previous
subject key, named in its authenticated header.  Key copies written by earlier versions
(version 1, or the bare key in hexadecimal) are still read.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from loket.db import lock
from loket.errors import LoketError
from loket.i18n import _


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def key_copy_path(path: Path) -> Path:
    """The sealed copy of the subject key beside a backup (mode 0600): without it the
    backup's audit trail cannot be verified nor its subject references looked up on a PC
    whose key store does not hold the key."""
    return path.with_name(path.name + ".key")


KEY_COPY_FORMAT = "loket-key-copy"
SUBJECT = "subject"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class WrongPassphrase(LoketError):
    """The passphrase does not open the key copy."""


@dataclass(frozen=True)
class KeyCopy:
    """A key copy as read from a file: `sealed` (needs the passphrase) or a bare key."""

    fingerprint: str
    sealed: dict | None = None
    bare: bytes | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the keys it holds ("subject" first)."""
        if self.sealed is not None and self.sealed.get("version") == 2:
            names = self.sealed.get("keys")
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                return (SUBJECT, *sorted(n for n in names if n != SUBJECT))
        return (SUBJECT,)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _aad(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _derive(passphrase: str, salt: bytes, params: dict) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(
        passphrase.encode("utf-8")
    )


def seal(
    key: bytes,
    passphrase: str,
    *,
    installation: str,
    fingerprint: str,
    others: dict[str, bytes] | None = None,
) -> str:
    """The key copy's text: `key` (the subject key), and the `others` by name, encrypted
    under `passphrase` (JSON).  Without others it is a version 1 copy, as before."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = {
        "format": KEY_COPY_FORMAT,
        "version": 2 if others else 1,
        "installation": installation,
        "fingerprint": fingerprint,
        "kdf": {"name": "scrypt", **SCRYPT},
    }
    plain = key
    if others:
        header["keys"] = sorted({SUBJECT, *others})
        plain = json.dumps(
            {SUBJECT: key.hex()} | {n: k.hex() for n, k in others.items()}, sort_keys=True
        ).encode()
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    box = AESGCM(_derive(passphrase, salt, SCRYPT)).encrypt(nonce, plain, _aad(header))
    return json.dumps(
        header | {"salt": _b64(salt), "nonce": _b64(nonce), "ciphertext": _b64(box)},
        sort_keys=True,
    )


def parse_key_copy(text: str, fingerprint_of) -> KeyCopy | None:
    """A key copy's text (sealed JSON, or the bare key of an earlier version); None when it
    is neither.  `fingerprint_of(key)` gives a bare key's fingerprint."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("format") != KEY_COPY_FORMAT:
            return None
        return KeyCopy(fingerprint=str(data.get("fingerprint", "")), sealed=data)
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return KeyCopy(fingerprint=fingerprint_of(key), bare=key) if len(key) == 32 else None


def read_key_copy(path: Path, fingerprint_of) -> KeyCopy | None:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_key_copy(text, fingerprint_of)


def open_key_copy(copy: KeyCopy, passphrase: str, *, shown: str) -> bytes:
    """The subject key in `copy`; WrongPassphrase (translated, naming `shown`) when the
    passphrase does not open it or the copy was changed."""
    return open_keys(copy, passphrase, shown=shown)[SUBJECT]


def open_keys(copy: KeyCopy, passphrase: str, *, shown: str) -> dict[str, bytes]:
    """Every key in `copy` by name ("subject" always); WrongPassphrase as open_key_copy."""
    if copy.bare is not None:
        return {SUBJECT: copy.bare}
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = copy.sealed or {}
    wrong = WrongPassphrase(
        _(
            "The backup passphrase does not open the key copy {path} (or the copy was "
            "changed). Nothing was changed."
        ).format(path=shown)
    )
    try:
        fields = ("format", "version", "installation", "fingerprint", "kdf")
        if data.get("version") == 2:
            fields += ("keys",)
        elif data.get("version") != 1:
            raise wrong
        header = {k: data[k] for k in fields}
        kdf = data["kdf"]
        params = {k: int(kdf[k]) for k in ("n", "r", "p")}
        if kdf.get("name") != "scrypt" or not (2**14 <= params["n"] <= 2**20):
            raise wrong
        salt = base64.b64decode(data["salt"], validate=True)
        nonce = base64.b64decode(data["nonce"], validate=True)
        box = base64.b64decode(data["ciphertext"], validate=True)
        plain = AESGCM(_derive(passphrase, salt, params)).decrypt(nonce, box, _aad(header))
        if header["version"] == 1:
            keys = {SUBJECT: plain}
        else:
            keys = {n: bytes.fromhex(k) for n, k in json.loads(plain).items()}
            if sorted(keys) != sorted(header["keys"]) or SUBJECT not in keys:
                raise wrong
    except (InvalidTag, KeyError, TypeError, ValueError, AttributeError) as err:
        raise wrong from err
    if any(len(k) != 32 for k in keys.values()):
        raise wrong
    return keys


def write_private(path: Path, text: str) -> None:
    """Write `path` (mode 0600) under a temporary name, flushed, then renamed."""
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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
