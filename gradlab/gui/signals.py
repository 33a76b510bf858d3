"""`signals_blocked`: silence widgets while code sets their values, and always let them speak again.

Blocking by hand (``blockSignals(True)`` ... ``blockSignals(False)``) leaves a widget mute for good
when anything in between raises: its edits stop reaching the state and nothing says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Block the objects' signals inside the ``with`` block; afterwards, also after an exception,
    each is as it was before (so blocks nest, as with QSignalBlocker)."""
    before = [obj.blockSignals(True) for obj in objects]
    try:
        yield
    finally:
        for obj, blocked in zip(objects, before, strict=True):
            obj.blockSignals(blocked)
