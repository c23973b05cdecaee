"""A guard against a reference-counting bug of PySide6 6.12 on Python 3.11.

Every call of a PySide6 method that returns nothing (`setText`, `setObjectName`,
`setStyleSheet`, ...) and every `property()` of a missing property drops one reference to
`None` that it never took.  On Python 3.12 and later `None` is immortal (PEP 683) and nothing
happens; on 3.11 its count falls with each call until the interpreter aborts with "Fatal
Python error: none_dealloc" — after some thousands of calls, i.e. minutes into a working day.

`True` and `False` suffer the same in some calls.  Until the bindings are fixed we give
`None`, `True` and `False` a reference count so large that no session can
use it up, which is what Python 3.12 does by design.  `tests/ui/test_pyside_compat.py` shows
the bug and that the guard holds.
"""

from __future__ import annotations

import struct
import sys
from _ctypes import _SimpleCData

_HEADROOM = 1 << 48  # far more void calls than a process can make


class _RefCount(_SimpleCData):
    """ob_refcnt (a Py_ssize_t, pointer-sized).  Made from `_ctypes` itself: the `ctypes`
    package would add ~3 ms to every start for this one field."""

    _type_ = "q" if struct.calcsize("P") == 8 else "i"


def guard_none_refcount() -> bool:
    """Raise the reference count of None once; True when this Python needed it."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if getattr(sys, "_loket_none_guard", False):
        return True
    # ob_refcnt is the first field of every object in a release build of CPython; True and
    # False lose references the same way (seen as "bool_dealloc" aborts)
    for singleton in (None, True, False):
        _RefCount.from_address(id(singleton)).value += _HEADROOM
    sys._loket_none_guard = True
    return True


guard_none_refcount()
