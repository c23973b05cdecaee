"""Finding a visitor while staff type: by name in any script, V-nummer, BSN, birth date, phone.

Why it is built this way:
- The FTS5 trigram index (migration 0002) holds one folded line per visitor, so "ayse" finds
  "Ayşe" and "hass" finds "Al-Hassan" without a LIKE scan.
- Every lookup is BOUNDED: at most `CANDIDATES` rows come out of the index (newest first, the
  index's own order), and only those are ranked here in Python.  `ORDER BY rank` would score
  every match first, which on a million visitors and a common name takes far longer than a
  frame.  Word-start matches are fetched before plain substring matches, so the bound rarely
  hides the visitor a user means.
- Trigrams cannot match fewer than three characters.  Two letters use the space before a word
  as part of the trigram (" al" = a later word starting with "al") and, for the first word,
  the trigrams the index holds that start with them, anchored to the start (^"ali" OR ^"alm"
  ...).  A single letter waits for the next keystroke.
- Numbers: a whole V-nummer or BSN, or the start of one, is answered by the column indexes;
  digits anywhere (a phone number, a partial birth date) go to the trigram index.  A name
  typed without its space or hyphen ("alhassan") is tried with a space inside it, only when
  nothing else matched.
- Searching is not "opening": no audit row per keystroke.  Opening a visitor is audited
  (`intake.get_visitor`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loket.context import Context
from loket.counter.names import matching
from loket.counter.textfold import digits, fold
from loket.db import search as repo
from loket.db.connection import Database
from loket.i18n import _
from loket.privacy.permissions import Permission

CANDIDATES = 150  # rows taken from an index per lookup; ranking happens on these only
MAX_LIMIT = 500
MIN_TEXT_QUERY = 2  # a single letter waits for the next keystroke
MAX_QUERY = 200  # what is typed beyond this is no name, number or date: it is cut off
KEY_ROWS = 500  # visitor ids taken per typed word from the name-key index
VARIANT_CANDIDATES = 120  # of those, ranked by the name rules

_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBERISH = re.compile(r"^\+?[\d][\d\s.\-/()]*$")


@dataclass
class SearchResult:
    visitor_id: str
    given_names: str
    family_name: str
    date_of_birth: str | None
    v_number: str | None
    last_visit: str | None
    # v_number, bsn, date_of_birth, phone, name_exact, name_prefix, name_partial,
    # name_swapped, and the variants: name_spelling, name_script, name_sound, name_typo
    reason: str
    score: float
    latin_given_names: str = ""
    latin_family_name: str = ""

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.latin_given_names, self.latin_family_name) if p)

    @property
    def is_variant(self) -> bool:
        return self.reason in matching.VARIANT_REASONS

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)


def reason_label(reason: str) -> str:
    """Why a result matched, in a word staff read in the list (and the CLI prints)."""
    labels = {
        "name_exact": _("same name"),
        "name_prefix": _("name starts so"),
        "name_partial": _("part of the name"),
        # TRANSLATORS: given and family name typed the other way round (nl "omgedraaid")
        "name_swapped": _("swapped"),
        # TRANSLATORS: the same name in another Latin spelling (nl "andere spelling")
        "name_spelling": _("other spelling"),
        # TRANSLATORS: the same name written in another script (nl "ander schrift")
        "name_script": _("other script"),
        # TRANSLATORS: a name that sounds the same (nl "klinkt als")
        "name_sound": _("sounds like"),
        # TRANSLATORS: one letter wrong, missing or extra (nl "tikfout")
        "name_typo": _("one letter differs"),
        "v_number": _("V-number"),
        "bsn": _("BSN"),
        "date_of_birth": _("date of birth"),
        "phone": _("phone"),
    }
    return labels.get(reason, reason)


def search_visitors(ctx: Context, query: str, limit: int = 50) -> list[SearchResult]:
    """The search the UI (and the benchmark) calls; needs the right to read visitors."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor")
    return search_visitors_db(ctx.db, query, limit)


def search_visitors_db(db: Database, query: str, limit: int = 50) -> list[SearchResult]:
    """The same search on a bare Database (no permission check): for benchmarks and tools."""
    text = "".join(ch if ch.isprintable() else " " for ch in (query or "")[:MAX_QUERY]).strip()
    if not text:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    iso = as_iso_date(text)
    if iso is not None:
        rows = repo.by_column(db, "date_of_birth", iso, CANDIDATES)
        return _results(db, _rank_numbers(rows, "", iso, ""), limit)
    if _NUMBERISH.match(text) and len(digits(text)) >= 3:
        return _search_number(db, text, limit)
    literal = _search_name(db, text)
    if len(literal) >= limit:
        # Variants rank below every literal match: with a full page of those, none would show.
        return _results(db, literal, limit)
    return _results(db, literal + _variants(db, text, {row["id"] for *_x, row in literal}), limit)


def _results(db: Database, scored: list, limit: int) -> list[SearchResult]:
    """Best first (newer registrations first among equals); visitor rows for the winners."""
    scored.sort(key=lambda item: (-item[0], -item[2]["seq"]))
    top = scored[:limit]
    ids = [row["id"] for _s, _r, row in top]
    rows = repo.details(db, ids)
    last = repo.last_visits(db, ids)
    return [
        SearchResult(
            visitor_id=row["id"],
            given_names=rows[row["id"]]["given_names"],
            family_name=rows[row["id"]]["family_name"],
            date_of_birth=rows[row["id"]]["date_of_birth"],
            v_number=rows[row["id"]]["v_number"],
            last_visit=last.get(row["id"]),
            reason=reason,
            score=score,
            latin_given_names=rows[row["id"]]["latin_given_names"] or "",
            latin_family_name=rows[row["id"]]["latin_family_name"] or "",
        )
        for score, reason, row in top
        if row["id"] in rows
    ]


# -- query parsing ---------------------------------------------------------------------------
def as_iso_date(text: str) -> str | None:
    m = _DATE_ISO.match(text)
    if m:
        y, mo, d = m.groups()
    else:
        m = _DATE_DMY.match(text)
        if not m:
            return None
        d, mo, y = m.groups()
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"


def phrase(text: str) -> str:
    """One FTS5 string literal: user input can never become query syntax."""
    return '"' + text.replace('"', '""') + '"'


# -- numbers: V-nummer, BSN, phone, partial dates ---------------------------------------------
def _search_number(db: Database, text: str, limit: int) -> list[SearchResult]:
    num = digits(text)
    exact = []
    if len(num) == 10:
        exact += repo.by_column(db, "v_number", num, CANDIDATES)
    if len(num) in (8, 9):
        exact += repo.by_column(db, "bsn", num.zfill(9), CANDIDATES)
    dashed = re.sub(r"[/.]", "-", re.sub(r"\s+", "", text))
    if exact:
        # A whole V-nummer or BSN that exists: that is who is meant (and a long digit phrase
        # is the slowest thing to ask a trigram index).
        return _results(db, _rank_numbers(exact, num, None, dashed), limit)
    if num == dashed and not text.startswith(("0", "+")):
        # The start of a V-nummer or BSN (phone numbers start with 0 or +): the indexes on
        # those columns answer a prefix at once.  Only without such a visitor does the search
        # go on to digits anywhere (inside a phone number, a BSN, a birth date).
        starts = repo.by_prefix(db, "v_number", num, CANDIDATES)
        starts += repo.by_prefix(db, "bsn", num, CANDIDATES)
        if starts:
            return _results(db, _rank_numbers(_unique(starts), num, None, dashed), limit)
    alternatives = [phrase(num)]
    if dashed != num and len(dashed) >= 3:
        alternatives.append(phrase(dashed))  # "07-03-19": a birth date being typed
    found = repo.fts_candidates(db, " OR ".join(alternatives), CANDIDATES)
    # A first cut on the search line alone; the fields (which number is which) are read for
    # the winners only, and decide the final order and the reason shown.
    seen = {row["id"] for row in exact}
    pre = []
    for row in found:
        if row["id"] in seen:
            continue
        best = 0
        for word in row["search_text"].split():
            if word == num:
                best = max(best, 100)
            elif word.startswith(num) or (dashed and word.startswith(dashed)):
                best = max(best, 50)
            elif num in word or (dashed and dashed in word):
                best = max(best, 20)
        pre.append((best, "", row))
    pre.sort(key=lambda item: (-item[0], -item[2]["seq"]))
    ids = [row["id"] for _s, _r, row in pre[:limit]]
    rows = exact + list(repo.details(db, ids).values())
    return _results(db, _rank_numbers(rows, num, None, dashed), limit)


def _rank_numbers(rows, num: str, iso: str | None, dashed: str) -> list:
    out = []
    for row in rows:
        best = (1, "other")
        phone = digits(row["phone"])
        phones = {phone, "0" + phone[2:]} if phone.startswith("31") else {phone}
        fields = [
            ("v_number", {row["v_number"] or ""}),
            ("bsn", {row["bsn"] or ""}),
            ("phone", phones - {""}),
        ]
        for name, values in fields:
            for value in values:
                if not num or not value:
                    continue
                if value == num or (name == "bsn" and value == num.zfill(9)):
                    best = max(best, (100, name))
                elif value.startswith(num):
                    best = max(best, (50, name))
                elif num in value:
                    best = max(best, (20, name))
        dob = row["date_of_birth"] or ""
        if dob and iso and dob == iso:
            best = max(best, (100, "date_of_birth"))
        elif dob and dashed and len(dashed) >= 3:
            y, m, d = dob.split("-")
            if dashed in dob or dashed in f"{d}-{m}-{y}":
                best = max(best, (30, "date_of_birth"))
        out.append((best[0], best[1], row))
    return out


# -- names -------------------------------------------------------------------------------------
def _search_name(db: Database, text: str) -> list:
    tokens = fold(text).split()
    if not tokens:
        return []
    long = [t for t in tokens if len(t) >= 3]
    if long:
        # Words that start with what was typed first; then anywhere inside a word.
        # (Five letters or more are seldom inside another word, and anchoring a long phrase
        # costs more than it narrows: those go in as they are.)
        starts = " AND ".join(
            phrase(t) if len(t) >= 5 else f"({phrase(' ' + t)} OR ^{phrase(t)})" for t in long
        )
        rows = repo.fts_candidates(db, starts, CANDIDATES)
        if len(rows) < CANDIDATES and any(len(t) < 5 for t in long):
            rows += repo.fts_candidates(db, " AND ".join(phrase(t) for t in long), CANDIDATES)
    else:
        if len(tokens) == 1 and len(tokens[0]) < MIN_TEXT_QUERY:
            return []
        # " al" is three characters: a word (not the first) starting with "al".  For the first
        # word, the index's own trigrams that start with "al" ("ali", "alm", "al "...) each
        # anchored to the start of the line.
        parts = []
        for t in tokens:
            if len(t) == 1:
                parts.append(f"({phrase(' ' + t + ' ')} OR ^{phrase(t + ' ')})")
                continue
            starts = [f"^{phrase(g)}" for g in repo.trigrams_starting(db, t)]
            parts.append("(" + " OR ".join([phrase(" " + t), *starts]) + ")")
        rows = repo.fts_candidates(db, " AND ".join(parts), CANDIDATES)
    if not rows and len(tokens) == 1 and len(tokens[0]) >= 6:
        # "alhassan" for "Al-Hassan", "abdulrahman" for "Abdul Rahman": the same word with a
        # space somewhere inside.  Only asked when nothing else matched.
        t = tokens[0]
        split = " OR ".join(phrase(f"{t[:i]} {t[i:]}") for i in range(2, len(t) - 1))
        rows = repo.fts_candidates(db, split, CANDIDATES)
    return _rank_names(_unique(rows), tokens)


def _rank_names(rows, tokens: list[str]) -> list:
    joined = " ".join(tokens)
    out = []
    for row in rows:
        words = row["search_text"].split()
        total, worst = 0, 3
        for token in tokens:
            best = 0
            for word in words:
                if word == token:
                    best = 3
                    break
                if word.startswith(token):
                    best = max(best, 2)
                elif len(token) >= 3 and token in word:
                    best = max(best, 1)
            if best == 0 and len(token) >= 6 and token in "".join(words):
                best = 1  # typed without the space or hyphen the name has
            if best == 0:
                break
            total += best
            worst = min(worst, best)
        else:
            in_order = row["search_text"].startswith(joined) or f" {joined}" in row["search_text"]
            if in_order:
                total += 1  # the words in the order typed
            reason = {3: "name_exact", 2: "name_prefix"}.get(worst, "name_partial")
            if not in_order and len(tokens) > 1 and worst >= 2:
                reason = "name_swapped"  # given and family name the other way round
            out.append((total * 10, reason, row))
    return out


def _variants(db: Database, text: str, seen: set[str]) -> list:
    """Other spellings, other scripts, sound-alikes and typos, from the name-key index
    (migration 0005): per typed word a bounded set of visitor ids, intersected, then ranked
    by the name rules.  Always scored below every literal match (those score 10 and up)."""
    per_word = matching.query_keys(text)
    if not per_word:
        return []
    prefixes = matching.query_prefixes(text)
    sets = []
    for i, keys in enumerate(per_word):
        ids = set(repo.by_name_keys(db, sorted(keys), KEY_ROWS))
        if i == len(per_word) - 1:
            for prefix in prefixes:
                ids |= set(repo.by_name_key_prefix(db, prefix, KEY_ROWS))
        sets.append(ids)
    common = set.intersection(*sets)
    pairs = matching.query_pairs(text)
    if pairs:
        # two whole words: the visitors holding both, however common each one is alone
        common |= set(repo.by_name_keys(db, pairs, KEY_ROWS))
    if not common and len(sets) > 1:
        # "Abdul Rahman" typed for "Abdulrahman": the words are not keys one by one.
        common = set(
            repo.by_name_keys(db, sorted(matching.query_keys(text.replace(" ", ""))[0]), KEY_ROWS)
        )
    ids = sorted(common - seen)[:VARIANT_CANDIDATES]
    typed = fold(text).split()
    out = []
    for row in repo.names(db, ids):
        own = f"{row['given_names']} {row['family_name']}"
        latin = f"{row['latin_given_names']} {row['latin_family_name']}"
        found = matching.match(text, own, latin)
        if found is None:
            continue
        reason = found.reason
        if reason not in matching.VARIANT_REASONS:
            words = fold(f"{own} {latin}").split()
            if all(any(w.startswith(t) for w in words) for t in typed):
                continue  # a literal match: the trigram index's (and its bound's) to find
            reason = "name_spelling"  # "al-Khatib" for "Khatib": the same name written otherwise
        out.append((min(found.level, matching.SPELLING) + 0.99 * found.score, reason, row))
    return out


def _unique(rows) -> list:
    seen: set[str] = set()
    out = []
    for row in rows:
        if row["id"] not in seen:
            seen.add(row["id"])
            out.append(row)
    return out
