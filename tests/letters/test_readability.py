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


FORMAL = (
    "Indien u bezwaar wilt maken, dient u dit schriftelijk te doen. Derhalve vragen wij u "
    "het formulier in te vullen. Middels dit formulier kunt u uw gegevens doorgeven. "
    "Alvorens u het formulier opstuurt, controleert u alles."
)


def test_formal_paragraph_fails_with_plain_alternatives():
    rep = readability.analyse(FORMAL)
    assert not rep.ok
    found = dict(rep.formal)
    assert found["indien"] == "als"
    assert found["dient u"] == "moet u"
    assert found["middels"] == "met"
    assert {"derhalve", "alvorens"} <= set(found)
    assert all(s.problems for s in rep.sentences)  # every sentence judged on its own
    hints = readability.hints(rep)
    assert any('"als"' in h and '"indien"' in h for h in hints)


def test_third_person_and_capitalised_jargon_fail():
    rep = readability.analyse("De vreemdeling dient zijn paspoort mee te nemen.")
    assert not rep.ok and ("de vreemdeling", "u") in rep.formal
    rep = readability.analyse(
        "Neem uw Mvv mee. Ga naar de Vreemdelingenpolitie. Uw Regievoerder belt u."
    )
    assert not rep.ok
    assert {"mvv", "vreemdelingenpolitie", "regievoerder"} <= {w for w, _p in rep.formal}
    # a real name passed as a name is not judged; an acronym is a name
    assert readability.analyse("Bel Tesfay bij OBA.", names=frozenset({"tesfay"})).ok


def test_perfect_passives_are_flagged_not_failed():
    rep = readability.analyse("Uw brief is ontvangen. Uw dossier is bekeken. Wij bellen u.")
    assert rep.passives == ["Uw brief is ontvangen.", "Uw dossier is bekeken."]
    assert rep.ok


def test_one_long_sentence_fails_even_among_short_ones():
    long = (
        "U kunt met al uw vragen over de brief die u van ons kreeg altijd bij ons "
        "terecht op het loket in de stad."
    )
    rep = readability.analyse("Kom op tijd. Bel ons. Neem uw pas mee. " + long)
    assert any(p.startswith("sentence too long") for p in rep.problems)


def test_masking_names_numbers_and_addresses():
    text = "Ga naar Wijkteam Zwolle-Zuid, Stationsplein 1, 8011 CW Zwolle. Bel 038 123 4567."
    masked = readability.mask(text, ["Wijkteam Zwolle-Zuid", "Stationsplein 1", "Zwolle"])
    assert "Stationsplein" not in masked and "CW" not in masked and "038" not in masked
    assert readability.analyse(masked).ok


def test_shipped_text_does_not_average_over_labels():
    text = readability.shipped_text()
    lines = text.splitlines()
    assert "Adres:" not in lines and "Zorgpas" not in lines
    rep = readability.analyse(text)
    assert rep.words / len(rep.sentences) > 4.5  # real sentences, not one-word labels
    labels = readability.analyse(readability.shipped_labels(), averages=False)
    assert labels.ok, labels.problems


@pytest.mark.parametrize("template", list(templates.TEMPLATES))
def test_each_printed_dutch_letter_passes_with_names_masked(db, template):
    from loket.letters import checks

    _ctx, visit_id = letter_visit(db)
    appt = letters.Appointment(
        datetime(2026, 12, 3, 14, 30),
        "Stationsplein 1, 8011 CW Zwolle",
        "mevrouw De Vries",
        ["Identiteitsbewijs", "Huurcontract"],
    )
    data = letters.data.gather(db, visit_id, letter_date=date(2026, 11, 28), appointment=appt)
    rep = checks.letter_report(templates.TEMPLATES[template], data)
    assert rep.ok, rep.problems
    assert "Stationsplein" not in " ".join(s.text for s in rep.sentences)
