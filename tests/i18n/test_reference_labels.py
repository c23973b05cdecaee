"""Seed needs and topics are labelled in the UI language (not only Dutch and English)."""

from __future__ import annotations

import json

import pytest

from loket import i18n
from loket.i18n import reference_labels
from loket.i18n import tools as i18n_tools
from loket.paths import resources_dir


@pytest.mark.parametrize(
    ("name", "marked"),
    [("needs", reference_labels.NEED_LABELS), ("topics", reference_labels.TOPIC_LABELS)],
)
def test_every_seed_label_is_marked_for_translation(name, marked):
    rows = json.loads((resources_dir() / "seed" / f"{name}.json").read_text(encoding="utf-8"))
    missing = sorted({r["label_en"] for r in rows} - set(marked))
    assert not missing, f"add to loket/i18n/reference_labels.py: {missing}"


def test_label_follows_the_ui_language():
    before = i18n.language()
    i18n_tools.compile_all()
    row = {"code": "housing", "label_nl": "Wonen", "label_en": "Housing"}
    try:
        i18n.set_language("nl")
        assert reference_labels.label(row) == "Wonen"
        i18n.set_language("en")
        assert reference_labels.label(row) == "Housing"
        i18n.set_language("ar")
        assert reference_labels.label(row) not in ("Housing", "Wonen")
        i18n.set_language("pseudo")
        assert reference_labels.label(row).startswith("⟦")
    finally:
        i18n.set_language(before)
