"""A colleague's own display preferences: UI language, text size, high-contrast theme.

Every signed-in user may change their own preferences (no permission needed: it changes
nothing about visitors).  The change is validated, written in one transaction and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from loket.db import preferences as repo
from loket.errors import PermissionDenied, ValidationError
from loket.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES, _
from loket.privacy import audit

if TYPE_CHECKING:
    from loket.context import Context

TEXT_SCALES = (100, 125, 150, 175, 200)
MIN_SCALE, MAX_SCALE = 100, 200


@dataclass(frozen=True)
class Preferences:
    language: str = DEFAULT_LANGUAGE
    text_scale: int = 100  # per cent of the normal text size
    high_contrast: bool = False


def load(ctx: Context) -> Preferences:
    """The signed-in user's preferences; the defaults when nobody is signed in."""
    if ctx.user is None:
        return Preferences()
    db = ctx.db
    lang = repo.staff_language(db, ctx.user.id) or DEFAULT_LANGUAGE
    if lang not in UI_LANGUAGES:
        lang = DEFAULT_LANGUAGE
    try:
        scale = int(repo.get(db, ctx.user.id, "text_scale") or 100)
    except ValueError:
        scale = 100
    scale = min(MAX_SCALE, max(MIN_SCALE, scale))
    contrast = repo.get(db, ctx.user.id, "high_contrast") == "1"
    return Preferences(language=lang, text_scale=scale, high_contrast=contrast)


def validate(prefs: Preferences) -> None:
    errors: dict[str, str] = {}
    if prefs.language not in UI_LANGUAGES:
        errors["language"] = _("Choose one of the offered languages.")
    if not isinstance(prefs.text_scale, int) or not MIN_SCALE <= prefs.text_scale <= MAX_SCALE:
        errors["text_scale"] = _("The text size must be from {low} to {high} percent.").format(
            low=MIN_SCALE, high=MAX_SCALE
        )
    if errors:
        raise ValidationError(errors)


def save(ctx: Context, prefs: Preferences) -> Preferences:
    """Store the signed-in user's preferences and return them."""
    if ctx.user is None:
        raise PermissionDenied(_("Sign in first to change your settings."))
    validate(prefs)
    before = load(ctx)
    with ctx.db.transaction():
        repo.set_staff_language(ctx.db, ctx.user.id, prefs.language)
        repo.put(ctx.db, ctx.user.id, "text_scale", str(prefs.text_scale))
        repo.put(ctx.db, ctx.user.id, "high_contrast", "1" if prefs.high_contrast else "0")
        changed = sorted(
            name
            for name in ("language", "text_scale", "high_contrast")
            if getattr(before, name) != getattr(prefs, name)
        )
        audit.record(
            ctx,
            action="preferences.update",
            object_type="staff",
            object_id=ctx.user.id,
            detail={"changed": changed},
        )
    ctx.user.language = prefs.language
    return prefs
