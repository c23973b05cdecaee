"""Language names in the UI come from one place (loket.i18n.languages), as in the letters:
CLDR through Babel, and Dari for `prs`, which CLDR does not name."""

from __future__ import annotations

import pytest

from loket.counter.lookups import visitor_languages
from loket.directory.routing import language_name as routing_name
from loket.i18n.languages import language_name, language_names


@pytest.mark.parametrize(
    ("code", "ui", "name"),
    [
        ("prs", "nl", "Dari"),
        ("prs", "en", "Dari"),
        ("prs", "ar", "الدارية"),
        ("fa-AF", "nl", "Dari"),
        ("ar", "nl", "Arabisch"),
        ("fa", "nl", "Perzisch"),
        ("ti", "ar", "التغرينية"),
        ("xx-unknown", "nl", "xx-unknown"),  # nothing hidden: the code itself
    ],
)
def test_language_names_in_the_ui_language(code, ui, name):
    assert language_name(code, ui) == name


def test_the_directory_and_the_visitor_forms_use_the_same_names():
    assert routing_name("prs", "nl") == "Dari"
    labels = {c.code: c.label for c in visitor_languages("nl")}
    assert labels["prs"] == "Dari" and labels["fa"] == "Perzisch"
    assert language_names(["ar", "prs", "ar"], "nl") == "Arabisch, Dari"
