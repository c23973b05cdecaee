"""Plain-language check of Dutch letter text (the B1 target of government letters).

Scores guide, reader tests decide: B1 is a label, not a proof.  The checker measures what
the formulas measure and flags the sentences that cross a threshold, so an administrator
editing letter text sees where to simplify.

Formulas (DOMAIN.md):
  Flesch-Douma = 206.835 - 0.93 x (words/sentence) - 77 x (syllables/word)
  Brouwer leesindex = 195 - 2 x (words/sentence) - 67 x (syllables/word)
Syllables come from the nl_NL hyphenation dictionary (pyphen); word frequency from wordfreq
(Zipf scale for Dutch).

B1 thresholds chosen for Loket (a shipped letter text that crosses one fails the tests):
  - whole text: Flesch-Douma >= 60 and Brouwer >= 60 ("fairly easy" or easier);
  - average sentence length <= 12 words; no sentence longer than 15 words;
  - average syllables per word <= 1.6;
  - long words: at most 10 % of words have 4 or more syllables (names and placeholders do not
    count);
  - rare words: at most 5 % of words have a Zipf frequency below 3.0 (about once per
    million words) — names, placeholders and words in `KNOWN_TERMS` do not count;
  - formal words ("indien", "dient u", "middels" …; `plain_words.FORMAL_WORDS`), official
    jargon ("Mvv", "Vreemdelingenpolitie", also when capitalised mid-sentence) and the third
    person for the reader ("De vreemdeling dient …") fail, each with the plain alternative;
  - passive forms ("wordt/worden/werd/werden/is/zijn ... ge-...d/t", also the perfect "is
    ontvangen", "is bekeken") are flagged for review but do not fail: "U wordt gebeld" can
    be the plainest way to say it.
Sentences are judged one by one and the text as a whole.  A printed letter is judged with
names, numbers and addresses masked (`mask`): "8011 CW" or "Tesfay" are not hard words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from loket.letters.plain_words import FORMAL_WORDS, JARGON, THIRD_PERSON

MAX_SENTENCE_WORDS = 15
MAX_AVG_SENTENCE_WORDS = 12.0
MAX_AVG_SYLLABLES = 1.6
MIN_FLESCH_DOUMA = 60.0
MIN_BROUWER = 60.0
LONG_WORD_SYLLABLES = 4
MAX_LONG_WORD_SHARE = 0.10
RARE_ZIPF = 3.0
MAX_RARE_WORD_SHARE = 0.05

# Words that are rare in general Dutch but are the right word in these letters.
KNOWN_TERMS = frozenset(
    {
        "ind",
        "maatwerkloket",
        "loket",
        "digid",
        "v-nummer",
        "verblijfsdocument",
        "identiteitsbewijs",
        "zorgpas",
        "bankafschriften",
        "betreft",
        "beëdigd",
        "tolk",
        "contactpersoon",
        "verwijzing",
    }
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_AUX = {"wordt", "worden", "werd", "werden", "is", "zijn", "was", "waren"}
# ge-...-d/t/en, also after a separable prefix (aan-ge-tekend), or be-/ver-/ont-/her-...-d/t
_PARTICIPLE = re.compile(r"^(?:\w{0,5}ge\w{2,}(?:d|t|en)|(?:be|ver|ont|her|er)\w{2,}(?:[dt]|en))$")
# strong participles the pattern misses ("ontvangen", "bekeken" end in -en after ge/be)
_PARTICIPLES = frozenset({"ontvangen", "bekeken", "besproken", "verzonden"})
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?[A-Za-z]{2}\b")
_NUMBER = re.compile(r"[+\d][\d .:/-]*\d|\d")
_MASK = "{name}"


@dataclass
class SentenceReport:
    text: str
    words: int
    syllables: int
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    sentences: list[SentenceReport]
    words: int
    syllables: int
    flesch_douma: float
    brouwer: float
    long_words: list[str]
    rare_words: list[str]
    passives: list[str]
    problems: list[str]
    formal: list[tuple[str, str]] = field(default_factory=list)  # (word, plain alternative)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def flagged(self) -> list[SentenceReport]:
        """The sentences to highlight in the letter-text editor."""
        return [s for s in self.sentences if s.problems]


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="nl_NL")


@lru_cache(maxsize=4096)
def syllables(word: str) -> int:
    parts = _hyphenator().inserted(word.lower()).split("-")
    count = 0
    for part in parts:
        # a hyphenation part without a vowel group still counts once (e.g. "ijs" pieces)
        count += max(1, len(re.findall(r"[aeiouyáéíóúëïöüè]+", part)))
    return count


@lru_cache(maxsize=4096)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and _WORD.search(s)]


def words(sentence: str) -> list[str]:
    return _WORD.findall(_PLACEHOLDER.sub(" ", sentence))


def mask(text: str, names: Iterable[str] = ()) -> str:
    """Names, addresses, postcodes, phone numbers and dates replaced by a placeholder, so a
    printed letter is judged on its sentences and not on "Stationsplein" or "8011 CW"."""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(r"(?<!\w)" + re.escape(name) + r"(?!\w)", _MASK, text)
    text = _POSTCODE.sub(_MASK, text)
    return _NUMBER.sub(_MASK, text)


def _formal_in(lower_sentence: str) -> list[tuple[str, str]]:
    found = []
    for table in (FORMAL_WORDS, JARGON):
        for word, plain in table.items():
            if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", lower_sentence):
                if any(word in w and word != w for w, _p in found):
                    continue  # "dient" inside "dient u": one hint is enough
                found.append((word, plain))
    return found


def _third_person(lower_sentence: str) -> list[str]:
    return [
        p for p in THIRD_PERSON if re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", lower_sentence)
    ]


def analyse(text: str, *, names: frozenset[str] = frozenset(), averages: bool = True) -> Report:
    """Measure a Dutch text; `names` (organisation or person names, lower case) are not judged.

    A capitalised word in mid-sentence is judged like any other word (only `names` are
    skipped): "Regievoerder" is jargon, not a name.  With `averages` False (a list of
    labels) only the words and the sentences one by one are judged, not the averages.
    """
    reports: list[SentenceReport] = []
    long_words: list[str] = []
    rare: list[str] = []
    passives: list[str] = []
    formal: list[tuple[str, str]] = []
    sentence_problems: list[str] = []
    total_words = total_syll = 0
    for sentence in sentences(text):
        ws = words(sentence)
        sy = sum(syllables(w) for w in ws)
        rep = SentenceReport(sentence, len(ws), sy)
        if len(ws) > MAX_SENTENCE_WORDS:
            rep.problems.append(f"{len(ws)} words (max {MAX_SENTENCE_WORDS})")
        lower = [w.lower() for w in ws]
        for i, w in enumerate(lower):
            if w in names or w in KNOWN_TERMS or w in JARGON:
                continue
            if i > 0 and ws[i].isupper() and len(w) > 1:
                continue  # an acronym such as OBA or GGD: an organisation's name
            if syllables(w) >= LONG_WORD_SYLLABLES:
                long_words.append(w)
                rep.problems.append(f"long word: {w}")
            if zipf(w) < RARE_ZIPF:
                rare.append(w)
                rep.problems.append(f"rare word: {w}")
        joined = " ".join(lower)
        for word, plain in _formal_in(joined):
            formal.append((word, plain))
            rep.problems.append(f'formal: "{word}" -> "{plain}"')
            sentence_problems.append(f'formal word "{word}" (write "{plain}"): {sentence}')
        for who in _third_person(joined):
            formal.append((who, "u"))
            rep.problems.append(f'third person: "{who}" -> "u"')
            sentence_problems.append(f'third person "{who}" (write "u"): {sentence}')
        for i, w in enumerate(lower):
            if w in _AUX and any(_PARTICIPLE.match(x) or x in _PARTICIPLES for x in lower[i + 1 :]):
                passives.append(sentence)
                rep.problems.append("passive")
                break
        total_words += len(ws)
        total_syll += sy
        reports.append(rep)
    n_sent = max(1, len(reports))
    n_words = max(1, total_words)
    wps = total_words / n_sent
    spw = total_syll / n_words
    douma = 206.835 - 0.93 * wps - 77 * spw
    brouwer = 195 - 2 * wps - 67 * spw
    problems = []
    if averages:
        if douma < MIN_FLESCH_DOUMA:
            problems.append(f"Flesch-Douma {douma:.0f} < {MIN_FLESCH_DOUMA:.0f}")
        if brouwer < MIN_BROUWER:
            problems.append(f"Brouwer {brouwer:.0f} < {MIN_BROUWER:.0f}")
        if wps > MAX_AVG_SENTENCE_WORDS:
            problems.append(f"{wps:.1f} words per sentence > {MAX_AVG_SENTENCE_WORDS}")
        if spw > MAX_AVG_SYLLABLES:
            problems.append(f"{spw:.2f} syllables per word > {MAX_AVG_SYLLABLES}")
        if len(long_words) > MAX_LONG_WORD_SHARE * n_words:
            problems.append(f"too many long words: {', '.join(sorted(set(long_words)))}")
        if len(rare) > MAX_RARE_WORD_SHARE * n_words:
            problems.append(f"too many rare words: {', '.join(sorted(set(rare)))}")
    problems.extend(f"sentence too long: {r.text}" for r in reports if r.words > MAX_SENTENCE_WORDS)
    problems.extend(sentence_problems)
    return Report(
        reports,
        total_words,
        total_syll,
        douma,
        brouwer,
        long_words,
        rare,
        passives,
        problems,
        formal,
    )


def hints(report: Report) -> list[str]:
    """What to change, for the clerk (translated): formal words, long sentences, hard words."""
    from loket.i18n import _

    out = []
    for word, plain in dict(report.formal).items():
        out.append(_('Write "{plain}" instead of "{word}".').format(plain=plain, word=word))
    for r in report.sentences:
        if r.words > MAX_SENTENCE_WORDS:
            out.append(
                _('Split this sentence ({n} words, at most {max}): "{text}"').format(
                    n=r.words, max=MAX_SENTENCE_WORDS, text=r.text
                )
            )
    hard = sorted(set(report.long_words) | set(report.rare_words))
    if hard and not report.ok:
        out.append(_("Use simpler words for: {words}.").format(words=", ".join(hard)))
    if not out and not report.ok:
        out.append(_("Use shorter sentences and shorter words."))
    return out


def _is_sentence(message: str) -> bool:
    return message.rstrip().endswith((".", "?", "!")) and len(words(message)) > 1


def shipped_text() -> str:
    """Every full Dutch sentence the letters can print, one per line.  Labels ("Adres:",
    "Zorgpas") are left out: one-word lines would pull the average sentence length down and
    hide long sentences (`shipped_labels` has them, judged word by word)."""
    from loket.letters.sentences import messages

    return "\n".join(m for m in messages() if _is_sentence(m))


def shipped_labels() -> str:
    """The labels and headings the letters print, one per line (judge with averages=False)."""
    from loket.letters.sentences import messages

    return "\n".join(m for m in messages() if not _is_sentence(m))
