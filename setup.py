"""Build step that pyproject.toml alone cannot express: compile the gettext catalogues and
install resources/ and locales/ (every language) under <prefix>/share/loket, where
loket.paths finds them after a non-editable `pip install .`.  All other metadata is in
pyproject.toml.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent


def compile_catalogues() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name, domain=po.stem)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)


def data_files() -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for top in ("resources", "locales"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.relative_to(ROOT)
                groups.setdefault(f"share/loket/{rel.parent.as_posix()}", []).append(rel.as_posix())
    return sorted(groups.items())


compile_catalogues()
setup(data_files=data_files())
