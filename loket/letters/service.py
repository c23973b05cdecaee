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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from loket import appointments, audit
from loket.clock import new_id, today
from loket.context import Context
from loket.db import appointments as appointment_repo
from loket.db import letters as repo
from loket.errors import LoketError, NotFound, ValidationError
from loket.i18n import _
from loket.letters import catalogue, pdf, templates
from loket.letters.data import Appointment, gather
from loket.letters.formats import display_language
from loket.permissions import Permission


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
) -> Letter:
    """Render a letter (nothing stored).  The afspraak letter prints `appointment_id`, else
    `appointment`, else the visit's latest stored appointment."""
    ctx.require(Permission.LETTER_PRODUCE, object_type="visit", object_id=visit_id)
    tpl = get_template(template)
    appointment = _appointment_for(ctx, visit_id, tpl, appointment, appointment_id)
    langs = letter_languages(lang, dutch_only)
    cats = [catalogue.load(x) for x in langs]  # fails clearly on an unknown language
    data = gather(ctx.db, visit_id, letter_date=letter_date or today(), appointment=appointment)
    sections = [
        pdf.Section(
            cat.lang,
            cat.rtl,
            templates.section_blocks(
                tpl, data, cat, display_lang=display_language(cat.lang), bilingual=len(langs) > 1
            ),
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
    )


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
) -> Letter:
    """Render a letter and record it as given to the visitor (archive + audit log).  An
    appointment typed in for the letter is stored with it (or updated, if it was changed)."""
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
    )
    row = repo.visit(ctx.db, visit_id)
    letter.id = new_id()
    db = ctx.db
    with db.transaction():
        if letter.appointment is not None:
            letter.appointment = appointments.save(ctx, visit_id, letter.appointment)
        repo.insert_letter(
            db,
            {
                "id": letter.id,
                "visit_id": visit_id,
                "visitor_id": row["visitor_id"],
                "staff_id": ctx.user.id if ctx.user else None,
                "template": template,
                "languages": ",".join(letter.languages),
                "catalogue_versions": json.dumps(letter.catalogue_versions, sort_keys=True),
                "large_print": int(large_print),
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
            object_id=letter.id,
            subject=row["v_number"] or row["bsn"],
            detail={
                "visit": visit_id,
                "template": template,
                "languages": letter.languages,
                "sha256": letter.sha256,
                "unchecked": letter.unchecked,
                "appointment": letter.appointment.id if letter.appointment else None,
            },
        )
    return letter


def reprint(ctx: Context, letter_id: str) -> bytes:
    """The archived PDF, byte for byte; its checksum is verified first."""
    row = repo.get_letter(ctx.db, letter_id)
    if row is None:
        raise NotFound(_("Letter not found."))
    ctx.require(Permission.LETTER_PRODUCE, object_type="letter", object_id=letter_id)
    body = bytes(row["pdf"] or b"")
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
    audit.record(
        ctx,
        action="letter.reprint",
        object_type="letter",
        object_id=letter_id,
        detail={"sha256": row["sha256"]},
    )
    return body


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
