"""Exporting the referral log: one row per referral, pseudonymised unless asked otherwise.

Why it is built this way:
- Pseudonymised by default: no names, BSN, V-nummer, phone, free text or health notes.  Each
  visitor gets a keyed hash of their id under the quarter's random key
  (loket/reports/pseudonyms.py): one visitor keeps one code through a quarter's reloads and
  exports, and codes of different quarters cannot be linked.
- The identifiable export needs EXPORT_IDENTIFIABLE and a reason; the reason goes into the
  audit log.  Every export, refusal, failure and cancellation is audited.
- The file is written next to its destination under a temporary name and renamed when
  complete: a failed or cancelled export leaves nothing behind, and an older file of the same
  name survives until the new one is whole.
- Rows stream from the database in batches (see loket.db.exports), so memory stays flat for
  a million referrals.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from loket import validation
from loket.clock import now_iso
from loket.clock import today as local_today
from loket.db import exports as repo
from loket.db import reference
from loket.errors import LoketError, ValidationError, disk_full
from loket.i18n import _, reference_labels
from loket.paths import create_private
from loket.privacy import audit
from loket.privacy.permissions import Permission
from loket.reports import pseudonyms
from loket.reports.formats import Words, records, write_csv, write_xlsx
from loket.reports.overview import STATUSES, build, suppress_threshold

FORMATS = ("csv", "xlsx", "pdf")
DELIMITERS = (";", ",")


class ExportCancelled(LoketError):
    """The user stopped the export; no file was written."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int  # rows written (for a PDF: rows listed)
    total: int  # referrals that matched
    fmt: str
    identifiable: bool


def _iso(value: date | str | None, field: str, errors: dict) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors[field] = _("Fill in a date as YYYY-MM-DD.")
        return ""


def filter_problems(
    ctx,
    *,
    date_from: date | str,
    date_to: date | str,
    desk_code: str | None = None,
    partner: str | None = None,
    need: str | None = None,
    status: str | None = None,
) -> tuple[repo.Filters, dict[str, str]]:
    """The filters of an export or of the referral log on screen, and what is wrong with
    them (field -> message; empty when nothing is): both check them the same way."""
    errors: dict[str, str] = {}
    start = _iso(date_from, "date_from", errors)
    end = _iso(date_to, "date_to", errors)
    if start and end and start > end:
        errors["date_to"] = _("The end date lies before the start date.")
    if desk_code and reference.desk_by_code(ctx.db, desk_code) is None:
        errors["desk"] = _("There is no desk with code {code}.").format(code=desk_code)
    if partner and repo.partner_name(ctx.db, partner) is None:
        errors["partner"] = _("There is no partner with this id.")
    if need and not repo.need_exists(ctx.db, need):
        errors["need"] = _("There is no need with code {code}.").format(code=need)
    if status and status not in STATUSES:
        errors["status"] = _("Unknown status {status}.").format(status=status)
    filters = repo.Filters(
        start, end, desk_code or None, partner or None, need or None, status or None
    )
    return filters, errors


def filters_detail(filters: repo.Filters) -> dict:
    """The filters as an audit entry records them (codes and ids only, nothing personal)."""
    return {
        "from": filters.date_from,
        "to": filters.date_to,
        "desk": filters.desk_code,
        "partner": filters.partner,
        "need": filters.need,
        "status": filters.status,
    }


def check_filters(ctx, **filters) -> repo.Filters:
    """The checked filters (see filter_problems); ValidationError naming every problem."""
    checked, errors = filter_problems(ctx, **filters)
    if errors:
        raise ValidationError(errors)
    return checked


def _check(
    ctx, *, date_from, date_to, fmt, out_path, desk_code, partner, need, status, delimiter
) -> repo.Filters:
    filters, errors = filter_problems(
        ctx,
        date_from=date_from,
        date_to=date_to,
        desk_code=desk_code,
        partner=partner,
        need=need,
        status=status,
    )
    if fmt not in FORMATS:
        errors["format"] = _("Choose CSV, XLSX or PDF.")
    if delimiter not in DELIMITERS:
        errors["delimiter"] = _("The separator is ';' or ','.")
    if not out_path or not Path(out_path).parent.is_dir():
        errors["out"] = _("Choose a file in an existing folder.")
    if errors:
        raise ValidationError(errors)
    return filters


def _is_set(cancel) -> bool:
    if cancel is None:
        return False
    is_set = getattr(cancel, "is_set", None)
    return bool(is_set() if is_set is not None else cancel())


def export_referrals(
    ctx,
    *,
    date_from: date | str,
    date_to: date | str,
    fmt: str,
    out_path: str | os.PathLike,
    desk_code: str | None = None,
    partner: str | None = None,
    need: str | None = None,
    status: str | None = None,
    delimiter: str = ";",
    identifiable: bool = False,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel=None,
    today: date | None = None,
    read_from=None,
    covers: str | None = None,
) -> ExportResult:
    """Write the referral log of a period to `out_path` (CSV, XLSX or PDF).

    `progress(done, total)` is called after each batch; `cancel` is a threading.Event (or a
    callable returning True) checked between batches.  `read_from(filters)`: where the rows
    and the summary are read instead of this PC's file (the hub, `loket.sync.reading`): a
    context manager giving (connection, queries), `queries` a module like
    `loket.db.exports` (`referral_rows`, `count_referrals` and the overview's aggregates)
    that reads on that connection.  `covers`: what those rows cover, for the audit entry."""
    ctx.require(Permission.EXPORT_PSEUDONYMISED, object_type="referral")
    if identifiable:
        ctx.require(Permission.EXPORT_IDENTIFIABLE, object_type="referral")
        if not (reason or "").strip():
            audit.record(
                ctx,
                action="export.referrals",
                object_type="referral",
                result="refused",
                detail={"identifiable": True, "why": "no reason given"},
            )
            raise ValidationError.single(
                "reason", _("An export with names and numbers needs a reason.")
            )
        # One line, no controls or direction overrides, at most 500 characters: it is shown
        # in the audit trail as typed.
        if any(ch in "\r\n\t" for ch in reason):
            raise ValidationError.single(
                "reason", _("The text contains an invisible control character.")
            )
        reason = validation.free_text(reason, "reason", max_length=500)
    filters = _check(
        ctx,
        date_from=date_from,
        date_to=date_to,
        fmt=fmt,
        out_path=out_path,
        desk_code=desk_code,
        partner=partner,
        need=need,
        status=status,
        delimiter=delimiter,
    )
    target = Path(out_path)
    detail = {"format": fmt, **filters_detail(filters), "identifiable": identifiable}
    if identifiable:
        detail["reason"] = reason.strip()
    if covers:
        detail["covers"] = covers
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        create_private(tmp)  # 0600: the CSV, XLSX and PDF writers keep the mode
        written, total = _write(
            ctx,
            filters,
            fmt,
            tmp,
            delimiter=delimiter,
            identifiable=identifiable,
            progress=progress,
            cancel=cancel,
            today=today or local_today(),
            read_from=read_from,
        )
        os.replace(tmp, target)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        cancelled = isinstance(err, ExportCancelled)
        audit.record(
            ctx,
            action="export.referrals",
            object_type="referral",
            result="failed",
            detail={
                **detail,
                "cancelled": cancelled,
                **({} if cancelled else {"error": type(err).__name__}),
            },
        )
        full = disk_full(err)
        if full is not None and full is not err:
            raise full from err
        raise
    audit.record(
        ctx, action="export.referrals", object_type="referral", detail={**detail, "rows": written}
    )
    return ExportResult(target, written, total, fmt, identifiable)


def _write(
    ctx,
    filters: repo.Filters,
    fmt: str,
    tmp: Path,
    *,
    delimiter: str,
    identifiable: bool,
    progress,
    cancel,
    today: date,
    read_from=None,
) -> tuple[int, int]:
    key = pseudonyms.key_for(ctx.db, today)  # the quarter's key (loket/reports/pseudonyms.py)
    words = Words(
        {row["code"]: reference_labels.label(row) for row in reference.codes(ctx.db, "need")}
    )
    source = read_from(filters) if read_from is not None else _local_rows(ctx, filters)
    with source as (conn, queries):
        summary = None
        if fmt != "csv":  # the summary comes first in the file, and gives the total
            summary = build(
                conn,
                filters,
                suppress_below=suppress_threshold(ctx.db),
                today=today,
                queries=queries,
            )
            total = summary.referrals
        else:
            total = queries.count_referrals(conn, filters) if progress else -1

        def on_batch(done: int) -> None:
            if progress is not None:
                progress(done, total)
            if _is_set(cancel):
                raise ExportCancelled(_("The export was cancelled; no file was written."))

        if _is_set(cancel):
            raise ExportCancelled(_("The export was cancelled; no file was written."))
        rows = queries.referral_rows(conn, filters, identifiable=identifiable)
        recs = records(rows, key, identifiable, words)
        try:
            if fmt == "csv":
                with open(tmp, "w", encoding="utf-8-sig", newline="", buffering=1 << 20) as fh:
                    written = write_csv(
                        fh, recs, delimiter=delimiter, identifiable=identifiable, on_batch=on_batch
                    )
            elif fmt == "xlsx":
                written = write_xlsx(
                    str(tmp), recs, identifiable=identifiable, on_batch=on_batch, summary=summary
                )
            else:
                from loket.reports.pdf import write_pdf

                written = write_pdf(
                    str(tmp),
                    summary,
                    recs,
                    identifiable=identifiable,
                    total=total,
                    intro=_intro(ctx, filters, identifiable, today),
                    on_batch=on_batch,
                )
        finally:
            recs.close()
            rows.close()
    return written, total if total >= 0 else written


@contextmanager
def _local_rows(ctx, filters: repo.Filters):
    """This PC's file: its reader connection and its queries."""
    with repo.reader(ctx.db) as conn:
        yield conn, repo


def _intro(ctx, filters: repo.Filters, identifiable: bool, today: date) -> list[str]:
    lines = [_("Period {start} to {end}").format(start=filters.date_from, end=filters.date_to)]
    chosen = [
        f"{_('Desk')}: {filters.desk_code}" if filters.desk_code else "",
        f"{_('Partner')}: {_partner_name(ctx, filters.partner)}" if filters.partner else "",
        f"{_('Need')}: {filters.need}" if filters.need else "",
        f"{_('Status')}: {filters.status}" if filters.status else "",
    ]
    chosen = [c for c in chosen if c]
    if chosen:
        lines.append(_("Filters: {filters}").format(filters="; ".join(chosen)))
    lines.append(_("Made {at} by {user}").format(at=now_iso(), user=ctx.actor or "-"))
    lines.append(
        _("Contains names and numbers: handle as confidential.")
        if identifiable
        else _(
            "Pseudonymised: each visitor appears under one code for the whole quarter"
            " ({period}); codes of another quarter cannot be linked to these."
        ).format(period=pseudonyms.period(today))
    )
    below = suppress_threshold(ctx.db)
    if below > 1:
        lines.append(
            _('In the tables, counts from 1 to {n} are shown as "<{m}".').format(
                n=below - 1, m=below
            )
        )
    return lines


def _partner_name(ctx, partner: str) -> str:
    return repo.partner_name(ctx.db, partner) or partner


@dataclass(frozen=True)
class FilterChoices:
    """What the export dialog offers: (value, label) pairs; labels of statuses are msgids."""

    desks: list[tuple[str, str]]
    partners: list[tuple[str, str]]
    needs: list[tuple[str, str]]
    statuses: list[tuple[str, str]]


def filter_choices(ctx) -> FilterChoices:
    from loket.reports.overview import STATUS_LABELS

    ctx.require(Permission.EXPORT_PSEUDONYMISED, object_type="referral")
    return FilterChoices(
        desks=[(r["code"], r["name"]) for r in reference.desks(ctx.db)],
        partners=[(r["id"], r["name"]) for r in repo.partners(ctx.db)],
        # in the UI language, as everywhere else (Arabic showed "Schulden of geld")
        needs=[(r["code"], reference_labels.label(r)) for r in reference.codes(ctx.db, "need")],
        statuses=[(s, STATUS_LABELS[s]) for s in STATUSES],
    )
