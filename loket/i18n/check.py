"""Checks of a translated catalogue against its template (.pot), shared by the tests and
`python -m loket.i18n.tools check`.

A catalogue is incomplete when it lacks a message of its template or leaves one empty; it
is not to be trusted while it holds a fuzzy entry (Babel marks a guessed translation fuzzy,
and gettext then ignores it, so the user would see English); and a translation that drops,
adds or renames a placeholder (`{name}`, `%(x)s`, `%s`) breaks at run time or prints the
wrong value.  Plural forms may drop the count ("one visit" need not say 1) but may never
bring in a placeholder the English text does not have.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


@dataclass(frozen=True)
class Problem:
    catalogue: str
    msgid: str
    kind: str  # 'missing' | 'untranslated' | 'fuzzy' | 'placeholder' | 'syntax'
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.catalogue}: {self.kind}: {self.msgid!r}{extra}"


def placeholders(text: str) -> set[str] | None:
    """Named fields of a str.format text plus %-style fields; None when the text is broken."""
    found: set[str] = set()
    try:
        for _lit, name, _spec, _conv in string.Formatter().parse(text):
            if name is not None:
                found.add("{" + name + "}")
    except ValueError:
        return None
    for m in _PERCENT.finditer(text.replace("%%", "")):
        found.add(f"%({m.group(1)})" if m.group(1) else "%")
    return found


def read(path: Path) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh)


def _key(message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return msgid, message.context


def check(pot_path: Path, po_path: Path) -> list[Problem]:
    """Everything wrong with the catalogue `po_path` measured against `pot_path`."""
    name = f"{po_path.parent.parent.name}/{po_path.name}"
    template, catalogue = read(pot_path), read(po_path)
    problems: list[Problem] = []
    if catalogue.fuzzy:
        problems.append(Problem(name, "", "fuzzy", "the header is marked fuzzy"))
    for tmpl in template:
        if not tmpl.id:
            continue
        msgid, context = _key(tmpl)
        msg = catalogue.get(tmpl.id, context=context)
        if msg is None:
            problems.append(Problem(name, msgid, "missing"))
            continue
        problems.extend(_check_message(name, msg, catalogue.num_plurals))
    # Babel's own checks (the ones `pybabel compile` refuses a catalogue for), e.g. a
    # "100 % and" that Babel reads as a %-placeholder whose type the translation changes.
    for msg, errors in catalogue.check():
        for error in errors:
            problems.append(Problem(name, _key(msg)[0], "format", str(error)))
    return problems


def _check_message(name: str, msg, num_plurals: int) -> list[Problem]:
    msgid, _context = _key(msg)
    out: list[Problem] = []
    if msg.fuzzy:
        out.append(Problem(name, msgid, "fuzzy"))
    ids = list(msg.id) if isinstance(msg.id, (tuple, list)) else [msg.id]
    strs = list(msg.string) if isinstance(msg.string, (tuple, list)) else [msg.string]
    if not all(strs):
        out.append(Problem(name, msgid, "untranslated"))
        return out
    if len(ids) > 1 and len(strs) != num_plurals:
        out.append(
            Problem(
                name,
                msgid,
                "untranslated",
                f"{len(strs)} plural forms, the language has {num_plurals}",
            )
        )
        return out
    wanted = [placeholders(i) for i in ids]
    if any(w is None for w in wanted):
        return out  # the source text itself is not a format string: nothing to compare
    allowed = set().union(*wanted)
    got_all: set[str] = set()
    for text in strs:
        got = placeholders(text)
        if got is None:
            out.append(Problem(name, msgid, "syntax", f"unbalanced braces in {text!r}"))
            continue
        got_all |= got
        if len(ids) == 1 and got != allowed:
            out.append(
                Problem(
                    name,
                    msgid,
                    "placeholder",
                    f"expected {sorted(allowed)}, got {sorted(got)} in {text!r}",
                )
            )
        elif got - allowed:
            out.append(
                Problem(name, msgid, "placeholder", f"unknown {sorted(got - allowed)} in {text!r}")
            )
    if len(ids) > 1 and got_all != allowed:
        out.append(
            Problem(name, msgid, "placeholder", f"no plural form uses {sorted(allowed - got_all)}")
        )
    return out


def catalogue_pairs(locales: Path, domain: str) -> list[tuple[Path, Path]]:
    pot = locales / f"{domain}.pot"
    return [(pot, po) for po in sorted(locales.glob(f"*/LC_MESSAGES/{domain}.po"))]


def check_all(locales: Path, domains: tuple[str, ...] = ("ui", "letters")) -> list[Problem]:
    problems: list[Problem] = []
    for domain in domains:
        for pot, po in catalogue_pairs(locales, domain):
            if pot.exists():
                problems.extend(check(pot, po))
    return problems
