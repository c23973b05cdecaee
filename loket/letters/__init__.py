"""Plain-language letters in the visitor's language (no Qt here).

Public API: `compose` (preview), `record` (once handed over), `produce` (both), `archived` +
`record_reprint` / `reprint`, `visit_facts`, `letter_label`, `write_file`,
`letters_for_visit`, `template_names`, `is_checked`, `Appointment`, `Letter`; see
`loket.letters.service`.
May import the base, `loket.db`, `loket.i18n`, `loket.privacy` and, for what a letter says,
`loket.counter` and `loket.directory`.
"""

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


def __getattr__(name: str):
    """Load the renderer on first use: `loket.letters.labels` stays cheap to import."""
    if name not in __all__:
        import importlib

        try:  # a submodule, e.g. `letters.service`
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(name) from None
    from loket.letters import data, labels, service

    if name == "Appointment":
        value = data.Appointment
    else:
        value = getattr(service, name, None) or getattr(labels, name)
    globals()[name] = value
    return value
