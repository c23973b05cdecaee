"""Why a candidate matches what staff typed, and how well: the ranking's words.

Levels, best first (the issue's order): the same word, the start of a word, another spelling
(or the same name in another script), a sound-alike, one typo in a longer name.  The name in
the visitor's own script and the Latin name on their document are both tried; the better one
counts.  Given and family name typed the other way round still match ("omgedraaid").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from loket.counter.names import keys as k

EXACT, PREFIX, SPELLING, SOUND, TYPO = 5, 4, 3, 2, 1

# reason codes, as SearchResult.reason and `--json` give them; ui/ words them
REASON_BY_LEVEL = {
    EXACT: "name_exact",
    PREFIX: "name_prefix",
    SPELLING: "name_spelling",
    SOUND: "name_sound",
    TYPO: "name_typo",
}
SCRIPT = "name_script"
SWAPPED = "name_swapped"
VARIANT_REASONS = frozenset({"name_spelling", "name_sound", "name_typo", SCRIPT})


@dataclass(frozen=True)
class Unit:
    word: str  # folded, in its own script
    latin: str  # the unit in a–z (article and "Abd al-" rules applied)
    skeletons: frozenset[str]
    sound: str
    latin_script: bool
    pos: int
    joined: bool = False
    prefixes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    level: int
    reason: str
    score: float  # within a level: closeness of the whole name, 0..1


@lru_cache(maxsize=16384)
def units(text: str) -> tuple[Unit, ...]:
    out = []
    for pos, (word, unit) in enumerate(k.split_units(text)):
        out.append(
            Unit(
                word,
                unit,
                k.skeletons(unit),
                k.sound(unit),
                word.isascii(),
                pos,
                prefixes=k.prefix_skeletons(unit),
            )
        )
    return tuple(out)


def _joined(us: tuple[Unit, ...]) -> tuple[Unit, ...]:
    """Neighbouring words joined: "Abdul Rahman" also as one word."""
    out = []
    for a, b in pairwise(us):
        unit = k._abd(a.latin + b.latin)
        out.append(
            Unit(
                a.word + b.word,
                unit,
                k.skeletons(unit),
                k.sound(unit),
                a.latin_script,
                a.pos,
                joined=True,
            )
        )
    return tuple(out)


def _unit_level(q: Unit, c: Unit, last: bool) -> int:
    level = _plain_level(q, c, last)
    return min(level, SPELLING) if (q.joined or c.joined) else level


def _plain_level(q: Unit, c: Unit, last: bool) -> int:
    if q.word == c.word:
        return EXACT
    if last and c.word.startswith(q.word):
        return PREFIX
    if q.skeletons & c.skeletons:
        return SPELLING
    if last and len(q.latin) >= 3:
        if any(cs.startswith(qs) for qs in q.prefixes for cs in c.skeletons if len(qs) >= 2):
            return SPELLING
    if q.sound and q.sound == c.sound and len(q.sound) >= 2:
        return SOUND
    if len(q.latin) >= k.rules.TYPO_MIN_TOKEN and len(c.latin) >= k.rules.TYPO_MIN_TOKEN:
        # one typo: a letter wrong, missing, extra, or two letters swapped
        if OSA.distance(q.latin, c.latin, score_cutoff=1) <= 1:
            return TYPO
        if q.latin_script and c.latin_script and OSA.distance(q.word, c.word, score_cutoff=1) <= 1:
            return TYPO
        if any(
            len(qs) >= k.rules.TYPO_MIN_SKELETON
            and len(cs) >= k.rules.TYPO_MIN_SKELETON
            and Levenshtein.distance(qs, cs, score_cutoff=1) <= 1
            for qs in q.skeletons
            for cs in c.skeletons
        ):
            return TYPO
    return 0


def _assign(query: tuple[Unit, ...], cand: tuple[Unit, ...]) -> tuple[int, bool, bool] | None:
    """Each typed word to a different word of the name: (worst level, swapped, other script)."""
    used: set[int] = set()
    worst, positions, script = EXACT, [], False
    for i, q in enumerate(query):
        last = i == len(query) - 1
        best, best_j = 0, -1
        for j, c in enumerate(cand):
            if j in used:
                continue
            level = _unit_level(q, c, last)
            if level > best:
                best, best_j = level, j
                if level == EXACT:
                    break
        if not best:
            return None
        used.add(best_j)
        positions.append(cand[best_j].pos)
        worst = min(worst, best)
        script = script or (q.latin_script != cand[best_j].latin_script)
    swapped = len(positions) > 1 and positions != sorted(positions)
    return worst, swapped, script


@lru_cache(maxsize=65536)
def match(query: str, *spellings: str) -> Match | None:
    """How `query` (what was typed) matches a visitor whose name is written as `spellings`
    (own script, Latin document spelling); None when it does not."""
    q = units(query)
    if not q:
        return None
    best: Match | None = None
    for spelling in spellings:
        c = units(spelling or "")
        if not c:
            continue
        found = _assign(q, c + _joined(c))
        if found is None and len(q) > 1:
            found = _assign(_joined(q)[:1] if len(q) == 2 else q, c + _joined(c))
        if found is None:
            continue
        level, swapped, script = found
        reason = REASON_BY_LEVEL[level]
        if level >= PREFIX and swapped:
            reason = SWAPPED
        elif level == SPELLING and script:
            reason = SCRIPT
        closeness = fuzz.ratio(" ".join(u.latin for u in q), " ".join(u.latin for u in c)) / 100.0
        if swapped:
            closeness /= 2
        candidate = Match(level, reason, closeness)
        if best is None or (candidate.level, candidate.score) > (best.level, best.score):
            best = candidate
    return best


def query_keys(query: str) -> list[set[str]]:
    """Per typed word, the keys to look up (the last word may be unfinished)."""
    out = []
    for q in units(query):
        keys = {"s:" + s for s in q.skeletons}
        if q.sound:
            keys.add("p:" + q.sound)
        for s in q.skeletons:
            if k.typo_ok(q.latin, s):
                dels = k.deletes(s)
                keys |= {"d:" + s} | {"s:" + d for d in dels} | {"d:" + d for d in dels}
        out.append(keys)
    return out


def query_pairs(query: str) -> list[str]:
    """Pair keys of a query of two words or more (see keys.pair_keys)."""
    us = units(query)
    return sorted(k.pair_keys([u.latin for u in us])) if len(us) > 1 else []


def query_prefixes(query: str) -> list[str]:
    """Skeleton prefixes of the last typed word (looked up as a key range)."""
    us = units(query)
    if not us or len(us[-1].latin) < 3:
        return []
    return sorted({"s:" + s for s in us[-1].prefixes if len(s) >= 2})
