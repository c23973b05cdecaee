"""Table-driven checks of every field staff type: bad input refused with a named field,
good input in every script kept (normalised)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from loket import validation as v
from loket.errors import ValidationError


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("111222333", "111222333"),
        ("12345672", "012345672"),  # 8 digits get a leading zero, then the 11-proef holds
        (" 123.456.782 ", "123456782"),
        ("", None),
        (None, None),
    ],
)
def test_bsn_good(raw, clean):
    assert v.bsn(raw) == clean


@pytest.mark.parametrize(
    "raw", ["123456789", "12345678a", "1234567", "1234567890", "000000000", "١١١٢٢٢٣٣٣"]
)
def test_bsn_bad(raw):
    with pytest.raises(ValidationError) as err:
        v.bsn(raw)
    assert "bsn" in err.value.errors


@pytest.mark.parametrize(
    "raw, clean", [("1234567890", "1234567890"), ("12345 67890", "1234567890"), ("", None)]
)
def test_v_number_good(raw, clean):
    assert v.v_number(raw) == clean


@pytest.mark.parametrize("raw", ["123456789", "12345678901", "12345abcde", "١٢٣٤٥٦٧٨٩٠"])
def test_v_number_bad(raw):
    with pytest.raises(ValidationError) as err:
        v.v_number(raw)
    assert "v_number" in err.value.errors


@pytest.mark.parametrize(
    "raw, clean",
    [("1234AB", "1234 AB"), ("1234 ab", "1234 AB"), ("8017 JK", "8017 JK"), ("", None)],
)
def test_postcode_good(raw, clean):
    assert v.postcode(raw) == clean


@pytest.mark.parametrize(
    "raw", ["0123 AB", "1234 SA", "1234 sd", "1234 SS", "123 AB", "1234 A", "1234 ABC", "ABCD 12"]
)
def test_postcode_bad(raw):
    with pytest.raises(ValidationError) as err:
        v.postcode(raw)
    assert "postal_code" in err.value.errors


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("1990-03-07", "1990-03-07"),
        ("07-03-1990", "1990-03-07"),
        ("7/3/1990", "1990-03-07"),
        ("1900-01-01", "1900-01-01"),
    ],
)
def test_date_of_birth_good(raw, clean):
    assert v.date_of_birth(raw, today=date(2026, 11, 28)) == clean


@pytest.mark.parametrize(
    "raw", ["2026-11-29", "1899-12-31", "31-02-1990", "1990/13/01", "gisteren", "2030-01-01"]
)
def test_date_of_birth_bad(raw):
    with pytest.raises(ValidationError) as err:
        v.date_of_birth(raw, today=date(2026, 11, 28))
    assert "date_of_birth" in err.value.errors


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("0612345678", "+31612345678"),
        ("06-12 34 56 78", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("+31 (0)20 1234567", "+31201234567"),
        ("020-1234567", "+31201234567"),
        ("+32 470 12 34 56", "+32470123456"),
        ("", None),
    ],
)
def test_phone_good(raw, clean):
    assert v.phone(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["12345", "061234567", "06123456789", "06-CALL-ME", "+31 6 123", "++31612345678", "٠٦١٢٣٤٥٦٧٨"],
)
def test_phone_bad(raw):
    with pytest.raises(ValidationError) as err:
        v.phone(raw)
    assert "phone" in err.value.errors


@pytest.mark.parametrize(
    "raw",
    [
        "Ayşe",
        "Al-Hassan",
        "محمد الحلبي",
        "ሃብተ ገብረሚካኤል",
        "Олександр Шевченко",
        "Nguyễn",
        "روح‌الله",
        "O'Brien",
        "de Vries",
        "Zoë",
        "Faadumo Cali",
    ],
)
def test_names_in_every_script_are_kept(raw):
    assert v.name(raw, "family_name") == unicodedata.normalize("NFC", raw)


def test_names_are_nfc_normalised():
    decomposed = "Zoe\u0308"  # e + combining diaeresis
    assert v.name(decomposed, "given_names") == "Zoë"


@pytest.mark.parametrize(
    "raw",
    [
        "   ",
        "\t",
        "Ali\u202eevil",
        "Ali\u202a",
        "Ali\u2066x\u2069",
        "A\u202dB",
        "Al\x07i",
        "Ali\nB",
        "A\u2067",
        "A\u2068",
    ],
)
def test_bad_names_are_refused(raw):
    with pytest.raises(ValidationError) as err:
        v.name(raw, "family_name", required=True)
    assert "family_name" in err.value.errors


def test_required_name_missing():
    with pytest.raises(ValidationError):
        v.name("", "family_name", required=True)


def test_collect_reports_every_field():
    with pytest.raises(ValidationError) as err:
        v.collect(
            ("bsn", lambda: v.bsn("123")),
            ("v_number", lambda: v.v_number("1")),
            ("postal_code", lambda: v.postcode("0000 AA")),
        )
    assert set(err.value.errors) == {"bsn", "v_number", "postal_code"}


def test_an_error_says_to_staff_only_its_messages():
    from loket.errors import LoketError, NotFound, ValidationError

    err = ValidationError({"bsn": "Check the BSN.", "postcode": "Write 1234 AB."})
    assert err.message == "Check the BSN.\nWrite 1234 AB."  # no field names
    assert NotFound("Visit not found.").message == "Visit not found."
    assert isinstance(err, LoketError)


# -- text that is not valid Unicode ---------------------------------------------------------------
_SURROGATE = "Jan\ud800sen"


@pytest.mark.parametrize(
    "check",
    [
        lambda x: v.name(x, "family_name"),
        lambda x: v.free_text(x, "summary"),
        lambda x: v.email(x + "@example.nl", "email"),
        lambda x: v.phone(x, "phone"),
        lambda x: v.postcode(x, "postal_code"),
        lambda x: v.bsn(x, "bsn"),
        lambda x: v.v_number(x, "v_number"),
    ],
)
def test_a_lone_surrogate_is_refused_clearly(check):
    with pytest.raises(ValidationError):
        check(_SURROGATE)


def test_a_visitor_with_a_lone_surrogate_in_the_name_is_refused_and_nothing_is_written(db):
    from tests.helpers import context, visitor

    ctx = context(db, role="balie")
    before = db.scalar("SELECT count(*) FROM visitor")
    with pytest.raises(ValidationError):
        visitor(ctx, family_name=_SURROGATE)
    assert db.scalar("SELECT count(*) FROM visitor") == before
