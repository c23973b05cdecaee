"""Reading across PCs and desks: the supervisors' referral log from the hub when it answers.

`open_referral_log(ctx, ...)` checks permission and filters exactly as the PC's own log
(`loket.referrals.log.open_log`, audited the same way) and then:
- on an enrolled PC whose hub answers: the log of every PC, read at the hub -- a desk
  supervisor's of their own desk (another desk is refused with a sentence), a national
  supervisor's (an account without a desk) of every desk or the one chosen;
- otherwise the PC's own file, and the log says that it shows this PC only.
The rows, columns, pseudonyms and order are those of the PC's log (`loket.db.hub_log`).
The overview and the exports (CSV, XLSX, PDF; pseudonymised or with names) read the hub the
same way and say what they cover.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from loket.db import hub_log
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from loket.referrals import log as local_log
from loket.referrals.log import PAGE, Anchors, LogRow, ReferralLog

HUB_DESK, HUB_ALL, THIS_PC, ON_ITS_OWN = "hub_desk", "hub_all", "this_pc", "on_its_own"


def scope_text(scope: str, desk_code: str | None = None) -> str:
    """What the log covers, in one sentence (shown above it)."""
    if scope == HUB_DESK:
        return _("From the hub: every PC of desk {desk}.").format(desk=desk_code or "")
    if scope == HUB_ALL:
        return _("From the hub: every PC of every desk.")
    if scope == THIS_PC:
        return _("The hub cannot be reached: this shows the referrals of this PC only.")
    return ""


def national(ctx) -> bool:
    """A supervisor account without a desk reads every desk; a desk's supervisor theirs."""
    return ctx.user is not None and not getattr(ctx.user, "desk_id", None)


def hub_connection(db):
    """A connection to the hub as this PC, or None (not enrolled, no answer now, or none in
    the last sync round)."""
    from loket.sync import run

    if not run.is_enrolled(db):
        return None
    from loket.db import outbox

    if outbox.get_state(db, "hub_reachable") == "0":
        # the last round found no hub: say "this PC only" at once instead of waiting for a
        # connection to time out (the next round, within a minute, looks again)
        return None
    try:
        return run.connect(db)
    except Exception:  # unreachable, refused, no certificate: the PC's own file then
        return None


class HubReferralLog(ReferralLog):
    """The log read at the hub; the same interface as the PC's (`rows_after`, `page`,
    `scan`, `stop`).  One connection for the UI thread's pages, one per scan."""

    def __init__(self, ctx, filters, page_size: int, conn, scope: str) -> None:
        super().__init__(ctx, filters, page_size)
        self.scope = scope
        self._ui_conn = conn
        self._scan_conn = None

    def rows_after(self, after, limit: int | None = None) -> list[LogRow]:
        self._allowed()
        raw = hub_log.rows_after(self._ui_conn, self.filters, after, limit=limit or self.page_size)
        return self._rows(raw)

    def page(self, anchors: Anchors, k: int) -> list[LogRow]:
        self._allowed()
        if not 0 <= k < anchors.pages:
            return []
        lower = anchors.keys[k + 1] if k + 1 < anchors.pages else None
        raw = hub_log.rows(
            self._ui_conn, self.filters, upper=anchors.keys[k], lower=lower,
            limit=anchors.page_size,
        )  # fmt: skip
        return self._rows(raw)

    def scan(self, first_page=None) -> Anchors:
        self._allowed()
        conn = hub_connection(self.ctx.db)
        if conn is None:
            raise LoketError(_("The hub cannot be reached any more. Press F5 to read again."))
        try:
            with self._lock:
                self._scan_conn = conn
            if first_page is not None:
                first_page(self._rows(hub_log.rows(conn, self.filters, limit=self.page_size)))
            total, keys = hub_log.anchors(conn, self.filters, self.page_size)
        finally:
            with self._lock:
                self._scan_conn = None
            conn.close()
        return Anchors(total, tuple(keys), self.page_size)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            conn = self._scan_conn
        if conn is not None:
            threading.Thread(target=conn.cancel, daemon=True).start()

    def close(self) -> None:
        self.stop()
        self._ui_conn.close()


def _hub_filters(ctx, checked, conn):
    """The filters as read at the hub and what they cover: a desk supervisor's are their
    own desk's (another desk is refused with a sentence), a national supervisor's as chosen."""
    if national(ctx):
        return checked, (HUB_DESK if checked.desk_code else HUB_ALL)
    own = ctx.desk.code if ctx.desk is not None else None
    if checked.desk_code and checked.desk_code != own:
        conn.close()
        raise ValidationError.single(
            "desk_code",
            _("From the hub you see the referrals of your own desk ({desk}) only.").format(
                desk=own or "-"
            ),
        )
    from dataclasses import replace

    return replace(checked, desk_code=own), HUB_DESK


def open_referral_log(ctx, *, page_size: int = PAGE, **filters) -> ReferralLog:
    """The log for these filters, from the hub when it answers (see the module)."""
    log = local_log.open_log(ctx, page_size=page_size, **filters)
    conn = hub_connection(ctx.db)
    if conn is None:
        log.scope = THIS_PC if _enrolled(ctx.db) else ON_ITS_OWN
        return log
    checked, scope = _hub_filters(ctx, log.filters, conn)
    return HubReferralLog(ctx, checked, page_size, conn, scope)


def export_text(scope: str, desk_code: str | None = None, identifiable: bool = False) -> str:
    """What an export's file covers, in one or two sentences (shown when it is written)."""
    if scope == HUB_DESK:
        text = _("The file holds the referrals of every PC of desk {desk}, read at the hub.")
        text = text.format(desk=desk_code or "")
    elif scope == HUB_ALL:
        text = _("The file holds the referrals of every PC of every desk, read at the hub.")
    elif scope == THIS_PC:
        text = _("The hub cannot be reached: the file holds the referrals of this PC only.")
    else:
        text = ""
    if identifiable:
        names = _("Contains names and numbers: handle as confidential.")
        text = f"{text} {names}".strip()
    return text


@contextmanager
def _snapshot(conn):
    """One read-only snapshot at the hub for every query inside (counts and rows agree)."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def export_referrals(ctx, **kwargs):
    """`loket.reports.exports.export_referrals` read at the hub when it answers (the same
    desks as the log): CSV, XLSX and PDF, pseudonymised or with names, the rows and the
    summary (the overview, counted at the hub) in one snapshot; otherwise this PC's file.
    The same permission checks, filters and audit entry as the PC's own export (which also
    records what the rows `covers`).  Returns (result, scope, the desk the rows are of or
    None)."""
    from loket.reports import exports

    ctx.require(exports.Permission.EXPORT_PSEUDONYMISED, object_type="referral")
    if kwargs.get("identifiable"):
        ctx.require(exports.Permission.EXPORT_IDENTIFIABLE, object_type="referral")
    conn = hub_connection(ctx.db)
    if conn is None:
        scope = THIS_PC if _enrolled(ctx.db) else ON_ITS_OWN
        return exports.export_referrals(ctx, **kwargs), scope, kwargs.get("desk_code")
    try:
        checked = exports.check_filters(
            ctx, **{k: kwargs.get(k) for k in ("date_from", "date_to", "desk_code", "partner",
                                               "need", "status")}
        )  # fmt: skip
        checked, scope = _hub_filters(ctx, checked, conn)

        @contextmanager
        def at_hub(_filters):
            with _snapshot(conn):
                yield conn, hub_log

        result = exports.export_referrals(
            ctx, **{**kwargs, "desk_code": checked.desk_code}, read_from=at_hub, covers=scope
        )
    finally:
        conn.close()
    return result, scope, checked.desk_code


def overview(ctx, filters, *, suppress_below: int, today=None):
    """`loket.reports.overview.overview`, counted at the hub when it answers (the log's
    desks).  Returns (the Overview, scope, the desk it is of or None)."""
    from loket.clock import today as local_today
    from loket.reports import overview as core
    from loket.reports.exports import check_filters

    ctx.require(core.Permission.OVERVIEW_READ, object_type="referral")
    conn = hub_connection(ctx.db)
    if conn is None:
        scope = THIS_PC if _enrolled(ctx.db) else ON_ITS_OWN
        result = core.overview(ctx, filters, suppress_below=suppress_below, today=today)
        return result, scope, filters.desk_code
    try:
        checked = check_filters(
            ctx, date_from=filters.date_from, date_to=filters.date_to,
            desk_code=filters.desk_code, partner=filters.partner, need=filters.need,
            status=filters.status,
        )  # fmt: skip
        checked, scope = _hub_filters(ctx, checked, conn)
        with _snapshot(conn):  # one snapshot for every count
            result = core.build(
                conn, checked, suppress_below=suppress_below, today=today or local_today(),
                queries=hub_log,
            )  # fmt: skip
    finally:
        conn.close()
    return result, scope, checked.desk_code


def _enrolled(db) -> bool:
    from loket.sync import run

    return run.is_enrolled(db)
