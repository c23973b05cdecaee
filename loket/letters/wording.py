"""Every sentence the letters print, in plain Dutch (B1; msgid = the Dutch text).

Registered with `M()` for the `letters` catalogues; `loket.letters.templates` puts them
together into letters.  Direct Duidelijk: "u", short sentences, what to do, by when.
"""

from __future__ import annotations

from loket.letters.catalogue import M

# -- shared sentences ------------------------------------------------------------------------
SENDER = M("IND Maatwerkloket {city}")
DATE_LINE = M("{city}, {date}", "Date line at the top of the letter: desk city, today's date.")
SALUTATION = M("Beste {name},", "Salutation: the visitor's name as on their IND papers.")
V_NUMBER = M("V-nummer:")
PAGE_OF = M("Pagina {page} van {pages}", "At the foot of every page of a letter: page 2 of 3.")
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
