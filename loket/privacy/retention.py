"""Retention: personal data is kept only as long as it is needed (AVG art. 5(1)(e)).

Each record type has its own period, counted from the visitor's last activity (settings
`retention.visit_months`, `.referral_months`, `.letter_months`, `.visitor_months`; default
24 months).  When a period has passed, that record type loses what identifies or describes
the person -- free text (of visits, their needs and appointments, and of referrals), health
notes, stored letter PDFs -- and when the visitor period has
passed the visitor row itself is anonymised: names, numbers, birth date and contact details
removed, `anonymised_at` set as a tombstone.  Dates, desks, topics, needs, statuses and
languages stay, so the statistics still count.  Deletion is never a silent hole.

Drafts (unsaved forms) are deleted `retention.draft_days` (default 30) after they were last
written.

`run()` is the periodic job (`loket retention run [--dry-run]`, and once a day at app
start-up off the UI thread through `run_if_due()`); `loket.privacy.rights.erase_visitor`
applies the same anonymisation to one visitor at once, on request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from loket import settings
from loket.clock import now_iso, today, utcnow
from loket.context import Context, system_context
from loket.db import appointments as appointment_repo
from loket.db import retention as repo
from loket.db.connection import Database
from loket.privacy import audit
from loket.privacy.permissions import Permission

RECORD_TYPES = ("visit", "referral", "letter", "visitor")


@dataclass
class RetentionResult:
    dry_run: bool
    cutoffs: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after counting."""


def months_before(moment: datetime, months: int) -> datetime:
    """The same day-of-month `months` earlier (the 31st falls back to the month's last day)."""
    year, month = moment.year, moment.month - months
    while month < 1:
        month += 12
        year -= 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def cutoffs(db: Database, now: datetime | None = None) -> dict[str, str]:
    now = now or utcnow()
    result = {}
    for kind in RECORD_TYPES:
        months = settings.integer(db, f"retention.{kind}_months")
        result[kind] = months_before(now, months).strftime("%Y-%m-%dT%H:%M:%SZ")
    days = settings.integer(db, "retention.draft_days")
    result["draft"] = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return result


def anonymise(
    ctx: Context,
    visitor_ids: tuple[str, tuple],
    reason: str,
    note: str | None = None,
    category: str | None = None,
) -> int:
    """Anonymise the visitor rows selected by `visitor_ids`; each one is logged.  Runs inside
    the caller's transaction."""
    _require_removal(ctx)
    at = now_iso()
    rows = repo.visitors_to_anonymise(ctx.db, visitor_ids)
    for row in rows:
        repo.anonymise_visitor(ctx.db, row["id"], at)
        repo.delete_drafts(ctx.db, drafts_naming(ctx.db, row))
        detail = {"reason": reason}
        if note:
            detail["note"] = note
        if category:
            detail["category"] = category
        audit.record(
            ctx,
            action="visitor.anonymise",
            object_type="visitor",
            object_id=row["id"],
            subject=row["v_number"] or row["bsn"],
            detail=detail,
        )
    return len(rows)


def _fold(text) -> str:
    return " ".join(str(text or "").casefold().split())


def _digits(text) -> str:
    return "".join(ch for ch in str(text or "") if ch.isdigit())


def drafts_naming(db: Database, visitor) -> list[str]:
    """Unsaved forms not tied to a record that name this visitor: by V-nummer or BSN, by the
    record they edit, or by given names and family name together."""
    numbers = {_digits(visitor["v_number"]), _digits(visitor["bsn"])} - {""}
    name = (_fold(visitor["given_names"]), _fold(visitor["family_name"]))
    found = []
    for draft in repo.unlinked_drafts(db):
        try:
            payload = json.loads(draft["payload"])
        except ValueError:
            continue
        if not isinstance(payload, dict):
            continue
        if payload.get("editing_id") == visitor["id"]:
            found.append(draft["id"])
        elif numbers & {_digits(payload.get("v_number")), _digits(payload.get("bsn"))}:
            found.append(draft["id"])
        elif (
            all(name)
            and (
                _fold(payload.get("given_names")),
                _fold(payload.get("family_name")),
            )
            == name
        ):
            found.append(draft["id"])
    return found


def _require_removal(ctx: Context) -> None:
    """Removing personal data: the daily run (system), or a user allowed to erase or to run
    retention."""
    if ctx.user is None and ctx.origin == "system":
        return
    if not (ctx.can(Permission.VISITOR_ERASE) or ctx.can(Permission.RETENTION_RUN)):
        ctx.require(Permission.VISITOR_ERASE, object_type="visitor")


def clear_visits(db: Database, visitor_ids: tuple[str, tuple]) -> int:
    """A visit's free text, health note, need notes and the free text of its appointments
    (place, whom to ask for, papers to bring: typed by staff, so they may say anything).
    Appointments belong to the visit, so they follow the visit period and count as visits."""
    return repo.clear_visits(db, visitor_ids) + appointment_repo.clear_for_visitors(db, visitor_ids)


def clear_records(ctx: Context, visitor_ids: tuple[str, tuple]) -> dict[str, int]:
    """Remove free text, health notes and letter PDFs of the selected visitors' records."""
    _require_removal(ctx)
    return {
        "visit": clear_visits(ctx.db, visitor_ids),
        "referral": repo.clear_referrals(ctx.db, visitor_ids),
        "letter": repo.clear_letters(ctx.db, visitor_ids),
    }


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for kind, n in more.items():
        counts[kind] = counts.get(kind, 0) + n


BATCH = 200  # visitors anonymised per transaction, so the app is never kept waiting long


def run(ctx: Context, *, dry_run: bool = False, now: datetime | None = None) -> RetentionResult:
    """Apply every retention period once.  A dry run counts what would change and changes
    nothing (the work is done in a transaction that is rolled back).  Visitors are
    anonymised in batches of BATCH, each batch in its own transaction, so that a large
    backlog never holds the database for long."""
    if ctx.user is not None or ctx.origin != "system":
        ctx.require(Permission.RETENTION_RUN, object_type="retention")
    db = ctx.db
    result = RetentionResult(dry_run=dry_run, cutoffs=cutoffs(db, now))
    c = result.cutoffs
    expired = repo.expired_visitors_sql(c["visitor"], anonymised=False)
    db.execute("PRAGMA secure_delete = ON")
    try:
        try:
            with db.transaction():
                result.counts["visit"] = clear_visits(db, repo.expired_visitors_sql(c["visit"]))
                result.counts["referral"] = repo.clear_referrals(
                    db, repo.expired_visitors_sql(c["referral"])
                )
                result.counts["letter"] = repo.clear_letters(
                    db, repo.expired_visitors_sql(c["letter"])
                )
                # Unsaved forms nobody came back to (a draft may hold a new visitor's name).
                result.counts["draft"] = repo.delete_old_drafts(db, c["draft"])
                if dry_run:
                    _add(result.counts, clear_records(ctx, expired))
                    result.counts["visitor"] = len(repo.visitors_to_anonymise(db, expired))
                    raise _DryRun
        except _DryRun:
            audit.record(
                ctx,
                action="retention.run",
                object_type="retention",
                detail={"dry_run": True, "counts": result.counts},
            )
            return result
        result.counts["visitor"] = 0
        ids = [row["id"] for row in repo.visitors_to_anonymise(db, expired)]
        for start in range(0, len(ids), BATCH):
            batch = repo.visitor_list_sql(ids[start : start + BATCH])
            with db.transaction():
                # An anonymised visitor keeps no free text either, whatever the record
                # periods say (the visitor period may be the shortest).
                _add(result.counts, clear_records(ctx, batch))
                result.counts["visitor"] += anonymise(ctx, batch, "retention")
        with db.transaction():
            if result.total:
                repo.optimise_search_index(db)
            audit.record(
                ctx,
                action="retention.run",
                object_type="retention",
                detail={"dry_run": False, "counts": result.counts},
            )
    finally:
        db.execute("PRAGMA secure_delete = OFF")
    if not dry_run:
        db.checkpoint_truncate()  # nothing removed stays behind in the -wal file
    return result


def run_if_due(db: Database, *, day: date | None = None) -> RetentionResult | None:
    """The daily run at start-up: at most once per calendar day per database."""
    day = day or today()
    if settings.value(db, "retention.last_run") == day.isoformat():
        return None
    ctx = system_context(db)
    result = run(ctx)
    settings.store_internal(ctx, "retention.last_run", day.isoformat())
    return result
