"""Finding a visitor registered at another PC or desk (docs/sync-staff.md).

`search(ctx, query)`: on an enrolled PC whose hub answers, the visitors the hub knows that
this PC does not hold yet -- by exact V-nummer or BSN, or every word of a name -- with the
desk of their latest visit.  Offline it says so; the PC's own search still finds what the
PC holds.  `fetch(ctx, visitor_id)`: opening one brings the file to this PC (a sync round:
push, then the pull that carries it) and returns it.  Both are audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from loket.counter import intake
from loket.counter.search import as_iso_date
from loket.counter.textfold import digits
from loket.db import hub as hub_repo
from loket.db import hub_search, reference
from loket.db import visitors as visitor_repo
from loket.errors import NotFound
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

log = logging.getLogger(__name__)
LIMIT = 20
MIN_WORD = 2


@dataclass(frozen=True)
class Elsewhere:
    visitor_id: str
    given_names: str
    family_name: str
    date_of_birth: str | None
    desk: str | None  # the desk of the latest visit, or the one holding the file
    # found offline in this PC's keyed index (no name or birth date is kept here): what matched
    index_match: str | None = None


@dataclass(frozen=True)
class Found:
    hits: list[Elsewhere]
    reachable: bool | None  # None: this PC is not enrolled (works on its own)


def search(ctx, query: str, limit: int = LIMIT) -> Found:
    ctx.require(Permission.VISITOR_READ, object_type="visitor")
    from loket.sync import run

    text = (query or "").strip()
    if not run.is_enrolled(ctx.db):
        return Found([], None)
    number = digits(text)
    is_number = len(number) in (9, 10) and number == text.replace(" ", "")
    dob = next((d for d in map(as_iso_date, text.split()) if d), None)
    words = [w for w in text.split() if len(w) >= MIN_WORD and as_iso_date(w) is None]
    if not is_number and not words:
        return Found([], True)
    from loket.sync.reading import hub_connection

    conn = hub_connection(ctx.db)
    if conn is None:  # no answer, or none in the last round: this PC's keyed index
        return Found(_from_index(ctx, text, limit), False)
    with conn:
        if is_number:
            column = "v_number" if len(number) == 10 else "bsn"
            rows = hub_search.by_number(conn, column, number, limit)
            subject = number
        else:
            rows = hub_search.by_name(conn, words, limit)
            subject = None
        hits = [
            Elsewhere(r[0], r[1] or "", r[2] or "", r[3], r[4] or r[5])
            for r in rows
            if visitor_repo.get(ctx.db, r[0]) is None  # the PC's own search shows those
            and (dob is None or r[3] == dob)
        ]
        if hub_repo.knows_holdings(conn):  # logged at the hub too: who, by what, how many
            with conn.transaction():
                hub_repo.log_search(conn, "number" if is_number else "name", len(hits),
                                    ctx.user.id if ctx.user else None)  # fmt: skip
    with ctx.db.transaction():
        audit.record(
            ctx, action="visitor.search_hub", object_type="visitor", subject=subject,
            detail={"hits": len(hits)},
        )  # fmt: skip
    return Found(hits, True)


def _from_index(ctx, text: str, limit: int) -> list[Elsewhere]:
    """Offline: other desks' visitors the keyed index knows by this exact V-nummer, BSN, or
    name with date of birth -- where their file is, nothing more."""
    from loket.counter import known_elsewhere

    matched = known_elsewhere.query_kind(text)
    if matched is None:
        return []
    known = known_elsewhere.lookup(ctx.db, text, limit)
    desks = {}
    for desk_id in {k.desk_id for k in known if k.desk_id}:
        row = reference.desk_by_id(ctx.db, desk_id)
        desks[desk_id] = row["name"] if row is not None else None
    hits = [
        Elsewhere(k.visitor_id, "", "", None, desks.get(k.desk_id), index_match=matched)
        for k in known
    ]
    subject = digits(text) if matched != "name_dob" else None
    with ctx.db.transaction():
        audit.record(
            ctx, action="visitor.search_index", object_type="visitor", subject=subject,
            detail={"hits": len(hits)},
        )  # fmt: skip
    return hits


def fetch(ctx, visitor_id: str):
    """Bring another desk's file to this PC (the hub logs who opened it) and return it (the
    visitor as the kept file, when another PC merged it).  It stays while this desk works
    with it (loket.sync.holdings)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    from loket.sync import exchange
    from loket.sync.reading import hub_connection

    if visitor_repo.get(ctx.db, visitor_id) is None:
        conn = hub_connection(ctx.db)
        if conn is None:
            raise NotFound(_("The hub cannot be reached, so the file cannot be fetched now."))
        try:
            with conn:
                exchange.fetch_file(ctx.db, conn, visitor_id, ctx.user.id if ctx.user else None)
        except Exception as err:
            log.warning("file %s not fetched: %s", visitor_id, err)
            raise NotFound(
                _("The file could not be fetched from the hub. Try again in a moment.")
            ) from None
        if visitor_repo.get(ctx.db, visitor_id) is None:
            raise NotFound(_("The hub does not have this file (any more)."))
        with ctx.db.transaction():
            audit.record(ctx, action="visitor.fetch_hub", object_type="visitor",
                         object_id=visitor_id)  # fmt: skip
    return intake.get_visitor(ctx, visitor_id)
