"""Loket: the counter app of the IND maatwerkloketten (core package, no Qt)."""

from __future__ import annotations

# The same as `version` in pyproject.toml (tests/test_version.py checks it).  A literal rather
# than importlib.metadata.version("loket"): that import costs the app ~80 ms at start-up and
# finds no metadata inside the PyInstaller bundle.
__version__ = "0.1.0"
