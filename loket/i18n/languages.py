"""Language names in the user interface: one function for every place where a visitor's, a
visit's or a partner's language code is shown (the directory, a visitor, routing reasons, the
service editor, letter checks).  Names come from CLDR through Babel, as in the letters; Dari
(`prs`, also written `fa_AF`/`fa-AF`), for which CLDR has no name of its own, is named here.
"""

from __future__ import annotations

from loket import i18n

# Dari in each UI language (CLDR only knows fa_AF, "Persian (Afghanistan)").
DARI = {"nl": "Dari", "en": "Dari", "ar": "الدارية"}
DARI_CODES = frozenset({"prs", "fa_AF", "fa-AF", "fa_af", "fa-af"})


def _ui_locale(ui_language: str | None) -> str:
    lang = ui_language or i18n.language()
    return lang if lang in i18n.UI_LANGUAGES else "en"


def language_name(code: str | None, ui_language: str | None = None) -> str:
    """'ar' → 'Arabisch' in a Dutch UI, 'prs' → 'Dari'; the code itself when Babel does not
    know it (so nothing is hidden)."""
    if not code:
        return ""
    code = code.strip()
    ui = _ui_locale(ui_language)
    if code in DARI_CODES:
        return DARI.get(ui, "Dari")
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(ui)
    except (UnknownLocaleError, ValueError):
        name = None
    if not name:
        try:
            name = Locale.parse(ui).languages.get(code.replace("-", "_").split("_")[0])
        except (UnknownLocaleError, ValueError):
            name = None
    return name or code


def language_names(codes, ui_language: str | None = None, sep: str = ", ") -> str:
    """Several codes named, in the order given, each once."""
    return sep.join(language_name(c, ui_language) for c in dict.fromkeys(codes) if c)
