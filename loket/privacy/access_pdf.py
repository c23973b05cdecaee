"""The readable PDF of a right-of-access export (see `loket.privacy.rights`).

Imported only when an export is made, so ReportLab stays out of start-up.  Text is laid out
by the letters' engine (`loket.letters.shaping` through `loket.letters.pdf.TextFlow`): each
word is split into runs of the shipped Noto font that has its glyphs, each run is shaped by
HarfBuzz (Arabic letters joined, marks placed), and a paragraph whose text starts in a
right-to-left script is set right to left.  So an Arabic or Ethiopic name reads in the PDF
as it was typed.  A character no shipped font can draw is printed as "?" (the JSON beside the
PDF holds the exact text) rather than refusing the visitor their copy.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from loket.i18n import _
from loket.letters import fonts as fontreg
from loket.letters import shaping
from loket.letters.pdf import TextFlow

BODY_PT = 10.0


def _is_rtl(text: str) -> bool:
    """The paragraph direction: that of its first strong character (as Unicode's P2)."""
    for ch in text:
        if fontreg.is_rtl_char(ch):
            return True
        if fontreg.is_strong_ltr(ch):
            return False
    return False


def _drawable(text: str, bold: bool) -> str:
    """`text` with each character that no shipped font holds replaced by "?"."""
    try:
        shaping.split_words(text, bold)
        return text
    except shaping.GlyphMissing:
        pass
    out = []
    for ch in text:
        if ch.isspace():
            out.append(ch)
            continue
        try:
            shaping.shape_word(ch, bold)
            out.append(ch)
        except shaping.GlyphMissing:
            out.append("?")
    return "".join(out)


def _flow(
    text: object,
    size: float = BODY_PT,
    *,
    bold: bool = False,
    before: float = 0.0,
    after: float = 0.0,
) -> TextFlow:
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    # One line per paragraph; blank lines go (the layout sets lines of words only).
    text = "\n".join(line for line in text.splitlines() if line.strip())
    if not text:
        return TextFlow([], size, False, lines=[], space_before=before, space_after=after)
    text = _drawable(text, bold)
    return TextFlow([(text, bold)], size, _is_rtl(text), space_before=before, space_after=after)


def _field_label(key: str) -> str:
    labels = {
        "given_names": _("Given names"),
        "family_name": _("Family name"),
        "latin_given_names": _("Given names in Latin letters, as on the IND document"),
        "latin_family_name": _("Family name in Latin letters, as on the IND document"),
        "date_of_birth": _("Date of birth"),
        "v_number": _("V-nummer"),
        "bsn": _("BSN"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "address": _("Address"),
        "postal_code": _("Postal code"),
        "city": _("City"),
        "preferred_language": _("Language"),
        "interpreter_needed": _("Interpreter needed"),
        "interpreter_language": _("Interpreter language"),
        "created_at": _("Registered on"),
        "last_activity_at": _("Last activity"),
        "anonymised_at": _("Data removed on"),
    }
    return labels.get(key, key)


def write_pdf(data: dict, path: Path) -> None:
    with fontreg.render_lock():  # the letters' fonts and layout cache are shared
        fontreg.fonts(False), fontreg.fonts(True)  # registered (or a clear error) first
        _build(data, path)


def _appointment(a: dict) -> str:
    parts = [a["starts_at"].replace("T", " "), a["place"], a["contact_person"]]
    if a["bring"]:
        parts.append(_("bring: {papers}").format(papers=", ".join(a["bring"])))
    return " — ".join(p for p in parts if p)


def _build(data: dict, path: Path) -> None:
    def p(text) -> TextFlow:
        return _flow(text)

    def h1(text) -> TextFlow:
        return _flow(text, BODY_PT * 1.8, bold=True, after=BODY_PT)

    def h2(text) -> TextFlow:
        return _flow(text, BODY_PT * 1.3, bold=True, before=BODY_PT, after=BODY_PT * 0.5)

    def table(pairs: list[tuple[str, object]]) -> Table:
        rows = [[p(label), p("" if value is None else value)] for label, value in pairs]
        t = Table(rows, colWidths=[55 * mm, 115 * mm])
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ]
            )
        )
        return t

    v = data["visitor"]
    story = [
        h1(_("Everything Loket holds about you")),
        p(
            _("Made on {when}. This is a copy of your data (AVG article 15).").format(
                when=data["generated_at"]
            )
        ),
        Spacer(1, 4 * mm),
        h2(_("Your details")),
        table([(_field_label(k), v[k]) for k in v]),
        h2(_("Visits")),
    ]
    if not data["visits"]:
        story.append(p(_("None.")))
    for visit in data["visits"]:
        needs = ", ".join(
            f"{n['label_nl']}" + (f" ({n['note']})" if n["note"] else "") for n in visit["needs"]
        )
        story += [
            table(
                [
                    (_("Date"), visit["visit_date"]),
                    (_("Desk"), visit["desk_name"]),
                    (_("Reason"), visit["topic_code"]),
                    (_("Needs"), needs),
                    (_("Summary"), visit["summary"]),
                    (_("Outcome"), visit["outcome"]),
                    (_("Health note"), visit["health_note"]),
                    (_("Legal ground"), visit["health_legal_ground"]),
                    (
                        _("Appointments"),
                        "\n".join(_appointment(a) for a in visit.get("appointments", [])),
                    ),
                ]
            ),
            Spacer(1, 3 * mm),
        ]
    story.append(h2(_("Referrals")))
    if not data["referrals"]:
        story.append(p(_("None.")))
    for ref in data["referrals"]:
        history = "; ".join(f"{e['at']}: {e['to_status']}" for e in ref["events"])
        story += [
            table(
                [
                    (_("Organisation"), ref["organisation_name"]),
                    (_("Service"), ref["service_name"]),
                    (_("Status"), ref["status"]),
                    (_("Handover"), ref["handover"]),
                    (_("Note"), ref["note"]),
                    (_("History"), history),
                ]
            ),
            Spacer(1, 3 * mm),
        ]
    story.append(h2(_("Letters")))
    if not data["letters"]:
        story.append(p(_("None.")))
    for letter in data["letters"]:
        line = f"{letter['created_at']}: {letter['template']} ({letter['languages']})"
        if not letter.get("pdf_kept", True):
            line += " — " + _("removed under the retention rules")
        story.append(p(line))
    story.append(h2(_("Who looked at or changed your data")))
    rows = [[p(_("When")), p(_("Who")), p(_("What"))]]
    rows += [[p(a["at"]), p(a["actor"] or "-"), p(a["action"])] for a in data["audit_trail"]]
    trail = Table(rows, colWidths=[45 * mm, 40 * mm, 85 * mm], repeatRows=1)
    trail.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story.append(trail)
    doc = SimpleDocTemplate(
        str(path), pagesize=A4, title=_("Right of access"), leftMargin=20 * mm, rightMargin=20 * mm
    )
    doc.build(story)
