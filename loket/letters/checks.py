"""What staff should know before giving a letter, shown as warnings in the preview.

A letter is still given with these (unlike `Letter.problems`): a partner without a phone
number or opening hours in the directory, directory text that prints in Dutch on the
visitor's page because nobody translated it yet, a staff note the plain-language check fails.
"""

from __future__ import annotations

from loket.i18n import _
from loket.letters import readability
from loket.letters.catalogue import SOURCE_LANGUAGE, LetterCatalogue
from loket.letters.data import LetterData, Partner


def missing_details(p: Partner) -> list[str]:
    """The details a visitor needs to reach a partner that the directory lacks (translated)."""
    missing = []
    if not p.phones:
        missing.append(_("phone number"))
    if (
        not any(any(ch.isdigit() for ch in line) for line in p.address_lines[:-1])
        or len(p.address_lines) < 2
    ):
        missing.append(_("street address"))
    if not p.schedules:
        missing.append(_("opening hours"))
    return missing


def directory_texts(tpl_name: str, d: LetterData) -> list[str]:
    """Directory data a letter prints as it is (translated only when a catalogue knows it)."""
    texts: list[str] = []
    if tpl_name in ("verwijzing", "plan"):
        texts += [s.note for p in d.partners for s in p.schedules if s.note]
    if tpl_name in ("verwijzing", "meenemen"):
        texts += [doc for p in d.partners for doc in p.documents]
    if tpl_name in ("afspraak", "meenemen") and d.appointment is not None:
        texts += list(d.appointment.bring)
    return list(dict.fromkeys(t for t in texts if t.strip()))


def note_hints(d: LetterData) -> list[str]:
    """What to change in the staff note so it passes the plain-language check (empty if ok)."""
    report = readability.analyse(readability.mask(d.summary, letter_names(d)))
    return [] if report.ok else readability.hints(report)


def warnings(tpl, d: LetterData, cats: list[LetterCatalogue]) -> list[str]:
    out = []
    if tpl.name in ("plan", "verwijzing"):
        for p in d.partners:
            missing = missing_details(p)
            if missing:
                out.append(
                    _(
                        "The directory has no {details} for {organisation}: the visitor may "
                        "not be able to reach them. Add them in the partner directory."
                    ).format(details=", ".join(missing), organisation=p.organisation)
                )
    texts = directory_texts(tpl.name, d)
    for cat in cats:
        if cat.lang == SOURCE_LANGUAGE:
            continue
        own = d.directory_translations.get(cat.lang, {})
        untranslated = [t for t in texts if not (own.get(t) or cat.has(t))]
        if untranslated:
            from loket.letters.labels import language_names

            out.append(
                _('Printed in Dutch, marked "in Dutch", on the {language} page: {texts}.').format(
                    language=language_names([cat.lang]), texts="; ".join(untranslated)
                )
            )
    if tpl.shows_summary and d.summary.strip():
        hints = note_hints(d)
        if hints:
            out.append(
                _("The note is hard to read for the visitor. Change it: {hints}").format(
                    hints=" ".join(hints)
                )
            )
    return out


def letter_names(d: LetterData) -> list[str]:
    """Names, places and addresses in a letter: masked before its text is judged."""
    names = [d.visitor_name, d.contact_name, d.desk_city, *d.desk_address_lines]
    for p in d.partners:
        names += [p.organisation, p.service, *p.address_lines, *p.phones]
    if d.appointment is not None:
        names += [d.appointment.place, d.appointment.contact_person]
    return [n for n in names if n]


def letter_report(tpl, d: LetterData) -> readability.Report:
    """The plain-language check of a whole Dutch letter as printed (names masked)."""
    from loket.letters import catalogue

    cat = catalogue.load(SOURCE_LANGUAGE)
    lines = list(_texts(tpl.body(d, cat)))
    return readability.analyse(readability.mask("\n".join(lines), letter_names(d)))


def _texts(blocks):
    for b in blocks:
        if b.kind == "group":
            yield from _texts(b.children)
        elif b.kind in ("text", "step", "check", "bullet", "heading") and b.text:
            for line in b.text.splitlines():
                yield line if line.rstrip().endswith((".", "?", "!", ":")) else line + "."
