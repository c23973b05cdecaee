"""Lists, names and places on screen in the Arabic UI: the translated list separator, and
place names with an apostrophe isolated and kept on one line wherever they are shown."""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QRawFont, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication

import ui
from loket import i18n
from loket.directory import browse as directory
from loket.directory.routing import language_name
from loket.i18n import tools as i18n_tools
from loket.referrals.log import LogRow
from tests.helpers import context, visit, visitor
from ui import fonts, i18n_qt, screen_text
from ui.main_window import MainWindow
from ui.models.directory_model import DirectoryModel
from ui.models.referral_log_model import _cell
from ui.screen_text import FSI, NB_HYPHEN, PDI
from ui.views.directory_view import detail_html
from ui.views.service_edit_dialog import ServiceEditDialog

BOSCH = "'s-Hertogenbosch"
SHOWN_BOSCH = f"{FSI}'s{NB_HYPHEN}Hertogenbosch{PDI}"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    i18n_tools.compile_all()


@pytest.fixture
def arabic(qapp):
    before = i18n.language()
    i18n.set_language("ar")
    i18n_qt.install()
    yield
    i18n.set_language(before)
    i18n_qt.install()


def test_no_list_on_screen_is_joined_with_a_latin_comma():
    root = Path(ui.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "screen_text.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""["'], ["']\)?\.join""", line)
    ]
    # views/conflict_view.py belongs to the sync work, which changes it at the same time
    assert [f for f in found if not f.startswith("views/conflict_view.py")] == []


def test_a_list_in_arabic_uses_the_arabic_comma_and_a_typed_one_splits_on_either(arabic):
    assert screen_text.join(["أ", "", None, "ب"]) == "أ، ب"
    assert screen_text.split("Zorgpas، Huurcontract, ID") == ["Zorgpas", "Huurcontract", "ID"]


def test_a_place_name_is_isolated_and_its_hyphen_does_not_break():
    assert screen_text.shown_name(BOSCH) == SHOWN_BOSCH
    assert (
        screen_text.shown_name(f"Taalhuis {BOSCH}") == f"{FSI}Taalhuis 's\u2011Hertogenbosch{PDI}"
    )
    assert screen_text.names_in(f"في {BOSCH}") == f"في {SHOWN_BOSCH}"
    assert screen_text.partner("Gemeente", BOSCH) == f"{FSI}Gemeente{PDI}: {SHOWN_BOSCH}"
    assert screen_text.plain(screen_text.shown_name(BOSCH)) == BOSCH
    assert screen_text.shown_name("") == "" and screen_text.names_in(None) == ""


def test_the_non_breaking_hyphen_is_in_the_fonts_that_draw_dutch_and_arabic(qapp):
    fonts.register()
    for family in (fonts.UI_FAMILY, "Noto Sans Arabic"):
        assert QRawFont.fromFont(QFont(family)).supportsCharacter(ord(NB_HYPHEN)), family


def _lines(text: str, width: float) -> list[str]:
    layout = QTextLayout(text, fonts.ui_font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    option.setTextDirection(QApplication.layoutDirection())
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def test_a_narrow_arabic_cell_keeps_s_hertogenbosch_on_one_line(qapp, arabic):
    fonts.register()
    sentence = f"في {BOSCH}"
    # the cell: narrower than the place name
    width = QFontMetricsF(fonts.ui_font()).horizontalAdvance("Hertogenbosch") + 4
    assert _lines(sentence, width) == ["في 's-", "Hertogenbosch"]  # a plain hyphen breaks
    shown = screen_text.names_in(sentence)
    assert [screen_text.plain(line).strip() for line in _lines(shown, width)] == ["في", BOSCH]


def test_the_directory_shows_places_whole_and_lists_in_arabic(db, arabic):
    ctx = context(db)
    sid = db.scalar("SELECT id FROM service WHERE name = ?", (f"Taalhuis {BOSCH}",))
    detail = directory.get_service(ctx, sid)
    detail.languages = ["nl", "ar", "en"]
    page = detail_html(detail, directory.need_labels(ctx))
    assert html.escape(screen_text.shown_name(detail.name)) in page
    assert html.escape(SHOWN_BOSCH) in page  # the location's city
    assert "، ".join(language_name(c) for c in detail.languages) in page
    model = DirectoryModel(ctx)
    model.text = "Taalhuis"
    model.reload()
    rows = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert SHOWN_BOSCH in rows and BOSCH not in rows


def test_the_referral_log_shows_a_partner_whole_and_the_needs_with_the_arabic_comma(arabic):
    row = LogRow(
        key=("2026-12-01", "x"),
        visit_date="2026-12-01",
        desk="DBS",
        staff=None,
        needs="debts,housing",
        partner=f"Gemeente {BOSCH}",
        service="Schuldhulp",
        handover="cold",
        status="sent",
        follow_up_date=None,
        visitor="ab12",
    )
    labels = {"debts": "ديون", "housing": "سكن"}
    assert _cell(row, "needs", labels) == "ديون، سكن"
    assert _cell(row, "partner", labels) == f"{FSI}Gemeente 's{NB_HYPHEN}Hertogenbosch{PDI}"


def test_the_service_editor_lists_phones_with_the_arabic_comma_and_reads_them_back(
    qtbot, db, arabic
):
    chef = context(db, "supervisor", username="chef")
    sid = db.scalar("SELECT id FROM service WHERE name = 'Taalhuis Zwolle'")
    dialog = ServiceEditDialog(chef, directory.get_service(chef, sid), directory.need_labels(chef))
    qtbot.addWidget(dialog)
    dialog.phones.setText("0881234567، 038 123 45 67")  # typed with the Arabic comma
    dialog.save()
    phones = directory.service_edit(chef, sid).phones
    assert len(phones) == 2, dialog.error.text()
    again = ServiceEditDialog(chef, directory.get_service(chef, sid), directory.need_labels(chef))
    qtbot.addWidget(again)
    assert again.phones.text() == "، ".join(phones)
    again.languages.setText("nl، ar")
    assert again.language_names.text() == "، ".join(language_name(c) for c in ("nl", "ar"))


def test_the_visitor_file_shows_the_address_and_the_partners_whole_in_arabic(qtbot, db, arabic):
    from loket.referrals import lifecycle as referrals

    ctx = context(db)
    person = visitor(ctx, address="Markt 1", postal_code="5211 JV", city=BOSCH)
    sid = db.scalar("SELECT id FROM service WHERE name = ?", (f"Taalhuis {BOSCH}",))
    referrals.propose(ctx, visit(ctx, person.id).id, sid, follow_up_date="2099-01-05")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    profile = window.show_view("visitor", visitor_id=person.id)
    shown = profile.profile_values["address"].text()
    assert shown == f"{FSI}Markt 1{PDI}، {FSI}5211 JV{PDI}، {SHOWN_BOSCH}"
    organisation = screen_text.shown_name(f"Bibliotheek {BOSCH}")
    service = screen_text.shown_name(f"Taalhuis {BOSCH}")
    assert organisation in profile.referrals.item(0).text()
    assert service in profile.referrals.item(0).text()
    lines = [profile.followups.item(n).text() for n in range(profile.followups.count())]
    assert any(organisation in line for line in lines), lines


def test_the_letter_panel_lists_what_to_bring_with_the_arabic_comma(qtbot, db, arabic):
    from loket.counter import appointments
    from tests.letters_support import letter_visit
    from ui.views.letter_dialog import LetterDialog

    ctx, visit_id = letter_visit(db)
    appointments.save(
        ctx,
        visit_id,
        appointments.Appointment(
            datetime(2099, 12, 3, 10, 30), BOSCH, "Mevrouw Smit", ["Zorgpas", "Huurcontract"]
        ),
    )
    window = LetterDialog(ctx, visit_id, "ar")
    qtbot.addWidget(window)
    view = window.panel
    view.template.setCurrentIndex(view.template.findData("afspraak"))
    assert view.bring.text() == "Zorgpas، Huurcontract"
    assert view.appointment_choice.itemText(0).endswith(SHOWN_BOSCH)
    view.save_appointment()
    assert appointments.latest(ctx, visit_id).bring == ["Zorgpas", "Huurcontract"]
    qtbot.waitUntil(lambda: view.page_count() >= 1, timeout=20_000)  # the preview is done


def _apostrophe_drawn_first(text: str) -> bool:
    """In a right-to-left line: is the apostrophe drawn left of the "H" after it?"""
    layout = QTextLayout(text, fonts.ui_font())
    option = QTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    layout.setTextOption(option)
    layout.beginLayout()
    layout.createLine().setLineWidth(1000)
    layout.endLayout()
    x = {}
    for run in layout.glyphRuns():
        raw = run.rawFont()
        wanted = {raw.glyphIndexesForString(ch)[0]: ch for ch in "'H"}
        for glyph, point in zip(run.glyphIndexes(), run.positions(), strict=True):
            if glyph in wanted:
                x[wanted[glyph]] = point.x()
    return x["'"] < x["H"]


def test_right_to_left_the_apostrophe_is_drawn_in_front_of_the_place_name(qapp):
    fonts.register()
    assert not _apostrophe_drawn_first(f"في {BOSCH}")  # "s-Hertogenbosch'" without isolates
    assert _apostrophe_drawn_first(screen_text.names_in(f"في {BOSCH}"))
    assert _apostrophe_drawn_first(screen_text.shown_name(BOSCH))
    assert _apostrophe_drawn_first(screen_text.partner("Gemeente", BOSCH))


def test_a_visits_referrals_show_the_partner_whole_in_arabic(qapp, arabic):
    from loket.referrals.model import Referral
    from ui.models.referral_models import VisitReferralsModel

    model = VisitReferralsModel()
    model.set_items(
        [
            Referral(
                id="r1",
                visit_id="v1",
                visitor_id="p1",
                desk_id="DBS",
                service_id="s1",
                service_name="Schuldhulp",
                organization_name=f"Gemeente {BOSCH}",
                status="sent",
                handover="cold",
                status_changed_at="2026-12-01T10:00:00Z",
                created_at="2026-12-01T10:00:00Z",
            )
        ]
    )
    shown = model.index(0, 0).data()
    assert shown == f"{FSI}Gemeente 's{NB_HYPHEN}Hertogenbosch{PDI}: {FSI}Schuldhulp{PDI}"
