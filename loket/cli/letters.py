"""`loket letters list|render`: the letter templates, and one letter rendered to a PDF file."""

from __future__ import annotations

import sys
from argparse import Namespace
from datetime import datetime
from pathlib import Path

from loket.cli.common import add_user_argument, open_database, user_context
from loket.errors import ValidationError
from loket.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("letters", help=_("plain-language letters: list and render"))
    sub = p.add_subparsers(dest="letters_command", metavar="ACTION", required=True)

    q = sub.add_parser("list", help=_("list the letter templates"))
    q.set_defaults(func=cmd_list)

    q = sub.add_parser("check", help=_("plain-language check (B1) of letter text"))
    q.add_argument(
        "--file",
        metavar="FILE",
        help=_(
            "Dutch text to check ('-' reads standard input); without it, every "
            "sentence the letters can print"
        ),
    )
    q.set_defaults(func=cmd_check)

    q = sub.add_parser("render", help=_("render one letter for a visit to a PDF file"))
    q.add_argument("--visit", required=True, metavar="ID", help=_("the visit's id"))
    q.add_argument("--template", required=True, metavar="NAME")
    q.add_argument(
        "--lang",
        required=True,
        metavar="LANG",
        help=_("the visitor's language; the Dutch text follows"),
    )
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    q.add_argument("--large-print", action="store_true", help=_("16 pt body text"))
    q.add_argument("--dutch-only", action="store_true", help=_("only the Dutch text"))
    q.add_argument(
        "--produce",
        action="store_true",
        help=_("record the letter as given to the visitor (archive and audit log)"),
    )
    q.add_argument(
        "--appointment",
        metavar="ID",
        help=_(
            "a stored appointment (afspraak letter); without it and without --at, the "
            "visit's latest appointment"
        ),
    )
    q.add_argument(
        "--at", metavar='"YYYY-MM-DD HH:MM"', help=_("appointment date and time (afspraak letter)")
    )
    q.add_argument("--place", metavar="TEXT", help=_("appointment place (afspraak letter)"))
    q.add_argument(
        "--ask-for", metavar="NAME", default="", help=_("whom to ask for (afspraak letter)")
    )
    q.add_argument(
        "--bring",
        metavar="TEXT",
        action="append",
        default=[],
        help=_("a paper to bring (repeat the option for more)"),
    )
    add_user_argument(q)
    q.set_defaults(func=cmd_render)

    q = sub.add_parser("appointments", help=_("list the appointments of a visit"))
    q.add_argument("--visit", required=True, metavar="ID", help=_("the visit's id"))
    add_user_argument(q)
    q.set_defaults(func=cmd_appointments)


def cmd_list(args: Namespace) -> int:
    from loket.letters import templates

    for tpl in templates.TEMPLATES.values():
        print(f"{tpl.name}\t{_(tpl.description)}")
    return 0


def _appointment(args: Namespace):
    from loket.letters import Appointment

    if not args.at and not args.place:
        return None
    if args.appointment:
        raise ValidationError.single(
            "appointment", _("Give either a stored appointment or a new date and place, not both.")
        )
    try:
        starts = datetime.strptime(args.at or "", "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValidationError.single(
            "at", _("Write the appointment time as YYYY-MM-DD HH:MM.")
        ) from None
    return Appointment(starts, args.place or "", args.ask_for, list(args.bring))


def cmd_render(args: Namespace) -> int:
    from loket import letters

    db = open_database(args)
    ctx = user_context(args, db)
    appointment = _appointment(args)
    make = letters.produce if args.produce else letters.compose
    letter = make(
        ctx,
        args.visit,
        args.template,
        args.lang,
        large_print=args.large_print,
        dutch_only=args.dutch_only,
        appointment=appointment,
        appointment_id=args.appointment,
    )
    letters.write_atomically(Path(args.out), letter.pdf)
    for lang in letter.unchecked:
        print(
            _("Warning: the {lang} translation was not checked by a certified translator.").format(
                lang=lang
            ),
            file=sys.stderr,
        )
    print(
        _("Letter written: {path} ({languages})").format(
            path=args.out, languages=", ".join(letter.languages)
        )
    )
    return 0


def cmd_appointments(args: Namespace) -> int:
    """One appointment per line: id, local date and time, place (tab-separated)."""
    from loket import appointments

    ctx = user_context(args, open_database(args))
    for appt in appointments.for_visit(ctx, args.visit):
        when = appt.starts_at.isoformat(sep=" ", timespec="minutes")
        print(f"{appt.id}\t{when}\t{appt.place}")
    return 0


def cmd_check(args: Namespace) -> int:
    from loket.letters import readability

    if args.file == "-":
        text = sys.stdin.read()
    elif args.file:
        text = Path(args.file).read_text(encoding="utf-8")
    else:
        text = readability.shipped_text()
    rep = readability.analyse(text)
    print(
        _(
            "Flesch-Douma {douma:.0f}, Brouwer {brouwer:.0f}, {words} words in {sentences} "
            "sentences"
        ).format(
            douma=rep.flesch_douma,
            brouwer=rep.brouwer,
            words=rep.words,
            sentences=len(rep.sentences),
        )
    )
    for sentence in rep.flagged:
        print(f"! {sentence.text}\n    " + "; ".join(sentence.problems))
    for passive in rep.passives:
        print(_("passive? {sentence}").format(sentence=passive))
    for problem in rep.problems:
        print(_("Above the B1 threshold: {problem}").format(problem=problem), file=sys.stderr)
    return 0 if rep.ok else 1
