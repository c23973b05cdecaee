"""The supervisors' referral log on screen: the rows an export with the same filters would
hold, pseudonymised, newest first, readable page by page however long the list is.

Why it is built this way:
- Same rows as the export: the filters are checked with the export's rules and messages,
  and the queries take `loket.db.exports.Filters` and the export's joins, so "N referrals"
  here is the number of rows the export writes.
- Pseudonymised like the default export: no names, BSN, V-number, phone or free text; the
  visitor appears as a keyed hash of their id under a random key made for this opening
  only (never stored), so repeat visits show within the log but two openings cannot be
  linked.
- EXPORT_PSEUDONYMISED, not OVERVIEW_READ: the log shows row by row what the pseudonymised
  export writes, while the overview only shows suppressed totals.  Opening it is audited
  like an export (`referral_log.open`, with the filters, no identifying data).
- Paging by key (see `loket.db.referral_log`): `open_log()` returns a `ReferralLog`; its
  `scan()` runs once, off the UI thread, on a connection of its own, and gives the first
  page early and then `Anchors` (total + the key of every page's first row).  With those,
  `page(k)` is one index seek and at most PAGE rows, wherever k lies.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from loket.clock import today as local_today
from loket.db import exports as export_repo
from loket.db import referral_log as repo
from loket.db.exports import Filters
from loket.db.referral_log import Key
from loket.privacy import audit
from loket.privacy.permissions import Permission
from loket.reports import pseudonyms
from loket.reports.exports import check_filters, filters_detail

# Rows per page: a screen shows ~25, so a scroll step reads one or two pages of 50 (~1 ms
# each on a million referrals); the anchors are one key per page (20,000 for a million).
PAGE = 50
DEFAULT_MONTHS = 3


@dataclass(frozen=True)
class LogRow:
    key: Key
    visit_date: str
    desk: str
    staff: str | None
    needs: str | None
    partner: str
    service: str
    handover: str
    status: str
    follow_up_date: str | None
    visitor: str  # pseudonym, the same for one visitor within a calendar quarter


@dataclass(frozen=True)
class Anchors:
    """The result of the one pass over the selection: keys[k] starts page k."""

    total: int
    keys: tuple[Key, ...]
    page_size: int

    @property
    def pages(self) -> int:
        return len(self.keys)

    def page_length(self, k: int) -> int:
        if not 0 <= k < len(self.keys):
            return 0
        return min(self.page_size, self.total - k * self.page_size)


def default_period(today: date | None = None) -> tuple[str, str]:
    """The last three months up to today: what a supervisor usually looks at first."""
    end = today or local_today()
    month = end.month - DEFAULT_MONTHS
    year = end.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(end.day, _days_in_month(year, month))
    return date(year, month, day).isoformat(), end.isoformat()


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def open_log(
    ctx,
    *,
    date_from: date | str,
    date_to: date | str,
    desk_code: str | None = None,
    partner: str | None = None,
    need: str | None = None,
    status: str | None = None,
    page_size: int = PAGE,
) -> ReferralLog:
    """Check permission and filters, write the audit entry, return the opened log."""
    ctx.require(Permission.EXPORT_PSEUDONYMISED, object_type="referral")
    filters = check_filters(
        ctx,
        date_from=date_from,
        date_to=date_to,
        desk_code=desk_code,
        partner=partner,
        need=need,
        status=status,
    )
    audit.record(
        ctx,
        action="referral_log.open",
        object_type="referral",
        detail=filters_detail(filters),
    )
    return ReferralLog(ctx, filters, page_size)


class ReferralLog:
    """One opening of the log: its checked filters and its pseudonym key.

    `rows_after()` and `page()` read through the context's connection (the UI thread);
    `scan()` opens its own connection and may run on another thread; `stop()` (any thread)
    interrupts a running scan, which then raises `sqlite3.OperationalError`.  `scope`: what
    it covers (`loket.sync.reading` reads it from the hub instead when the hub answers)."""

    scope = "on_its_own"

    def __init__(self, ctx, filters: Filters, page_size: int = PAGE) -> None:
        self.ctx = ctx
        self.filters = filters
        self.page_size = page_size
        self._pseudonym = pseudonyms.pseudonymiser(pseudonyms.key_for(ctx.db, local_today()))
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._stopped = False

    def _rows(self, raw: list[tuple]) -> list[LogRow]:
        pseudonym = self._pseudonym
        return [
            LogRow(
                (r[0], r[1]),
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                pseudonym(r[2]),
            )
            for r in raw
        ]

    def _allowed(self) -> None:
        self.ctx.require(Permission.EXPORT_PSEUDONYMISED, object_type="referral")

    def rows_after(self, after: Key | None, limit: int | None = None) -> list[LogRow]:
        """The rows after `after` (None: from the newest): the list before the scan is done."""
        self._allowed()
        raw = repo.rows_after(self.ctx.db, self.filters, after, limit=limit or self.page_size)
        return self._rows(raw)

    def page(self, anchors: Anchors, k: int) -> list[LogRow]:
        """Page k between its anchor and the next one.  Fewer rows than expected when
        referrals were removed since the scan (retention); none for a page out of range."""
        self._allowed()
        if not 0 <= k < anchors.pages:
            return []
        lower = anchors.keys[k + 1] if k + 1 < anchors.pages else None
        raw = repo.rows(
            self.ctx.db,
            self.filters,
            upper=anchors.keys[k],
            lower=lower,
            limit=anchors.page_size,
        )
        return self._rows(raw)

    def scan(self, first_page: Callable[[list[LogRow]], None] | None = None) -> Anchors:
        """The one pass: first page (handed to `first_page` as soon as it is read), then
        total and anchors, all from one snapshot of the database."""
        self._allowed()
        with export_repo.reader(self.ctx.db) as conn:
            with self._lock:
                if self._stopped:
                    raise sqlite3.OperationalError("interrupted")
                self._conn = conn
            try:
                if first_page is not None:
                    first_page(self._rows(repo.rows(conn, self.filters, limit=self.page_size)))
                total, keys = repo.anchors(conn, self.filters, self.page_size)
            finally:
                with self._lock:
                    self._conn = None
        return Anchors(total, tuple(keys), self.page_size)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._conn is not None:
                self._conn.interrupt()

    def close(self) -> None:
        """Let go of this opening (stops a running scan)."""
        self.stop()
