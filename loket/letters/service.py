"""Making letters: render (preview), produce (render, archive and log), reprint (identical).

The visitor's language comes first and the Dutch text follows in the same PDF; Dutch only on
request.  Every letter given is archived with its languages, the catalogue versions used, the
SHA-256 of the PDF and the PDF itself, so a reprint is byte-for-byte the letter handed out.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from loket.clock import new_id, today
from loket.context import Context
from loket.counter import appointments
from loket.db import appointments as appointment_repo
from loket.db import letters as repo
from loket.errors import LoketError, NotFound, ValidationError
from loket.i18n import N_, _
from loket.letters import catalogue, checks, pdf, templates, wording
from loket.letters.data import Appointment, gather
from loket.letters.formats import display_language, normal_language
from loket.privacy import audit
from loket.privacy.permissions import Permission


@dataclass
class Letter:
    pdf: bytes
    template: str
    languages: list[str]  # visitor's language first
    catalogue_versions: dict[str, str]
    unchecked: list[str]  # languages whose translation no certified translator checked
    sha256: str
    large_print: bool = False
    id: str | None = None  # set once produced (archived)
    appointment: Appointment | None = None  # what the letter says about an appointment
    visit_id: str = ""
    include_sensitive: bool = False
    # why this letter may be previewed but not given yet (translated, for staff)
    problems: list[str] = field(default_factory=list)
    no_phone: bool = False  # one of the problems: no phone number for the visitor to call
    # what staff should know before giving it (incomplete partner details, text printed in
    # Dutch on the visitor's page, a note that is hard to read): translated, shown in the preview
    warnings: list[str] = field(default_factory=list)
    created_at: str | None = None  # when it was given (an archived letter)


# Needs that stay off paper the visitor takes home unless staff deliberately include them:
# a letter can be found by a partner, a child or a landlord.
SENSITIVE_NEEDS = frozenset({"domestic_violence", "health"})

FIELD_LABELS = {
    "template": N_("Letter"),
    "appointment": N_("Appointment"),
    "starts_at": N_("Date and time"),
    "at": N_("Date and time"),
    "place": N_("Place"),
    "contact_person": N_("Ask for"),
    "bring": N_("Papers to bring"),
    "referral_id": N_("Referral"),
    "lang": N_("Language"),
    "out": N_("File"),
    "desk_phone": N_("Desk phone"),
    "staff_phone": N_("Direct phone number"),
    "follow_up_date": N_("Follow-up date"),
}


def explain(err: LoketError) -> str:
    """An error as staff read it: field names in plain words, not internal codes."""
    if isinstance(err, ValidationError):
        return " ".join(
            _("{field}: {message}").format(field=_(FIELD_LABELS[k]), message=v)
            if k in FIELD_LABELS
            else v
            for k, v in err.errors.items()
        )
    return str(err)


def template_names() -> list[str]:
    return list(templates.TEMPLATES)


def get_template(name: str) -> templates.Template:
    try:
        return templates.TEMPLATES[name]
    except KeyError:
        raise ValidationError.single(
            "template",
            _('Unknown letter "{name}". Choose one of: {names}.').format(
                name=name, names=", ".join(templates.TEMPLATES)
            ),
        ) from None


def letter_languages(lang: str, dutch_only: bool = False) -> list[str]:
    return ["nl"] if dutch_only or lang == "nl" else [lang, "nl"]


def is_checked(lang: str) -> bool:
    """False when the letters in `lang` were not checked by a certified translator."""
    return catalogue.load(lang).certified


def _appointment_for(
    ctx: Context,
    visit_id: str,
    tpl: templates.Template,
    appointment: Appointment | None,
    appointment_id: str | None,
) -> Appointment | None:
    """The appointment a letter prints: the stored one asked for, else the one typed in (for
    a preview; `produce` stores it), else the visit's latest stored appointment."""
    if not (tpl.needs_appointment or tpl.uses_appointment):
        return None
    if appointment_id:
        found = appointments.get(ctx, appointment_id)
        if found.visit_id != visit_id:
            raise ValidationError.single(
                "appointment", _("This appointment belongs to another visit.")
            )
        return found
    if appointment is not None:
        visit_row = appointment_repo.visit_subject(ctx.db, visit_id)
        if visit_row is None:
            raise NotFound(_("Visit not found."))
        return appointments.clean(ctx.db, visit_row, appointment)
    found = appointments.latest(ctx, visit_id)
    if found is None and tpl.needs_appointment:
        raise ValidationError.single(
            "appointment", _("Fill in the date, time and place of the appointment.")
        )
    return found


def compose(
    ctx: Context,
    visit_id: str,
    template: str,
    lang: str,
    *,
    large_print: bool = False,
    dutch_only: bool = False,
    appointment: Appointment | None = None,
    appointment_id: str | None = None,
    letter_date: date | None = None,
    include_sensitive: bool = False,
) -> Letter:
    """Render a letter (nothing stored).  The afspraak letter prints `appointment_id`, else
    `appointment`, else the visit's latest stored appointment.  Sensitive needs (safety at
    home, health) are left out unless `include_sensitive`.  A letter that may be previewed
    but not given (no phone number to call, a staff note the plain-language check fails)
    lists why in `problems`."""
    ctx.require(Permission.LETTER_PRODUCE, object_type="visit", object_id=visit_id)
    tpl = get_template(template)
    lang = normal_language(lang)  # "fa_AF" stored before Dari had its own code: "prs"
    appointment = _appointment_for(ctx, visit_id, tpl, appointment, appointment_id)
    langs = letter_languages(lang, dutch_only)
    cats = [catalogue.load(x) for x in langs]  # fails clearly on an unknown language
    data = gather(ctx.db, visit_id, letter_date=letter_date or today(), appointment=appointment)
    if tpl.needs_partners and not data.partners:
        if not (template == "meenemen" and appointment is not None and appointment.bring):
            raise LoketError(
                _(
                    "This visit has no referrals, so there is nothing to put in this letter. "
                    "Refer the visitor to a partner first, or choose another letter."
                )
            )
    _refuse_past_dates(tpl, data)
    if not include_sensitive:
        data = _without_sensitive(data)
    problems = []
    if not data.contact_phone:
        # said to a clerk: who can fix it, and where (never a command line)
        problems.append(
            _(
                "This letter has no phone number for the visitor to call, so it cannot be "
                "given yet. Ask the administrator to fill in the desk's phone number "
                "(Administration → Loket settings)."
            )
        )
    problems += checks.note_problems(tpl, data)  # a hard note blocks giving the letter
    warnings = checks.warnings(tpl, data, cats)
    sections = [
        pdf.Section(
            cat.lang,
            cat.rtl,
            templates.section_blocks(
                tpl, data, cat, display_lang=display_language(cat.lang), bilingual=len(langs) > 1
            ),
            head=templates.running_head(data, cat),
            page_of=cat.text(wording.PAGE_OF, page="{page}", pages="{pages}"),
        )
        for cat in cats
    ]
    body = pdf.write_pdf(sections, large_print=large_print, title=tpl.subject)
    return Letter(
        pdf=body,
        template=template,
        languages=langs,
        catalogue_versions={c.lang: c.version for c in cats},
        unchecked=[c.lang for c in cats if not c.certified],
        sha256=hashlib.sha256(body).hexdigest(),
        large_print=large_print,
        appointment=appointment,
        visit_id=visit_id,
        include_sensitive=include_sensitive,
        problems=problems,
        no_phone=not data.contact_phone,
        warnings=warnings,
    )


def _refuse_past_dates(tpl: templates.Template, data) -> None:
    """A letter must not send a visitor to a day that has gone: refuse, and say what to fix."""
    if tpl.name == "plan" and data.follow_up_date and data.follow_up_date < data.letter_date:
        raise ValidationError.single(
            "follow_up_date",
            _(
                "The return date {date} is in the past. Change the visit's follow-up date "
                "before making this letter."
            ).format(date=data.follow_up_date.isoformat()),
        )
    a = data.appointment
    if tpl.needs_appointment and a is not None and a.starts_at.date() < data.letter_date:
        raise ValidationError.single(
            "starts_at",
            _("The appointment on {date} is in the past. Choose a later date.").format(
                date=a.starts_at.date().isoformat()
            ),
        )


def _without_sensitive(data):
    keep = [c for c in data.need_codes if c not in SENSITIVE_NEEDS]
    partners = [
        replace(p, need_codes=[c for c in p.need_codes if c not in SENSITIVE_NEEDS])
        for p in data.partners
    ]
    return replace(data, need_codes=keep, partners=partners)


def render(
    ctx: Context,
    visit_id: str,
    template: str,
    lang: str,
    large_print: bool = False,
    dutch_only: bool = False,
    *,
    appointment: Appointment | None = None,
    appointment_id: str | None = None,
    letter_date: date | None = None,
    include_sensitive: bool = False,
) -> bytes:
    """The PDF bytes of a letter, for a preview; nothing is archived."""
    return compose(
        ctx,
        visit_id,
        template,
        lang,
        large_print=large_print,
        dutch_only=dutch_only,
        appointment=appointment,
        appointment_id=appointment_id,
        letter_date=letter_date,
        include_sensitive=include_sensitive,
    ).pdf


def produce(
    ctx: Context,
    visit_id: str,
    template: str,
    lang: str,
    large_print: bool = False,
    dutch_only: bool = False,
    *,
    appointment: Appointment | None = None,
    appointment_id: str | None = None,
    letter_date: date | None = None,
    include_sensitive: bool = False,
) -> Letter:
    """Render a letter and record it as given (`compose` + `record`).  Callers that hand the
    letter over afterwards (print, save) compose first and record only once it was handed
    over, so a cancelled print or a failed save leaves nothing recorded."""
    letter = compose(
        ctx,
        visit_id,
        template,
        lang,
        large_print=large_print,
        dutch_only=dutch_only,
        appointment=appointment,
        appointment_id=appointment_id,
        letter_date=letter_date,
        include_sensitive=include_sensitive,
    )
    return record(ctx, letter)


def check_can_give(letter: Letter) -> None:
    """Refuse a letter that may not be handed out (see `Letter.problems`)."""
    if letter.problems:
        raise LoketError(" ".join(letter.problems))


def record(ctx: Context, letter: Letter) -> Letter:
    """Record a composed letter as given to the visitor (archive + audit log).  An
    appointment typed in for the letter is stored with it (or updated, if it was changed)."""
    ctx.require(Permission.LETTER_PRODUCE, object_type="visit", object_id=letter.visit_id)
    if letter.id is not None:
        raise LoketError(_("This letter was already recorded."))
    check_can_give(letter)
    visit_id = letter.visit_id
    row = repo.visit(ctx.db, visit_id)
    if row is None:
        raise NotFound(_("Visit not found."))
    letter_id = new_id()
    db = ctx.db
    with db.transaction():
        if letter.appointment is not None:
            letter.appointment = appointments.save(ctx, visit_id, letter.appointment)
        repo.insert_letter(
            db,
            {
                "id": letter_id,
                "visit_id": visit_id,
                "visitor_id": row["visitor_id"],
                "staff_id": ctx.user.id if ctx.user else None,
                "template": letter.template,
                "languages": ",".join(letter.languages),
                "catalogue_versions": json.dumps(letter.catalogue_versions, sort_keys=True),
                "large_print": int(letter.large_print),
                "sha256": letter.sha256,
                "pdf": letter.pdf,
                "appointment_id": letter.appointment.id if letter.appointment else None,
                **db.stamp(),
            },
        )
        audit.record(
            ctx,
            action="letter.produce",
            object_type="letter",
            object_id=letter_id,
            subject=row["v_number"] or row["bsn"],
            detail={
                "visit": visit_id,
                "template": letter.template,
                "languages": letter.languages,
                "sha256": letter.sha256,
                "unchecked": letter.unchecked,
                "sensitive_needs": letter.include_sensitive,
                "appointment": letter.appointment.id if letter.appointment else None,
            },
        )
    letter.id = letter_id
    return letter


class LetterRemoved(NotFound):
    """The archived PDF was removed (retention or erasure): only the letter's record stays."""


def archived(ctx: Context, letter_id: str) -> Letter:
    """A letter given earlier, exactly as archived (checksum verified); nothing is logged
    until it is handed over again (`record_reprint`)."""
    row = repo.get_letter(ctx.db, letter_id)
    if row is None:
        raise NotFound(_("Letter not found."))
    ctx.require(Permission.LETTER_PRODUCE, object_type="letter", object_id=letter_id)
    if row["pdf"] is None:  # retention or an erasure removed it; the record stays
        raise LetterRemoved(
            _(
                "This letter was removed under the retention rules: it can no longer be "
                "reprinted. Make a new letter for a visit if the visitor needs one."
            )
        )
    body = bytes(row["pdf"])
    if hashlib.sha256(body).hexdigest() != row["sha256"]:
        audit.record(
            ctx,
            action="letter.reprint",
            object_type="letter",
            object_id=letter_id,
            result="failed",
            detail={"reason": "checksum"},
        )
        raise LoketError(_("The archived letter is damaged (checksum mismatch)."))
    versions = json.loads(row["catalogue_versions"] or "{}")
    return Letter(
        pdf=body,
        template=row["template"],
        languages=[c for c in (row["languages"] or "").split(",") if c],
        catalogue_versions=versions,
        unchecked=[c for c in versions if c != "nl" and not _certified(c)],
        sha256=row["sha256"],
        large_print=bool(row["large_print"]),
        id=row["id"],
        visit_id=row["visit_id"],
        created_at=row["created_at"],
    )


def _certified(lang: str) -> bool:
    try:
        return is_checked(lang)
    except LoketError:
        return False


def record_reprint(ctx: Context, letter: Letter) -> None:
    """Log that an archived letter was handed over again (printed or saved)."""
    ctx.require(Permission.LETTER_PRODUCE, object_type="letter", object_id=letter.id)
    audit.record(
        ctx,
        action="letter.reprint",
        object_type="letter",
        object_id=letter.id,
        detail={"sha256": letter.sha256},
    )


def reprint(ctx: Context, letter_id: str) -> bytes:
    """The archived PDF, byte for byte (checksum verified), logged as reprinted."""
    letter = archived(ctx, letter_id)
    record_reprint(ctx, letter)
    return letter.pdf


def visit_facts(ctx: Context, visit_id: str) -> dict:
    """Who and which visit a letter is for, and the language to preselect: the visit's
    language, else the visitor's preferred language."""
    ctx.require(Permission.LETTER_PRODUCE, object_type="visit", object_id=visit_id)
    row = repo.visit(ctx.db, visit_id)
    if row is None:
        raise NotFound(_("Visit not found."))
    name = " ".join(p for p in (row["given_names"], row["family_name"]) if p)
    return {
        "visitor_name": name,
        "visit_date": row["visit_date"],
        "language": normal_language(row["language"] or row["preferred_language"] or "nl"),
        "desk_code": row["desk_code"],
        "desk_name": row["desk_name"],
    }


def write_file(path: Path | str, data: bytes) -> Path:
    """Write a letter to a file the user named: a missing folder or a write error becomes a
    clear message, and nothing half-written stays behind."""
    target = Path(path).expanduser()
    folder = target.resolve().parent
    if not folder.is_dir():
        raise LoketError(
            _("The folder {folder} does not exist. Choose an existing folder.").format(
                folder=folder
            )
        )
    try:
        write_atomically(target, data)
    except OSError as err:
        raise LoketError(
            _("Could not write {path}: {reason}").format(
                path=target, reason=err.strerror or err.__class__.__name__
            )
        ) from None
    return target


def letters_for_visit(ctx: Context, visit_id: str) -> list[dict]:
    ctx.require(Permission.LETTER_PRODUCE, object_type="visit", object_id=visit_id)
    return [dict(r) for r in repo.letters_for_visit(ctx.db, visit_id)]


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target and rename: never a half-written PDF."""
    path = Path(path).resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
