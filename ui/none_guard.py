"""Keep PySide6 6.12 from freeing ``None`` on Python 3.11.

PySide6 6.12.0 (its stable-ABI wheels) returns ``None`` from void methods without taking a reference
(``QColor.setAlpha``, ``QPainter.fillRect``, ``QLabel.setText``, ``QModelIndex.data`` of an empty
role…): every call drops one reference to ``None``. Python 3.12+ has an immortal ``None`` and does
not notice; on 3.11 the count reaches zero after some tens of thousands of calls and the process
aborts with ``Fatal Python error: none_dealloc``. 6.11.3 does not have the bug (measured; see
NOTES.md). Until the app runs on Python ≥ 3.12 or PySide6 is fixed, ``None`` gets a refcount so
large that no session can use it up — the same thing Python 3.12 does for immortal objects.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 60


def immortalize_none() -> bool:
    """Raise ``None``'s reference count on CPython < 3.12; returns whether anything was done."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the object's first field
    if count.value < _HEADROOM:
        count.value += _HEADROOM
    return True
