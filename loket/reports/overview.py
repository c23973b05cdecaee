"""The supervisors' overview: aggregated tables with small counts suppressed.

The same `build()` feeds the overview screen, the PDF summary and the XLSX summary sheet, so
every place shows the same numbers with the same suppression.  A count from 1 up to (not
including) the threshold is shown as "<N": small groups of visitors could otherwise be
recognised.  Zero is shown as 0 (an empty cell reveals nobody).  Charts plot a suppressed
count as zero and label it "<N", so a bar's length does not reveal the number either.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from loket.db import exports as repo
from loket.db import reference
from loket.i18n import N_, _, language
from loket.privacy.permissions import Permission

DEFAULT_SUPPRESS_BELOW = 5
STATUSES = ("proposed", "sent", "accepted", "declined", "completed", "no_show", "cancelled")
STATUS_LABELS = {
    "proposed": N_("Proposed"),
    "sent": N_("Sent"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "completed": N_("Completed"),
    "no_show": N_("Did not come"),
    "cancelled": N_("Cancelled"),
}
TITLES = {
    "month": N_("Visits and referrals per month"),
    "need": N_("Visits and referrals per need"),
    "partner": N_("Referrals per partner"),
    "outcome": N_("Referrals per outcome"),
    "completion": N_("Time from visit to completion"),
    "overdue": N_("Follow-ups overdue (open referrals)"),
}
# Days from the visit to completion, grouped: (lowest, highest or None, label).
DAY_BUCKETS = (
    (0, 7, N_("0–7 days")),
    (8, 14, N_("8–14 days")),
    (15, 30, N_("15–30 days")),
    (31, 60, N_("31–60 days")),
    (61, None, N_("more than 60 days")),
)


@dataclass(frozen=True)
class Cell:
    value: int
    shown: str
    suppressed: bool

    @property
    def plotted(self) -> int:
        """What a chart may draw: nothing for a suppressed count."""
        return 0 if self.suppressed else self.value


@dataclass
class SummaryTable:
    """Title, headers and (when `translate_labels`) row labels are msgids: whoever shows
    the table translates them, so a change of language needs no new query."""

    key: str
    title: str
    headers: list[str]  # first header names the label column
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    chart_columns: tuple[int, ...] = (0,)  # which count columns get a chart of their own
    translate_labels: bool = False

    def label(self, text: str) -> str:
        return _(text) if self.translate_labels else text


@dataclass
class Overview:
    filters: repo.Filters
    suppress_below: int
    facts: list[tuple[str, Cell]]  # (msgid, count)
    tables: list[SummaryTable]
    referrals: int = 0  # referrals in the selection, unsuppressed (for progress, not display)

    def table(self, key: str) -> SummaryTable:
        return next(t for t in self.tables if t.key == key)


def suppress_threshold(db) -> int:
    """The setting `suppress_below` (default 5); 1 switches suppression off."""
    raw = reference.get_setting(db, "suppress_below")
    try:
        value = int(raw) if raw is not None else DEFAULT_SUPPRESS_BELOW
    except ValueError:
        value = DEFAULT_SUPPRESS_BELOW
    return max(1, value)


def cell(value: int | None, below: int) -> Cell:
    value = int(value or 0)
    if 0 < value < below:
        return Cell(value, f"<{below}", True)
    return Cell(value, str(value), False)


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def median_from_histogram(histogram: list[tuple[int, int]]) -> float | None:
    total = sum(n for _d, n in histogram)
    if total == 0:
        return None
    ordered = sorted(histogram)

    def nth(k: int) -> int:  # the k-th smallest value, 0-based
        seen = 0
        for days, n in ordered:
            seen += n
            if k < seen:
                return days
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def build(
    conn: sqlite3.Connection,
    filters: repo.Filters,
    *,
    suppress_below: int,
    today: date,
    queries=repo,
) -> Overview:
    """Every aggregate of the overview, read on one connection (one snapshot).  `queries`:
    where the aggregates are counted (`loket.db.exports` on this PC's file; the hub's
    `loket.db.hub_log`, on its connection, when `loket.sync.reading` reads the hub)."""
    below = suppress_below
    label_col = "label_en" if language() == "en" else "label_nl"

    visits = dict(queries.visits_per_month(conn, filters))
    referrals: Counter = Counter()
    statuses: Counter = Counter()
    handovers: Counter = Counter()
    overdue_by_desk: Counter = Counter()
    histogram_c: Counter = Counter()
    partners: dict[str, list] = {}  # organisation id -> [name, referrals, completed]
    for m, status, handover, org_id, org_name, desk, late, days, n in queries.referral_groups(
        conn, filters, today.isoformat()
    ):
        referrals[m] += n
        statuses[status] += n
        handovers[handover] += n
        entry = partners.setdefault(org_id, [org_name, 0, 0])
        entry[1] += n
        if status == "completed":
            entry[2] += n
        if late:
            overdue_by_desk[desk] += n
        if days is not None:
            histogram_c[days] += n
    histogram = sorted(histogram_c.items())

    month = SummaryTable(
        "month",
        TITLES["month"],
        [N_("Month"), N_("Visits"), N_("Referrals")],
        chart_columns=(0, 1),
    )
    for m in sorted(set(visits) | set(referrals)):
        month.rows.append((m, [cell(visits.get(m), below), cell(referrals.get(m), below)]))

    need = SummaryTable(
        "need",
        TITLES["need"],
        [N_("Need"), N_("Visits"), N_("Referrals")],
        chart_columns=(0, 1),
    )
    for _code, label, n_visits, n_refs in queries.per_need(conn, filters, label_col):
        need.rows.append((label, [cell(n_visits, below), cell(n_refs, below)]))

    partner = SummaryTable(
        "partner", TITLES["partner"], [N_("Partner"), N_("Referrals"), N_("Completed")]
    )
    for name, n, done in sorted(partners.values(), key=lambda e: (-e[1], e[0])):
        partner.rows.append((name, [cell(n, below), cell(done, below)]))

    outcome = SummaryTable(
        "outcome",
        TITLES["outcome"],
        [N_("Status"), N_("Referrals")],
        translate_labels=True,
    )
    for status in STATUSES:
        if statuses.get(status):
            outcome.rows.append((STATUS_LABELS[status], [cell(statuses[status], below)]))

    timing = SummaryTable(
        "completion",
        TITLES["completion"],
        [N_("Days"), N_("Referrals")],
        translate_labels=True,
    )
    for low, high, label in DAY_BUCKETS:
        n = sum(c for d, c in histogram if d >= low and (high is None or d <= high))
        timing.rows.append((label, [cell(n, below)]))

    overdue = SummaryTable("overdue", TITLES["overdue"], [N_("Desk"), N_("Referrals")])
    for desk in sorted(overdue_by_desk):
        overdue.rows.append((desk, [cell(overdue_by_desk[desk], below)]))

    completed = statuses.get("completed", 0)
    median = median_from_histogram(histogram)
    if median is None or 0 < completed < below:
        # no median, or one taken over fewer referrals than may be shown
        median_shown = Cell(0, "–", median is not None)
    else:
        median_shown = Cell(round(median), f"{median:g}", False)
    facts: list[tuple[str, Cell]] = [
        (N_("Visits"), cell(sum(visits.values()), below)),
        (N_("Referrals"), cell(sum(referrals.values()), below)),
        (N_("Warm handovers"), cell(handovers.get("warm"), below)),
        (N_("Completed"), cell(completed, below)),
        (N_("Median days from visit to completion"), median_shown),
        (N_("Follow-ups overdue"), cell(sum(overdue_by_desk.values()), below)),
    ]
    tables = [month, need, partner, outcome, timing, overdue]
    return Overview(filters, below, facts, tables, referrals=sum(referrals.values()))


def overview(
    ctx, filters: repo.Filters, *, today: date | None = None, suppress_below: int | None = None
) -> Overview:
    """The overview for a supervisor (OVERVIEW_READ).  Reads on a connection of its own, so
    it may run off the UI thread."""
    from loket.clock import today as local_today

    ctx.require(Permission.OVERVIEW_READ, object_type="referral")
    below = suppress_below if suppress_below is not None else suppress_threshold(ctx.db)
    with repo.reader(ctx.db) as conn:
        return build(conn, filters, suppress_below=below, today=today or local_today())
