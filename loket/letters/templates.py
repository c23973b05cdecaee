"""The four letters and every sentence they print (plain Dutch, B1; msgid = the Dutch text).

Each letter follows the government's plain-language conventions: sender and date line,
"Betreft", the core message first, then what the reader must do (numbered steps or a
checklist with pictograms), then a named contact with a direct phone number.  A letter is
built as blocks per language; `loket.letters.pdf` draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loket.i18n import N_
from loket.letters.catalogue import LetterCatalogue, M
from loket.letters.data import LetterData, Partner
from loket.letters.formats import format_days, format_long_date, format_time, language_name
from loket.letters.labels import TITLES
from loket.letters.pdf import Block

# -- shared sentences ------------------------------------------------------------------------
SENDER = M("IND Maatwerkloket {city}")
DATE_LINE = M("{city}, {date}", "Date line at the top of the letter: desk city, today's date.")
SUBJECT = M("Betreft:")
V_NUMBER = M("V-nummer:")
PAGE_OF = M("Pagina {page} van {pages}", "At the foot of every page of a letter: page 2 of 3.")
CONTACT = M("Uw contactpersoon:")
PHONE = M("Telefoon:")
QUESTIONS = M("Heeft u vragen? Bel {name}.")
GREETING = M("Met vriendelijke groet,")
DUTCH_FOLLOWS = M("Na deze bladzijden staat dezelfde brief in het Nederlands.")
DUTCH_PREVAILS = M("Is iets niet duidelijk? Dan geldt de Nederlandse tekst.")
NOT_CHECKED = M("Deze vertaling is nog niet gecontroleerd door een beëdigd vertaler.")
STAFF_NOTE = M("Notitie van de medewerker:")
NOTE_ON_DUTCH_PAGE = M(
    "In de Nederlandse tekst staat ook een notitie van ons.",
    "The staff member's note is typed in Dutch and printed on the Dutch page only.",
)
ADDRESS = M("Adres:")
OPEN = M("Open:")
HOURS = M("{days}: {opens} tot {closes} uur")
LANGUAGES = M("Zij spreken:")
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
STEP_GO = M("Neem contact op met {organisation}.")
STEP_WARM = M("{organisation} neemt contact met u op.")
STEP_HELP = M("Zij helpen u met:")
STEP_RETURN = M("Kom terug naar het loket op {date}.")
STEP_KEEP = M("Neem deze brief mee naar elke afspraak.")
PLAN_NEEDS = M("U kwam voor:")
PLAN_NONE = M("Wij hebben nog geen andere organisatie voor u gevonden.")

# -- verwijzing -----------------------------------------------------------------------------
REF_SUBJECT = M("Uw verwijzing")
REF_CORE = M("Hieronder staat waar u hulp krijgt.")
REF_WARM = M("Wij hebben {organisation} al over u verteld. U gaf daar toestemming voor.")

# -- afspraak -------------------------------------------------------------------------------
APPT_SUBJECT = M("Uw afspraak")
APPT_CORE = M("U heeft een afspraak op {date} om {time}.")
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


def _partner_facts(p: Partner, cat: LetterCatalogue, *, bring: bool = True) -> list[Block]:
    t = cat.text
    facts = []
    if p.address_lines:
        facts.append(Block("fact", "\n".join(p.address_lines), t(ADDRESS), icon="place"))
    if p.schedules:
        lines = [
            t(HOURS, days=format_days(s.byday, cat.lang), opens=s.opens_at, closes=s.closes_at)
            # the note ("alleen op afspraak") as directory data: translated when the
            # letter catalogue knows it, like the documents to bring
            + (f" ({cat.optional(s.note)})" if s.note else "")
            for s in p.schedules
        ]
        facts.append(Block("fact", "\n".join(lines), t(OPEN), icon="time"))
    if p.phones:
        facts.append(Block("fact", "\n".join(p.phones), t(PHONE), icon="phone"))
    if p.languages:
        names = cat.comma.join(language_name(code, cat.lang) for code in p.languages)
        facts.append(Block("fact", names, t(LANGUAGES), icon="languages"))
    if bring and p.documents:
        docs = "\n".join(cat.optional(d) for d in p.documents)
        facts.append(Block("fact", docs, t(BRING), icon="documents"))
    return facts


def _plan(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
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
        step = t(STEP_WARM if p.handover == "warm" else STEP_GO, organisation=p.organisation)
        helps = [t(NEED_TEXT[c]) for c in p.need_codes if c in NEED_TEXT]
        text = step + ("\n" + t(STEP_HELP) + " " + cat.comma.join(helps) if helps else "")
        out.append(Block("step", text, number=n))
    if not d.partners:
        out.append(Block("text", t(PLAN_NONE)))
    if d.follow_up_date:
        n += 1
        out.append(
            Block(
                "step",
                t(STEP_RETURN, date=format_long_date(d.follow_up_date, cat.lang)),
                icon="return",
                number=n,
            )
        )
    out.append(Block("step", t(STEP_KEEP), number=n + 1))
    if d.need_codes:
        out.append(Block("heading", t(PLAN_NEEDS)))
        out.extend(Block("bullet", t(NEED_TEXT[c])) for c in d.need_codes if c in NEED_TEXT)
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
        group.extend(_partner_facts(p, cat))
        out.append(Block("group", children=group))
    return out


def _appointment(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
    a = d.appointment
    assert a is not None  # checked before building (needs_appointment)
    date_text = format_long_date(a.starts_at.date(), cat.lang)
    time_text = format_time(a.starts_at.time(), cat.lang)
    out = [
        Block("text", t(APPT_CORE, date=date_text, time=time_text)),
        Block("fact", date_text, t(DATE), icon="date"),
        Block("fact", time_text, t(TIME), icon="time"),
        Block("fact", a.place, t(PLACE), icon="place"),
    ]
    if a.contact_person:
        out.append(Block("fact", a.contact_person, t(ASK_FOR), icon="contact"))
    if a.bring:
        out.append(
            Block("fact", "\n".join(cat.optional(b) for b in a.bring), t(BRING), icon="documents")
        )
    out += [
        Block("text", t(APPT_ON_TIME)),
        Block("text", t(APPT_CANCEL, phone=_unbroken(d.contact_phone or NO_PHONE))),
    ]
    return out


def _unbroken(number: str) -> str:
    """A phone number inside a sentence stays on one line."""
    return number.replace(" ", "\u00a0")


def _bring(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
    out = [
        Block("text", t(BRING_CORE)),
        Block("text", t(BRING_TICK)),
        Block("check", t(BRING_ID)),
        Block("check", t(BRING_LETTER)),
    ]
    if d.appointment:
        out.extend(Block("check", cat.optional(b)) for b in d.appointment.bring)
    for p in d.partners:
        if p.documents:
            out.append(Block("heading", t(BRING_FOR, organisation=p.organisation)))
            out.extend(Block("check", cat.optional(doc)) for doc in p.documents)
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


def running_head(d: LetterData, cat: LetterCatalogue) -> str:
    """The short header of a language version's later pages: whose letter it is."""
    if d.v_number:
        return f"{d.visitor_name} · {cat.text(V_NUMBER)} {d.v_number}"
    return d.visitor_name


def section_blocks(
    tpl: Template, d: LetterData, cat: LetterCatalogue, *, display_lang: str, bilingual: bool
) -> list[Block]:
    """One language version: header, core message and body, contact, closing notes."""
    t = cat.text
    today = format_long_date(d.letter_date, cat.lang)
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
        Block("meta", t(tpl.subject), t(SUBJECT)),
        Block("title", t(tpl.subject)),
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
        contact.insert(0, Block("text", t(QUESTIONS, name=d.contact_name)))
        contact.append(Block("fact", d.contact_phone, t(PHONE), icon="phone"))
    blocks.append(Block("group", children=contact))
    blocks += [Block("text", t(GREETING) + "\n" + d.contact_name)]
    if cat.lang != "nl":
        if not cat.certified:
            blocks.append(Block("note", t(NOT_CHECKED)))
        blocks.append(Block("note", t(DUTCH_PREVAILS)))
        if bilingual:
            blocks.append(Block("note", t(DUTCH_FOLLOWS)))
    return blocks
