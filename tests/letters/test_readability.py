"""The plain-language check, and every shipped Dutch letter text against the B1 thresholds."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from loket import letters
from loket.letters import catalogue, readability, templates
from tests.letters_support import letter_visit

BUREAUCRATIC = (
    "De aanvrager dient zich te vergewissen van de toepasselijkheid van de "
    "desbetreffende verordening, alvorens bezwaar wordt aangetekend bij de "
    "bestuursrechter."
)


def test_formulas_follow_domain_definitions():
    rep = readability.analyse("Kom op tijd. Bel ons.")
    wps, spw = rep.words / len(rep.sentences), rep.syllables / rep.words
    assert rep.flesch_douma == pytest.approx(206.835 - 0.93 * wps - 77 * spw)
    assert rep.brouwer == pytest.approx(195 - 2 * wps - 67 * spw)
    assert readability.syllables("afspraak") == 2
    assert readability.syllables("organisatie") >= 5


def test_bureaucratic_text_fails_and_is_flagged():
    rep = readability.analyse(BUREAUCRATIC)
    assert not rep.ok
    assert rep.flagged and rep.flagged[0].text.startswith("De aanvrager")
    assert "toepasselijkheid" in rep.long_words
    assert rep.passives  # "wordt aangetekend"


def test_plain_text_passes():
    assert readability.analyse("U heeft een afspraak. Kom op tijd. Neem uw pas mee.").ok


def test_all_shipped_sentences_pass():
    rep = readability.analyse(readability.shipped_text())
    assert rep.ok, rep.problems


@pytest.mark.parametrize("template", list(templates.TEMPLATES))
def test_each_dutch_letter_passes(db, template):
    _ctx, visit_id = letter_visit(db)
    appt = letters.Appointment(
        datetime(2026, 12, 3, 10, 30),
        "Stationsplein 1, Zwolle",
        "mevrouw De Vries",
        ["Identiteitsbewijs"],
    )
    data = letters.data.gather(db, visit_id, letter_date=date(2026, 11, 28), appointment=appt)
    for p in data.partners:  # directory data is not letter text: judge only what Loket ships
        p.documents = []
    appt.bring = []
    cat = catalogue.load("nl")
    blocks = templates.TEMPLATES[template].body(data, cat)
    names = frozenset(w.lower() for p in data.partners for w in p.organisation.split())
    text = "\n".join(_texts(blocks))
    rep = readability.analyse(text, names=names)
    assert rep.ok, rep.problems


def _texts(blocks):
    for b in blocks:
        if b.kind == "group":
            yield from _texts(b.children)
        elif b.kind in ("text", "step", "check", "bullet") and b.text:
            yield b.text if b.text.rstrip().endswith((".", "?", "!", ":")) else b.text + "."
