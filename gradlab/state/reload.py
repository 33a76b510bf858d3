"""`ReloadWatcher`: lesson files re-read off the GUI thread, the result shown on it.

The window polls `poll()` from a timer. Reading a file can block (a network share gone away, a
file swapped for something odd between two looks): the scan (stat and read of every lesson)
runs in a daemon thread, and `poll()` only starts one or shows the finished one, so it returns
at once whatever the files do. A scan still running is never doubled; one stuck for good leaves
the window as it is.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from gradlab.state import session as lessons
from gradlab.state.session import LessonEntry, Session


class _Scan:
    """One pass over the files, in its own thread."""

    def __init__(self, entries: Sequence[LessonEntry]) -> None:
        self.entries = tuple(entries)
        self.changed: dict[int, LessonEntry] = {}
        self.done = threading.Event()
        threading.Thread(target=self._run, name="gradlab-lesson-reload", daemon=True).start()

    def _run(self) -> None:
        try:
            self.changed = lessons.scan_changes(self.entries)
        finally:
            self.done.set()


class ReloadWatcher:
    """Polled by the GUI: shows the last scan's changes and starts the next scan."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._scan: _Scan | None = None

    @property
    def busy(self) -> bool:
        """A scan is running."""
        return self._scan is not None and not self._scan.done.is_set()

    def poll(self) -> list[int]:
        """Never blocks: the indices of lessons reloaded by a finished scan (often none)."""
        if self.busy:
            return []
        reloaded: list[int] = []
        if self._scan is not None:
            reloaded = self.session.apply_reloaded(self._scan.entries, self._scan.changed)
        self._scan = _Scan(self.session.entries)
        return reloaded
