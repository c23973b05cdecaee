"""The facts a letter gives about a partner and its dates: phone (and what a 0900 number
costs), address, opening hours, languages, papers; the date a step is due; directory text in
the reader's language or marked as Dutch.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from loket.letters.catalogue import SOURCE_LANGUAGE, LetterCatalogue
from loket.letters.data import LetterData, Partner
from loket.letters.formats import format_days, format_time, language_name, normal_language
from loket.letters.pdf import Block
from loket.letters.wording import (
    ADDRESS,
    BRING,
    CLOCK,
    COSTS_MONEY,
    DARI_NAME,
    DUTCH_NAME,
    HELP_TEXT,
    HOURS,
    IN_DUTCH,
    LANGUAGES,
    NEED_TEXT,
    OPEN,
    PHONE,
    YOUR_LANGUAGE,
)

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


def partner_facts(
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
        facts.append(Block("fact", names, t(LANGUAGES), icon="languages"))
    if bring and p.documents:
        docs = "\n".join(directory_text(cat, doc, own_held) for doc in p.documents)
        facts.append(Block("fact", docs, t(BRING), icon="documents"))
    return facts


def helps(p: Partner, cat: LetterCatalogue) -> list[str]:
    out = []
    for c in p.need_codes:
        msgid = HELP_TEXT.get(c) or NEED_TEXT.get(c)
        if msgid:
            out.append(cat.text(msgid))
    return out


def unbroken(number: str) -> str:
    """A phone number inside a sentence stays on one line."""
    return number.replace(" ", "\u00a0")


def unbroken_date(text: str) -> str:
    """A written-out date inside a sentence stays on one line, except after the weekday's
    comma ("vrijdag 18 december 2026", "الجمعة، 18 كانون الأول 2026")."""
    return re.sub(r"(?<![,،፣]) ", "\u00a0", text)
