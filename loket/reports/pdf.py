"""The referral log as a PDF report: summary and charts first, then the rows.

ReportLab is imported here only, when a PDF is asked for.  A PDF is for reading, not for
further processing, so it lists at most PDF_ROW_LIMIT rows and says so; CSV and XLSX hold
every row.  Charts carry their numbers as labels (suppressed counts as "<N", drawn as an
empty bar) and every chart is followed by the same numbers as a table, so no meaning hangs
on colour or on reading a bar's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from loket.i18n import _
from loket.reports.formats import columns
from loket.reports.overview import Overview, SummaryTable, status_label

PDF_ROW_LIMIT = 5_000
_ROW_BATCH = 30
# The columns the rows section shows (the page is not wide enough for all of them).
PDF_COLUMNS = (
    "visit_date",
    "desk",
    "needs",
    "partner",
    "service",
    "handover",
    "status",
    "completed_on",
    "days_to_completion",
    "follow_up_date",
    "visitor",
)
_IDENTIFIABLE_WIDTHS = {
    "needs": 85,
    "partner": 90,
    "service": 100,
    "given_names": 65,
    "family_name": 65,
    "v_number": 60,
}
_ROW_WIDTHS = {
    "visit_date": 52,
    "desk": 32,
    "needs": 110,
    "partner": 115,
    "service": 130,
    "handover": 48,
    "status": 55,
    "completed_on": 52,
    "days_to_completion": 48,
    "follow_up_date": 52,
    "visitor": 78,
    "given_names": 70,
    "family_name": 70,
    "v_number": 55,
}


def _fonts() -> tuple[str, str]:
    """The letters' Noto Sans (loket.letters.fonts), regular and bold.  ReportLab keeps one
    font object per typeface: registering the same file again under a name of our own gave
    the letters this plain font instead of theirs, and every letter after an export failed."""
    from loket.letters import fonts as fontreg

    try:
        return fontreg.fonts(False).names["latin"], fontreg.fonts(True).names["latin"]
    except fontreg.FontMissing:
        return "Helvetica", "Helvetica-Bold"


def _bar_chart(table: SummaryTable, column: int, width: float, font: str):
    """Horizontal bars, one per row, each labelled with its (suppressed) number; months
    (many short labels) get vertical columns instead."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    rows = table.rows[:30]
    vertical = table.key == "month"
    if vertical:
        height = 80
        drawing = Drawing(width, height + 52)
        chart = VerticalBarChart()
        # a column is at most 24 pt wide, so one month does not fill the page
        plot = min(width - 40, 24 * max(1, len(rows)) + 10)
        chart.x, chart.y, chart.width, chart.height = 30, 30, plot, height
        ordered = rows
        chart.categoryAxis.labels.angle = 90
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dy = -2
        chart.barLabels.boxAnchor = "s"
        chart.barLabels.dy = 2
    else:
        height = 12 * max(1, len(rows))
        drawing = Drawing(width, height + 30)
        chart = HorizontalBarChart()
        label_width = 150
        chart.x, chart.y = label_width, 20
        chart.width, chart.height = width - label_width - 30, height
        ordered = list(reversed(rows))  # the first row on top
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -3
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
    chart.data = [[c[column].plotted for _label, c in ordered] or [0]]
    chart.categoryAxis.categoryNames = [table.label(lb)[:32] for lb, _c in ordered] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if not any(c[column].plotted for _label, c in ordered):
        # nothing to draw to length (all zero or suppressed): no scale either
        chart.valueAxis.valueMax = 1
        chart.valueAxis.visibleLabels = False
        chart.valueAxis.visibleTicks = False
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6
    chart.bars[0].fillColor = colors.HexColor("#1f4e79")
    chart.bars[0].strokeColor = colors.black
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[c[column].shown for _label, c in ordered] or [""]]
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6
    drawing.add(chart)
    drawing.add(
        String(0, drawing.height - 9, _(table.headers[column + 1]), fontName=font, fontSize=8)
    )
    return drawing


def _table(table: SummaryTable, styles, font_bold: str):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    data = [[Paragraph(f"<b>{_esc(_(h))}</b>", styles["cell"]) for h in table.headers]]
    for label, cells in table.rows:
        data.append(
            [Paragraph(_esc(table.label(label)), styles["cell"]), *[c.shown for c in cells]]
        )
    t = Table(data, colWidths=[165] + [60] * (len(table.headers) - 1), repeatRows=1, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return t


def _glyphs(font: str) -> dict | None:
    from reportlab.pdfbase import pdfmetrics

    face = getattr(pdfmetrics.getFont(font), "face", None)
    return getattr(face, "charToGlyph", None)


def _drawable(text: str, glyphs: dict | None) -> bool:
    """False when the report font has no glyph for some letter (e.g. Arabic or Ethiopic
    names, which this table font does not cover): better a note than an empty cell."""
    if glyphs is None:
        return True
    return all(ord(ch) in glyphs or ch.isspace() for ch in text)


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_pdf(
    path: str,
    overview: Overview,
    batches: Iterable[list[list]],
    *,
    identifiable: bool,
    total: int,
    intro: list[str],
    on_batch: Callable[[int], None],
) -> int:
    """Returns the number of rows listed (at most PDF_ROW_LIMIT)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    font, bold = _fonts()
    base = getSampleStyleSheet()
    styles = {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=16),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=font, fontSize=9),
        "cell": ParagraphStyle(
            "c", parent=base["BodyText"], fontName=font, fontSize=7, leading=8.5
        ),
    }
    pagesize = landscape(A4)
    margin = 12 * mm
    doc = BaseDocTemplate(
        path,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=_("Referral log"),
        author="Loket",
    )
    width = pagesize[0] - 2 * margin
    height = pagesize[1] - 2 * margin
    story: list = [Paragraph(_esc(_("Referral log")), styles["title"])]
    story += [Paragraph(_esc(line), styles["body"]) for line in intro]
    story.append(Spacer(1, 4 * mm))

    facts = [[_esc(_(label)), value.shown] for label, value in overview.facts]
    ft = Table(facts, colWidths=[260, 120], hAlign="LEFT")
    ft.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    story.append(ft)

    chart_width = width - 300
    for table in overview.tables:
        heading = Paragraph(_esc(_(table.title)), styles["h2"])
        if not table.rows:
            story.append(
                KeepTogether(
                    [heading, Paragraph(_esc(_("No referrals in this selection.")), styles["body"])]
                )
            )
            continue
        charts = [_bar_chart(table, col, chart_width, font) for col in table.chart_columns]
        pair = Table(
            [[_table(table, styles, bold), charts]], colWidths=[295, chart_width], hAlign="LEFT"
        )
        pair.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        )
        story.append(KeepTogether([heading, pair]))

    story.append(Paragraph(_esc(_("The referrals")), styles["h2"]))
    story.append(
        Paragraph(
            _esc(_("They follow from the next page on, ordered by visit date.")), styles["body"]
        )
    )
    if total > PDF_ROW_LIMIT:
        story.append(
            Paragraph(
                _esc(
                    _(
                        "This PDF lists the first {limit} of {total} referrals; the CSV and "
                        "Excel exports hold all of them."
                    ).format(limit=PDF_ROW_LIMIT, total=total)
                ),
                styles["body"],
            )
        )
    story.append(NextPageTemplate("rows"))
    story.append(PageBreak())
    cols = columns(identifiable)
    keys = [c.key for c in cols]
    if identifiable:  # names instead of the pseudonym, narrower text columns
        shown = [k for k in PDF_COLUMNS if k != "visitor"]
        shown += ["given_names", "family_name", "v_number"]
        width_of = {**_ROW_WIDTHS, **_IDENTIFIABLE_WIDTHS}
    else:
        shown, width_of = list(PDF_COLUMNS), _ROW_WIDTHS
    picks = [keys.index(k) for k in shown]
    head = [Paragraph(f"<b>{_esc(_(cols[i].header))}</b>", styles["cell"]) for i in picks]
    status_at = keys.index("status")
    wrapped = {
        keys.index(k)
        for k in ("needs", "partner", "service", "handover", "status", "given_names", "family_name")
        if k in shown
    }
    widths = [width_of.get(cols[i].key, 60) for i in picks]
    scale = min(1.0, width / sum(widths))
    widths = [w * scale for w in widths]
    row_style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 7),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    head_table = Table([head], colWidths=widths, hAlign="LEFT")
    head_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    _w, head_height = head_table.wrap(width, height)
    listed = 0
    chunk: list = []
    glyphs = _glyphs(font)
    other_script = _("(other script: see CSV or Excel)")

    def flush() -> None:
        if not chunk:
            return
        # Small tables (ReportLab re-measures a table each time it splits one across pages);
        # the column headings are drawn on every rows page by the page template.
        t = Table(list(chunk), colWidths=widths, hAlign="LEFT")
        t.setStyle(row_style)
        story.append(t)
        chunk.clear()

    for batch in batches:
        for rec in batch:
            if listed >= PDF_ROW_LIMIT:
                break
            row = []
            for i in picks:
                value = rec[i]
                if i == status_at and value:
                    value = status_label(value)
                text = "" if value is None else str(value)
                if text and not text.isascii() and not _drawable(text, glyphs):
                    text = other_script
                row.append(Paragraph(_esc(text), styles["cell"]) if i in wrapped else text)
            chunk.append(row)
            listed += 1
            if len(chunk) >= _ROW_BATCH:
                flush()
        on_batch(listed)
        if listed >= PDF_ROW_LIMIT:
            break
    flush()
    if listed == 0:
        story.append(Paragraph(_esc(_("No referrals in this selection.")), styles["body"]))

    def footer(canvas, doc_) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawRightString(pagesize[0] - 12 * mm, 7 * mm, _("Page {n}").format(n=doc_.page))
        canvas.drawString(12 * mm, 7 * mm, intro[0] if intro else "")
        canvas.restoreState()

    def rows_page(canvas, doc_) -> None:
        footer(canvas, doc_)
        head_table.drawOn(canvas, margin, margin + height - head_height)

    doc.addPageTemplates(
        [
            PageTemplate(
                "summary", [Frame(margin, margin, width, height, id="summary")], onPage=footer
            ),
            PageTemplate(
                "rows",
                [
                    Frame(
                        margin,
                        margin,
                        width,
                        height - head_height,
                        id="rows",
                        leftPadding=0,
                        rightPadding=0,
                        topPadding=0,
                    )
                ],
                onPage=rows_page,
            ),
        ]
    )
    from loket.letters import fonts as fontreg

    with fontreg.render_lock():  # the font objects are the letters' too: one at a time
        doc.build(story)
    return listed
