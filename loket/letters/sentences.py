"""Every Dutch sentence a letter can print, as the templates register them with `M()`.

Kept apart from `catalogue` (which the templates import for `M` and `LetterCatalogue`) because
collecting the sentences means importing the templates: here that import points one way only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from loket.letters import templates  # noqa: F401  (importing it registers every sentence)
from loket.letters.catalogue import DOMAIN, LetterCatalogue, registered


def messages() -> dict[str, str]:
    """msgid -> translator comment, in the order the templates define them."""
    return registered()


def write_pot(path: Path) -> None:
    catalog = Catalog(
        project="Loket letters",
        domain=DOMAIN,
        fuzzy=False,
        creation_date=datetime(2026, 11, 28, tzinfo=UTC),
    )
    for msgid, comment in messages().items():
        catalog.add(msgid, auto_comments=[comment] if comment else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=False)


def untranslated(cat: LetterCatalogue) -> list[str]:
    return [m for m in messages() if not cat.translations.get(m)]
