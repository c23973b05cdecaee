"""Warm handover: the visitor's consent per partner, and the note that carries only what
was consented to (name, contact, needs, summary).  The warm/cold choice can change only
while the referral is still proposed; consent too, since it must precede sending.
"""

from __future__ import annotations

from loket import clock
from loket.context import Context
from loket.db import referrals as repo
from loket.errors import ConflictError, ValidationError
from loket.i18n import _, reference_labels
from loket.privacy import audit
from loket.privacy.permissions import Permission
from loket.referrals.model import Consent, Referral, get_consent, load, subject


def store_consent(ctx: Context, ref: Referral, consent: Consent) -> None:
    """Write the visitor's answer (inside the caller's transaction).  A refusal ends the
    warm handover: the referral becomes cold, the visitor gets the address and goes alone."""
    repo.upsert_consent(
        ctx.db,
        {
            "id": clock.new_id(),
            "referral_id": ref.id,
            "share_name": int(consent.share_name),
            "share_contact": int(consent.share_contact),
            "share_needs": int(consent.share_needs),
            "share_summary": int(consent.share_summary),
            "given_at": clock.now_iso(),
            "recorded_by": ctx.user.id if ctx.user else None,
        },
    )
    detail = {
        "name": consent.share_name,
        "contact": consent.share_contact,
        "needs": consent.share_needs,
        "summary": consent.share_summary,
    }
    if consent.refused and ref.handover == "warm":
        repo.update(ctx.db, ref.id, handover="cold")
        detail["handover"] = "cold"
    audit.record(
        ctx,
        action="referral.consent",
        object_type="referral",
        object_id=ref.id,
        subject=subject(ctx, ref.visitor_id),
        detail=detail,
    )


def record_consent(ctx: Context, referral_id: str, consent: Consent) -> Referral:
    """What the visitor agrees may be shared with this partner (per referral); nothing at
    all makes a warm referral cold."""
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    with ctx.db.transaction():
        ref = load(ctx, referral_id)
        if ref.status != "proposed":
            raise ConflictError(_("Consent is recorded before the referral is sent."))
        store_consent(ctx, ref, consent)
    return load(ctx, referral_id)


def set_handover(ctx: Context, referral_id: str, handover: str) -> Referral:
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    if handover not in ("warm", "cold"):
        raise ValidationError.single("handover", _("Choose a warm or a cold handover."))
    with ctx.db.transaction():
        ref = load(ctx, referral_id)
        if ref.status != "proposed":
            raise ConflictError(_("The handover can only change before the referral is sent."))
        if ref.handover != handover:
            repo.update(ctx.db, referral_id, handover=handover)
            audit.record(
                ctx,
                action="referral.update",
                object_type="referral",
                object_id=referral_id,
                subject=subject(ctx, ref.visitor_id),
                detail={"handover": handover},
            )
    return load(ctx, referral_id)


def handover_note(ctx: Context, referral_id: str) -> str:
    """The text for the partner: only what the visitor consented to share."""
    ctx.require(Permission.REFERRAL_WRITE, object_type="referral", object_id=referral_id)
    db = ctx.db
    ref = load(ctx, referral_id)
    consent = get_consent(ctx, referral_id)
    if ref.handover != "warm" or consent is None:
        raise ConflictError(_("A handover note is for a warm handover with recorded consent."))
    info = repo.visit_info(db, ref.visit_id)
    lines = [
        _("Referral to {organisation}: {service}").format(
            organisation=ref.organization_name, service=ref.service_name
        )
    ]
    if consent.share_name:
        lines.append(
            _("Name: {name}").format(
                name=" ".join(p for p in (info["given_names"], info["family_name"]) if p)
            )
        )
    if consent.share_contact:
        contact = ", ".join(p for p in (info["phone"], info["email"]) if p)
        lines.append(_("Contact: {contact}").format(contact=contact or "-"))
    if consent.share_needs:
        labels = {
            code: reference_labels.label({"label_nl": nl, "label_en": en})
            for code, (nl, en) in repo.need_labels(db).items()
        }
        # Only what this partner helps with: the debt counsellor hears nothing of health.
        needs = [
            labels.get(code, code) for code in repo.referral_needs(db, ref.visit_id, ref.service_id)
        ]
        lines.append(_("Needs: {needs}").format(needs=", ".join(needs) or "-"))
    if consent.share_summary:
        lines.append(_("Summary: {summary}").format(summary=info["summary"] or "-"))
    if not consent.anything:
        lines.append(_("The visitor did not agree to share any details."))
    audit.record(
        ctx,
        action="referral.handover_note",
        object_type="referral",
        object_id=referral_id,
        subject=subject(ctx, ref.visitor_id),
    )
    return "\n".join(lines)
