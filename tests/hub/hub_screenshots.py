"""The screenshots in docs/ of what staff see across PCs, made against a real throwaway hub:
the referral log read from the hub, the search finding a visitor of another desk, the
desk's PCs in Loket settings, and an export read from the hub.

    QT_QPA_PLATFORM=offscreen python -m tests.hub.hub_screenshots [OUT_DIR] [--lang nl]
        [--scale 100] [--size 1366x700]

Starts a PostgreSQL cluster (tests/pg.py), makes a hub, two PCs of Zwolle and one of Den
Haag from a seeded database, a few visitors, visits and referrals on each, syncs them, and
writes OUT_DIR/hub-{referral-log,search,desk-pcs,export,index-offline}-LANG[-SCALE].png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# keys in files beside each simulated PC, as in the tests (no key store of this machine)
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs"))
    parser.add_argument("--lang", default="nl")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--size", default="1366x700")
    args = parser.parse_args(argv)

    import psycopg
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from loket import i18n
    from loket.context import system_context
    from loket.db.connection import Database
    from loket.db.exports import Filters
    from loket.db.migrate import migrate
    from loket.directory import seed
    from loket.i18n import tools as i18n_tools
    from loket.referrals import lifecycle as referrals
    from loket.referrals.log import default_period
    from loket.sync.enroll import init_hub, install, issue_pc
    from loket.sync.run import sync_now
    from tests import helpers
    from tests.pcs import new_pc
    from tests.pg import Cluster, find_bindir
    from ui import i18n_qt, theme
    from ui.main_window import MainWindow
    from ui.views.export_dialog import ExportDialog

    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL is not installed", file=sys.stderr)
        return 1
    i18n_tools.compile_all()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.set_language(args.lang)
    theme.apply(app, scale=args.scale)
    i18n_qt.install()
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = args.lang if args.scale == 100 else f"{args.lang}-{args.scale}"
    tmp = Path(tempfile.mkdtemp(prefix="loket-hub-shots-"))
    cluster = Cluster(bindir)
    cluster.init()
    cluster.start()
    try:
        with psycopg.connect(cluster.dsn, autocommit=True) as admin:
            admin.execute("CREATE DATABASE shots")
        dsn = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=shots"
        hub = psycopg.connect(dsn, autocommit=True)
        init_hub(hub)
        template = tmp / "template" / "loket.sqlite"
        template.parent.mkdir()
        db = Database(template)
        migrate(db)
        seed.load_all(db)
        for role in ("balie", "supervisor", "beheerder"):
            helpers.make_staff(db, role, role)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        pcs = {}
        for name, desk in (("ZWL-1", "ZWL"), ("ZWL-2", "ZWL"), ("DHG-1", "DHG")):
            pc = new_pc(template, tmp / name)
            install(pc, issue_pc(hub, name=name, desk_code=desk, dsn=dsn))
            pcs[name] = (pc, desk)
        people = {
            "ZWL-1": [("Amina", "Yusuf", "1984-03-02")],
            "ZWL-2": [("Tesfay", "Gebremedhin", "1979-11-20"), ("Olena", "Kovalenko", None)],
            "DHG-1": [("Selam", "Tesfaye", "1990-02-03"), ("Reza", "Ahmadi", "1972-06-15")],
        }
        for pc, _desk in pcs.values():
            sync_now(system_context(pc))
        for name, (pc, desk) in pcs.items():
            ctx = helpers.context(pc, desk_code=desk)
            service = pc.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
            for given, family, born in people[name]:
                v = helpers.visitor(
                    ctx, given_names=given, family_name=family, date_of_birth=born, v_number=None
                )
                visit = helpers.visit(ctx, v.id)
                referrals.propose(ctx, visit.id, service)
            if name != "ZWL-1":  # ZWL-1 has not heard of the others' work yet
                sync_now(system_context(pc))
        pc, desk = pcs["ZWL-1"]
        sync_now(system_context(pc))  # pushes its own; the pull brings the others

        def settle() -> None:
            for _ in range(8):
                app.processEvents()
                QThreadPool.globalInstance().waitForDone(3000)
            app.processEvents()

        def shot(window, name: str) -> None:
            window.resize(width, height)
            settle()
            path = args.out / f"hub-{name}-{suffix}.png"
            window.grab().save(str(path))
            print(path)

        # a new visitor at Den Haag since ZWL-1's last round: found at the hub only
        dhg, _desk = pcs["DHG-1"]
        helpers.visitor(
            helpers.context(dhg, desk_code="DHG"), given_names="Selamawit", family_name="Tesfaye",
            date_of_birth="1995-07-01", v_number=None,
        )  # fmt: skip
        sync_now(system_context(dhg))

        window = MainWindow(helpers.context(pc, "supervisor", desk_code="ZWL"), demo=True)
        window.resize(width, height)
        window.show()
        window.show_view("referral_log")
        shot(window, "referral-log")

        def search_shot(text: str, name: str) -> None:
            view = window.show_view("search")
            view.field.setText(text)
            view.run_search()
            settle()
            if view.elsewhere is not None:
                view.elsewhere._timer.stop()
                view.elsewhere._ask()
            shot(window, name)

        search_shot("Tesfaye", "search")
        admin = MainWindow(helpers.context(pc, "beheerder", desk_code="ZWL"), demo=True)
        admin.resize(width, height)
        admin.show()
        settings_view = admin.show_view("admin_settings")
        settings_view.desk_pcs.load()
        settle()
        settings_view.desk_pcs.list.setCurrentRow(1)
        shot(admin, "desk-pcs")
        # an export with names, read at the hub: the dialog says what the file covers
        dialog = ExportDialog(
            helpers.context(pc, "supervisor", desk_code="ZWL"), window,
            filters=Filters(*default_period()),
        )  # fmt: skip
        dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
        dialog.path.setText(str(tmp / "verwijzingen.xlsx"))
        dialog.identifiable.setChecked(True)
        dialog.reason.setText("Overdracht aan de gemeente")
        dialog.show()
        dialog.start()
        for _ in range(100):
            if not dialog.running:
                break
            settle()
        shot(dialog, "export")
        dialog.close()
        # offline: the keyed index of other desks' visitors says where a file is, no name
        from loket.db import outbox

        with pc.transaction():
            outbox.put_setting(pc, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
        outbox.set_state(pc, {"hub_reachable": "0"})
        search_shot("Tesfaye 03-02-1990", "index-offline")
        window.close()
        admin.close()
        for pc, _desk in pcs.values():
            pc.close()
        hub.close()
    finally:
        cluster.remove()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
