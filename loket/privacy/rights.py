"""The visitor's rights under the AVG: access (art. 15) and erasure (art. 17).

`access_export` writes everything Loket holds about one visitor -- the visitor record,
visits with needs and health notes, referrals with their history and consents, letters,
and who looked at or changed the record (from the audit trail) -- as JSON and as a readable
PDF.  `erase_visitor` anonymises one visitor now, the same way retention does, with the
reason staff give; both are logged.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from loket import validation
from loket.clock import now_iso
from loket.context import Context
from loket.db import appointments as appointment_repo
from loket.db import audit as audit_repo
from loket.db import retention as repo
from loket.db import visitors as visitor_repo
from loket.errors import ConflictError, NotFound, ValidationError
from loket.i18n import _
from loket.privacy import audit, files, retention
from loket.privacy.permissions import Permission

_VISITOR_FIELDS = (
    "given_names",
    "family_name",
    "latin_given_names",
    "latin_family_name",
    "date_of_birth",
    "v_number",
    "bsn",
    "phone",
    "email",
    "address",
    "postal_code",
    "city",
    "preferred_language",
    "interpreter_needed",
    "interpreter_language",
    "created_at",
    "last_activity_at",
    "anonymised_at",
)


def _rows(rows) -> list[dict]:
    return [dict(r) for r in rows]


def _bring(stored: str | None) -> list[str]:
    """The papers to bring, stored as a JSON list (an unreadable value is shown as it is)."""
    try:
        items = json.loads(stored or "[]")
    except ValueError:
        return [stored]
    return [str(x) for x in items] if isinstance(items, list) else [str(items)]


def dossier(ctx: Context, visitor_id: str) -> dict:
    """Everything about one visitor as plain data (no PDFs of letters: those are listed)."""
    ctx.require(Permission.VISITOR_ACCESS_EXPORT, object_type="visitor", object_id=visitor_id)
    db = ctx.db
    row = visitor_repo.get(db, visitor_id)
    if row is None:
        raise NotFound(_("This visitor does not exist."))
    visitor = {k: row[k] for k in _VISITOR_FIELDS}
    visits = _rows(repo.dossier_visits(db, visitor_id))
    needs = _rows(repo.dossier_needs(db, visitor_id))
    appointments = _rows(appointment_repo.dossier_appointments(db, visitor_id))
    for appointment in appointments:
        appointment["bring"] = _bring(appointment["bring"])
    for visit in visits:
        visit["needs"] = [n for n in needs if n["visit_id"] == visit["id"]]
        visit["appointments"] = [a for a in appointments if a["visit_id"] == visit["id"]]
    referrals = _rows(repo.dossier_referrals(db, visitor_id))
    events = _rows(repo.dossier_referral_events(db, visitor_id))
    consents = {c["referral_id"]: c for c in _rows(repo.dossier_consents(db, visitor_id))}
    for ref in referrals:
        ref["events"] = [e for e in events if e["referral_id"] == ref["id"]]
        ref["consent"] = consents.get(ref["id"])
    letters = _rows(repo.dossier_letters(db, visitor_id))
    object_ids = [
        visitor_id,
        *(v["id"] for v in visits),
        *(r["id"] for r in referrals),
        *(x["id"] for x in letters),
        *(a["id"] for a in appointments),
    ]
    refs = [r for n in (row["v_number"], row["bsn"]) if n for r in audit.subject_refs(db, n)]
    trail = [
        {k: a[k] for k in ("at", "actor", "action", "object_type", "result", "origin")}
        for a in audit_repo.about(db, object_ids, refs)
    ]
    return {
        "generated_at": now_iso(),
        "visitor": visitor,
        "visits": visits,
        "referrals": referrals,
        "letters": letters,
        "audit_trail": trail,
    }


def access_export(ctx: Context, visitor_id: str, out: str | Path) -> tuple[Path, Path]:
    """Write `<out>.json` and `<out>.pdf`; returns both paths.  Logged as visitor.access_export."""
    data = dossier(ctx, visitor_id)
    base = Path(out)
    if base.suffix.lower() in (".pdf", ".json"):
        base = base.with_suffix("")
    json_path, pdf_path = base.with_suffix(".json"), base.with_suffix(".pdf")
    from loket.privacy.access_pdf import write_pdf

    # Both files or neither, and the audit row with them: written under temporary names,
    # renamed inside the transaction that records the export.
    json_tmp, pdf_tmp = files.partial_path(json_path), files.partial_path(pdf_path)
    renamed: list[Path] = []
    try:
        with open(json_tmp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, ensure_ascii=False, indent=2))
            fh.flush()
            os.fsync(fh.fileno())
        write_pdf(data, pdf_tmp)
        files.fsync_file(pdf_tmp)
        v = data["visitor"]
        with ctx.db.transaction():
            audit.record(
                ctx,
                action="visitor.access_export",
                object_type="visitor",
                object_id=visitor_id,
                subject=v["v_number"] or v["bsn"],
                detail={
                    "visits": len(data["visits"]),
                    "referrals": len(data["referrals"]),
                    "letters": len(data["letters"]),
                    "appointments": sum(len(v["appointments"]) for v in data["visits"]),
                },
            )
            os.replace(json_tmp, json_path)
            renamed.append(json_path)
            os.replace(pdf_tmp, pdf_path)
    except BaseException as err:
        files.remove_quietly(json_tmp, pdf_tmp, *renamed)
        if files.is_disk_full(err):
            raise files.disk_full(base.parent) from err
        raise
    return pdf_path, json_path


# Why a visitor was erased (AVG art. 17(1)): the category goes to the audit trail with the
# note, which is refused when it holds the visitor's own data (the trail is kept for ever).
ERASURE_CATEGORIES = ("request", "consent_withdrawn", "objection", "unlawful", "other")
_LONG_NUMBER = re.compile(r"\d[\d\s.-]{5,}\d")


def _names_the_visitor(note: str, row) -> bool:
    folded = note.casefold()
    words = set(re.findall(r"\w+", folded))
    for field in ("given_names", "family_name", "city", "postal_code", "address"):
        for part in re.findall(r"\w+", str(row[field] or "").casefold()):
            if len(part) >= 3 and part in words:
                return True
    for field in ("v_number", "bsn", "phone", "email", "date_of_birth"):
        value = str(row[field] or "").casefold().strip()
        if value and value in folded:
            return True
    return "@" in note or bool(_LONG_NUMBER.search(note))


def erase_visitor(
    ctx: Context, visitor_id: str, reason: str, *, category: str = "request"
) -> dict[str, int]:
    """Erasure on request: anonymise this visitor and their records now.  `reason` is a short
    note on why (never who): it is refused when it names the visitor or holds a number, an
    e-mail address or other details of theirs, since it stays in the audit trail."""
    ctx.require(Permission.VISITOR_ERASE, object_type="visitor", object_id=visitor_id)
    if category not in ERASURE_CATEGORIES:
        raise ValidationError.single("category", _("Choose the reason for the erasure."))
    reason = validation.free_text(reason, "reason", max_length=500)
    if not reason:
        raise ValidationError.single("reason", _("Give the reason for the erasure."))
    row = visitor_repo.get(ctx.db, visitor_id)
    if row is None:
        raise NotFound(_("This visitor does not exist."))
    if row["anonymised_at"]:
        raise ConflictError(_("This visitor's data has already been removed."))
    if _names_the_visitor(reason, row):
        raise ValidationError.single(
            "reason",
            _(
                "Write why, not who: the reason stays in the audit trail, so it must not hold "
                "the visitor's name, numbers, address, e-mail or other details."
            ),
        )
    selection = repo.one_visitor_sql(visitor_id)
    ctx.db.execute("PRAGMA secure_delete = ON")
    try:
        with ctx.db.transaction():
            counts = retention.clear_records(ctx, selection)
            counts["visitor"] = retention.anonymise(
                ctx, selection, "request", note=reason, category=category
            )
            repo.optimise_search_index(ctx.db)
    finally:
        ctx.db.execute("PRAGMA secure_delete = OFF")
    # The erased values must not stay in loket.sqlite or loket.sqlite-wal.
    ctx.db.checkpoint_truncate()
    return counts
