"""Letters given, named as staff read them: "Referral — Arabic, Dutch — 28 Nov 2026".

Kept light (no ReportLab): the visitor's file lists letters given without loading the
renderer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from loket.i18n import N_, _

# Short names of the letters (ui domain), for lists; the letter itself prints its Dutch subject.
TITLES = {
    "plan": N_("What happens next"),
    "verwijzing": N_("Referral"),
    "afspraak": N_("Appointment"),
    "meenemen": N_("What to bring"),
}


def template_title(name: str) -> str:
    return _(TITLES[name]) if name in TITLES else name


def language_names(codes: str | Iterable[str], ui_language: str | None = None) -> str:
    """ "ar,nl" -> "Arabic, Dutch" in the UI language (Babel)."""
    from loket.counter.lookups import language_name

    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return ", ".join(language_name(c, ui_language) for c in codes)


def local_date(stamp: str | None) -> str:
    """A UTC ISO timestamp as the local date, written out in the UI language."""
    from babel.dates import format_date

    from loket.counter.lookups import _babel_locale

    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp[:10]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_date(moment.astimezone().date(), "medium", locale=_babel_locale())


def letter_label(row) -> str:
    """One archived letter (a row or dict with template, languages, created_at)."""
    return _("{template} — {languages} — {date}").format(
        template=template_title(row["template"]),
        languages=language_names(row["languages"]),
        date=local_date(row["created_at"]),
    )
