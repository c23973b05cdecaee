"""What a PC holds of other desks' visitors (docs/sync-staff.md): a keyed search index, and
the files staff open, fetched from the hub for as long as this desk works with them.

- `index_keys(key, visitor)`: the keyed index of one visitor -- HMAC-SHA256 with a key
  derived from the deployment's subject key, of the V-nummer, of the BSN, and of every
  spelling skeleton of every name part (native and Latin script) joined with the date of
  birth.  The PC that sends a visitor to the hub computes them (`receive`), the hub keeps
  them per visitor, and every PC of another desk pulls them (`apply_keys`).
- `lookup(db, query)`: offline, "this visitor has a file at IND-loket Den Haag" for an
  exact V-nummer or BSN, or name words with a date of birth.
- the whole file of another desk's visitor is fetched on opening by
  `loket.sync.exchange.fetch_file` (logged at the hub) and remembered as fetched here.
- `tidy(db, conn, desk)`: after a pull, files fetched more than KEEP_HOURS ago -- and, once,
  every file a PC pulled before PCs held only their desk's -- are removed from this PC
  unless this desk now holds them or they have work here not yet sent.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from loket.clock import now_iso
from loket.counter.names.keys import skeletons, split_units
from loket.counter.textfold import digits
from loket.db import outbox
from loket.db import visitor_index as repo
from loket.db.connection import Database

KEY_LABEL = b"loket visitor index v1"
KEEP_HOURS = 12
TIDY_CHUNK = 2000  # visitors looked at per sync round when old full copies are tidied
APPLY_CHUNK = 5000


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


def keyer(db: Database):
    """`keyer(visitor row)`: its keyed index, with this deployment's key (for `receive`)."""
    key = index_key(db)
    return lambda visitor: index_keys(key, visitor)


def apply_keys(db: Database, rows) -> int:
    """The feed's index rows: (visitor, desk, keys, held).  A file this PC's desk holds is
    here whole, so it leaves the index; the rest replace what the index had."""
    fresh = repo.size(db)[0] == 0  # a first pull: nothing to replace
    n = 0
    chunk: list[tuple[str, str | None, list[str]]] = []
    for visitor_id, desk_id, keys, held in rows:
        chunk.append((visitor_id, desk_id, [] if held else list(keys or ())))
        if len(chunk) >= APPLY_CHUNK:
            n += repo.put(db, chunk, fresh=fresh)
            chunk.clear()
    return n + repo.put(db, chunk, fresh=fresh)


def key_hub_visitors(conn, chunk: int = APPLY_CHUNK) -> int:
    """At the hub (`loket hub init`): the keyed index of the visitors an older hub holds
    without one, made with the deployment's subject key.  Returns how many."""
    from loket.db import hub as hub_repo

    with conn.transaction():
        subject = hub_repo.get_meta(conn, "subject_key")
    if not subject:
        return 0
    key = derive_key(bytes.fromhex(subject))
    done = 0
    while True:
        with conn.transaction():
            rows = hub_repo.visitors_without_keys(conn, chunk)
            if not rows:
                return done
            hub_repo.put_keys_as_admin(conn, [(v, index_keys(key, data)) for v, data in rows])
        done += len(rows)


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


def tidy(db: Database, conn, desk: str | None) -> int:
    """Remove the files this PC holds although its desk does not (see the module's text);
    returns how many.  A PC without a desk (national) keeps everything."""
    from loket.db import hub as hub_repo

    if desk is None:
        return 0
    cutoff = (datetime.fromisoformat(now_iso()) - timedelta(hours=KEEP_HOURS)).isoformat()
    candidates = repo.fetched_before(db, cutoff, TIDY_CHUNK)
    old_copies = outbox.get_state(db, "holdings_tidied_rowid")
    after = -1 if old_copies is None else int(old_copies)
    scanned: list[tuple[int, str]] = []
    if after >= 0 or old_copies is None:
        scanned = repo.visitors_after(db, max(after, 0), TIDY_CHUNK)
        skip = repo.fetched_since(db, cutoff) | set(candidates)
        candidates += [v for _r, v in scanned if v not in skip]
    removed = 0
    if candidates:
        with conn.transaction():
            held = hub_repo.holding(conn, desk, candidates)
        unheld = [v for v in candidates if v not in held]
        with db.transaction(), outbox.applying(db):
            keep = repo.with_local_work(db, unheld, outbox.rows_with_pending(db))
            gone = [v for v in unheld if v not in keep]
            for visitor_id in gone:
                repo.delete_file(db, visitor_id)
            repo.forget_fetched(db, [v for v in candidates if v in held or v in gone])
            removed = len(gone)
    # the one pass over files pulled before: -1 once it has looked at every one
    nxt = scanned[-1][0] if len(scanned) == TIDY_CHUNK else -1
    if old_copies is None or after >= 0:
        outbox.set_state(db, {"holdings_tidied_rowid": str(nxt)})
    return removed
