"""The one rule: the core never imports Qt or the UI package, and imports without them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "shiboken6", "ui", "PyQt5", "PyQt6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_core_module_imports_qt_or_ui():
    offenders = []
    for path in sorted((ROOT / "loket").rglob("*.py")):
        bad = _imports(path) & set(FORBIDDEN)
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert not offenders


def test_core_imports_completely_with_qt_absent():
    # A meta-path hook makes PySide6 / shiboken6 / ui unimportable, then every core module
    # is imported.
    code = f"""
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {FORBIDDEN!r}:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
import loket
for mod in pkgutil.walk_packages(loket.__path__, 'loket.'):
    if mod.name == 'loket.__main__':
        continue
    importlib.import_module(mod.name)
print('ok')
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_no_sql_outside_the_db_package():
    import re

    pattern = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b")
    offenders = []
    for folder in ("loket", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "db" in path.relative_to(ROOT).parts[1:2]:
                continue
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
