"""The hub's certificate authority (python `cryptography`): one CA per deployment, a server
certificate for PostgreSQL, and one key and certificate per enrolled PC whose CN is the
PC's PostgreSQL role, so `clientcert=verify-full` (the `cert` method) signs the PC in as
itself and as nobody else."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

CA_CERT, CA_KEY = "ca.crt", "ca.key"
SERVER_CERT, SERVER_KEY = "server.crt", "server.key"
YEARS = 5


def _write(path: Path, data: bytes, private: bool) -> None:
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pem_cert(cert) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


def _name(cn: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Loket"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])  # fmt: skip


def _builder(subject, issuer, public_key):
    from cryptography import x509

    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * YEARS))
    )


def make_authority(folder: Path, host: str) -> None:
    """ca.crt/ca.key and server.crt/server.key (for `host`) in `folder`, unless there."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / CA_KEY).exists():
        key = _key()
        cert = (
            _builder(_name("Loket hub authority"), _name("Loket hub authority"), key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256())
        )
        _write(folder / CA_KEY, _pem_key(key), True)
        _write(folder / CA_CERT, _pem_cert(cert), False)
    if not (folder / SERVER_KEY).exists():
        key = _key()
        try:
            alt = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            alt = x509.DNSName(host)
        ca_key, ca_cert = _load(folder)
        cert = (
            _builder(_name(host), ca_cert.subject, key.public_key())
            .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        _write(folder / SERVER_KEY, _pem_key(key), True)
        _write(folder / SERVER_CERT, _pem_cert(cert), False)


def _load(folder: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key((folder / CA_KEY).read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())
    return key, cert


def issue(folder: Path, cn: str) -> dict[str, str]:
    """A key and a certificate for one PC (CN = its role), signed by the authority."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    ca_key, ca_cert = _load(folder)
    key = _key()
    cert = (
        _builder(_name(cn), ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return {
        "key": _pem_key(key).decode(),
        "cert": _pem_cert(cert).decode(),
        "ca_cert": (folder / CA_CERT).read_text(),
        "serial": format(cert.serial_number, "x"),
    }
