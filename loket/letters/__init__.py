"""Plain-language letters in the visitor's language (no Qt here).

Public API: `compose` (preview), `record` (once handed over), `produce` (both), `archived` +
`record_reprint` / `reprint`, `visit_facts`, `letter_label`, `write_file`,
`letters_for_visit`, `template_names`, `is_checked`, `Appointment`, `Letter`; see
`loket.letters.service`.
"""

from loket.letters.data import Appointment
from loket.letters.service import (
    SENSITIVE_NEEDS,
    Letter,
    archived,
    check_can_give,
    compose,
    explain,
    get_template,
    is_checked,
    language_names,
    letter_label,
    letter_languages,
    letters_for_visit,
    produce,
    record,
    record_reprint,
    render,
    reprint,
    template_names,
    template_title,
    visit_facts,
    write_atomically,
    write_file,
)

__all__ = [
    "SENSITIVE_NEEDS",
    "Appointment",
    "Letter",
    "archived",
    "check_can_give",
    "compose",
    "explain",
    "get_template",
    "is_checked",
    "language_names",
    "letter_label",
    "letter_languages",
    "letters_for_visit",
    "produce",
    "record",
    "record_reprint",
    "render",
    "reprint",
    "template_names",
    "template_title",
    "visit_facts",
    "write_atomically",
    "write_file",
]
