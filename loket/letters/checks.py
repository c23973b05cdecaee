"""What staff should know before giving a letter, shown in the preview.

Warnings: a letter is still given with these (unlike `Letter.problems`): a partner without a
phone number or opening hours in the directory, directory text that prints in Dutch on the
visitor's page because nobody translated it yet.

A problem: a staff note that the plain-language check fails blocks giving the letter until the
note is changed (`note_problems`, checked in the core so that the CLI and the app both
refuse).  The message quotes each sentence to change and says what to change in it: the
formal word and its plain alternative, the sentence that is too long, the hard words.
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


def _quoted(sentence: str) -> str:
    text = " ".join(sentence.split())
    return text if len(text) <= 120 else text[:117] + "…"


def note_changes(d: LetterData) -> list[str]:
    """Each change the staff note needs to pass the plain-language check, naming the sentence
    and the word (translated; empty when the note passes).  The note is judged as a whole, with
    names, numbers and addresses masked, as the letter is; each of its sentences is then looked
    at on its own to say where the trouble is."""
    names = letter_names(d)
    whole = readability.analyse(readability.mask(d.summary, names))
    if whole.ok:
        return []
    hard_words = set(whole.long_words) | set(whole.rare_words)
    words_fail = any(
        p.startswith(("too many long words", "too many rare words", "Flesch", "Brouwer"))
        or "syllables per word" in p
        for p in whole.problems
    )
    changes: list[str] = []
    longest: tuple[int, str] = (0, "")
    for sentence in readability.sentences(d.summary):
        one = readability.analyse(readability.mask(sentence, names), averages=False)
        quoted = _quoted(sentence)
        what: list[str] = []
        formal = dict(one.formal)
        for word, plain in formal.items():
            what.append(_('write "{plain}" instead of "{word}"').format(plain=plain, word=word))
        for rep in one.sentences:
            if rep.words > readability.MAX_SENTENCE_WORDS:
                what.append(
                    _("split it in two ({n} words, at most {max})").format(
                        n=rep.words, max=readability.MAX_SENTENCE_WORDS
                    )
                )
            longest = max(longest, (rep.words, quoted))
        hard = sorted((set(one.long_words + one.rare_words) & hard_words) - set(formal))
        if hard and words_fail:
            what.append(
                _("use a simpler word for {words}").format(words=", ".join(f'"{w}"' for w in hard))
            )
        if what:
            changes.append(
                _('In "{sentence}": {changes}.').format(sentence=quoted, changes="; ".join(what))
            )
    if not changes and longest[1]:
        # only the averages fail: the longest sentence is where to start
        changes.append(
            _('Make "{sentence}" shorter, with shorter words.').format(sentence=longest[1])
        )
    return changes


def note_problems(tpl, d: LetterData) -> list[str]:
    """Why the letter cannot be given because of its staff note (empty when it prints none or
    the note passes the plain-language check)."""
    if not (tpl.shows_summary and d.summary.strip()):
        return []
    changes = note_changes(d)
    if not changes:
        return []
    return [
        _(
            "The note of the visit is hard for the visitor to read. Change the note before "
            "giving this letter. {changes}"
        ).format(changes=" ".join(changes))
    ]


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
