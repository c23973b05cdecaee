"""Named keys of one installation, kept out of the data folder: `get()` and `put()`.

A key lives in the operating system's key store through `keyring` (Windows Credential
Manager, the macOS keychain, the Secret Service on a Linux desktop): service "Loket", one
entry per installation id and key name ("<installation>:subject"), as 64 hexadecimal
characters.  Where no key store backend exists (a headless Linux PC, CI), the key is a file
`<name>.key` beside the database, mode 0600; Loket says so once in its log, and
`loket check` and the administrator's settings screen say where the keys are (`location()`).

A key file left by an earlier version (or made while there was no key store) is moved into
the key store when it is first read: written, read back, compared, and only then removed.
A key store that exists but does not answer is an error, never a reason to make a new key.

Keys known to Loket: "subject" (the audit trail's subject references and chain,
loket.privacy.audit); on a PC enrolled at a hub also "chain" (the chain key pinned at
enrolment) and "subject.previous" (the PC's own subject key from before it), see
docs/sync.md.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from loket.errors import LoketError
from loket.i18n import _

SERVICE = "Loket"
KEY_BYTES = 32

_warned = False


class KeyProblem(LoketError):
    """A key is damaged, or the key store that holds it cannot be read or written."""


def file_path(folder: Path, name: str) -> Path:
    """The file that holds the key where there is no key store (and the one moved in)."""
    return Path(folder) / f"{name}.key"


def _entry(installation: str, name: str) -> str:
    return f"{installation}:{name}"


def _backend():
    """The key store, or None when this PC has no usable backend."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def no_key_store_message() -> str:
    """Said once when keys go into files: in the current language (the command line)."""
    return _(
        "No key store on this PC: Loket keeps its keys in files (mode 0600) beside the database."
    )


def available() -> bool:
    """True when keys go into the OS key store, False when they are files."""
    backend = _backend()
    if backend is None:
        global _warned
        if not _warned:
            _warned = True
            # Also what an administrator reads on the command line: in their language.
            logging.getLogger(__name__).warning(no_key_store_message())
    return backend is not None


def location(folder: Path, installation: str, name: str) -> str:
    """Where the key is kept, in words for `loket check` and the settings screen."""
    if available():
        return _("in the key store of this PC (service {service}, entry {entry})").format(
            service=SERVICE, entry=_entry(installation, name)
        )
    return _("in the file {path} (this PC has no key store)").format(path=file_path(folder, name))


def _parse(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyProblem(
            _(
                "The key {where} is damaged (it must hold 64 hexadecimal characters). "
                "Put it back from the backup (the file BACKUP.key beside it)."
            ).format(where=where)
        )
    return key


def _read_file(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise KeyProblem(
            _("The key file {path} cannot be read: {problem}").format(path=path, problem=err)
        ) from err
    return _parse(text, str(path))


def _write_file(path: Path, key: bytes, *, replace: bool = True) -> bytes:
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex())
        fh.flush()
        os.fsync(fh.fileno())
    if replace:
        os.replace(tmp, path)
        return key
    try:
        os.link(tmp, path)  # fails when another process made the key first
    except FileExistsError:
        return _read_file(path) or key
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _store_error(err: Exception) -> KeyProblem:
    return KeyProblem(
        _(
            "The key store of this PC did not answer ({problem}). Loket does not make a new "
            "key: unlock the key store (sign in to the PC again) and retry."
        ).format(problem=err)
    )


def _store_get(backend, installation: str, name: str) -> bytes | None:
    from keyring.errors import KeyringError

    try:
        text = backend.get_password(SERVICE, _entry(installation, name))
    except KeyringError as err:
        raise _store_error(err) from err
    if text is None:
        return None
    return _parse(text, _("{entry} in the key store").format(entry=_entry(installation, name)))


def _store_put(backend, installation: str, name: str, key: bytes) -> None:
    from keyring.errors import KeyringError

    try:
        backend.set_password(SERVICE, _entry(installation, name), key.hex())
    except KeyringError as err:
        raise _store_error(err) from err
    if _store_get(backend, installation, name) != key:
        raise KeyProblem(
            _("The key store of this PC did not keep the key {entry}.").format(
                entry=_entry(installation, name)
            )
        )


def get(folder: Path, installation: str, name: str) -> bytes | None:
    """The key `name` of this installation, or None when there is none yet.  Moves a key
    file into the key store on the way (read back and compared before the file goes)."""
    path = file_path(folder, name)
    backend = _backend() if available() else None
    on_disk = _read_file(path)
    if backend is None:
        return on_disk
    stored = _store_get(backend, installation, name)
    if on_disk is None:
        return stored
    if stored is None:
        _store_put(backend, installation, name, on_disk)
        stored = on_disk
    elif stored != on_disk:
        raise KeyProblem(
            _(
                "The key file {path} differs from the key {entry} in the key store. Loket uses "
                "neither: move the file that does not belong to this installation away."
            ).format(path=path, entry=_entry(installation, name))
        )
    path.unlink()
    return stored


def put(folder: Path, installation: str, name: str, key: bytes, *, replace: bool = True) -> bytes:
    """Keep `key` as `name` of this installation and return the key kept: with
    `replace=False` an existing key stays (two programs making the first key at once agree
    on one)."""
    if len(key) != KEY_BYTES:
        raise ValueError("a key is 32 bytes")
    backend = _backend() if available() else None
    if backend is None:
        return _write_file(file_path(folder, name), key, replace=replace)
    if not replace:
        existing = get(folder, installation, name)
        if existing is not None:
            return existing
    _store_put(backend, installation, name, key)
    file_path(folder, name).unlink(missing_ok=True)
    return key
