"""The counter screenshots in docs/ (and the README), made from the current code.

    QT_QPA_PLATFORM=offscreen python -m tests.ui.counter_screenshots [OUT_DIR] [--lang nl]

Builds a demo database in a temporary folder, signs in as the demo `balie` (counter staff)
and shows each counter view the way it looks in use: a partial name typed in the search, a
registration with two fields to correct, a visitor file, a visit with three needs ticked, the
referral step with a warm handover and the visitor's consent, the letter panel with its
preview, today's visits at the desk and the visitor file in Arabic.  Writes
OUT_DIR/{search,register,visitor,visit,referral,letter,today,app-ar}.png, then as the demo
`supervisor` a partner service in the editor (service-edit.png) and the referral log
(referral-log.png), and the plan letter in Tigrinya as printed (letter-ti.png, its first page
at 80 dpi).  The default size is a maximised window on a 1366×768 counter screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import tests.conftest  # noqa: F401  (the shipped fonts only, as the tests see them)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs"))
    parser.add_argument("--lang", default="nl")
    parser.add_argument("--size", default="1366x700")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from loket import i18n
    from loket.context import Context
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.demo import generate as demo
    from loket.i18n import tools as i18n_tools
    from loket.privacy import auth
    from ui import i18n_qt, theme
    from ui.main_window import MainWindow

    i18n_tools.compile_all()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.set_language(args.lang)
    theme.apply(app)
    i18n_qt.install()
    tmp = Path(tempfile.mkdtemp(prefix="loket-counter-shots-"))
    db = Database(tmp / "loket.sqlite")
    migrate(db)
    demo.generate(db, visitors=300, seed=7)
    ctx = Context(db=db, origin="app")
    auth.login(ctx, "balie", demo.DEMO_PASSWORD)
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
            QThreadPool.globalInstance().waitForDone(2000)
        app.processEvents()

    window = MainWindow(ctx, demo=True)
    window.resize(width, height)
    window.show()

    def shot(name: str) -> None:
        window.resize(width, height)
        settle()
        path = args.out / f"{name}.png"
        window.grab().save(str(path))
        print(path)

    # Search: part of a family name, as staff type it.
    window.show_view("search")
    search = window.current_view()
    busiest = db.one(
        "SELECT p.id, p.family_name FROM visitor p JOIN visit v ON v.visitor_id = p.id"
        " WHERE p.family_name IS NOT NULL GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1"
    )
    common = db.scalar(
        "SELECT family_name FROM visitor WHERE family_name IS NOT NULL"
        " GROUP BY family_name ORDER BY count(*) DESC, family_name LIMIT 1"
    )
    search.field.setText(common[:4].lower())
    search.run_search()
    search.table.selectRow(0)
    shot("search")

    # Register: two fields to correct, each marked next to the field.
    window.show_view("register")
    form = window.current_view()
    values = {
        "given_names": "Selam",
        "family_name": "Tesfay",
        "date_of_birth": "31-02-1994",
        "bsn": "123456789",
        "phone": "06 1234 5678",
        "city": "Zwolle",
    }
    for key, text in values.items():
        form.fields[key].widget.setText(text)
    form.save()
    shot("register")
    form.drafts.discard(saved=False)

    # The visitor file of someone who came often.
    window.show_view("visitor", visitor_id=busiest["id"])
    shot("visitor")

    # A new visit with three needs; health is a tick only, its details one click further.
    window.show_view("visit", visitor_id=busiest["id"])
    visit = window.current_view()
    visit.topic.setCurrentIndex(1)
    for code, note in (("debts", "Aanmaning CJIB"), ("housing", ""), ("health", "")):
        visit.need_checks[code].setChecked(True)
        visit.need_notes[code].setText(note)
    visit.brought_by_org.setText("VluchtelingenWerk Zwolle")
    visit.summary.setPlainText("Brief over verlenging verblijfsvergunning meegenomen.")
    visit.topic.setFocus()
    shot("visit")
    visit.drafts.discard(saved=False)

    # The referral step: two partners chosen, a warm handover, the visitor's consent asked
    # for each as the referrals are made; the first one selected, its history beside.
    from loket.referrals.lifecycle import Consent

    # a visitor who reads another language than Dutch: the letter is in both
    target = db.one(
        "SELECT x.id FROM visit x JOIN visitor p ON p.id = x.visitor_id"
        " WHERE p.preferred_language IN ('ti', 'ar', 'so', 'uk', 'fa')"
        " AND p.family_name IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM referral r WHERE r.visit_id = x.id) AND EXISTS"
        " (SELECT 1 FROM visit_need n WHERE n.visit_id = x.id)"
        " ORDER BY x.arrived_at DESC, x.id LIMIT 1"
    )
    window.show_view("referrals", visit_id=target["id"])
    step = window.current_view()
    panel = step.panel
    from PySide6.QtCore import Qt

    picked = [
        row
        for row in range(panel.suggestions.rowCount())
        if not panel.suggestions.item(row).is_escalation
    ][:2]
    for row in picked:
        panel.suggestions.setData(
            panel.suggestions.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
    panel.warm_check.setChecked(True)
    panel.ask_consent = lambda partner: Consent(share_name=True, share_needs=True)
    made = panel.refer_checked()
    if made:
        panel.select_referral(made[0].id)
    shot("referral")

    # The letter panel: the plan letter in the visitor's language, its preview beside.
    window.show_view("letter", visit_id=target["id"])
    letter = window.current_view()
    for _ in range(50):
        settle()
        if letter.print_button.isEnabled() or letter.problems.isVisible():
            break
    shot("letter")

    # An example letter in Tigrinya: the plan letter's first page, as printed (80 dpi).
    letter.template.setCurrentIndex(max(0, letter.template.findData("plan")))
    letter.language.setCurrentIndex(letter.language.findData("ti"))
    letter.preview()  # at once, not after the pause the panel leaves for more changes
    for _ in range(50):
        settle()
        ready = letter._handed_letter()
        if ready is not None and ready.languages[0] == "ti" and ready.template == "plan":
            from ui import printing

            path = args.out / "letter-ti.png"
            printing.pdf_page_images(ready.pdf, 80 / 72)[0].save(str(path))
            print(path)
            break
    else:
        raise SystemExit("no Tigrinya letter: " + letter.problems.text())

    # Today at this desk: a morning's visitors (the demo spreads today's visits over desks).
    from datetime import datetime, timedelta

    from loket.counter import intake
    from loket.model import Visit

    start = datetime.now(UTC).replace(hour=8, minute=5, second=0, microsecond=0)
    people = db.all(
        "SELECT id FROM visitor WHERE id != ? ORDER BY last_activity_at DESC LIMIT 6",
        (busiest["id"],),
    )
    statuses = ("done", "done", "in_progress", "waiting", "waiting", "waiting")
    for n, (row, status) in enumerate(zip(people, statuses, strict=True)):
        arrived = (start + timedelta(minutes=17 * n)).isoformat().replace("+00:00", "Z")
        intake.save_visit(
            ctx,
            Visit(
                visitor_id=row["id"],
                topic_code="residence_permit",
                status=status,
                arrived_at=arrived,
            ),
        )
    window.show_view("today")
    shot("today")

    # The visitor file in Arabic: the layout reads from right to left.
    i18n.set_language("ar")
    window.show_view("visitor", visitor_id=busiest["id"])
    shot("app-ar")
    i18n.set_language(args.lang)
    window.close()

    # The supervisor's screens: a partner service in the editor, the referral log.
    from loket.directory import browse as directory
    from ui.views.service_edit_dialog import ServiceEditDialog

    chef = Context(db=db, origin="app")
    auth.login(chef, "supervisor", demo.DEMO_PASSWORD)
    window = MainWindow(chef, demo=True)
    window.resize(width, height)
    window.show()
    sid = db.scalar("SELECT id FROM service WHERE name = ?", ("Taalhuis 's-Hertogenbosch",))
    dialog = ServiceEditDialog(
        chef, directory.get_service(chef, sid), directory.need_labels(chef), window
    )
    dialog.setModal(False)
    dialog.show()
    dialog.resize(width, height)
    # as a supervisor fills it in: phones, languages, opening hours with a note, who can come
    dialog.phones.setText("073 612 34 56, 06 1234 5678")
    dialog.languages.setText("nl, ar, ti, en")
    for days, opens, closes, note in (
        ("ma-wo", "09:00", "12:30", ""),
        ("do", "13:00", "17:00", "alleen op afspraak"),
    ):
        dialog.schedule.add_button.click()
        row = dialog.schedule.rows[-1]
        for field, text in ((row.days, days), (row.opens, opens), (row.closes, closes)):
            field.setText(text)
        row.note.setText(note)
    dialog.eligibility.setPlainText("Iedereen vanaf 16 jaar die beter wil lezen of schrijven")
    dialog.fees.setPlainText("Gratis")
    dialog.documents.setPlainText("Identiteitsbewijs\nBrief van de gemeente")
    settle()
    bar = dialog.scroll.verticalScrollBar()
    bar.setValue(dialog.phones.mapTo(dialog.scroll.widget(), dialog.phones.rect().topLeft()).y())
    settle()
    path = args.out / "service-edit.png"
    dialog.grab().save(str(path))
    print(path)
    dialog.reject()

    window.show_view("referral_log")
    log = window.current_view()
    for _ in range(50):
        settle()
        if log.model.rowCount():
            break
    shot("referral-log")
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
