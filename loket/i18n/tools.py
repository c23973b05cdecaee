"""Catalogue maintenance with Babel: `python -m loket.i18n.tools extract|update|compile|all|check`.

Two domains: `ui` (English msgids, from the Python sources) and `letters` (Dutch msgids, the
authoritative letter sentences).  `make i18n` runs all three steps; `make run`/`make test`
only compile, so the .mo files are never committed and never stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from loket.i18n import UI_LANGUAGES
from loket.paths import locales_dir, project_root

DOMAINS = ("ui", "letters")


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract_ui() -> None:
    root = project_root()
    _babel(
        "extract",
        "--no-location",
        "--sort-output",
        "-k",
        "_",
        "-k",
        "N_",
        "-k",
        "ngettext:1,2",
        "-k",
        "pgettext:1c,2",
        "-k",
        "npgettext:1c,2,3",
        "--add-comments=Translators:",
        "--project=Loket",
        "-o",
        str(locales_dir() / "ui.pot"),
        str(root / "loket"),
        str(root / "ui"),
    )


def extract_letters() -> None:
    from loket.letters.sentences import write_pot  # the letters package owns its sources

    write_pot(locales_dir() / "letters.pot")


def languages(domain: str) -> list[str]:
    return sorted(p.parent.parent.name for p in locales_dir().glob(f"*/LC_MESSAGES/{domain}.po"))


def update() -> None:
    ui_pot = locales_dir() / "ui.pot"
    for lang in UI_LANGUAGES:  # a UI language without a catalogue yet gets a new one
        if ui_pot.exists() and not (locales_dir() / lang / "LC_MESSAGES" / "ui.po").exists():
            _babel("init", "-D", "ui", "-i", str(ui_pot), "-d", str(locales_dir()), "-l", lang)
    for domain in DOMAINS:
        pot = locales_dir() / f"{domain}.pot"
        if not pot.exists():
            continue
        for lang in languages(domain):
            po = locales_dir() / lang / "LC_MESSAGES" / f"{domain}.po"
            update_catalogue(pot, po)
            if domain == "ui" and lang == "en":
                fill_with_source(po)  # the msgids are English already


def fill_with_source(po: Path) -> None:
    """Give every empty message of a source-language catalogue its msgid as translation."""
    from babel.messages.pofile import read_po, write_po

    text = po.read_text(encoding="utf-8")
    with open(po, "rb") as fh:
        catalogue = read_po(fh, locale=po.parent.parent.name)
    changed = False
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            if not all(message.string):
                message.string = (message.id[0], message.id[1])
                changed = True
        elif not message.string:
            message.string = message.id
            changed = True
    if changed:
        with open(po, "wb") as fh:
            write_po(fh, catalogue, width=100, ignore_obsolete=True)
        head = text.partition("\n\n")[0]
        _new_head, sep, body = po.read_text(encoding="utf-8").partition("\n\n")
        po.write_text(head + sep + body, encoding="utf-8")  # keep the header as it was


_EXTRA_HEADER = re.compile(r'^"(X-[\w-]+: [^"\\]*)\\n"$', re.MULTILINE)


def update_catalogue(pot: Path, po: Path) -> None:
    """`pybabel update` that keeps what it would drop: the catalogue's own header fields
    (X-Certified-Translation says whether a certified translator checked it)."""
    from babel.messages.pofile import read_po, write_po

    text = po.read_text(encoding="utf-8")
    extra = _EXTRA_HEADER.findall(text.split("\n\n", 1)[0])
    with open(pot, "rb") as fh:
        template = read_po(fh)
    with open(po, "rb") as fh:
        catalogue = read_po(fh, locale=po.parent.parent.name)
    catalogue.update(template, no_fuzzy_matching=True)
    with open(po, "wb") as fh:
        write_po(fh, catalogue, width=100, ignore_obsolete=True)
    if extra:
        text = po.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n\n")
        missing = [f'"{field}\\n"' for field in extra if f'"{field}\\n"' not in head]
        if missing:
            head = head.rstrip("\n") + "\n" + "\n".join(missing)
            po.write_text(head + sep + body, encoding="utf-8")


def compile_all() -> None:
    for domain in DOMAINS:
        for lang in languages(domain):
            po = locales_dir() / lang / "LC_MESSAGES" / f"{domain}.po"
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            _babel("compile", "-D", domain, "-d", str(locales_dir()), "-l", lang, "--statistics")


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    step = args[0] if args else "all"
    if step in ("extract", "all"):
        extract_ui()
        if Path(project_root() / "loket" / "letters" / "catalogue.py").exists():
            extract_letters()
    if step in ("update", "all"):
        update()
    if step in ("compile", "all"):
        compile_all()
    if step == "check":
        from loket.i18n.check import check_all

        problems = check_all(locales_dir())
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
