"""Possibly the same visitor: merge tasks, and a merge of two files that staff decide.

Two counters (or two PCs once they sync) may register one person twice.  Loket finds such
pairs (the same V-nummer or BSN, or a name that the name rules match with the same date of
birth) and lists them as merge tasks; it never merges by itself.  A merge keeps one file
with the fields staff picked from either, moves everything of the other file (visits, and
with them referrals and appointments; letters; drafts) to it, and leaves the other file as
a pointer (`merged_into`) so that an id another PC still holds opens the kept file.  All in
one transaction, with its audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from loket.context import Context
from loket.counter import intake
from loket.db import merge as repo
from loket.db import reference
from loket.db import visitors as visitor_repo
from loket.errors import ConflictError, NotFound, ValidationError
from loket.i18n import N_, _
from loket.model import Visitor, from_row
from loket.privacy import audit
from loket.privacy.permissions import Permission

# The fields staff choose between, in the order the merge view shows them, with labels.
FIELDS: tuple[tuple[str, str], ...] = (
    ("given_names", N_("Given names")),
    ("family_name", N_("Family name")),
    ("latin_given_names", N_("Given names (Latin letters)")),
    ("latin_family_name", N_("Family name (Latin letters)")),
    ("date_of_birth", N_("Date of birth")),
    ("v_number", N_("V-number")),
    ("bsn", N_("BSN")),
    ("phone", N_("Phone")),
    ("email", N_("E-mail")),
    ("address", N_("Address")),
    ("postal_code", N_("Postcode")),
    ("city", N_("City")),
    ("preferred_language", N_("Language")),
    ("interpreter_needed", N_("Interpreter needed")),
    ("interpreter_language", N_("Interpreter language")),
)
FIELD_NAMES = tuple(name for name, _label in FIELDS)
REASONS = {
    "v_number": N_("the same V-number"),
    "bsn": N_("the same BSN"),
    "name_dob": N_("the same name and date of birth"),
}
SCAN_SETTING = "merge_scan_rowid"
SCAN_BATCH = 500
SCAN_ROWS = 20_000  # per call: a sync round every minute goes on where the last stopped


@dataclass(frozen=True)
class MergeTask:
    id: str
    visitor_a: str
    visitor_b: str
    reason: str
    status: str
    created_at: str

    @property
    def reason_text(self) -> str:
        return _(REASONS.get(self.reason, self.reason))


def _task(row) -> MergeTask:
    return MergeTask(
        row["id"],
        row["visitor_a"],
        row["visitor_b"],
        row["reason"],
        row["status"],
        row["created_at"],
    )


def differing_fields(a: Visitor, b: Visitor) -> list[str]:
    """The fields on which two files differ (empty and missing count as the same)."""
    return [n for n in FIELD_NAMES if (getattr(a, n) or None) != (getattr(b, n) or None)]


# -- finding pairs ----------------------------------------------------------------------------
def scan(ctx: Context, *, max_rows: int = SCAN_ROWS) -> int:
    """Look for possible duplicates and make a task for each new pair; returns how many.

    Same numbers: over all files, one index-only GROUP BY per number (a merged-away or
    anonymised file has none).  Name and date of birth: for the files added since the last
    scan (at most `max_rows` per call; the next call goes on), each compared with those born
    the same day, with the search's name rules -- everyone against everyone would not scale.
    The looking happens outside any transaction, so the counter's own writes never wait for
    it; each batch's new tasks are written in one short transaction."""
    ctx.require(Permission.VISITOR_READ, object_type="merge_task")
    desk_id = ctx.desk.id if ctx.desk else None
    found = [
        (a, b, column)
        for column in ("v_number", "bsn")
        for a, b in repo.same_number_pairs(ctx.db, column, 1000)
    ]
    new = _write_tasks(ctx, found, desk_id, None)
    done = 0
    while done < max_rows:
        last = int(reference.get_setting(ctx.db, SCAN_SETTING) or 0)
        rows = repo.visitors_after(ctx.db, last, min(SCAN_BATCH, max_rows - done))
        if not rows:
            break
        pairs = [
            (row["id"], other, "name_dob")
            for row in rows
            if row["merged_into"] is None and row["anonymised_at"] is None
            for other in _same_person(ctx, row)
        ]
        new += _write_tasks(ctx, pairs, desk_id, rows[-1]["_rowid"])
        done += len(rows)
    return new


def _write_tasks(ctx: Context, pairs: list, desk_id: str | None, rowid: int | None) -> int:
    new = 0
    with ctx.db.transaction():
        for a, b, reason in pairs:
            new += repo.add_task(ctx.db, a, b, reason, desk_id)
        if rowid is not None:
            reference.set_setting(ctx.db, SCAN_SETTING, str(rowid))
        if new:
            audit.record(
                ctx, action="merge_task.found", object_type="merge_task", detail={"new": new}
            )
    return new


def _same_person(ctx: Context, row) -> list[str]:
    if not row["date_of_birth"]:
        return []
    spellings = [
        f"{row['given_names']} {row['family_name']}",
        f"{row['latin_given_names']} {row['latin_family_name']}",
    ]
    found = []
    for reason, other in visitor_repo.find_duplicates(
        ctx.db, v_number=None, bsn=None, date_of_birth=row["date_of_birth"], exclude_id=row["id"]
    ):
        if reason == "name_dob" and other["merged_into"] is None:
            if intake._names_match(spellings, other):
                found.append(other["id"])
    return found


def open_tasks(ctx: Context, *, limit: int = 200) -> list[MergeTask]:
    """The desk's open merge tasks, oldest first (the supervisor's queue)."""
    ctx.require(Permission.VISITOR_MERGE, object_type="merge_task")
    desk_id = ctx.desk.id if ctx.desk else None
    return [_task(r) for r in repo.open_tasks(ctx.db, desk_id=desk_id, limit=limit)]


def tasks_of(ctx: Context, visitor_id: str) -> list[MergeTask]:
    """Open tasks about this visitor (the badge on the file)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    return [_task(r) for r in repo.open_tasks_of(ctx.db, visitor_id)]


def with_open_tasks(ctx: Context, visitor_ids: list[str]) -> set[str]:
    """Which of these visitors have an open merge task (the badge in the search list)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor")
    return repo.visitors_with_open_tasks(ctx.db, visitor_ids)


def get_task(ctx: Context, task_id: str) -> MergeTask:
    ctx.require(Permission.VISITOR_MERGE, object_type="merge_task", object_id=task_id)
    row = repo.get_task(ctx.db, task_id)
    if row is None:
        raise NotFound(_("This merge task does not exist."))
    return _task(row)


def pair(ctx: Context, a_id: str, b_id: str) -> tuple[Visitor, Visitor]:
    """Both files, to show side by side (each opening is logged as a view)."""
    ctx.require(Permission.VISITOR_MERGE, object_type="visitor", object_id=a_id)
    return _file(ctx, a_id), _file(ctx, b_id)


def _file(ctx: Context, visitor_id: str) -> Visitor:
    row = visitor_repo.get(ctx.db, visitor_id)
    if row is None:
        raise NotFound(_("This visitor does not exist."))
    visitor = from_row(Visitor, row)
    audit.record(
        ctx,
        action="visitor.view",
        object_type="visitor",
        object_id=visitor_id,
        subject=visitor.v_number or visitor.bsn,
    )
    return visitor


# -- deciding -------------------------------------------------------------------------------
def merge(
    ctx: Context,
    keep_id: str,
    other_id: str,
    *,
    take_from_other: set[str] | frozenset[str] = frozenset(),
    task_id: str | None = None,
) -> Visitor:
    """Merge `other_id` into `keep_id`.  `take_from_other`: the fields whose value comes
    from the other file (every other field keeps the kept file's value).  The result is
    validated as an ordinary edit; on any error nothing changes."""
    ctx.require(Permission.VISITOR_MERGE, object_type="visitor", object_id=keep_id)
    unknown = set(take_from_other) - set(FIELD_NAMES)
    if unknown:
        raise ValidationError.single(
            "fields",
            _("These fields cannot be merged: {names}.").format(names=", ".join(sorted(unknown))),
        )
    if keep_id == other_id:
        raise ConflictError(_("A file cannot be merged with itself."))
    with ctx.db.transaction():
        kept = _usable(ctx, keep_id)
        other = _usable(ctx, other_id)
        merged = replace(kept, **{n: getattr(other, n) for n in take_from_other})
        values = intake.clean_visitor(merged)
        changes = {n: values[n] for n in FIELD_NAMES if n in values}
        changes["last_activity_at"] = (
            max(kept.last_activity_at or "", other.last_activity_at or "") or None
        )
        visitor_repo.update(ctx.db, keep_id, changes)
        moved = repo.move_references(ctx.db, other_id, keep_id)
        repo.mark_merged(ctx.db, other_id, keep_id)
        task = repo.task_for_pair(ctx.db, keep_id, other_id)
        if task_id is not None and (task is None or task["id"] != task_id):
            raise NotFound(_("This merge task does not exist."))
        if task is not None:
            repo.decide_task(ctx.db, task["id"], "merged", ctx.actor, keep_id)
        repo.retarget_tasks(ctx.db, other_id, keep_id, ctx.actor)
        audit.record(
            ctx,
            action="visitor.merged",
            object_type="visitor",
            object_id=keep_id,
            subject=values["v_number"] or values["bsn"],
            detail={
                "merged": other_id,
                "fields_from_merged": sorted(take_from_other),
                "moved": moved,
                "task": task["id"] if task is not None else None,
            },
        )
    return intake.get_visitor(ctx, keep_id, log_view=False)


def _usable(ctx: Context, visitor_id: str) -> Visitor:
    row = visitor_repo.get(ctx.db, visitor_id)
    if row is None:
        raise NotFound(_("This visitor does not exist."))
    visitor = from_row(Visitor, row)
    if visitor.merged_into:
        raise ConflictError(_("This file was already merged into another one."))
    if visitor.anonymised_at:
        raise ConflictError(_("This file was anonymised; it cannot be merged."))
    return visitor


def dismiss(ctx: Context, task_id: str) -> None:
    """Staff looked and these are two people: the pair is not proposed again."""
    ctx.require(Permission.VISITOR_MERGE, object_type="merge_task", object_id=task_id)
    with ctx.db.transaction():
        row = repo.get_task(ctx.db, task_id)
        if row is None:
            raise NotFound(_("This merge task does not exist."))
        if row["status"] != "open":
            raise ConflictError(_("This merge task was already decided."))
        repo.decide_task(ctx.db, task_id, "dismissed", ctx.actor, None)
        audit.record(
            ctx, action="visitor.merge_dismissed", object_type="merge_task", object_id=task_id
        )


def field_label(name: str) -> str:
    return _(dict(FIELDS)[name])
