"""Field checks for the partner directory, shared by manual edits (directory_edit) and HSDS
import (hsds_apply), so that data from a file is held to the same rules as data typed in: no
invisible direction marks or control characters, language codes that are codes, phone numbers
of digits, e-mail addresses and web addresses that are what they say.

Each check returns the value or raises ValidationError naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loket import validation
from loket.errors import ValidationError
from loket.i18n import _

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
# Directory numbers are shown as the partner publishes them (0900-8020, 020 123 4567), so
# they are not turned into E.164 like a visitor's number.
DIRECTORY_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{2,24}$")
_URL = re.compile(r"^https?://[^\s/?#@]+\.[^\s/?#@]+(?::[0-9]+)?(?:[/?#]\S*)?$", re.IGNORECASE)
_MAX_SHORT = 200


def language_code(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not LANGUAGE_CODE.match(text):
        raise ValidationError.single(field, _("Use language codes such as nl, ar or fa-AF."))
    return text


def phone(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not DIRECTORY_PHONE.match(text):
        raise ValidationError.single(field, _("A phone number holds only digits."))
    return text


def url(value: str | None, field: str) -> str | None:
    """A web address; "www.example.nl" gets https:// in front of it."""
    text = validation.free_text(value, field, max_length=2000)
    if not text:
        return None
    if "://" not in text and re.match(r"^[^\s/:@]+\.[a-z]{2,}(/|$)", text, re.IGNORECASE):
        text = "https://" + text
    if not _URL.match(text):
        raise ValidationError.single(
            field, _("This is not a web address; it starts with https://.")
        )
    return text


def _name(value: str | None, field: str) -> str:
    return validation.name(value, field)


def _short(value: str | None, field: str) -> str:
    return validation.free_text(value, field, max_length=_MAX_SHORT)


def _email(value: str | None, field: str) -> str | None:
    return validation.email(value, field)


Check = Callable[[str | None, str], object]
# table (or "address" / "accessibility") -> column -> check; every other text is free text.
IMPORT_CHECKS: dict[str, dict[str, Check]] = {
    "organisation": {
        "name": _name,
        "alternate_name": _name,
        "email": _email,
        "website": url,
        "legal_status": _short,
    },
    "service": {
        "name": _name,
        "alternate_name": _name,
        "email": _email,
        "assurer_email": _email,
        "url": url,
    },
    "location": {"name": _name, "alternate_name": _name},
    "address": {"city": _short, "region": _short, "state_province": _short, "country": _short},
    "service_language": {"code": language_code, "name": _short},
    "phone": {"number": phone, "extension": _short, "type": _short},
    "required_document": {"uri": url},
}


def check_imported(table: str, data: dict) -> None:
    """Run the checks a manual edit gets on one imported record; the first error is raised."""
    checks = IMPORT_CHECKS.get(table, {})
    for column, value in data.items():
        if value is None or isinstance(value, (int, float)):
            continue
        text = str(value)
        check = checks.get(column)
        if check is not None:
            check(text, column)
        else:
            validation.free_text(text, column)
    if table == "address" and (data.get("country") or "NL").strip().upper() == "NL":
        validation.postcode(data.get("postal_code"), "postal_code")
