"""Translations of the directory's free text into the letter languages.

Papers to bring ("Huurcontract") and notes on opening hours ("alleen op afspraak") are typed in
Dutch by whoever keeps the directory; a letter prints them on the visitor's page.  Translated
here once per Dutch text and language, they print in the visitor's language; without a
translation a letter prints the Dutch, marked "(in het Nederlands)" in the visitor's language,
and the preview warns.  The service editor shows what is still missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from loket import validation
from loket.clock import new_id
from loket.context import Context
from loket.db import directory_translations as repo
from loket.db.connection import Database
from loket.errors import ValidationError
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

_LANG = re.compile(r"^[a-z]{2,3}$")


def table(db: Database, texts: Iterable[str]) -> dict[str, dict[str, str]]:
    """lang -> {Dutch text -> translation} for these texts."""
    out: dict[str, dict[str, str]] = {}
    for row in repo.for_texts(db, texts):
        out.setdefault(row["lang"], {})[row["source_text"]] = row["text"]
    return out


def service_texts(documents: Iterable[str], schedule_notes: Iterable[str]) -> list[str]:
    """The free text of one service a letter prints, each once, in order."""
    return list(dict.fromkeys(t.strip() for t in [*documents, *schedule_notes] if t and t.strip()))


def missing(ctx: Context, texts: Iterable[str], languages: Iterable[str]) -> dict[str, list[str]]:
    """Dutch text -> the languages (of `languages`) it has no translation into yet."""
    ctx.require(Permission.DIRECTORY_READ)
    texts = list(texts)
    langs = [x for x in languages if x != "nl"]
    known = table(ctx.db, texts)
    out = {}
    for text in texts:
        lacking = [x for x in langs if text not in known.get(x, {})]
        if lacking:
            out[text] = lacking
    return out


def set_translation(ctx: Context, source_text: str, lang: str, text: str | None) -> str | None:
    """Store (or, with an empty `text`, remove) the translation of a directory text."""
    ctx.require(Permission.DIRECTORY_EDIT, object_type="directory_translation")
    source = validation.free_text(source_text, "source_text", max_length=200)
    if not source:
        raise ValidationError.single("source_text", _("Fill in the Dutch text to translate."))
    if not _LANG.match(lang or ""):
        raise ValidationError.single("lang", _("Use language codes such as nl, ar or fa-AF."))
    value = validation.free_text(text, "text", max_length=200)
    db = ctx.db
    with db.transaction():
        row = repo.get(db, source, lang)
        if not value:
            if row is not None:
                repo.delete(db, row["id"])
            row_id = row["id"] if row is not None else None
        elif row is None:
            row_id = new_id()
            repo.insert(
                db, {"id": row_id, "source_text": source, "lang": lang, "text": value, **db.stamp()}
            )
        else:
            row_id = row["id"]
            repo.update(db, row_id, value, db.stamp(new=False))
        audit.record(
            ctx,
            action="directory.translate",
            object_type="directory_translation",
            object_id=row_id,
            detail={"lang": lang, "set": bool(value)},
        )
    return value or None
