"""Translations of the user interface (gettext `ui` domain, compiled with Babel); beside it in
this package: catalogue checks (`check`), the catalogue tools (`tools`), reference labels and
the pseudo-locale.  May import only the base (`loket.paths`), since every other package uses
this one; `tools` alone also reads the letters' sentences to write their template.

Import explicitly: `from loket.i18n import _, N_, ngettext, pgettext`.  Nothing is injected
into builtins.  The language can change while the app runs; `_` always looks up the current
catalogue, so views re-translate by calling their `retranslate_ui()`.

Plurals take named placeholders: ngettext("{n} visit", "{n} visits", n).format(n=n).
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Callable

from loket.paths import locales_dir

DEFAULT_LANGUAGE = "nl"
UI_LANGUAGES = ("nl", "en", "ar")
RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ckb", "he", "ur", "fa_AF", "prs"})
PSEUDO = "pseudo"

_lock = threading.Lock()
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"  # msgids are English: without a catalogue the text is English
_listeners: list[Callable[[str], None]] = []


def shipped_languages() -> frozenset[str]:
    """The language codes Loket ships a catalogue for (ui or letters): the only codes a
    language setting, a visitor's language or --lang may hold."""
    root = locales_dir()
    return frozenset(
        {"nl"}
        | {p.parent.parent.name for p in root.glob("*/LC_MESSAGES/*.po")}
        | {p.parent.parent.name for p in root.glob("*/LC_MESSAGES/*.mo")}
    )


def _load(domain: str, language: str) -> gettext.NullTranslations:
    if language == PSEUDO:
        from loket.i18n.pseudo import PseudoTranslations

        return PseudoTranslations()
    if language not in shipped_languages():  # never a path: only a shipped catalogue
        return gettext.NullTranslations()
    try:
        return gettext.translation(domain, localedir=str(locales_dir()), languages=[language])
    except OSError:
        return gettext.NullTranslations()


def set_language(language: str) -> None:
    """Switch the UI language for the whole process and tell the listeners."""
    global _current, _language
    if language != PSEUDO and language not in shipped_languages():
        language = "en"  # a path or free text: the msgids, and no such code passed on
    with _lock:
        _current = _load("ui", language)
        _language = language
    for listener in list(_listeners):
        listener(language)


def language() -> str:
    return _language


def is_rtl(lang: str | None = None) -> bool:
    return (lang or _language) in RTL_LANGUAGES


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def _(message: str) -> str:
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with _()."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _current.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _current.npgettext(context, singular, plural, n)
