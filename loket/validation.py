"""Checks for every field staff type in.  Each returns the clean value or raises
ValidationError naming the field, with a translated message.

Sources: DOMAIN.md (BSN 11-proef, V-nummer, postcode rules).  Names are kept as typed in any
script, NFC-normalised; characters that could make a printed name read differently from what
was typed (controls, bidi overrides and isolates) are refused.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from loket.errors import ValidationError
from loket.i18n import _

_BIDI_CONTROLS = {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 200


def readable(value: str | None, field: str) -> str | None:
    """Refuse text that is not valid Unicode: a lone surrogate (from a broken paste or a
    file in another encoding) cannot be stored, printed or exported."""
    if value and any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValidationError.single(
            field, _("The text contains a damaged character; type it again.")
        )
    return value


def name(value: str | None, field: str, *, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", readable(value, field) or "").strip()
    if not text:
        if required or value:
            # Only spaces (or nothing where a name is needed) is never a name.
            raise ValidationError.single(field, _("Fill in a name."))
        return ""
    for ch in text:
        if ch in _BIDI_CONTROLS:
            raise ValidationError.single(
                field, _("The name contains an invisible direction mark; type it again.")
            )
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in ("\u200c", "\u200d"):
            # ZWNJ/ZWJ are needed to spell Persian and some Arabic names correctly.
            raise ValidationError.single(
                field, _("The name contains an invisible control character.")
            )
    if len(text) > MAX_NAME:
        raise ValidationError.single(field, _("The name is too long."))
    if not any(ch.isalpha() for ch in text):
        # only accents, harakat or punctuation: nothing a letter or a search could show
        raise ValidationError.single(field, _("A name needs at least one letter."))
    return " ".join(text.split())


def latin_name(value: str | None, field: str) -> str:
    """The name as the IND document writes it: a name (as above) in Latin letters only."""
    text = name(value, field)
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            raise ValidationError.single(
                field, _("Type this name in Latin letters, as on the IND document.")
            )
    return text


def bsn(value: str | None, field: str = "bsn") -> str | None:
    """9 digits (8 get a leading zero) that pass the 11-proef."""
    text = (value or "").replace(" ", "").replace(".", "").replace("-", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) not in (8, 9):
        raise ValidationError.single(field, _("A BSN has 9 digits."))
    text = text.zfill(9)
    total = sum(int(d) * w for d, w in zip(text[:8], range(9, 1, -1), strict=True))
    total -= int(text[8])
    if total % 11 != 0 or text == "000000000":
        raise ValidationError.single(field, _("This is not a valid BSN (the 11-check fails)."))
    return text


def v_number(value: str | None, field: str = "v_number") -> str | None:
    text = (value or "").replace(" ", "").replace(".", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) != 10:
        raise ValidationError.single(field, _("A V-number has exactly 10 digits."))
    return text


def postcode(value: str | None, field: str = "postal_code") -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    m = _POSTCODE.match(text)
    if not m or not text.isascii():
        raise ValidationError.single(field, _("A postcode looks like 1234 AB."))
    letters = m.group(2).upper()
    if letters in ("SA", "SD", "SS"):
        raise ValidationError.single(
            field, _("Postcodes with the letters {letters} do not exist.").format(letters=letters)
        )
    return f"{m.group(1)} {letters}"


def date_of_birth(
    value: str | date | None, field: str = "date_of_birth", *, today: date | None = None
) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        parsed = value
    else:
        parsed = parse_date(value, field)
    today = today or date.today()
    if parsed > today:
        raise ValidationError.single(field, _("The date of birth is in the future."))
    if parsed.year < 1900:
        raise ValidationError.single(field, _("The date of birth is before 1900."))
    return parsed.isoformat()


def parse_date(value: str, field: str) -> date:
    """Accept 2026-12-03, 03-12-2026 and 3/12/2026 (day first, as Dutch staff write it)."""
    text = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if not m:
            raise ValidationError.single(field, _("Write the date as dd-mm-yyyy."))
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValidationError.single(field, _("This date does not exist.")) from None


def phone(value: str | None, field: str = "phone") -> str | None:
    """Dutch numbers to E.164 (+31…); a number with a + country code is kept as digits."""
    raw = (value or "").strip()
    if not raw:
        return None
    if not all(ch.isdigit() or ch in " +-().\u00a0" for ch in raw) or not raw.isascii():
        raise ValidationError.single(field, _("A phone number holds only digits."))
    text = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = text[1:]
        if "+" in digits or not digits.isdigit():
            raise ValidationError.single(field, _("A phone number holds only digits."))
        if digits.startswith("31"):
            national = digits[2:]
            if national.startswith("0"):
                national = national[1:]
            if len(national) != 9:
                raise ValidationError.single(field, _("A Dutch phone number has 10 digits."))
            return "+31" + national
        if not 8 <= len(digits) <= 15:
            raise ValidationError.single(
                field, _("This phone number has too few or too many digits.")
            )
        return "+" + digits
    if "+" in text:
        raise ValidationError.single(field, _("A phone number holds only digits."))
    if text.startswith("0") and len(text) == 10:
        return "+31" + text[1:]
    raise ValidationError.single(
        field, _("A Dutch phone number has 10 digits and starts with 0 (or +31).")
    )


def email(value: str | None, field: str = "email") -> str | None:
    text = (readable(value, field) or "").strip()
    if not text:
        return None
    if not _EMAIL.match(text):
        raise ValidationError.single(field, _("This is not an e-mail address."))
    return text


def free_text(value: str | None, field: str, *, max_length: int = 5000) -> str:
    text = unicodedata.normalize("NFC", readable(value, field) or "").strip()
    for ch in text:
        if ch in _BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in "\n\t"):
            raise ValidationError.single(
                field, _("The text contains an invisible control character.")
            )
    if len(text) > max_length:
        raise ValidationError.single(field, _("The text is too long."))
    return text


def collect(*checks) -> dict:
    """Run (field, callable) pairs; gather every error instead of stopping at the first."""
    values, errors = {}, {}
    for field, check in checks:
        try:
            values[field] = check()
        except ValidationError as err:
            errors.update(err.errors)
    if errors:
        raise ValidationError(errors)
    return values
