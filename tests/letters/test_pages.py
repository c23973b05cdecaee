"""Pages of a letter: "page x of y" and a short header on later pages, partner blocks that
split instead of leaving a page empty, a closing never alone, and the pictograms."""

from __future__ import annotations

from datetime import date, datetime

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from loket import letters
from loket.letters import catalogue, data, pdf, pictograms, templates, wording
from tests.letters_support import _insert, letter_visit, partner, refer

APPOINTMENT = letters.Appointment(
    datetime(2026, 12, 3, 10, 30),
    "Stationsplein 1, Zwolle",
    "mevrouw De Vries",
    ["Identiteitsbewijs", "Huurcontract"],
)
CLOSING = ("Heeft u vragen", "Uw contactpersoon", "Telefoon", "Met vriendelijke groet", "Balie")


def _pages(blob: bytes) -> list[str]:
    return [p.get_textpage().get_text_range() for p in pdfium.PdfDocument(blob)]


def _render(ctx, visit_id, template, lang, **kw):
    return letters.render(
        ctx, visit_id, template, lang, appointment=APPOINTMENT, letter_date=date(2026, 11, 28), **kw
    )


def _lines(page: str) -> list[str]:
    return [line.strip() for line in page.replace("\r\n", "\n").split("\n") if line.strip()]


def test_every_page_says_page_x_of_y_and_later_pages_whose_letter(db):
    ctx, visit_id = letter_visit(db)
    pages = _pages(_render(ctx, visit_id, "verwijzing", "ar"))
    total = len(pages)
    assert total >= 2
    dutch_start = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Nederlands"))
    for n, page in enumerate(pages, 1):
        if n > dutch_start:
            assert f"Pagina {n} van {total}" in page
        else:
            assert "الصفحة" in page and str(total) in page
        first_of_section = n in (1, dutch_start + 1)
        if first_of_section:  # the full header, not repeated (the name also greets the reader)
            assert page.count("1234567890") == 1
        else:
            assert "Ali A & B" in page and "1234567890" in page, f"page {n}: whose letter?"
    ar = catalogue.load("ar")
    assert ar.text(wording.PAGE_OF, page="2", pages="3") == "الصفحة 2 من 3"


def test_every_catalogue_translates_page_x_of_y():
    for lang in catalogue.available_languages():
        cat = catalogue.load(lang)
        text = cat.text(wording.PAGE_OF, page="7", pages="9")
        assert "7" in text and "9" in text
        if lang != "nl":
            assert text != "Pagina 7 van 9" and not cat.certified


def _partners(db, n: int):
    ctx, visit_id = letter_visit(db, referrals=False)
    for k in range(n):
        svc = partner(
            db,
            f"Partner {k + 1}",
            city="Zwolle",
            documents=("Identiteitsbewijs", "Brieven over schulden"),
            languages=("nl", "ar"),
        )
        refer(db, visit_id, svc)
    return ctx, visit_id


def test_partner_blocks_split_rather_than_leave_a_page_empty(db):
    ctx, visit_id = _partners(db, 4)
    blob = _render(ctx, visit_id, "verwijzing", "nl", large_print=True)
    doc = pdfium.PdfDocument(blob)
    frame_top = doc[0].get_size()[1] - 27 * 72 / 25.4
    frame_bottom = 18 * 72 / 25.4
    for index in range(len(doc) - 1):
        page = doc[index]
        tp = page.get_textpage()
        lowest = min(
            tp.get_charbox(i)[1]
            for i in range(tp.count_chars())
            if tp.get_charbox(i)[1] > frame_bottom
        )
        used = (frame_top - lowest) / (frame_top - frame_bottom)
        assert used > 0.7, f"page {index + 1} is {1 - used:.0%} empty"
    # a heading always has something of its partner below it on the same page
    for text in _pages(blob):
        lines = [x for x in _lines(text) if not x.startswith("Pagina")]
        assert not lines[-1].startswith("Partner "), "a heading alone at the foot of a page"


@pytest.mark.parametrize("template", letters.template_names())
def test_no_page_holds_only_the_closing(db, template):
    ctx, visit_id = letter_visit(db)
    for large in (False, True):
        for text in _pages(_render(ctx, visit_id, template, "nl", large_print=large)):
            lines = [
                x
                for x in _lines(text)
                if not x.startswith(("Pagina", "Ali A & B")) and not x.startswith(CLOSING)
            ]
            assert lines, f"{template}: a page with only the closing (large print {large})"


@pytest.mark.parametrize("lang", ["nl", "ti"])
@pytest.mark.parametrize("partners", [1, 2, 3, 4, 5])
def test_no_page_holds_only_the_greeting_whatever_the_partners(db, lang, partners):
    """Partners with only a city (short blocks, as in the demo directory) put the closing at
    every height of a page: the greeting never goes over alone."""
    ctx, visit_id = letter_visit(db, language=lang, referrals=False)
    with db.transaction():
        services = []
        for k in range(partners):
            org = _insert(db, "organisation", name=f"Gemeente {k}")
            services.append(_insert(db, "service", organization_id=org, name=f"Wijkteam {k}"))
            _insert(db, "location", organization_id=org, city="Zwolle")
    for svc in services:
        refer(db, visit_id, svc)
    for template in ("verwijzing", "plan"):
        for large in (False, True):
            pages = _pages(_render(ctx, visit_id, template, lang, large_print=large))
            for n, text in enumerate(pages, 1):
                lines = [x for x in _lines(text) if not x.startswith(("Pagina", "Ali A & B"))]
                assert len(lines) > 3, f"{template} page {n} (large print {large}): {lines}"
                if lang == "nl" and n < len(pages):  # no heading alone at the foot of a page
                    assert not lines[-1].endswith(":"), f"{template} page {n}: {lines[-1]}"


def test_check_boxes_sit_on_their_line(monkeypatch):
    drawn = []
    monkeypatch.setattr(
        pictograms, "draw", lambda c, kind, x, y, size: drawn.append((kind, y, size))
    )
    for size in (pdf.BODY_PT, pdf.LARGE_PT):
        drawn.clear()
        (flow,) = pdf._flowables(pdf.Block("check", "Uw identiteitsbewijs"), size, False)
        c = canvas.Canvas("/dev/null")
        flow.wrapOn(c, 400, 800)
        flow.drawOn(c, 0, 0)
        kind, y, box = drawn[0]
        baseline = flow.height - size * 1.05
        middle = y + box / 2
        assert kind == "check"
        # the box's middle is the middle of the letters (between baseline and x-height)
        assert baseline + 0.2 * size < middle < baseline + 0.55 * size
        assert y < baseline + 0.1 * size and y + box > baseline + 0.7 * size
        assert flow.height < size * 1.8, "a check line is one line high"


def test_languages_and_the_return_visit_have_their_own_pictograms(db):
    assert {"languages", "return", "contact"} <= set(pictograms.KINDS)
    ctx, visit_id = letter_visit(db)
    d = data.gather(ctx.db, visit_id, letter_date=date(2026, 11, 28), appointment=None)
    cat = catalogue.load("nl")

    def icons(name):
        blocks = templates.TEMPLATES[name].body(d, cat)
        out = []
        for b in blocks:
            out.extend([b, *b.children])
        return {(b.kind, b.text.split(" ")[0], b.icon) for b in out if b.icon}

    referral = icons("verwijzing")
    assert ("fact", "Nederlands,", "languages") in referral
    assert not any(i == "contact" for _k, _t, i in referral)
    plan = icons("plan")
    assert any(kind == "step" and icon == "return" for kind, _t, icon in plan)


def test_every_pictogram_is_its_own_drawing():
    forms = {}
    for kind in pictograms.KINDS:
        c = canvas.Canvas("/dev/null")
        pictograms.draw(c, kind, 0, 0, 20)  # draws without error
        plain = canvas.Canvas("/dev/null")
        getattr(pictograms, f"_{kind}")(plain)
        forms[kind] = tuple(plain._code)
        assert len(forms[kind]) >= 2
    assert len(set(forms.values())) == len(forms)
