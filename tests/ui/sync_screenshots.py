"""The sync screenshots in docs/: the merge view, the conflict view, the desk's queue and the
status line, made from the current code.

    QT_QPA_PLATFORM=offscreen python -m tests.ui.sync_screenshots [OUT_DIR] [--lang nl]
        [--scale 100] [--size 1366x700]

Builds a demo database in a temporary folder, signs in as the demo `supervisor`, registers
a second file of one visitor (another spelling, the same V-nummer, as a second PC would),
puts two conflicts on it as the hub would pull them, and records an offline sync state.
Writes OUT_DIR/sync-{merge,conflict,decisions,visitor,status-offline,status-online}-LANG.png.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs"))
    parser.add_argument("--lang", default="nl")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--size", default="1366x700")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from loket import i18n
    from loket.clock import new_id
    from loket.context import Context
    from loket.counter import intake, merge
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.demo import generate as demo
    from loket.i18n import tools as i18n_tools
    from loket.model import Visitor
    from loket.privacy import auth
    from ui import i18n_qt, theme
    from ui.main_window import MainWindow

    i18n_tools.compile_all()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.set_language(args.lang)
    theme.apply(app, scale=args.scale)
    i18n_qt.install()
    tmp = Path(tempfile.mkdtemp(prefix="loket-sync-shots-"))
    db = Database(tmp / "loket.sqlite")
    migrate(db)
    demo.generate(db, visitors=120, seed=7)
    ctx = Context(db=db, origin="app")
    auth.login(ctx, "supervisor", demo.DEMO_PASSWORD)
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = args.lang if args.scale == 100 else f"{args.lang}-{args.scale}"

    # One visitor, registered a second time elsewhere: another spelling, a phone, a BSN.
    row = db.one(
        "SELECT p.* FROM visitor p JOIN visit v ON v.visitor_id = p.id"
        " WHERE p.v_number IS NOT NULL AND p.latin_family_name = '' GROUP BY p.id"
        " ORDER BY count(*) DESC, p.id LIMIT 1"
    )
    first = intake.get_visitor(ctx, row["id"], log_view=False)
    second = intake.register_visitor(
        ctx,
        Visitor(
            given_names=first.given_names + "h" if first.given_names else "Mohammed",
            family_name=first.family_name,
            date_of_birth=first.date_of_birth,
            v_number=first.v_number,
            phone="0612345678",
            city="Zwolle",
            preferred_language=first.preferred_language,
        ),
        confirmed_new=True,
    )
    merge.scan(ctx)
    # Two fields changed differently on this PC and another, as the hub reports them.
    for field, base, hub, mine, at, mine_at in (
        (
            "phone",
            first.phone,
            "+31687654321",
            "+31611223344",
            "2026-12-04T09:12:00Z",
            "2026-12-04T09:41:00Z",
        ),
        ("city", first.city, "Kampen", "Zwolle", "2026-12-04T10:02:00Z", "2026-12-04T10:30:00Z"),
    ):
        db.execute(
            "INSERT INTO sync_conflict (id, table_name, row_id, field, base_value, hub_value,"
            " incoming_value, hub_workstation, hub_staff, hub_at, incoming_workstation,"
            " incoming_staff, incoming_at, desk_id, created_at) VALUES"
            " (?, 'visitor', ?, ?, ?, ?, ?, 'pc-zwolle-2', 'fatima', ?, ?, 'balie', ?, ?, ?)",
            (
                new_id(),
                first.id,
                field,
                json.dumps(base),
                json.dumps(hub),
                json.dumps(mine),
                at,
                db.workstation,
                mine_at,
                ctx.desk.id if ctx.desk else None,
                at,
            ),
        )
    now = "2026-12-04T"
    db.execute(
        "INSERT OR REPLACE INTO setting (key, value, created_at, updated_at, workstation)"
        " VALUES ('sync_enrolled', '1', ?, ?, 'hub')",
        (now + "08:00:00Z", now + "08:00:00Z"),
    )
    for _ in range(14):
        db.execute("INSERT INTO sync_outbox (acked_at) VALUES (NULL)")

    def state(**values) -> None:
        for key, value in values.items():
            db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (key, value))

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
            QThreadPool.globalInstance().waitForDone(2000)
        app.processEvents()

    window = MainWindow(ctx, demo=True)
    window.resize(width, height)
    window.show()

    def shot(name: str, widget=None) -> None:
        window.resize(width, height)
        settle()
        path = args.out / f"sync-{name}-{suffix}.png"
        (widget or window).grab().save(str(path))
        print(path)

    state(
        last_success_at="2026-12-04T10:40:00Z",
        last_attempt_at="2026-12-04T11:58:00Z",
        hub_reachable="0",
        last_error_code="unreachable",
    )
    window.sync_line.refresh()
    window.show_view("visitor", visitor_id=first.id)
    shot("visitor")
    shot("status-offline", window.statusBar())
    window.show_view("merge", visitor_id=first.id)
    shot("merge")
    window.show_view("conflict", visitor_id=first.id)
    shot("conflict")
    window.show_view("decisions")
    shot("decisions")
    db.execute("UPDATE sync_outbox SET acked_at = ?", (now + "12:03:00Z",))
    state(last_success_at="2026-12-04T12:03:00Z", hub_reachable="1", last_error_code="")
    window.sync_line.refresh()
    shot("status-online", window.statusBar())
    del second
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
