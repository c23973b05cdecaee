"""Every date on screen goes through loket.i18n.dates (Babel, the UI language): a scan of
ui/ for any other way of writing a date, and the screens that showed ISO dates, 03-12-2026
or 2026/12/03 now show the one format."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QDate

from loket import i18n
from loket.i18n import dates

UI = Path(__file__).resolve().parents[2] / "ui"

# Ways of writing a date that bypass the helper.  toString("yyyy-MM-dd") hands a date to the
# core (ISO), it is not shown; localise_date_edit is the one place that sets a field's format.
FORBIDDEN = [
    (re.compile(r"\bstrftime\("), "strftime"),
    (re.compile(r"babel\.dates"), "Babel's date functions"),
    (re.compile(r"setDisplayFormat\("), "a date field's own format"),
    (re.compile(r"""replace\(\s*["']T["']"""), "an ISO timestamp cut up"),
    (re.compile(r"\[8:10\]|\[5:7\]|\[:16\]"), "an ISO date cut up"),
    (re.compile(r"isoformat\(\s*sep"), "an ISO timestamp shown"),
    (re.compile(r"""toString\(\s*["'](?!yyyy-MM-dd["'])[^"']*[dMy]"""), "a Qt date pattern"),
    (re.compile(r"def format_(date|day|time|month)\b"), "a date formatter of its own"),
]
ALLOWED = {("views/base.py", "a date field's own format")}


def test_ui_formats_dates_only_through_the_helper():
    found = []
    for path in sorted(UI.rglob("*.py")):
        rel = path.relative_to(UI).as_posix()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            for pattern, what in FORBIDDEN:
                if pattern.search(line) and (rel, what) not in ALLOWED:
                    found.append(f"ui/{rel}:{number}: {what}: {line.strip()}")
    assert not found, "dates formatted outside loket.i18n.dates:\n" + "\n".join(found)


def test_the_scan_catches_what_it_is_meant_to():
    samples = [
        'when.strftime("%d-%m-%Y")',
        "from babel.dates import format_date",
        'edit.setDisplayFormat("yyyy-MM-dd")',
        'event.at.replace("T", " ")',
        "f'{iso[8:10]}-{iso[5:7]}'",
        'd.toString("dd-MM-yyyy")',
        "def format_day(iso):",
    ]
    for sample in samples:
        assert any(p.search(sample) for p, _what in FORBIDDEN), sample
    assert not any(p.search('d.toString("yyyy-MM-dd")') for p, _what in FORBIDDEN)


def test_date_fields_and_screens_use_the_ui_language(qtbot, db):
    from tests.helpers import context
    from ui.views.audit_view import AuditView
    from ui.views.overview_view import OverviewView

    before = i18n.language()
    try:
        i18n.set_language("nl")
        sup = context(db, "supervisor")
        overview = OverviewView(sup)
        qtbot.addWidget(overview)
        overview.date_from.setDate(QDate(2026, 12, 3))
        assert overview.date_from.text() == "03-12-2026"  # was 2026-12-03
        audit = AuditView(context(db, "beheerder"))
        qtbot.addWidget(audit)
        assert audit.since.displayFormat() == dates.edit_format()
    finally:
        i18n.set_language(before)


def test_the_visitor_file_in_arabic_writes_the_month_out(qtbot, db):
    """It showed 03/12/2026 with right-to-left marks, which reads as 2026/12/03."""
    from tests.helpers import context, visit, visitor
    from ui.models.counter_models import VisitHistoryModel

    before = i18n.language()
    try:
        i18n.set_language("ar")
        ctx = context(db)
        person = visitor(ctx)
        seen = visit(ctx, person.id, follow_up_date="2030-12-03")
        model = VisitHistoryModel(ctx)
        model.set_visitor(person.id)
        model.reload()
        day = model.index(0, 0).data()
        assert day == dates.format_date(seen.visit_date)
        assert "/" not in day and not any(m in day for m in ("\u200f", "\u200e"))
        assert model.index(0, model.columnCount() - 1).data() == "\u20683 ديسمبر 2030\u2069"
    finally:
        i18n.set_language(before)
