"""Every public core function that takes a Context reaches a permission check.

Static walk: a function is *checked* when its body calls `ctx.require(...)`/`ctx.can(...)`
(or `require_*`/`_require*` helpers) or calls another function that is checked (fixpoint over
the names called).  Any public function taking a `Context` first that is not checked must be
on the commented allow-list below: deliberately open, or touching no personal data.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "loket"
PACKAGES = ("counter", "directory", "referrals", "letters", "reports", "privacy", "sync")
SINGLE = ("settings.py",)

# module:function -> why it needs no permission check of its own.
OPEN = {
    "settings:get_setting": "settings are readable by everyone (the lock timer runs signed out)",
    "privacy.auth:login": "signing in is what establishes who acts",
    # Only the signed-in user's own drafts (kind and time); opening one is checked.
    "counter.drafts:list_drafts": "own drafts only; load_draft checks the permission",
    # Validation against the code lists; reads no personal data.
    "counter.intake:clean_visit": "validates a form against the code lists",
    "counter.lookups:needs": "code list (labels of needs)",
    "counter.lookups:topics": "code list (labels of topics)",
    "directory.browse:need_labels": "code list (labels of needs)",
    # One's own account and session: only the signed-in user, about themselves.
    "counter.preferences:load": "the signed-in user's own preferences",
    "counter.preferences:save": "the signed-in user's own preferences (refused signed out)",
    "privacy.auth:change_own_password": "one's own password, knowing the current one",
    "privacy.auth:lock": "locks the screen of whoever is signed in",
    "privacy.auth:unlock": "the same user's password, with the login lock-out rules",
    "privacy.auth:switch_user": "a sign-in at the locked screen",
    "privacy.auth:logout": "ends one's own session",
    # Writing the log is what every check leads to; reading it needs AUDIT_READ.
    "privacy.audit:record": "appends an audit row (refusals too)",
    # SQLite's integrity check at start-up: no personal data in the result.
    "privacy.backup:check": "integrity check at start-up, before sign-in",
    # The first-run form lists desks before any account exists.
    "privacy.accounts:desk_choices": "desk names, shown before anyone can sign in",
}


def _files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))
    for name in SINGLE:
        yield ROOT / name


def _takes_context(fn: ast.FunctionDef) -> bool:
    args = fn.args.posonlyargs + fn.args.args
    if not args or args[0].annotation is None:
        return False
    return "Context" in ast.unparse(args[0].annotation)


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name -> "module" (a module alias) or "module:function" (an imported function)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("loket"):
            base = node.module.removeprefix("loket").lstrip(".")
            for alias in node.names:
                local = alias.asname or alias.name
                full = f"{base}.{alias.name}".lstrip(".")
                if (ROOT / Path(*full.split("."))).with_suffix(".py").exists() or (
                    ROOT / Path(*full.split("."))
                ).is_dir():
                    names[local] = full
                else:
                    names[local] = f"{base}:{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("loket.") and alias.asname:
                    names[alias.asname] = alias.name.removeprefix("loket.")
    return names


def _calls(fn, module: str, imports: dict[str, str]) -> tuple[bool, set[str]]:
    """(does it call .require/.can itself, the core functions it calls)."""
    direct = False
    targets: set[str] = set()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in ("require", "can"):
                direct = True
            elif isinstance(func.value, ast.Name) and func.value.id in imports:
                targets.add(f"{imports[func.value.id]}:{func.attr}")
        elif isinstance(func, ast.Name):
            targets.add(imports.get(func.id, f"{module}:{func.id}"))
    return direct, targets


def _functions():
    found = {}
    for path in _files():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = _imports(tree, module)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                found[f"{module}:{node.name}"] = (node, *_calls(node, module, imports))
    return found


def _unchecked() -> list[str]:
    functions = _functions()
    checked = {key for key, (_fn, direct, _t) in functions.items() if direct}
    for _round in range(50):
        grew = {
            key
            for key, (_fn, _d, targets) in functions.items()
            if key not in checked and targets & checked
        }
        if not grew:
            break
        checked |= grew
    return sorted(
        key
        for key, (fn, _d, _t) in functions.items()
        if not fn.name.startswith("_") and _takes_context(fn) and key not in checked
    )


def test_every_public_core_function_checks_its_permission():
    missing = [key for key in _unchecked() if key not in OPEN]
    assert not missing, f"no permission check (add one, or explain it in OPEN): {missing}"


def test_allow_list_names_only_real_unchecked_functions():
    stale = set(OPEN) - set(_unchecked())
    assert not stale, f"remove from OPEN (checked now or gone): {sorted(stale)}"
