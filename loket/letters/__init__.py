"""Plain-language letters in the visitor's language (no Qt here).

Public API: `render`, `produce`, `reprint`, `compose`, `letters_for_visit`, `template_names`,
`is_checked`, `Appointment`, `Letter`; see `loket.letters.service`.
"""

from loket.letters.data import Appointment
from loket.letters.service import (
    Letter,
    compose,
    get_template,
    is_checked,
    letter_languages,
    letters_for_visit,
    produce,
    render,
    reprint,
    template_names,
    write_atomically,
)

__all__ = [
    "Appointment",
    "Letter",
    "compose",
    "get_template",
    "is_checked",
    "letter_languages",
    "letters_for_visit",
    "produce",
    "render",
    "reprint",
    "template_names",
    "write_atomically",
]
