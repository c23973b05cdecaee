"""What a letter says: steps a visitor can act on, dates, warnings for staff, Dari."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from loket import letters
from loket.clock import today
from loket.counter import appointments
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from loket.letters import catalogue, checks, facts, templates
from loket.letters.data import gather
from tests.letters.test_render import page_texts
from tests.letters_support import _insert, letter_visit, partner, refer

APPT = letters.Appointment(
    datetime(2026, 12, 3, 14, 30), "Stationsplein 1, Zwolle", "mevrouw De Vries", ["Huurcontract"]
)


def _text(letter) -> str:
    """The letter's text with line breaks as spaces: sentences wrap."""
    return " ".join("\n".join(page_texts(letter.pdf)).split())


def _dutch(letter) -> str:
    whole = _text(letter)
    return whole[whole.rindex("Nederlands IND Maatwerkloket") :]


def test_plan_with_two_partners_names_both_phones_and_dates(db):
    ctx, visit_id = letter_visit(db, follow_up="2026-12-14")
    letter = letters.compose(ctx, visit_id, "plan", "nl", letter_date=date(2026, 11, 28))
    text = _text(letter)
    assert "030 123 4567" in text and "0900 800" in text  # both partners' phones
    # warm: the partner calls within 5 working days, with a fallback; cold: by a date
    assert "Schuldhulp Zwolle belt u vóór vrijdag 4 december 2026." in text
    assert "Heeft niemand u gebeld? Bel dan zelf: 030 123 4567." in text
    assert "Bel of ga naar Het Juridisch Loket vóór vrijdag 11 december 2026." in text
    assert "Lukt het niet? Bel ons: 020 123 4567." in text or "Bel ons: " in text
    assert "Stationsplein 1" in text and "9.00 tot 12.30 uur" in text
    assert "Bellen naar een 0900-nummer kost geld." in text
    # the return visit: weekday, and a way to agree a time when none is booked
    assert "Kom terug naar het loket op maandag 14 december 2026." in text
    assert "Bel ons om een tijd af te spreken:" in text


def test_plan_return_visit_with_a_booked_time_and_place(db):
    ctx, visit_id = letter_visit(db, follow_up="2026-12-14")
    appointments.save(
        ctx, visit_id, letters.Appointment(datetime(2026, 12, 14, 14, 30), "Balie 3, Zwolle")
    )
    text = _text(letters.compose(ctx, visit_id, "plan", "nl", letter_date=date(2026, 11, 28)))
    assert "Kom terug naar het loket op maandag 14 december 2026 om 14.30 uur." in text
    assert "Plaats: Balie 3, Zwolle" in text


def test_a_past_return_date_is_refused(db):
    past = (today() - timedelta(days=3)).isoformat()
    ctx, visit_id = letter_visit(db, follow_up=past)
    with pytest.raises(ValidationError) as caught:
        letters.compose(ctx, visit_id, "plan", "ar")
    assert "follow_up_date" in caught.value.errors
    assert past in letters.explain(caught.value)
    # the other letters do not print the return date and are still made
    assert letters.compose(ctx, visit_id, "verwijzing", "nl").pdf.startswith(b"%PDF")


def test_a_past_appointment_is_refused(db):
    ctx, visit_id = letter_visit(db)
    with pytest.raises(ValidationError):
        letters.compose(
            ctx, visit_id, "afspraak", "nl", appointment=APPT, letter_date=date(2026, 12, 5)
        )


def test_dutch_follows_direct_duidelijk(db):
    ctx, visit_id = letter_visit(db)
    text = _text(
        letters.compose(
            ctx, visit_id, "afspraak", "nl", appointment=APPT, letter_date=date(2026, 11, 28)
        )
    )
    assert "Betreft" not in text
    assert "Beste Ali A & B," in text
    assert "14.30 uur" in text and "14:30" not in text
    assert "Is iets niet duidelijk? Bel ons: 020 123 4567." in text
    assert "Dan geldt de Nederlandse tekst" not in text


def test_afspraak_names_weekday_organisation_interpreter_and_letter(db):
    ctx, visit_id = letter_visit(db)
    referral = db.one(
        "SELECT id FROM referral WHERE visit_id = ? AND handover = 'cold'", (visit_id,)
    )
    appt = letters.Appointment(APPT.starts_at, APPT.place, referral_id=referral["id"])
    text = _text(
        letters.compose(
            ctx, visit_id, "afspraak", "nl", appointment=appt, letter_date=date(2026, 11, 28)
        )
    )
    assert (
        "U heeft een afspraak bij Het Juridisch Loket op donderdag 3 december 2026 om 14.30 uur."
        in text
    )
    assert "Heeft u een tolk nodig?" in text and "Neem deze brief mee naar de afspraak." in text
    desk = _text(
        letters.compose(
            ctx, visit_id, "afspraak", "nl", appointment=APPT, letter_date=date(2026, 11, 28)
        )
    )
    assert "U heeft een afspraak bij het IND Maatwerkloket op donderdag 3 december 2026" in desk


def test_meenemen_lists_identity_papers_once(db):
    ctx, visit_id = letter_visit(db)
    appt = letters.Appointment(APPT.starts_at, APPT.place, bring=["Identiteitsbewijs", "Zorgpas"])
    text = _dutch(
        letters.compose(
            ctx, visit_id, "meenemen", "en", appointment=appt, letter_date=date(2026, 11, 28)
        )
    )
    assert text.count("identiteitsbewijs") + text.count("Identiteitsbewijs") == 1
    assert text.count("Zorgpas") == 1


def test_verwijzing_marks_the_visitors_language_and_warns_of_incomplete_partners(db):
    ctx, visit_id = letter_visit(db, language="ti")
    with db.transaction():
        org = _insert(db, "organisation", name="Wijkteam Zuid")
        svc = _insert(db, "service", organization_id=org, name="Wijkteam Zuid")
        _insert(db, "location", organization_id=org, city="Zwolle")
    refer(db, visit_id, svc)
    letter = letters.compose(ctx, visit_id, "verwijzing", "ti", letter_date=date(2026, 11, 28))
    text = _text(letter)
    assert "ትግርኛ (ቋንቋኹም)" in text  # Tigrinya, marked "your language"
    assert "ሆላንድኛ" in text and "ዳች" not in text  # one name for Dutch
    assert "Tigrinya (uw taal)" in _dutch(letter)
    warned = [w for w in letter.warnings if "Wijkteam Zuid" in w]
    assert warned and _("phone number") in warned[0] and _("opening hours") in warned[0]
    assert not any("Schuldhulp Zwolle" in w for w in letter.warnings)  # complete


def test_untranslated_directory_text_is_marked_and_warned(db):
    ctx, visit_id = letter_visit(db)
    letter = letters.compose(
        ctx, visit_id, "meenemen", "ar", appointment=APPT, letter_date=date(2026, 11, 28)
    )
    text = _text(letter)
    # RTL text comes out of the PDF in visual order: the mark and the Dutch word both print
    assert text.count("باللغة الهولندية") >= 2 and "Huurcontract" in text
    nl_cat = catalogue.load("ar")
    assert templates.directory_text(nl_cat, "Huurcontract") == "Huurcontract (باللغة الهولندية)"
    assert templates.directory_text(nl_cat, "Zorgpas") == "بطاقة التأمين الصحي"
    assert "(in het Nederlands)" not in _dutch(letter)
    assert any("Huurcontract" in w and "Loonstrook mei" in w for w in letter.warnings)


def test_partner_help_kept_apart_from_the_visitors_need(db):
    ctx, visit_id = letter_visit(db, needs=("language_barrier",), referrals=False)
    svc = partner(db, "Taalhuis Zwolle", city="Zwolle", needs=("language_barrier",))
    refer(db, visit_id, svc)
    text = _text(letters.compose(ctx, visit_id, "plan", "nl", letter_date=date(2026, 11, 28)))
    assert "Zij helpen u met: De Nederlandse taal" in text
    assert "Zij helpen u met: Een tolk" not in text
    assert "U kwam voor: • Een tolk" in text


def test_staff_note_is_checked_before_printing(db):
    note = (
        "Uitgelegd dat betrokkene indien gewenst middels een aangetekend schrijven "
        "bezwaar kan maken tegen de beschikking."
    )
    ctx, visit_id = letter_visit(db, summary=note)
    letter = letters.compose(ctx, visit_id, "plan", "nl", letter_date=date(2026, 11, 28))
    (problem,) = [p for p in letter.problems if '"indien"' in p]
    # which sentence, and which word to write instead of which
    said = _('write "{plain}" instead of "{word}"')
    start = _('In "{sentence}": {changes}.').format(sentence=note, changes="")[:-1]
    (change,) = checks.note_changes(gather(db, visit_id, letter_date=date(2026, 11, 28)))
    assert change.startswith(start) and change in problem
    assert said.format(plain="als", word="indien") in change
    assert said.format(plain="met", word="middels") in change
    assert not any('"indien"' in w for w in letter.warnings)
    # blocked in the core: neither the app nor the command line can give it
    with pytest.raises(LoketError) as caught:
        letters.record(ctx, letter)
    assert '"middels"' in str(caught.value)
    assert db.scalar("SELECT count(*) FROM letter WHERE visit_id = ?", (visit_id,)) == 0
    ctx2, plain_visit = letter_visit(db, summary="Komt terug met de brief van de gemeente.")
    plain = letters.compose(ctx2, plain_visit, "plan", "nl", letter_date=date(2026, 11, 28))
    assert plain.warnings == [] and plain.problems == []
    assert letters.record(ctx2, plain).id is not None


def test_a_hard_note_names_the_long_sentence_and_the_hard_words(db):
    import dataclasses

    long_one = (
        "Wij hebben vandaag samen heel rustig alle brieven van de gemeente en van de "
        "verhuurder doorgenomen en besproken."
    )
    _ctx, visit_id = letter_visit(db, summary="Komt dinsdag terug. " + long_one)
    d = gather(db, visit_id, letter_date=date(2026, 11, 28))
    changes = checks.note_changes(d)
    split = _("split it in two ({n} words, at most {max})").format(n=18, max=15)
    (change,) = changes  # only what needs a change
    assert change.startswith(
        _('In "{sentence}": {changes}.').format(sentence=long_one, changes=split)[:-1]
    )
    jargon = "Regievoerder neemt contact op over de beschikking."
    d = dataclasses.replace(d, summary=jargon)
    (change,) = [c for c in checks.note_changes(d) if '"regievoerder"' in c]
    assert jargon in change
    assert checks.note_problems(templates.TEMPLATES["meenemen"], d) == []  # prints no note


def test_dari_is_a_letter_language_with_afghan_month_names(db):
    from loket.counter.lookups import VISITOR_LANGUAGES, language_name

    assert "prs" in VISITOR_LANGUAGES and "fa_AF" not in VISITOR_LANGUAGES
    assert language_name("prs", "nl") == "Dari"
    cat = catalogue.load("prs")
    assert cat.rtl and not cat.certified and cat.comma == "، "
    ctx, visit_id = letter_visit(db, language="prs", follow_up="2026-12-14")
    letter = letters.compose(ctx, visit_id, "plan", "prs", letter_date=date(2026, 11, 28))
    text = _text(letter)
    assert "دسمبر" in text and "دسامبر" not in text  # Afghan, not Iranian, month name
    assert text.startswith("دری")  # headed with its own name
    assert letter.unchecked == ["prs"]


def test_language_list_names_farsi_and_dari(db):
    cat = catalogue.load("prs")
    names = facts.language_list(["fa", "prs", "nl", "fa-AF"], cat, own="prs")
    assert names == "فارسی، دری (زبان شما)، هالندی"


def test_list_separator_per_language():
    assert catalogue.load("ti").comma == "፣ "
    assert catalogue.load("ar").comma == "، "
    assert catalogue.load("fr").comma == ", "


def test_return_step_dates_fall_before_the_return_visit():
    d = gather.__globals__["LetterData"]  # the dataclass, without a database
    data = d(
        "v",
        "p",
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 2),
        "",
        "X",
        None,
        None,
        "nl",
        "Zwolle",
        [],
        "Balie",
        None,
        [],
        [],
    )
    p = letters.data.Partner("r", "OBA", "OBA", "cold")
    assert templates.act_by(data, p) == date(2026, 12, 1)
    warm = letters.data.Partner("r", "OBA", "OBA", "warm")
    assert templates.act_by(replace_follow_up(data, None), warm) == date(2026, 12, 7)


def replace_follow_up(data, value):
    from dataclasses import replace

    return replace(data, follow_up_date=value)


def test_a_visitor_stored_with_fa_af_gets_the_dari_letter(db):
    # fa_AF is no longer accepted for a new visitor (prs is Dari's code), but records from
    # before say it: they get the Dari letter
    ctx, visit_id = letter_visit(db, language="prs")
    db.execute(
        "UPDATE visitor SET preferred_language = 'fa_AF' WHERE id ="
        " (SELECT visitor_id FROM visit WHERE id = ?)",
        (visit_id,),
    )
    assert letters.visit_facts(ctx, visit_id)["language"] == "prs"
    letter = letters.compose(ctx, visit_id, "plan", "fa_AF", letter_date=date(2026, 11, 28))
    assert letter.languages == ["prs", "nl"]
