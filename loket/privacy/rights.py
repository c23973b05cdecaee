"""The visitor's rights under the AVG: access (art. 15) and erasure (art. 17).

`access_export` writes everything Loket holds about one visitor -- the visitor record,
visits with needs and health notes, referrals with their history and consents, letters,
and who looked at or changed the record (from the audit trail) -- as JSON and as a readable
PDF.  `erase_visitor` anonymises one visitor now, the same way retention does, with the
reason staff give; both are logged.
"""

from __future__ import annotations

import json
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
from loket.privacy import audit, retention
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
    refs = [audit.subject_ref(db, n) for n in (row["v_number"], row["bsn"]) if n]
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
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    from loket.privacy.access_pdf import write_pdf

    write_pdf(data, pdf_path)
    v = data["visitor"]
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
    return pdf_path, json_path


def erase_visitor(ctx: Context, visitor_id: str, reason: str) -> dict[str, int]:
    """Erasure on request: anonymise this visitor and their records now."""
    ctx.require(Permission.VISITOR_ERASE, object_type="visitor", object_id=visitor_id)
    reason = validation.free_text(reason, "reason", max_length=500)
    if not reason:
        raise ValidationError.single("reason", _("Give the reason for the erasure."))
    row = visitor_repo.get(ctx.db, visitor_id)
    if row is None:
        raise NotFound(_("This visitor does not exist."))
    if row["anonymised_at"]:
        raise ConflictError(_("This visitor's data has already been removed."))
    selection = repo.one_visitor_sql(visitor_id)
    ctx.db.execute("PRAGMA secure_delete = ON")
    try:
        with ctx.db.transaction():
            counts = retention.clear_records(ctx, selection)
            counts["visitor"] = retention.anonymise(ctx, selection, "request", note=reason)
            repo.optimise_search_index(ctx.db)
    finally:
        ctx.db.execute("PRAGMA secure_delete = OFF")
    return counts
