"""Matching keys for a name, derived the same way when a visitor is written and when staff type.

A name becomes *units* (its words, without the Arabic article, transliterated into plain Latin
letters by anyascii), and every unit gets a few keys:

- `s:` consonant skeletons after the spelling rules of `rules` (محمد, Mohamed, Muhammad,
  Maxamed and Mehmet all give `s:mhmt`); a unit that can be read two ways gets both;
- `p:` a phonetic key (jellyfish's metaphone) of the unit after the rules: sound-alikes whose
  letters differ more than a skeleton allows;
- `d:` the skeleton with one letter left out, for units long enough that one typo still
  tells the name from another (symmetric-delete candidates; the ranking checks the distance).

Two neighbouring words also give the skeleton of both joined ("Abdul Rahman" = "Abdulrahman").
`name_keys` is registered as the SQL function `loket_name_keys`, which the triggers of
migration 0005 call, so every write path keeps the keys current.
"""

from __future__ import annotations

import json
from functools import lru_cache
from itertools import pairwise

import jellyfish
from anyascii import anyascii

from loket.counter.names import rules
from loket.counter.textfold import fold

MAX_UNITS = 8  # a name with more words than this is cut (a pasted paragraph is no name)
MAX_UNIT_LENGTH = 40


def is_latin_ascii(token: str) -> bool:
    return token.isascii()


@lru_cache(maxsize=65536)
def latin(token: str) -> str:
    """The folded word in plain a–z: transliterated when it is in another script."""
    if token.startswith(rules.ARABIC_ARTICLE) and len(token) > 3:
        token = token[len(rules.ARABIC_ARTICLE) :]
    if token.startswith(rules.ARABIC_ABD) and len(token) > len(rules.ARABIC_ABD) + 1:
        token = "abd" + anyascii(token[len(rules.ARABIC_ABD) :])
    text = token if token.isascii() else _transliterate(token)
    return "".join(ch for ch in text.lower() if "a" <= ch <= "z")[:MAX_UNIT_LENGTH]


_DIGRAPH_FIRST = frozenset("szkgctdp")


def _transliterate(token: str) -> str:
    """anyascii letter by letter, so that two letters never become one Latin digraph by
    accident (ز + ه is "z-h", not the "zh" of ж)."""
    out = ""
    ukrainian = any(ch in rules.UKRAINIAN_LETTERS for ch in token)
    for ch in token:
        part = rules.UKRAINIAN.get(ch) if ukrainian and ch in rules.UKRAINIAN else anyascii(ch)
        if part.startswith("h") and out and out[-1] in _DIGRAPH_FIRST:
            out += "a"  # a vowel, dropped again in every skeleton
        out += part
    return out


def _without_article(word: str) -> str:
    for art in rules.ARTICLES:
        rest = word[len(art) :]
        if word.startswith(art) and len(_skeleton_plain(rest)) >= 2 and len(rest) >= 3:
            return rest
    return word


def _abd(word: str) -> str:
    for prefix in rules.ABD_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 3:
            return "abd" + rest
    return word


def split_units(text: str | None) -> list[tuple[str, str]]:
    """(folded word, Latin unit) pairs of a name; articles that stand alone are left out."""
    out = []
    for old, new in rules.ARABIC_CARRIERS.items():
        text = (text or "").replace(old, new)
    for token in fold(text).split()[: MAX_UNITS * 2]:
        if token in rules.ARTICLES or token == rules.ARABIC_ARTICLE:
            continue
        unit = _abd(_without_article(latin(token)))
        if unit:
            out.append((token, unit))
    return out[:MAX_UNITS]


def _replace_all(word: str, table) -> str:
    for old, new in table:
        word = word.replace(old, new)
    return word


def _skeleton_plain(word: str) -> str:
    """Consonants of a word after the sound table; no variants (used for length checks)."""
    return _consonants(_replace_all(word, rules.SOUNDS))


def _consonants(word: str, *, whole: bool = True) -> str:
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch in rules.VOWELS and not (i == 0 and ch in rules.SEMIVOWELS):
            continue
        if ch in rules.SEMIVOWELS and i > 0:
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    while whole and len(out) > 1 and out[-1] == "h":
        out.pop()
    if whole and out and out[-1] in rules.FINAL_DEVOICE:
        out[-1] = rules.FINAL_DEVOICE[out[-1]]
    return "".join(out)


@lru_cache(maxsize=65536)
def spellings(unit: str) -> frozenset[str]:
    """The unit after the Dutch, German and (where it applies) Somali rules, every reading."""
    readings = {unit}
    if any(ch in unit for ch, _ in rules.SOMALI) and "ch" not in unit:
        readings.add(_replace_all(unit, rules.SOMALI))
    if rules.INITIAL_J_AS_Y:
        readings |= {"y" + r[1:] for r in readings if r.startswith("j")}
    readings = {_replace_all(_replace_all(r, rules.DUTCH), rules.GERMAN) for r in readings}
    for old, new in rules.ALTERNATIVES:
        readings |= {r.replace(old, new) for r in readings if old in r}
    j, y = rules.FINAL_J_AFTER_VOWEL
    readings |= {r[:-1] + y for r in readings if len(r) > 2 and r[-1] == j and r[-2] in "aeiou"}
    return frozenset(r for r in readings if r)


@lru_cache(maxsize=65536)
def skeletons(unit: str) -> frozenset[str]:
    out = {_consonants(_replace_all(r, rules.SOUNDS)) for r in spellings(unit)}
    return frozenset(s for s in out if s)


@lru_cache(maxsize=65536)
def prefix_skeletons(unit: str) -> frozenset[str]:
    """Skeletons of a word still being typed: no end-of-word rules ("Moh" is "mh…")."""
    out = {_consonants(_replace_all(r, rules.SOUNDS), whole=False) for r in spellings(unit)}
    return frozenset(s for s in out if s)


@lru_cache(maxsize=65536)
def sound(unit: str) -> str:
    base = _replace_all(_replace_all(unit, rules.DUTCH), rules.GERMAN)
    return jellyfish.metaphone(base)[:12] if base else ""


def deletes(skeleton: str) -> set[str]:
    return {skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton))}


def typo_ok(unit: str, skeleton: str) -> bool:
    return len(unit) >= rules.TYPO_MIN_TOKEN and len(skeleton) >= rules.TYPO_MIN_SKELETON


def unit_keys(unit: str) -> set[str]:
    keys = {"s:" + s for s in skeletons(unit)}
    snd = sound(unit)
    if snd:
        keys.add("p:" + snd)
    for s in skeletons(unit):
        if typo_ok(unit, s):
            keys |= {"d:" + d for d in deletes(s)}
    return keys


PAIR_UNITS = 4  # pair keys for the first words only


def pair_keys(units: list[str]) -> set[str]:
    """`q:` two words of the name together, in either order ("Mohamed Ali" = "Ali Mohamed"):
    a two-word lookup then reads the visitors with both, however common each word is."""
    keys: set[str] = set()
    head = units[:PAIR_UNITS]
    for i, a in enumerate(head):
        for b in head[i + 1 :]:
            for sa in skeletons(a):
                for sb in skeletons(b):
                    keys.add("q:" + "|".join(sorted((sa, sb))))
    return keys


def keys_for_name(*parts: str | None) -> set[str]:
    """All keys of one spelling of a name (given names and family name, in that order)."""
    units = [u for part in parts for _t, u in split_units(part)]
    keys: set[str] = set()
    for unit in units:
        keys |= unit_keys(unit)
    for a, b in pairwise(units):
        keys |= {"s:" + s for s in skeletons(_abd(a + b))}
    return keys | pair_keys(units)


@lru_cache(maxsize=65536)
def name_keys(
    given: str | None, family: str | None, latin_given: str | None, latin_family: str | None
) -> str:
    """The SQL function behind migration 0005's triggers: a JSON list of distinct keys.
    Cached: names repeat a great deal (a demo of a million visitors has a few thousand)."""
    keys = keys_for_name(given, family) | keys_for_name(latin_given, latin_family)
    return json.dumps(sorted(keys))
