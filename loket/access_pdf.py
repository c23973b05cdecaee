"""The readable PDF of a right-of-access export (see `loket.visitor_rights`).

Imported only when an export is made, so ReportLab stays out of start-up.  Text is set in
the shipped Noto fonts; characters of Arabic script or Ethiopic are put in runs of the font
that has them (drawn without contextual shaping: the JSON beside it holds the exact text).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loket.i18n import _


def _register() -> dict[str, str]:
    """The shipped Noto fonts, as the letters register them (one registration per file:
    a second one under another name would confuse the letters' glyph bookkeeping)."""
    from loket.letters.fonts import fonts

    regular, bold = fonts(False).names, fonts(True).names
    return {
        "latin": regular["latin"],
        "latin-bold": bold["latin"],
        "arabic": regular["arabic"],
        "ethiopic": regular["ethiopic"],
    }


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF:
        return "ethiopic"
    return "latin"


def _markup(text: object, fonts: dict[str, str]) -> str:
    """Escape text and wrap non-Latin runs in the font that holds their glyphs."""
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    out, run, script = [], "", "latin"
    for ch in text:
        s = _script(ch) if not ch.isspace() else script
        if s != script and run:
            out.append(_wrap(run, script, fonts))
            run = ""
        script = s
        run += ch
    if run:
        out.append(_wrap(run, script, fonts))
    return "".join(out).replace("\n", "<br/>")


def _wrap(run: str, script: str, fonts: dict[str, str]) -> str:
    if script == "latin":
        return escape(run)
    return f'<font name="{fonts[script]}">{escape(run)}</font>'


def _field_label(key: str) -> str:
    labels = {
        "given_names": _("Given names"),
        "family_name": _("Family name"),
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
    fonts = _register()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["BodyText"], fontName=fonts["latin"], fontSize=10, leading=13
    )
    h1 = ParagraphStyle("h1", parent=base["Heading1"], fontName=fonts["latin-bold"])
    h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName=fonts["latin-bold"])

    def p(text) -> Paragraph:
        return Paragraph(_markup(text, fonts), body)

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
        Paragraph(escape(_("Everything Loket holds about you")), h1),
        p(
            _("Made on {when}. This is a copy of your data (AVG article 15).").format(
                when=data["generated_at"]
            )
        ),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Your details")), h2),
        table([(_field_label(k), v[k]) for k in v]),
        Paragraph(escape(_("Visits")), h2),
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
                ]
            ),
            Spacer(1, 3 * mm),
        ]
    story.append(Paragraph(escape(_("Referrals")), h2))
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
    story.append(Paragraph(escape(_("Letters")), h2))
    if not data["letters"]:
        story.append(p(_("None.")))
    for letter in data["letters"]:
        story.append(p(f"{letter['created_at']}: {letter['template']} ({letter['languages']})"))
    story.append(Paragraph(escape(_("Who looked at or changed your data")), h2))
    rows = [[p(_("When")), p(_("Who")), p(_("What"))]]
    rows += [[p(a["at"]), p(a["actor"] or "-"), p(a["action"])] for a in data["audit_trail"]]
    trail = Table(rows, colWidths=[45 * mm, 40 * mm, 85 * mm], repeatRows=1)
    trail.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story.append(trail)
    doc = SimpleDocTemplate(
        str(path), pagesize=A4, title=_("Right of access"), leftMargin=20 * mm, rightMargin=20 * mm
    )
    doc.build(story)
