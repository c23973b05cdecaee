"""Folding text for search: case, accents and punctuation must not stop a match.

Counter staff type "ayse" for "Ayşe" and "hass" for "Al-Hassan"; the folded copy of every
visitor's name lives in the search index, and queries are folded the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that do not decompose into base + combining mark under NFKD.
_SPECIAL = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ħ": "h",
        # Arabic: fold the hamza carriers and alef variants, taa marbuta and alef maqsura,
        # which people spell interchangeably when they type a name.
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian keheh
        "ـ": "",  # tatweel
    }
)
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_SPECIAL)
    return _NON_WORD.sub(" ", text).strip()


def fold(text: str | None) -> str:
    """Lower-case, strip accents and diacritics, collapse punctuation to single spaces."""
    # Names repeat a great deal (and arrive one keystroke at a time): cache the folding.
    # Arabic harakat are combining marks (Mn) and go with the accents.
    return _fold(text) if text else ""


_NON_ASCII_DIGIT = re.compile(r"[^0-9]+")


def digits(text: str | None) -> str:
    if not text:
        return ""
    if text.isascii():  # the usual case, a regex instead of a loop per character
        return _NON_ASCII_DIGIT.sub("", text)
    return "".join(ch for ch in text if ch.isdigit())


def search_text(
    given_names: str | None,
    family_name: str | None,
    v_number: str | None = None,
    bsn: str | None = None,
    date_of_birth: str | None = None,
    phone: str | None = None,
    latin_given_names: str | None = None,
    latin_family_name: str | None = None,
) -> str:
    """The one line of folded text the visitor search index holds for a visitor.

    Dates go in as ISO (1990-03-07) and as the Dutch way of writing them (07-03-1990);
    phone numbers as digits in E.164 and in the national form (0612345678).
    """
    parts = [fold(given_names), fold(family_name)]
    if latin_given_names or latin_family_name:
        parts += [fold(latin_given_names), fold(latin_family_name)]
    if v_number:
        parts.append(digits(v_number))
    if bsn:
        parts.append(digits(bsn))
    if date_of_birth:
        parts.append(date_of_birth)
        y, _, rest = date_of_birth.partition("-")
        m, _, d = rest.partition("-")
        if d:
            parts.append(f"{d}-{m}-{y}")
    if phone:
        p = digits(phone)
        parts.append(p)
        if p.startswith("31"):
            parts.append("0" + p[2:])
    return " ".join(p for p in parts if p)
