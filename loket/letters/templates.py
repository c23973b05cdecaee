"""The four letters, put together from the sentences in `wording` and the facts in `facts`.

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

from loket.i18n import N_
from loket.letters.catalogue import LetterCatalogue
from loket.letters.data import LetterData
from loket.letters.facts import (
    act_by,
    clock,
    directory_text,
    held,
    helps,
    partner_facts,
    unbroken,
    unbroken_date,
)
from loket.letters.formats import format_long_date
from loket.letters.labels import TITLES
from loket.letters.pdf import Block
from loket.letters.wording import (
    APPT_CANCEL,
    APPT_CORE,
    APPT_CORE_DESK,
    APPT_INTERPRETER,
    APPT_LETTER,
    APPT_ON_TIME,
    APPT_SUBJECT,
    ASK_FOR,
    BRING,
    BRING_CORE,
    BRING_FOR,
    BRING_ID,
    BRING_LETTER,
    BRING_MISSING,
    BRING_SUBJECT,
    BRING_TICK,
    CONTACT,
    DATE,
    DATE_LINE,
    DUTCH_FOLLOWS,
    GREETING,
    IDENTITY_PAPERS,
    NEED_TEXT,
    NO_PHONE,
    NOT_CHECKED,
    NOTE_ON_DUTCH_PAGE,
    PHONE,
    PLACE,
    PLAN_CORE,
    PLAN_NEEDS,
    PLAN_NONE,
    PLAN_STEPS,
    PLAN_SUBJECT,
    PLAN_VISIT,
    REF_CORE,
    REF_SUBJECT,
    REF_WARM,
    SALUTATION,
    SENDER,
    STAFF_NOTE,
    STEP_GO,
    STEP_HELP,
    STEP_KEEP,
    STEP_NOBODY,
    STEP_RETURN,
    STEP_RETURN_AT,
    STEP_RETURN_CALL,
    STEP_STUCK,
    STEP_WARM,
    TIME,
    UNCLEAR,
    V_NUMBER,
)


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


def _plan(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
    ours = unbroken(d.contact_phone or NO_PHONE)
    out = [
        Block(
            "text",
            t(
                PLAN_VISIT,
                date=unbroken_date(format_long_date(d.visit_date, cat.lang)),
                city=d.desk_city,
            ),
        ),
        Block("text", t(PLAN_CORE)),
        Block("heading", t(PLAN_STEPS)),
    ]
    n = 0
    for p in d.partners:
        n += 1
        by = unbroken_date(format_long_date(act_by(d, p), cat.lang))
        lines = [
            t(STEP_WARM if p.handover == "warm" else STEP_GO, organisation=p.organisation, date=by)
        ]
        offered = helps(p, cat)
        if offered:
            lines.append(t(STEP_HELP) + " " + cat.comma.join(offered))
        if p.handover == "warm":
            lines.append(t(STEP_NOBODY, phone=unbroken(p.phones[0] if p.phones else ours)))
        else:
            lines.append(t(STEP_STUCK, phone=ours))
        step = Block("step", "\n".join(lines), number=n)
        out.append(
            Block(
                "group",
                children=[
                    step,
                    *partner_facts(p, cat, bring=False, languages=False, own_held=held(d, cat)),
                ],
            )
        )
    if not d.partners:
        out.append(Block("text", t(PLAN_NONE)))
    if d.follow_up_date:
        n += 1
        when = unbroken_date(format_long_date(d.follow_up_date, cat.lang))
        back = d.return_appointment
        if back is not None:
            text = t(STEP_RETURN_AT, date=when, time=clock(back.starts_at.time(), cat))
            place = back.place
        else:
            text = t(STEP_RETURN, date=when) + "\n" + t(STEP_RETURN_CALL, phone=ours)
            place = "\n".join(d.desk_address_lines)
        group = [Block("step", text, icon="return", number=n)]
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
        group.extend(partner_facts(p, cat, d.preferred_language, own_held=held(d, cat)))
        out.append(Block("group", children=group))
    return out


def _appointment(d: LetterData, cat: LetterCatalogue) -> list[Block]:
    t = cat.text
    a = d.appointment
    assert a is not None  # checked before building (needs_appointment)
    date_text = unbroken_date(format_long_date(a.starts_at.date(), cat.lang))
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
    phone = unbroken(d.contact_phone or NO_PHONE)
    out += [
        Block("text", t(APPT_LETTER)),
        Block("text", t(APPT_ON_TIME)),
        Block("text", t(APPT_INTERPRETER)),
        Block("text", t(APPT_CANCEL, phone=phone)),
    ]
    return out


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
    today = unbroken_date(format_long_date(d.letter_date, cat.lang, weekday=False))
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
        blocks.append(Block("text", t(UNCLEAR, phone=unbroken(d.contact_phone))))
    blocks += [Block("text", t(GREETING) + "\n" + d.contact_name)]
    if cat.lang != "nl":
        if not cat.certified:
            blocks.append(Block("note", t(NOT_CHECKED)))
        if bilingual:
            blocks.append(Block("note", t(DUTCH_FOLLOWS)))
    return blocks
