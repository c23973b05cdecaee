"""One two-language letter (Arabic + Dutch) rendered in-process, against a baseline.

Baseline: ReportLab alone building the same paragraphs (the Dutch and the Arabic sentences
of the same letter) with its own Paragraph flowables and one font, without Loket's shaping,
font runs or bidi.  The ratio says what Loket's correctness costs on top of ReportLab.
Run standalone (`python bench/bench_letter.py`) or call `run()`; both are in-process.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPEAT = 15


def _setup(folder: Path):
    from loket import seed
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from tests.letters_support import letter_visit

    db = Database(folder / "loket.sqlite")
    migrate(db)
    seed.load_all(db)
    return db, *letter_visit(db)


def _baseline(paragraphs: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from loket.letters.fonts import fonts

    style = ParagraphStyle("body", fontName=fonts(False).names["arabic"], fontSize=12, leading=17)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1)
    doc.build([Paragraph(escape(p), style) for p in paragraphs])
    return out.getvalue()


def _median_ms(fn) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def run() -> dict:
    from datetime import date

    from loket import letters
    from loket.letters import catalogue, templates
    from loket.letters.data import gather

    folder = Path(tempfile.mkdtemp(prefix="loket-bench-letter-"))
    saved = os.environ.get("LOKET_DATA_DIR")
    os.environ["LOKET_DATA_DIR"] = str(folder)  # the audit key file lives beside the database
    db, ctx, visit_id = _setup(folder)
    try:

        def loket_letter() -> bytes:
            return letters.render(ctx, visit_id, "plan", "ar", letter_date=date(2026, 11, 28))

        loket_letter()  # warm: fonts registered, catalogues loaded
        data = gather(db, visit_id, letter_date=date(2026, 11, 28))
        paragraphs = []
        for lang in ("ar", "nl"):
            cat = catalogue.load(lang)
            blocks = templates.section_blocks(
                templates.TEMPLATES["plan"], data, cat, display_lang=lang, bilingual=True
            )
            paragraphs += [b.text for b in blocks if b.text]
        _baseline(paragraphs)
        loket_ms = _median_ms(loket_letter)
        base_ms = _median_ms(lambda: _baseline(paragraphs))
    finally:
        db.close()
        if saved is None:
            os.environ.pop("LOKET_DATA_DIR", None)
        else:
            os.environ["LOKET_DATA_DIR"] = saved
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "name": "letter_two_languages",
        "loket_ms": round(loket_ms, 2),
        "baseline_ms": round(base_ms, 2),
        "ratio": round(loket_ms / base_ms, 2) if base_ms else None,
        "repeat": REPEAT,
    }


if __name__ == "__main__":
    result = run()
    print(
        f"two-language letter (ar+nl): {result['loket_ms']} ms in-process; "
        f"ReportLab alone, same paragraphs: {result['baseline_ms']} ms; "
        f"ratio {result['ratio']}"
    )
