"""A language is a code Loket ships a catalogue for: never a path, never free text."""

from __future__ import annotations

import shutil

import pytest

from loket import i18n
from loket.counter import intake
from loket.errors import LoketError, ValidationError
from loket.paths import locales_dir
from tests.helpers import context, visitor


@pytest.fixture
def planted(tmp_path):
    """A catalogue outside the shipped locales (a copy of the Dutch one)."""
    target = tmp_path / "evil" / "LC_MESSAGES"
    target.mkdir(parents=True)
    for name in ("ui.mo", "letters.po", "letters.mo"):
        source = locales_dir() / "nl" / "LC_MESSAGES" / name
        if source.exists():
            shutil.copy(source, target / name)
    return tmp_path / "evil"


def test_ui_language_is_never_read_from_a_path(planted):
    before = i18n.language()
    try:
        i18n.set_language(str(planted))
        assert i18n._("Totals") == "Totals"  # English msgid, not the planted Dutch
        assert i18n.language() == "en"  # and the path is not handed on (dates, Babel)
        i18n.set_language("nl")
        assert i18n._("Totals") != "Totals"
    finally:
        i18n.set_language(before)


def test_letter_catalogue_is_never_read_from_a_path(planted):
    from loket.letters import catalogue

    with pytest.raises(LoketError):
        catalogue.load(str(planted))


@pytest.mark.parametrize("field", ["preferred_language", "interpreter_language"])
@pytest.mark.parametrize("bad", ["xx", "/etc/passwd", "../nl", "Nederlands"])
def test_visitor_languages_must_be_shipped(db, field, bad):
    ctx = context(db, "balie", "anna")
    with pytest.raises(ValidationError) as err:
        intake.register_visitor(
            ctx,
            intake.Visitor(given_names="Sara", family_name="Haile", **{field: bad}),
            confirmed_new=True,
        )
    assert field in err.value.errors
    assert db.scalar("SELECT count(*) FROM visitor WHERE family_name = 'Haile'") == 0


@pytest.mark.parametrize("field", ["language", "interpreter_language"])
def test_visit_languages_must_be_shipped(db, field):
    ctx = context(db, "balie", "anna")
    owner = visitor(ctx)
    with pytest.raises(ValidationError) as err:
        intake.save_visit(
            ctx,
            intake.Visit(visitor_id=owner.id, topic_code="residence_permit", **{field: "/tmp"}),
        )
    assert field in err.value.errors
    for code in ("ar", "ti", "nl"):
        intake.save_visit(
            ctx, intake.Visit(visitor_id=owner.id, topic_code="residence_permit", **{field: code})
        )
