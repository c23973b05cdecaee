"""The English labels of the seed reference data (needs, topics), marked for the `ui`
catalogue so that a colleague who works in Arabic (or any UI language but Dutch) reads them
in that language.

The Dutch label in the database stays authoritative for a Dutch UI; every other language
translates the English label.  `tests/i18n/test_reference_labels.py` fails when a seed label is
missing here, so a new need or topic cannot appear untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping

from loket import i18n
from loket.i18n import N_, _

# Translators: a need is what a visitor needs help with at the counter.
NEED_LABELS = (
    N_("Low literacy"),
    N_("No digital skills"),
    N_("Health"),
    N_("Multiple problems"),
    N_("Interpreter or language barrier"),
    N_("Debts or money"),
    N_("Housing"),
    N_("Legal question"),
    N_("Domestic violence"),
    N_("Other"),
)

# Translators: a topic is the reason for a visit to the IND counter.
TOPIC_LABELS = (
    N_("Apply for or extend a residence permit"),
    N_("Family reunification"),
    N_("Naturalisation"),
    N_("Explaining a letter from the IND"),
    N_("Collect or hand in documents"),
    N_("Biometrics (photo, fingerprints)"),
    N_("Question about the status of a case"),
    N_("Help with DigiD or online applications"),
    N_("Other"),
)


def label(row: Mapping[str, str]) -> str:
    """The label of a need or topic row in the current UI language."""
    if i18n.language() == "nl":
        return row["label_nl"]
    return _(row["label_en"])
