"""The `letters` gettext domain: Dutch sentences as msgids, one catalogue per language.

Every sentence a letter can print is registered with `M()` where the templates define it,
so `loket.letters.sentences.write_pot()` needs no source scanning.  A catalogue's header
says whether a certified translator checked it (`X-Certified-Translation: yes|no`); the app
shows a warning, and the letter prints a note, whenever an unchecked catalogue is used.
Names, dates and addresses go in through named placeholders after translation;
`placeholder_problems()` finds a translation that dropped, added or renamed one.
"""

from __future__ import annotations

import gettext
import hashlib
import re
import string
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel.messages.pofile import read_po

from loket.errors import LoketError
from loket.i18n import _
from loket.paths import locales_dir

DOMAIN = "letters"
SOURCE_LANGUAGE = "nl"
CERTIFIED_HEADER = "X-Certified-Translation"
RTL_LANGUAGES = frozenset({"ar", "fa", "prs", "ps", "ckb"})
# The separator of a list: the Arabic comma in Arabic script, the Ethiopic comma in Tigrinya.
LIST_SEPARATORS = {"ti": "፣ ", **{lang: "، " for lang in ("ar", "fa", "prs", "ps", "ckb")}}

_registry: dict[str, str] = {}  # msgid -> translator comment


def M(msgid: str, comment: str = "") -> str:
    """Register a Dutch letter sentence; returns it unchanged."""
    _registry.setdefault(msgid, comment)
    return msgid


def registered() -> dict[str, str]:
    """The sentences registered so far (`loket.letters.sentences.messages()` has them all)."""
    return dict(_registry)


class TranslationMissing(LoketError):
    """No catalogue for a language, or a sentence without a translation in it."""


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@dataclass
class LetterCatalogue:
    lang: str
    translations: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def rtl(self) -> bool:
        return self.lang in RTL_LANGUAGES

    @property
    def comma(self) -> str:
        """The separator of a list in this language (`LIST_SEPARATORS`)."""
        return LIST_SEPARATORS.get(self.lang, ", ")

    @property
    def certified(self) -> bool:
        if self.lang == SOURCE_LANGUAGE:
            return True
        return self.headers.get(CERTIFIED_HEADER, "no").strip().lower() == "yes"

    @cached_property
    def version(self) -> str:
        """Revision date plus a digest of the translations, recorded with every letter."""
        if self.lang == SOURCE_LANGUAGE:
            return "source"
        digest = hashlib.sha256(
            "\x1f".join(f"{k}\x1e{v}" for k, v in sorted(self.translations.items())).encode()
        ).hexdigest()[:12]
        return f"{self.headers.get('PO-Revision-Date', '?').strip()}#{digest}"

    def text(self, msgid: str, **values: str) -> str:
        """The translated sentence with its placeholders filled in."""
        if self.lang == SOURCE_LANGUAGE:
            template = msgid
        else:
            template = self.translations.get(msgid)
            if not template:
                raise TranslationMissing(
                    _('The letter text "{text}" has no translation into {lang}.').format(
                        text=msgid, lang=_language_name(self.lang)
                    )
                )
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError) as err:
            raise TranslationMissing(
                _('The {lang} translation of "{text}" has a broken placeholder ({error}).').format(
                    lang=_language_name(self.lang), text=msgid, error=err
                )
            ) from err

    def has(self, dutch: str) -> bool:
        """Whether the catalogue translates this text (directory data may be missing)."""
        return self.lang == SOURCE_LANGUAGE or bool(self.translations.get(dutch))

    def optional(self, dutch: str) -> str:
        """Directory data (a document's name): translated when the catalogue knows it."""
        if self.lang == SOURCE_LANGUAGE:
            return dutch
        return self.translations.get(dutch) or dutch


_cache: dict[tuple[str, float], LetterCatalogue] = {}
_lock = threading.Lock()


def _language_name(code: str) -> str:
    """Messages name the language in words (Babel), not by its code."""
    from loket.letters.labels import language_names

    return language_names([code])


def po_path(lang: str) -> Path:
    return locales_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    """nl plus every language with a letters catalogue."""
    found = sorted(p.parent.parent.name for p in locales_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE, *found]


def load(lang: str) -> LetterCatalogue:
    if lang == SOURCE_LANGUAGE:
        return LetterCatalogue(lang, {}, {})
    po = po_path(lang)
    if lang not in available_languages() or not po.exists():  # a code, never a path
        raise TranslationMissing(
            _('There is no letter translation for the language "{lang}".').format(
                lang=_language_name(lang)
            )
        )
    mo = po.with_suffix(".mo")
    use_mo = mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
    key = (lang, (mo if use_mo else po).stat().st_mtime)
    with _lock:
        if key in _cache:
            return _cache[key]
        cat = _read_mo(lang, mo) if use_mo else _read_po(lang, po)
        _cache[key] = cat
        return cat


_HEADER = re.compile(r'^(?:#\s*|")([A-Za-z-]+):\s*(.*?)(?:\\n)?"?\s*$')


def po_headers(po: Path) -> dict[str, str]:
    """Header fields read from the .po text itself, including its leading comments.

    Babel keeps only the header fields it knows, so `pybabel update` and the .mo file lose
    `X-Certified-Translation`; a `# X-Certified-Translation: no` comment line survives
    both, and the .po is the source of truth anyway.
    """
    headers: dict[str, str] = {}
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid") and headers.get("_seen_msgstr"):
            break
        if line.startswith("msgstr"):
            headers["_seen_msgstr"] = "1"
        m = _HEADER.match(line)
        if m:
            headers.setdefault(m.group(1), m.group(2).strip())
    headers.pop("_seen_msgstr", None)
    return headers


def _read_mo(lang: str, mo: Path) -> LetterCatalogue:
    with open(mo, "rb") as fh:
        trans = gettext.GNUTranslations(fh)
    table = {k: v for k, v in trans._catalog.items() if isinstance(k, str) and k and v}
    return LetterCatalogue(lang, table, po_headers(mo.with_suffix(".po")))


def _read_po(lang: str, po: Path) -> LetterCatalogue:
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=None, domain=DOMAIN)
    table = {
        m.id: m.string
        for m in catalog
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }
    return LetterCatalogue(lang, table, po_headers(po))


def read_po_file(lang: str) -> LetterCatalogue:
    """The catalogue straight from its .po file (tests check the shipped source)."""
    return _read_po(lang, po_path(lang))


def placeholder_problems(cat: LetterCatalogue) -> list[str]:
    problems = []
    for msgid, msgstr in cat.translations.items():
        want, got = placeholders(msgid), placeholders(msgstr)
        if want != got:
            problems.append(f"{cat.lang}: {msgid!r}: expected {sorted(want)}, got {sorted(got)}")
    return problems
