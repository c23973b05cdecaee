"""Smoke test of the built bundle (`make dist-test`; not part of `make test`).

Runs the executables in dist/loket/ from an empty working folder, with no source tree on the
path, the way a counter PC would: `--version`, demo data in a temporary data folder, the app
itself with `--exit-when-ready` (offscreen), a two-language letter with `letters render` and
the referral log with `export referrals`.  Checks every exit status and the outputs, and
prints the bundle's size.

    python tests/bundle_smoke.py [DIST_FOLDER]
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import tomllib
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if os.name == "nt" else ""


def fail(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr)
    raise SystemExit(1)


def run(args: list[str], cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    print("$", " ".join(str(a) for a in args), flush=True)
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        encoding="utf-8",
        errors="replace",
    )
    if proc.returncode != 0:
        fail(
            f"exit status {proc.returncode}\n--- stdout\n{proc.stdout[-3000:]}\n"
            f"--- stderr\n{proc.stderr[-3000:]}"
        )
    return proc


def main() -> int:
    dist = (Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "loket").resolve()
    app, cli = dist / f"loket{EXE}", dist / f"loket-cli{EXE}"
    for exe in (app, cli):
        if not exe.is_file():
            fail(f"{exe} not found: run `make dist` first")
    with open(ROOT / "pyproject.toml", "rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LOKET_"))}
    env.update(QT_QPA_PLATFORM="offscreen", LOKET_LANG="nl")

    with tempfile.TemporaryDirectory(prefix="loket-bundle-") as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "data"
        out = run([str(cli), "--version"], tmp, env).stdout.strip()
        if out != f"Loket {version}":
            fail(f"--version printed {out!r}, expected 'Loket {version}'")

        demo = [str(cli), "--data-dir", str(data), "demo", "--visitors", "300"]
        if "--desk-phone" in run([*demo[:3], "demo", "--help"], tmp, env).stdout:
            demo += ["--desk-phone", "+31201234567"]  # a letter prints the desk's number
        run(demo, tmp, env)
        db_file = data / "loket.sqlite"
        if not db_file.is_file():
            fail("the demo command made no database")

        run([str(app), "--data-dir", str(data), "--exit-when-ready"], tmp, env, timeout=120)

        conn = sqlite3.connect(db_file)
        row = conn.execute(
            "SELECT v.id FROM visit v JOIN visitor p ON p.id = v.visitor_id"
            " WHERE p.preferred_language = 'ar' ORDER BY v.id LIMIT 1"
        ).fetchone()
        referrals = conn.execute("SELECT count(*) FROM referral").fetchone()[0]
        conn.close()
        if row is None:
            fail("the demo database has no visit of an Arabic-speaking visitor")

        pdf = tmp / "letter.pdf"
        secret = dict(env, LOKET_PASSWORD="demo")
        run(
            [
                str(cli),
                "--data-dir",
                str(data),
                "letters",
                "render",
                "--visit",
                row[0],
                "--template",
                "plan",
                "--lang",
                "ar",
                "--out",
                str(pdf),
                "--user",
                "balie",
            ],
            tmp,
            secret,
        )
        if (
            not pdf.is_file()
            or not pdf.read_bytes().startswith(b"%PDF")
            or pdf.stat().st_size < 2000
        ):
            fail("letters render wrote no PDF")

        csv_file = tmp / "referrals.csv"
        until = (date.today() + timedelta(days=400)).isoformat()
        run(
            [
                str(cli),
                "--data-dir",
                str(data),
                "export",
                "referrals",
                "--from",
                "2000-01-01",
                "--to",
                until,
                "--format",
                "csv",
                "--out",
                str(csv_file),
                "--user",
                "supervisor",
                "--quiet",
            ],
            tmp,
            secret,
        )
        lines = csv_file.read_text(encoding="utf-8-sig").splitlines() if csv_file.is_file() else []
        data_lines = [line for line in lines[1:] if line.strip()]
        if not lines or len(data_lines) != referrals:
            fail(f"export wrote {len(data_lines)} referral rows, the database holds {referrals}")

    size = sum(p.stat().st_size for p in dist.rglob("*") if p.is_file() and not p.is_symlink())
    print(
        f"OK: bundle {dist} ({size / 1024 / 1024:.0f} MiB) runs: --version, demo, app "
        f"start-up, letters render (ar+nl PDF), export referrals ({referrals} rows)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
