"""One two-language letter (Arabic + Dutch) rendered in-process, against a baseline.

Baseline: ReportLab alone building the same paragraphs (the Dutch and the Arabic sentences
of the same letter) with its own Paragraph flowables and one font -- a plain ReportLab
`TTFont` of the same Noto Sans Arabic file, registered apart from Loket's fonts so that
none of Loket's caches (glyph subsets, compressed font streams) help it -- without Loket's
shaping, font runs or bidi.  The ratio says what Loket's correctness costs on top of ReportLab.
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

REPEAT = 30


def _setup(folder: Path):
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.directory import seed
    from tests.letters_support import letter_visit

    db = Database(folder / "loket.sqlite")
    migrate(db)
    seed.load_all(db)
    return db, *letter_visit(db)


BASELINE_FONT = "Bench-NotoSansArabic"


def _baseline_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from loket.letters.fonts import FAMILIES
    from loket.paths import resources_dir

    if BASELINE_FONT not in pdfmetrics.getRegisteredFontNames():
        path = resources_dir() / "fonts" / FAMILIES["arabic"][0]
        pdfmetrics.registerFont(TTFont(BASELINE_FONT, str(path)))
    return BASELINE_FONT


def _baseline(paragraphs: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = ParagraphStyle("body", fontName=_baseline_font(), fontSize=12, leading=17)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1)
    doc.build([Paragraph(escape(p), style) for p in paragraphs])
    return out.getvalue()


def _timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _compare(loket, baseline) -> dict[str, float]:
    """Median wall-clock and CPU milliseconds of each, measured in turns (one of each per
    round), so that a busy machine slows both alike instead of one block of runs."""
    rounds = [(_timed(loket), _timed(baseline)) for _ in range(REPEAT)]
    return {
        "loket_ms": statistics.median(a[0] for a, _b in rounds),
        "baseline_ms": statistics.median(b[0] for _a, b in rounds),
        "loket_cpu_ms": statistics.median(a[1] for a, _b in rounds),
        "baseline_cpu_ms": statistics.median(b[1] for _a, b in rounds),
    }


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
        m = _compare(loket_letter, lambda: _baseline(paragraphs))
    finally:
        db.close()
        if saved is None:
            os.environ.pop("LOKET_DATA_DIR", None)
        else:
            os.environ["LOKET_DATA_DIR"] = saved
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "name": "letter_two_languages",
        "loket_ms": round(m["loket_ms"], 2),
        "baseline_ms": round(m["baseline_ms"], 2),
        "ratio": round(m["loket_ms"] / m["baseline_ms"], 2) if m["baseline_ms"] else None,
        "loket_cpu_ms": round(m["loket_cpu_ms"], 2),
        "baseline_cpu_ms": round(m["baseline_cpu_ms"], 2),
        "cpu_ratio": (
            round(m["loket_cpu_ms"] / m["baseline_cpu_ms"], 2) if m["baseline_cpu_ms"] else None
        ),
        "repeat": REPEAT,
    }


if __name__ == "__main__":
    result = run()
    print(
        f"two-language letter (ar+nl): {result['loket_ms']} ms in-process; "
        f"ReportLab alone, same paragraphs: {result['baseline_ms']} ms; "
        f"ratio {result['ratio']} (CPU time: {result['loket_cpu_ms']} ms against "
        f"{result['baseline_cpu_ms']} ms, ratio {result['cpu_ratio']})"
    )
