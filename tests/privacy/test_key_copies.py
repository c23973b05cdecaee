"""One sealed key copy holds all of an installation's keys (version 2); the copies of
earlier versions (version 1: the subject key alone) still open."""

from __future__ import annotations

import json

import pytest

from loket.privacy import audit, copies

PASSPHRASE = "lantaarn fiets wolk mosterd"
SUBJECT, CHAIN, PREVIOUS = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32


def _sealed(**others) -> str:
    fingerprint = audit.fingerprint(SUBJECT)
    return copies.seal(SUBJECT, PASSPHRASE, installation="ws", fingerprint=fingerprint,
                       others=others or None)  # fmt: skip


def _open(text: str, passphrase: str = PASSPHRASE) -> dict[str, bytes]:
    copy = copies.parse_key_copy(text, audit.fingerprint)
    return copies.open_keys(copy, passphrase, shown="FILE.key")


def test_one_copy_holds_every_key_by_name():
    text = _sealed(chain=CHAIN, **{"subject.previous": PREVIOUS})
    copy = copies.parse_key_copy(text, audit.fingerprint)
    assert copy.names == ("subject", "chain", "subject.previous")
    assert _open(text) == {"subject": SUBJECT, "chain": CHAIN, "subject.previous": PREVIOUS}
    assert copies.open_key_copy(copy, PASSPHRASE, shown="FILE.key") == SUBJECT
    with pytest.raises(copies.WrongPassphrase):
        _open(text, "not the passphrase")


def test_a_copy_of_the_subject_key_alone_is_as_before():
    text = _sealed()
    assert json.loads(text)["version"] == 1 and "keys" not in json.loads(text)
    assert copies.parse_key_copy(text, audit.fingerprint).names == ("subject",)
    assert _open(text) == {"subject": SUBJECT}
    bare = copies.parse_key_copy(SUBJECT.hex(), audit.fingerprint)
    assert copies.open_keys(bare, "", shown="FILE.key") == {"subject": SUBJECT}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(keys=["chain", "subject"]),  # a key's name taken out of the header
        lambda d: d.update(version=1),  # passed off as the subject key alone
        lambda d: d.update(version=3),
    ],
)
def test_a_changed_header_does_not_open(change):
    data = json.loads(_sealed(chain=CHAIN, **{"subject.previous": PREVIOUS}))
    change(data)
    with pytest.raises(copies.WrongPassphrase):
        _open(json.dumps(data))
