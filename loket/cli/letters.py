"""`loket letters list|render`: the letter templates, and one letter rendered to a PDF file."""

from __future__ import annotations

import sys
from argparse import Namespace
from datetime import datetime
from pathlib import Path

from loket.cli.common import add_user_argument, open_database, user_context
from loket.errors import LoketError, ValidationError
from loket.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("letters", help=_("plain-language letters: list, render and reprint"))
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
        help=_(
            "record the letter as given to the visitor (archive and audit log), once the "
            "file is written"
        ),
    )
    q.add_argument(
        "--include-sensitive",
        action="store_true",
        help=_("also print sensitive needs (safety at home, health); left out by default"),
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

    q = sub.add_parser("reprint", help=_("write a letter given earlier, byte for byte"))
    q.add_argument("--letter", required=True, metavar="ID", help=_("the letter's id"))
    q.add_argument("--out", required=True, metavar="FILE.pdf")
    add_user_argument(q)
    q.set_defaults(func=cmd_reprint)

    q = sub.add_parser("given", help=_("list the letters given for a visit"))
    q.add_argument("--visit", required=True, metavar="ID", help=_("the visit's id"))
    add_user_argument(q)
    q.set_defaults(func=cmd_given)

    q = sub.add_parser(
        "phone", help=_("the phone number letters print: the desk's, or a staff member's")
    )
    who = q.add_mutually_exclusive_group(required=True)
    who.add_argument("--desk", metavar="CODE", help=_("the desk's code, e.g. ZWL"))
    who.add_argument("--staff", metavar="USERNAME", help=_("the staff member's user name"))
    q.add_argument(
        "--number", required=True, metavar="NUMBER", help=_("the number; empty to remove it")
    )
    add_user_argument(q)
    q.set_defaults(func=cmd_phone)

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
    """Render (and with --produce record) one letter.  The letter is recorded only after the
    file was written; a refused letter, a missing folder or a write error records nothing."""
    from loket import letters

    db = open_database(args)
    ctx = user_context(args, db)
    try:
        letter = letters.compose(
            ctx,
            args.visit,
            args.template,
            args.lang,
            large_print=args.large_print,
            dutch_only=args.dutch_only,
            appointment=_appointment(args),
            appointment_id=args.appointment,
            include_sensitive=args.include_sensitive,
        )
        if args.produce and letter.problems:
            raise LoketError(" ".join([*letter.problems, _phone_hint()]))
        path = letters.write_file(args.out, letter.pdf)
        if args.produce:
            try:
                letters.record(ctx, letter)
            except LoketError:
                path.unlink(missing_ok=True)  # not recorded, so not given
                raise
    except ValidationError as err:
        raise LoketError(letters.explain(err)) from None
    for problem in letter.problems:
        print(_("Warning: {problem}").format(problem=problem), file=sys.stderr)
    if letter.problems:
        print(_phone_hint(), file=sys.stderr)
    _warn_unchecked(letter.unchecked)
    print(
        _("Letter written: {path} ({languages})").format(
            path=args.out, languages=letters.language_names(letter.languages)
        )
    )
    return 0


def _phone_hint() -> str:
    """On the command line, the exact command (the app says where in its menus instead)."""
    return _(
        "An administrator fills in the number with: loket letters phone --desk CODE "
        "--number NUMBER (or --staff USERNAME for a direct number)."
    )


def _warn_unchecked(langs: list[str]) -> None:
    from loket import letters

    for lang in langs:
        print(
            _(
                "Warning: the {language} translation was not checked by a certified translator."
            ).format(language=letters.language_names([lang])),
            file=sys.stderr,
        )


def cmd_reprint(args: Namespace) -> int:
    """The archived PDF, identical to the one given; logged once the file is written."""
    from loket import letters

    ctx = user_context(args, open_database(args))
    letter = letters.archived(ctx, args.letter)
    letters.write_file(args.out, letter.pdf)
    letters.record_reprint(ctx, letter)
    print(
        _("Letter written: {path} ({label})").format(
            path=args.out, label=letters.letter_label(letter.__dict__)
        )
    )
    return 0


def cmd_given(args: Namespace) -> int:
    """One letter per line: id, then what it is (title, languages, date), tab-separated."""
    from loket import letters

    ctx = user_context(args, open_database(args))
    for row in letters.letters_for_visit(ctx, args.visit):
        print(f"{row['id']}\t{letters.letter_label(row)}")
    return 0


def cmd_phone(args: Namespace) -> int:
    from loket import letters
    from loket.letters import contact

    ctx = user_context(args, open_database(args))
    try:
        if args.desk:
            phone = contact.set_desk_phone(ctx, args.desk, args.number)
        else:
            phone = contact.set_staff_phone(ctx, args.staff, args.number)
    except ValidationError as err:
        raise LoketError(letters.explain(err)) from None
    print(
        _("Phone number for letters: {number}").format(number=phone)
        if phone
        else _("Phone number removed.")
    )
    return 0


def cmd_appointments(args: Namespace) -> int:
    """One appointment per line: id, local date and time, place (tab-separated)."""
    from loket.counter import appointments

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
