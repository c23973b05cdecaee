"""Text put together on screen from data: lists, names and places, in either direction.

- `join()` is the one way to list items on screen: with the separator of the UI language
  (a msgid ", " in the ui catalogue; Arabic writes "، ").  The Latin ", " in the Arabic UI
  read as a stray mark between Arabic words.
- `isolate()` wraps text of unknown direction (a visitor's name, a date) in first-strong
  isolates, so that it cannot reorder the sentence or cell around it.
- `shown_name()` / `partner()` / `names_in()` show a partner, service or place name from the
  directory.  A Dutch place name that starts with an apostrophe ("'s-Hertogenbosch",
  "'s-Gravenhage", "'t Harde") lost its apostrophe to the end of an Arabic sentence
  ("s-Hertogenbosch'"), and a narrow cell broke it after "'s-": such names are isolated and
  their hyphen made a non-breaking one (U+2011, in Noto Sans and Noto Sans Arabic).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from loket.i18n import _

FSI, PDI = "\u2068", "\u2069"
NB_HYPHEN = "\u2011"

# A Dutch place name that starts with an apostrophe ('s-Hertogenbosch, 's-Gravenhage, 't Harde)
_APOSTROPHE_NAME = re.compile(r"(?<![\w'])'[st][-\u2011 ]\w[\w-]*")


def isolate(text: str | None) -> str:
    """Wrap text of unknown direction so that it cannot reorder its neighbours."""
    return f"{FSI}{text}{PDI}" if text else ""


def separator() -> str:
    """What stands between the items of a list in the UI language."""
    # Translators: between the items of a list ("Housing, Debts or money"); Arabic
    # script writes "، ".
    return _(", ")


def join(items: Iterable[str | None]) -> str:
    """The items that are not empty, as a list in the UI language ("a, b" / "a، b")."""
    return separator().join(item for item in items if item)


def split(text: str) -> list[str]:
    """The items of a list typed in a field: separated by a Latin or an Arabic comma."""
    return [p.strip() for p in re.split(r"[,\u060c]", text) if p.strip()]


def _unbroken(match: re.Match) -> str:
    return match.group(0).replace("-", NB_HYPHEN)


def names_in(text: str | None) -> str:
    """A sentence with the apostrophe place names in it isolated and kept on one line."""
    if not text:
        return ""
    return _APOSTROPHE_NAME.sub(lambda m: isolate(_unbroken(m)), text)


def shown_name(text: str | None) -> str:
    """A partner, service or place name, isolated, its apostrophe names on one line."""
    if not text:
        return ""
    return isolate(_APOSTROPHE_NAME.sub(_unbroken, text))


def partner(organisation: str | None, service: str | None) -> str:
    """ "Organisation: service", each part shown as `shown_name()`."""
    return ": ".join(shown_name(p) for p in (organisation, service) if p)


def plain(text: str) -> str:
    """Shown text as typed again (isolates off, hyphens back): for copying and searching."""
    return text.replace(FSI, "").replace(PDI, "").replace(NB_HYPHEN, "-")
