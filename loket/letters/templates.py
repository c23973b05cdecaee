"""The four letters and every sentence they print (plain Dutch, B1; msgid = the Dutch text).

Each letter follows the government's plain-language conventions (Direct Duidelijk): sender
and date line, the title (no "Betreft" repeating it), a salutation, the core message first,
then what the reader must do (numbered steps, each with who, how to reach them and by when,
or a checklist with pictograms), then a named contact with a direct phone number and "Is
iets niet duidelijk? Bel ons".  Every date carries its weekday.  A letter is
built as blocks per language; `loket.letters.pdf` draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from loket.i18n import N_
from loket.letters.catalogue import SOURCE_LANGUAGE, LetterCatalogue, M
from loket.letters.data import LetterData, Partner
from loket.letters.formats import (
    format_days,
    format_long_date,
    format_time,
    language_name,
    normal_language,
)
from loket.letters.labels import TITLES
from loket.letters.pdf import Block

# -- shared sentences ------------------------------------------------------------------------
SENDER = M("IND Maatwerkloket {city}")
DATE_LINE = M("{city}, {date}", "Date line at the top of the letter: desk city, today's date.")
SALUTATION = M("Beste {name},", "Salutation: the visitor's name as on their IND papers.")
V_NUMBER = M("V-nummer:")
CONTACT = M("Uw contactpersoon:")
PHONE = M("Telefoon:")
GREETING = M("Met vriendelijke groet,")
DUTCH_FOLLOWS = M("Na deze bladzijden staat dezelfde brief in het Nederlands.")
UNCLEAR = M("Is iets niet duidelijk? Bel ons: {phone}.")
NOT_CHECKED = M("Deze vertaling is nog niet gecontroleerd door een beëdigd vertaler.")
STAFF_NOTE = M("Notitie van de medewerker:")
NOTE_ON_DUTCH_PAGE = M(
    "In de Nederlandse tekst staat ook een notitie van ons.",
    "The staff member's note is typed in Dutch and printed on the Dutch page only.",
)
ADDRESS = M("Adres:")
OPEN = M("Openingstijden:", "Label before a partner's opening hours (working hours).")
HOURS = M("{days}: {opens} tot {closes} uur")
CLOCK = M("{time} uur", "A time of day: 14.30 uur in Dutch; most languages need only {time}.")
LANGUAGES = M("Zij spreken:")
YOUR_LANGUAGE = M(
    "{language} (uw taal)", "Marks the visitor's own language in the list a partner speaks."
)
COSTS_MONEY = M("Bellen naar een 0900-nummer kost geld.")
IN_DUTCH = M(
    "(in het Nederlands)",
    "After directory text (opening-hours notes, papers) that has no translation yet.",
)
DUTCH_NAME = M("Nederlands", "The name of the Dutch language: use this one word everywhere.")
DARI_NAME = M("Dari", "The name of the Dari language (Persian of Afghanistan).")
BRING = M("Neem mee:")
DATE = M("Datum:")
TIME = M("Tijd:")
PLACE = M("Plaats:")
ASK_FOR = M("Vraag naar:")

NEED_TEXT = {
    "low_literacy": M("Lezen en schrijven"),
    "digital_skills": M("Computer, internet en DigiD"),
    "health": M("Uw gezondheid"),
    "multiple_problems": M("Hulp bij meer problemen tegelijk"),
    "language_barrier": M("Een tolk"),
    "debts": M("Geld en schulden"),
    "housing": M("Wonen"),
    "legal": M("Vragen over de wet en uw rechten"),
    "domestic_violence": M("Veiligheid thuis"),
    "other": M("Andere vragen"),
}
# What a partner helps with, where it differs from the visitor's need: a visitor who needs an
# interpreter, sent to a Taalhuis, gets help with the Dutch language, not an interpreter.
HELP_TEXT = {
    "language_barrier": M("De Nederlandse taal", "What a partner helps with (not: a tolk)."),
}
IDENTITY_PAPERS = frozenset(
    {"identiteitsbewijs", "verblijfsdocument", "paspoort", "id-kaart", "verblijfspas"}
)
# Documents that partners often ask for; other directory texts print as they are.
for _doc in (
    "Identiteitsbewijs",
    "Verblijfsdocument",
    "Brieven van de IND",
    "Brieven over schulden",
    "Bankafschriften",
    "Zorgpas",
):
    M(_doc, "A document the visitor must bring (from the partner directory).")

# -- plan ----------------------------------------------------------------------------------
PLAN_SUBJECT = M("Wat gaat er nu gebeuren")
PLAN_VISIT = M("U was op {date} bij het IND Maatwerkloket in {city}.")
PLAN_CORE = M("In deze brief staat wat u nu gaat doen.")
PLAN_STEPS = M("Dit zijn uw stappen:")
STEP_GO = M("Bel of ga naar {organisation} vóór {date}.")
STEP_WARM = M("{organisation} belt u vóór {date}.")
STEP_NOBODY = M("Heeft niemand u gebeld? Bel dan zelf: {phone}.")
STEP_STUCK = M("Lukt het niet? Bel ons: {phone}.")
STEP_HELP = M("Zij helpen u met:")
STEP_RETURN = M("Kom terug naar het loket op {date}.")
STEP_RETURN_AT = M("Kom terug naar het loket op {date} om {time}.")
STEP_RETURN_CALL = M("Bel ons om een tijd af te spreken: {phone}.")
STEP_KEEP = M("Neem deze brief mee naar elke afspraak.")
PLAN_NEEDS = M("U kwam voor:")
PLAN_NONE = M("Wij hebben nog geen andere organisatie voor u gevonden.")

# -- verwijzing -----------------------------------------------------------------------------
REF_SUBJECT = M("Uw verwijzing")
REF_CORE = M("Hieronder staat waar u hulp krijgt.")
REF_WARM = M("Wij hebben {organisation} al over u verteld. U gaf daar toestemming voor.")

# -- afspraak -------------------------------------------------------------------------------
APPT_SUBJECT = M("Uw afspraak")
APPT_CORE = M("U heeft een afspraak bij {organisation} op {date} om {time}.")
APPT_CORE_DESK = M("U heeft een afspraak bij het IND Maatwerkloket op {date} om {time}.")
APPT_INTERPRETER = M("Heeft u een tolk nodig? Bel ons dan vóór de afspraak.")
APPT_LETTER = M("Neem deze brief mee naar de afspraak.")
APPT_ON_TIME = M("Kom op tijd.")
APPT_CANCEL = M("Kunt u niet komen? Bel dan zo snel mogelijk naar {phone}.")
NO_PHONE = "…………"  # preview only: a letter without a number to call is never given

# -- meenemen -------------------------------------------------------------------------------
BRING_SUBJECT = M("Wat neemt u mee")
BRING_CORE = M("Neem deze papieren mee naar uw afspraak.")
BRING_TICK = M("Zet een kruisje in het vakje als u het papier heeft.")
BRING_ID = M("Uw identiteitsbewijs of verblijfsdocument")
BRING_LETTER = M("Deze brief")
BRING_FOR = M("Voor {organisation}:")
BRING_MISSING = M("Heeft u een papier niet? Bel ons. Wij helpen u.")


@dataclass(frozen=True)
class Template:
    name: str
    subject: str  # a Dutch msgid
    description: str  # English msgid of the ui domain
    body: Callable[[LetterData, LetterCatalogue], list[Block]]
    title: str = ""  # short English msgid of the ui domain, for lists of letters given
    needs_appointment: bool = False
    uses_appointment: bool = False  # prints the visit's appointment when there is one
    needs_partners: bool = False  # says nothing without a referral
    shows_summary: bool = False  # prints the staff member's note (Dutch page only)


# How long a partner takes to call after a warm handover, and how long a visitor has to make
# contact themselves, in working days from the letter's date (before the return visit).
WARM_CALL_DAYS = 5
COLD_CONTACT_DAYS = 10
_PAID_PREFIXES = ("0900", "0906", "0909")


def add_working_days(start: date, days: int) -> date:
    out = start
    while days > 0:
        out += timedelta(days=1)
        if out.weekday() < 5:
            days -= 1
    return out


def act_by(d: LetterData, p: Partner) -> date:
    """The date by which a step should have happened: a partner's call after a warm handover,
    the visitor's own contact otherwise, always before the return visit when there is one."""
    by = add_working_days(
        d.letter_date, WARM_CALL_DAYS if p.handover == "warm" else COLD_CONTACT_DAYS
    )
    if d.follow_up_date and d.follow_up_date > d.letter_date + timedelta(days=1):
        by = min(by, d.follow_up_date - timedelta(days=1))
    return by


def is_paid_number(phone: str) -> bool:
    return phone.replace(" ", "").replace("\u00a0", "").startswith(_PAID_PREFIXES)


def clock(value: time, cat: LetterCatalogue) -> str:
    return cat.text(CLOCK, time=format_time(value, cat.lang))


def _hours(text: str, lang: str) -> str:
    try:
        return format_time(time.fromisoformat(text), lang)
    except ValueError:
        return text


def directory_text(cat: LetterCatalogue, dutch: str, held: dict[str, str] | None = None) -> str:
    """Directory data (a paper to bring, a note on opening hours) in the letter's language:
    the directory's own translation (`held`, for this language), else the catalogue's; without
    either it prints in Dutch, marked so in the reader's language."""
    if cat.lang == SOURCE_LANGUAGE:
        return dutch
    if held and held.get(dutch):
        return held[dutch]
    if cat.has(dutch):
        return cat.optional(dutch)
    return f"{dutch} {cat.text(IN_DUTCH)}"


def _note(cat: LetterCatalogue, note: str, own_held: dict[str, str] | None) -> str:
    """A note on opening hours, printed in brackets: an untranslated one as "(alleen op
    afspraak, in het Nederlands)", not with brackets inside brackets."""
    text = directory_text(cat, note, own_held)
    marker = cat.text(IN_DUTCH) if cat.lang != SOURCE_LANGUAGE else ""
    if marker and text.endswith(" " + marker):
        return text[: -len(marker) - 1] + cat.comma + marker.strip("()")
    return text


def held(d: LetterData, cat: LetterCatalogue) -> dict[str, str]:
    return d.directory_translations.get(cat.lang, {})


def language_list(codes: list[str], cat: LetterCatalogue, own: str) -> str:
    own = normal_language(own)
    names = []
    for code in dict.fromkeys(normal_language(c) for c in codes):
        name = letter_language_name(code, cat)
        names.append(cat.text(YOUR_LANGUAGE, language=name) if code == own else name)
    return cat.comma.join(names)


def letter_language_name(code: str, cat: LetterCatalogue) -> str:
    """A language's name in the letter: Dutch and Dari from the catalogue (one word for Dutch
    in every sentence and list), the others from Babel."""
    if code == "nl":
        return cat.text(DUTCH_NAME)
    if code == "prs":
        return cat.text(DARI_NAME)
    return language_name(code, cat.lang)


def _phone_facts(phones: list[str], cat: LetterCatalogue) -> list[Block]:
    if not phones:
        return []
    text = "\n".join(phones)
    if any(is_paid_number(x) for x in phones):
        text += "\n" + cat.text(COSTS_MONEY)
    return [Block("fact", text, cat.text(PHONE), icon="phone")]


def _partner_facts(
    p: Partner,
    cat: LetterCatalogue,
    own_language: str = "",
    *,
    bring: bool = True,
    languages: bool = True,
    own_held: dict[str, str] | None = None,
) -> list[Block]:
    t = cat.text
    facts = []
    facts.extend(_phone_facts(p.phones, cat))
    if p.address_lines:
        facts.append(Block("fact", "\n".join(p.address_lines), t(ADDRESS), icon="place"))
    if p.schedules:
        lines = [
            t(
                HOURS,
                days=format_days(s.byday, cat.lang, cat.comma),
                opens=_hours(s.opens_at, cat.lang),
                closes=_hours(s.closes_at, cat.lang),
            )
            + (f" ({_note(cat, s.note, own_held)})" if s.note else "")
            for s in p.schedules
        ]
        facts.append(Block("fact", "\n".join(lines), t(OPEN), icon="time"))
    if languages and p.languages:
        names = language_list(p.languages, cat, own_language)
        facts.append(Block("fact", names, t(LANGUAGES), icon="contact"))
    if bring and p.documents:
        docs = "\n".join(directory_text(cat, doc, own_held) for doc in p.documents)
        facts.append(Block("fact", docs, t(BRING), icon="documents"))
    return facts


def _helps(p: Partner, cat: LetterCatalogue) -> list[str]:
    out = []
    for c in p.need_codes:
        msgid = HELP_TEXT.get(c) or NEED_TEXT.get(c)
        if msgid:
            out.append(cat.text(msgid))
    return out


def _plan(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
    ours = _unbroken(d.contact_phone or NO_PHONE)
    out = [
        Block(
            "text", t(PLAN_VISIT, date=format_long_date(d.visit_date, cat.lang), city=d.desk_city)
        ),
        Block("text", t(PLAN_CORE)),
        Block("heading", t(PLAN_STEPS)),
    ]
    n = 0
    for p in d.partners:
        n += 1
        by = format_long_date(act_by(d, p), cat.lang)
        lines = [
            t(STEP_WARM if p.handover == "warm" else STEP_GO, organisation=p.organisation, date=by)
        ]
        helps = _helps(p, cat)
        if helps:
            lines.append(t(STEP_HELP) + " " + cat.comma.join(helps))
        if p.handover == "warm":
            lines.append(t(STEP_NOBODY, phone=_unbroken(p.phones[0] if p.phones else ours)))
        else:
            lines.append(t(STEP_STUCK, phone=ours))
        step = Block("step", "\n".join(lines), number=n)
        out.append(
            Block(
                "group",
                children=[
                    step,
                    *_partner_facts(p, cat, bring=False, languages=False, own_held=held(d, cat)),
                ],
            )
        )
    if not d.partners:
        out.append(Block("text", t(PLAN_NONE)))
    if d.follow_up_date:
        n += 1
        when = format_long_date(d.follow_up_date, cat.lang)
        back = d.return_appointment
        if back is not None:
            text = t(STEP_RETURN_AT, date=when, time=clock(back.starts_at.time(), cat))
            place = back.place
        else:
            text = t(STEP_RETURN, date=when) + "\n" + t(STEP_RETURN_CALL, phone=ours)
            place = "\n".join(d.desk_address_lines)
        group = [Block("step", text, number=n)]
        if place:
            group.append(Block("fact", place, t(PLACE), icon="place"))
        out.append(Block("group", children=group))
    out.append(Block("step", t(STEP_KEEP), number=n + 1))
    needs = [Block("bullet", t(NEED_TEXT[c])) for c in d.need_codes if c in NEED_TEXT]
    if needs:  # the visitor's own needs, kept apart from what each partner helps with
        out.append(Block("group", children=[Block("heading", t(PLAN_NEEDS)), *needs]))
    return out


def _referral(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
    out = [Block("text", t(REF_CORE))]
    if not d.partners:
        out.append(Block("text", t(PLAN_NONE)))
    for p in d.partners:
        group = [Block("heading", p.organisation)]
        if p.service and p.service != p.organisation:
            group.append(Block("meta", p.service))
        if p.handover == "warm":
            group.append(Block("text", t(REF_WARM, organisation=p.organisation)))
        group.extend(_partner_facts(p, cat, d.preferred_language, own_held=held(d, cat)))
        out.append(Block("group", children=group))
    return out


def _appointment(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
    a = d.appointment
    assert a is not None  # checked before building (needs_appointment)
    date_text = format_long_date(a.starts_at.date(), cat.lang)
    time_text = clock(a.starts_at.time(), cat)
    partner = next(
        (p for p in d.partners if a.referral_id and p.referral_id == a.referral_id), None
    )
    core = (
        t(APPT_CORE, organisation=partner.organisation, date=date_text, time=time_text)
        if partner
        else t(APPT_CORE_DESK, date=date_text, time=time_text)
    )
    out = [
        Block("text", core),
        Block("fact", date_text, t(DATE), icon="date"),
        Block("fact", time_text, t(TIME), icon="time"),
        Block("fact", a.place, t(PLACE), icon="place"),
    ]
    if a.contact_person:
        out.append(Block("fact", a.contact_person, t(ASK_FOR), icon="contact"))
    if a.bring:
        out.append(
            Block(
                "fact",
                "\n".join(directory_text(cat, b, held(d, cat)) for b in a.bring),
                t(BRING),
                icon="documents",
            )
        )
    phone = _unbroken(d.contact_phone or NO_PHONE)
    out += [
        Block("text", t(APPT_LETTER)),
        Block("text", t(APPT_ON_TIME)),
        Block("text", t(APPT_INTERPRETER)),
        Block("text", t(APPT_CANCEL, phone=phone)),
    ]
    return out


def _unbroken(number: str) -> str:
    """A phone number inside a sentence stays on one line."""
    return number.replace(" ", "\u00a0")


def _bring(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    """The checklist: identity papers and this letter once at the top, then the papers for
    the appointment and for each partner, each paper once."""
    t = cat.text
    out = [
        Block("text", t(BRING_CORE)),
        Block("text", t(BRING_TICK)),
        Block("check", t(BRING_ID)),
        Block("check", t(BRING_LETTER)),
    ]
    listed = set(IDENTITY_PAPERS)

    def fresh(items: list[str]) -> list[str]:
        new = [x for x in items if x.strip().lower() not in listed]
        listed.update(x.strip().lower() for x in new)
        return new

    if d.appointment:
        out.extend(
            Block("check", directory_text(cat, b, held(d, cat))) for b in fresh(d.appointment.bring)
        )
    for p in d.partners:
        docs = fresh(p.documents)
        if docs:
            out.append(Block("heading", t(BRING_FOR, organisation=p.organisation)))
            out.extend(Block("check", directory_text(cat, doc, held(d, cat))) for doc in docs)
    out.append(Block("text", t(BRING_MISSING)))
    return out


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "plan",
            PLAN_SUBJECT,
            N_("What happens next: the visit and the next steps as a numbered list"),
            _plan,
            title=TITLES["plan"],
            shows_summary=True,
        ),
        Template(
            "verwijzing",
            REF_SUBJECT,
            N_("Referral: address, opening hours, phone, languages and papers per partner"),
            _referral,
            title=TITLES["verwijzing"],
            needs_partners=True,
        ),
        Template(
            "afspraak",
            APPT_SUBJECT,
            N_("Appointment: date, time, place, whom to ask for, what to bring"),
            _appointment,
            title=TITLES["afspraak"],
            needs_appointment=True,
        ),
        Template(
            "meenemen",
            BRING_SUBJECT,
            N_("What to bring: a checklist of papers for every partner"),
            _bring,
            title=TITLES["meenemen"],
            uses_appointment=True,
            needs_partners=True,
        ),
    )
}


def section_blocks(
    tpl: Template, d: LetterData, cat: LetterCatalogue, *, display_lang: str, bilingual: bool
) -> list[Block]:
    """One language version: header, core message and body, contact, closing notes."""
    t = cat.text
    today = format_long_date(d.letter_date, cat.lang, weekday=False)
    blocks = [
        Block("lang", display_lang),
        Block("sender", "\n".join([t(SENDER, city=d.desk_city), *d.desk_address_lines])),
        Block("meta", d.visitor_name),
    ]
    if d.v_number:
        blocks.append(Block("meta", d.v_number, t(V_NUMBER)))
    blocks += [
        Block("space"),
        Block("meta", t(DATE_LINE, city=d.desk_city, date=today)),
        Block("title", t(tpl.subject)),
        Block("text", t(SALUTATION, name=d.visitor_name)),
        *tpl.body(d, cat),
        Block("space"),
    ]
    # The note is staff-typed Dutch: only the Dutch page prints it, and only on the plan
    # letter; the visitor's page says where to find it.
    if tpl.shows_summary and d.summary:
        if cat.lang == "nl":
            blocks.append(Block("text", d.summary, t(STAFF_NOTE)))
        elif bilingual:
            blocks.append(Block("text", t(NOTE_ON_DUTCH_PAGE)))
    contact = [Block("fact", d.contact_name, t(CONTACT), icon="contact")]
    if d.contact_phone:
        contact.append(Block("fact", d.contact_phone, t(PHONE), icon="phone"))
    blocks.append(Block("group", children=contact))
    if d.contact_phone:
        blocks.append(Block("text", t(UNCLEAR, phone=_unbroken(d.contact_phone))))
    blocks += [Block("text", t(GREETING) + "\n" + d.contact_name)]
    if cat.lang != "nl":
        if not cat.certified:
            blocks.append(Block("note", t(NOT_CHECKED)))
        if bilingual:
            blocks.append(Block("note", t(DUTCH_FOLLOWS)))
    return blocks
