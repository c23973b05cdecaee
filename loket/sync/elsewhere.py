"""Finding a visitor registered at another PC or desk (docs/sync-staff.md).

`search(ctx, query)`: on an enrolled PC whose hub answers, the visitors the hub knows that
this PC does not hold yet -- by exact V-nummer or BSN, or every word of a name -- with the
desk of their latest visit.  Offline it says so; the PC's own search still finds what the
PC holds.  `fetch(ctx, visitor_id)`: opening one brings the file to this PC (a sync round:
push, then the pull that carries it) and returns it.  Both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from loket.counter import intake
from loket.counter.textfold import digits
from loket.db import hub_search
from loket.db import visitors as visitor_repo
from loket.errors import NotFound
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

LIMIT = 20
MIN_WORD = 2


@dataclass(frozen=True)
class Elsewhere:
    visitor_id: str
    given_names: str
    family_name: str
    date_of_birth: str | None
    desk: str | None  # the desk of the latest visit, when there is one


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
    words = [w for w in text.split() if len(w) >= MIN_WORD]
    if not (len(number) in (9, 10) and number == text.replace(" ", "")) and not words:
        return Found([], True)
    from loket.sync.reading import hub_connection

    conn = hub_connection(ctx.db)
    if conn is None:  # no answer, or none in the last round
        return Found([], False)
    with conn:
        if len(number) in (9, 10) and number == text.replace(" ", ""):
            column = "v_number" if len(number) == 10 else "bsn"
            rows = hub_search.by_number(conn, column, number, limit)
            subject = number
        else:
            rows = hub_search.by_name(conn, words, limit)
            subject = None
    hits = [
        Elsewhere(r[0], r[1] or "", r[2] or "", r[3], r[4])
        for r in rows
        if visitor_repo.get(ctx.db, r[0]) is None  # the PC's own search shows those
    ]
    with ctx.db.transaction():
        audit.record(
            ctx, action="visitor.search_hub", object_type="visitor", subject=subject,
            detail={"hits": len(hits)},
        )  # fmt: skip
    return Found(hits, True)


def fetch(ctx, visitor_id: str):
    """Bring the file to this PC and return it (the visitor as the kept file, when another
    PC merged it)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    from loket.sync import run

    if visitor_repo.get(ctx.db, visitor_id) is None:
        result = run.sync_now(ctx)
        if visitor_repo.get(ctx.db, visitor_id) is None:
            raise NotFound(
                _("The file could not be fetched from the hub. Try again in a moment.")
                if result.ok
                else _("The hub cannot be reached, so the file cannot be fetched now.")
            )
    return intake.get_visitor(ctx, visitor_id)
