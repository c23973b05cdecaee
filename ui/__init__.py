"""Qt (PySide6) user interface of Loket."""

from ui import pyside_compat  # noqa: F401  (must run before any PySide6 call)
