"""Screenshots of every view in every UI language at 100 % and 200 % text size.

    QT_QPA_PLATFORM=offscreen python -m tests.ui.screenshots OUT_DIR [--langs nl,en,ar]
        [--scales 100,200] [--views search,visit] [--contrast]

Builds a small demo database in a temporary folder, signs in as the demo beheerder (who
sees every view) and writes OUT_DIR/<lang>-<scale>-<view>.png, so that a person can look at
each view as a new colleague would: is every text translated, does Arabic read from right to
left, does anything get cut off at double text size?
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import tests.conftest  # noqa: F401  (the shipped fonts only, as the tests see them)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--langs", default="nl,en,ar")
    parser.add_argument("--scales", default="100,200")
    parser.add_argument("--views", default="")
    parser.add_argument("--contrast", action="store_true", help="the high-contrast theme")
    parser.add_argument("--size", default="1280x900")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QEvent, QThreadPool
    from PySide6.QtWidgets import QApplication

    from loket import i18n
    from loket.context import Context
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.demo import generate as demo
    from loket.i18n import tools as i18n_tools
    from loket.privacy import auth
    from ui import i18n_qt, theme
    from ui.main_window import VIEWS, MainWindow

    i18n_tools.compile_all()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme.apply(app)
    i18n_qt.install()
    tmp = Path(tempfile.mkdtemp(prefix="loket-shots-"))
    db = Database(tmp / "loket.sqlite")
    migrate(db)
    demo.generate(db, visitors=80, seed=7)
    ctx = Context(db=db, origin="app")
    auth.login(ctx, "beheerder", demo.DEMO_PASSWORD)
    visitor = db.one(
        "SELECT v.id AS visitor_id, x.id AS visit_id FROM visitor v"
        " JOIN visit x ON x.visitor_id = v.id ORDER BY x.created_at DESC LIMIT 1"
    )
    sample = {"visitor_id": visitor["visitor_id"], "visit_id": visitor["visit_id"]}
    width, height = (int(n) for n in args.size.split("x"))
    names = [n for n in args.views.split(",") if n] or list(VIEWS)
    args.out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
            QThreadPool.globalInstance().waitForDone(2000)
        app.processEvents()

    for lang in args.langs.split(","):
        i18n.set_language(lang)
        for scale in (int(s) for s in args.scales.split(",")):
            theme.apply(app, high_contrast=args.contrast, scale=scale)
            for name in names:
                # a fresh window per view: a stack of views is as wide as its widest page
                window = MainWindow(ctx, demo=True)
                window.resize(width, height)
                window.show()
                try:
                    params = inspect.signature(window.view(name).open).parameters
                    kwargs = {k: v for k, v in sample.items() if k in params}
                    window.show_view(name, **kwargs)
                    window.resize(width, height)
                    settle()
                    path = args.out / f"{lang}-{scale}-{name}.png"
                    window.grab().save(str(path))
                    print(path)
                except Exception as err:  # a broken view must not stop the others
                    print(f"{lang} {scale} {name}: {type(err).__name__}: {err}")
                window.close()
                window.deleteLater()
                app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
