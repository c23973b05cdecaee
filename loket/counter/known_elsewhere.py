"""The keyed index of other desks' visitors (docs/sync-staff.md): its keys, and looking a
visitor up in it -- by what staff type in the search, or by the details of a visitor being
registered (`duplicates`, "this person may have a file at IND-loket Den Haag").

A key is HMAC-SHA256 under a key derived from the deployment's subject key (every PC
enrolled at the hub has it) of the V-nummer, of the BSN, or of one spelling skeleton of one
name part (`loket.counter.names.keys`) joined with the date of birth.  The index itself is
filled by the sync (`loket.sync.holdings`); it names no one.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from loket.counter.names.keys import skeletons, split_units
from loket.counter.textfold import digits
from loket.db import visitor_index as repo
from loket.db.connection import Database

KEY_LABEL = b"loket visitor index v1"


def derive_key(subject_key: bytes) -> bytes:
    return hmac.new(subject_key, KEY_LABEL, hashlib.sha256).digest()


def index_key(db: Database) -> bytes:
    """This deployment's index key (from the subject key every enrolled PC shares)."""
    from loket.privacy import audit

    return derive_key(audit.subject_key(db))


def _mac(key: bytes, label: str) -> str:
    return hmac.new(key, label.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def number_labels(v_number: str | None, bsn: str | None) -> list[str]:
    out = []
    if v_number and digits(v_number):
        out.append("v:" + digits(v_number))
    if bsn and digits(bsn):
        out.append("b:" + digits(bsn))
    return out


def name_labels(word: str, date_of_birth: str) -> set[str]:
    """The labels of one name word (or a whole name part) with a date of birth."""
    return {f"n:{s}|{date_of_birth}" for _t, unit in split_units(word) for s in skeletons(unit)}


def index_keys(key: bytes, visitor: dict) -> list[str]:
    """The keyed index of one visitor row; none for an anonymised or merged-away file."""
    if visitor.get("anonymised_at") or visitor.get("merged_into"):
        return []
    labels = set(number_labels(visitor.get("v_number"), visitor.get("bsn")))
    dob = visitor.get("date_of_birth")
    if dob:
        for part in ("given_names", "family_name", "latin_given_names", "latin_family_name"):
            labels |= name_labels(visitor.get(part) or "", dob)
    return sorted({_mac(key, label) for label in labels})


@dataclass(frozen=True)
class Known:
    visitor_id: str
    desk_id: str | None


def query_kind(text: str) -> str | None:
    """What a query names exactly: "v_number" or "bsn" (10 or 9 digits, nothing else), or
    "name_dob" (words and a date of birth); None for anything else."""
    from loket.counter.search import as_iso_date

    text = (text or "").strip()
    number = digits(text)
    if number and number == text.replace(" ", "").replace(".", "") and len(number) in (9, 10):
        return "v_number" if len(number) == 10 else "bsn"
    tokens = text.split()
    dated = any(as_iso_date(t) for t in tokens)
    named = any(len(t) >= 2 and as_iso_date(t) is None for t in tokens)
    return "name_dob" if dated and named else None


def query_groups(key: bytes, query: str) -> list[list[str]] | None:
    """The index keys a search must find, one group per thing typed (each group: any of its
    keys), or None when the query is neither a V-nummer/BSN nor names with a birth date."""
    from loket.counter.search import as_iso_date

    text = (query or "").strip()
    kind = query_kind(text)
    if kind in ("v_number", "bsn"):
        number = digits(text)
        label = number_labels(number, None) if kind == "v_number" else number_labels(None, number)
        return [[_mac(key, label[0])]]
    words, dob = [], None
    for token in text.split():
        iso = as_iso_date(token)
        if iso is not None:
            dob = iso
        elif len(token) >= 2:
            words.append(token)
    if dob is None or not words:
        return None
    groups = [sorted({_mac(key, label) for label in name_labels(w, dob)}) for w in words]
    return [g for g in groups if g] or None


def lookup(db: Database, query: str, limit: int = 20) -> list[Known]:
    """Other desks' visitors in this PC's keyed index that the query names exactly."""
    groups = query_groups(index_key(db), query)
    if groups is None:
        return []
    return [Known(v, d) for v, d in repo.lookup(db, groups, limit)]


def duplicates(db: Database, values: dict, limit: int = 10) -> list[tuple[str, Known]]:
    """Other desks' visitors in the index that a visitor being registered (its cleaned
    values) may be: (reason, Known) with reason 'v_number', 'bsn' or 'name_dob' (every name
    part of either spelling found with the same date of birth)."""
    if repo.is_empty(db):
        return []
    key = index_key(db)
    out: list[tuple[str, Known]] = []
    seen: set[str] = set()

    def add(reason: str, groups: list[list[str]]) -> None:
        for visitor_id, desk_id in repo.lookup(db, groups, limit):
            if visitor_id not in seen:
                seen.add(visitor_id)
                out.append((reason, Known(visitor_id, desk_id)))

    for reason, labels in (
        ("v_number", number_labels(values.get("v_number"), None)),
        ("bsn", number_labels(None, values.get("bsn"))),
    ):
        if labels:
            add(reason, [[_mac(key, labels[0])]])
    dob = values.get("date_of_birth")
    if dob:
        for given, family in (
            (values.get("given_names"), values.get("family_name")),
            (values.get("latin_given_names"), values.get("latin_family_name")),
        ):
            parts = [p for p in (given, family) if p and split_units(p)]
            if len(parts) == 2:
                add("name_dob", [sorted({_mac(key, x) for x in name_labels(p, dob)})
                                 for p in parts])  # fmt: skip
    return out[:limit]
