"""What the counter screens read besides the visitor itself: the topic and need lists in the
UI language, the visitor languages by name, and the visitor file (letters given, follow-ups).

Kept in the core so that the UI holds no SQL and the permission checks stay in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from loket import i18n
from loket.context import Context
from loket.db import counter as repo
from loket.db import reference
from loket.privacy.permissions import Permission

# Languages visitors speak, roughly by how often the desks need them (DOMAIN.md).
VISITOR_LANGUAGES = (
    "nl",
    "en",
    "ar",
    "ti",
    "tr",
    "fa",
    "prs",
    "so",
    "uk",
    "ps",
    "ru",
    "fr",
    "ckb",
)


# Dari's name in the UI languages (CLDR names only "Persian (Afghanistan)").


@dataclass
class Choice:
    code: str
    label: str


def _label(row) -> str:
    from loket.i18n.reference_labels import label

    return label(row)  # Dutch from the database; other UI languages via the ui catalogue


def topics(ctx: Context) -> list[Choice]:
    """Reasons for a visit (seed data), labelled in the UI language."""
    return [Choice(r["code"], _label(r)) for r in reference.codes(ctx.db, "topic")]


def needs(ctx: Context) -> list[Choice]:
    """The needs taxonomy (seed data), labelled in the UI language."""
    return [Choice(r["code"], _label(r)) for r in reference.codes(ctx.db, "need")]


def language_name(code: str | None, ui_language: str | None = None) -> str:
    """'ar' → 'Arabisch' in a Dutch UI, 'prs' → 'Dari' (loket.i18n.languages)."""
    from loket.i18n.languages import language_name as name

    return name(code, ui_language)


def _babel_locale(ui_language: str | None = None) -> str:
    lang = ui_language or i18n.language()
    return lang if lang in i18n.UI_LANGUAGES else "en"


def visitor_languages(ui_language: str | None = None) -> list[Choice]:
    return [Choice(code, language_name(code, ui_language)) for code in VISITOR_LANGUAGES]


def letters_given(ctx: Context, visitor_id: str, limit: int = 50) -> list[dict]:
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    return [dict(r) for r in repo.letters_for_visitor(ctx.db, visitor_id, limit)]


def visit_follow_ups(ctx: Context, visitor_id: str, limit: int = 50) -> list[dict]:
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    return [dict(r) for r in repo.visit_follow_ups(ctx.db, visitor_id, limit)]
