"""A pseudo-locale: every string lengthened by about 40 % and wrapped in markers.

Running the UI in it shows clipped labels (the text no longer fits) and untranslated strings
(they appear without the ⟦ ⟧ markers).
"""

from __future__ import annotations

import gettext
import re

_FIELD = re.compile(r"(\{[^{}]*\}|%\([^)]*\)[sd]|%[sd]|&(?=\w))")
_ACCENT = str.maketrans("aeiouAEIOUcnyCNY", "àéîöûÀÉÎÖÛçñýÇÑÝ")


def pseudo(message: str) -> str:
    if not message:
        return message
    pieces = _FIELD.split(message)
    out = []
    for i, piece in enumerate(pieces):
        out.append(piece if i % 2 else piece.translate(_ACCENT))
    body = "".join(out)
    padding = "·" * max(1, round(len(message) * 0.4))
    return f"⟦{body}{padding}⟧"


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return pseudo(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return pseudo(singular if n == 1 else plural)
