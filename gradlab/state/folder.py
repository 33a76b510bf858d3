"""`FolderOpener`: another folder's lessons read off the GUI thread, adopted on it.

Reading a folder validates every lesson in it (0.1 s for the bundled ones, about 1 s for a
folder of hostile files, longer on a slow share). The read runs in a daemon thread; the window
polls `poll()` from a timer, which never blocks. A newer `open` supersedes a read in flight: its
result is dropped when it arrives.
"""

from __future__ import annotations

import threading
from pathlib import Path

from gradlab.state.session import LessonEntry, Session, read_folder


class _Read:
    """One folder read in its own thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: list[LessonEntry] = []
        self.error: str | None = None
        self.done = threading.Event()
        threading.Thread(target=self._run, name="gradlab-open-folder", daemon=True).start()

    def _run(self) -> None:
        try:
            if not self.folder.is_dir():
                self.error = f"{self.folder} is not a folder: the lessons stay as they were"
                return
            self.entries = read_folder(self.folder)
        except OSError as error:  # the folder itself: gone, not a folder, not readable
            self.error = f"{self.folder} cannot be read: {error.strerror or error}"
        finally:
            self.done.set()


class FolderOpener:
    """Polled by the GUI: adopts a finished read into the session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._read: _Read | None = None

    @property
    def busy(self) -> bool:
        """A folder is being read."""
        return self._read is not None

    @property
    def folder(self) -> Path | None:
        """The folder being read."""
        return None if self._read is None else self._read.folder

    def open(self, folder: Path) -> None:
        """Start reading `folder` (whatever was being read before is dropped)."""
        self._read = _Read(folder)

    def poll(self) -> tuple[Path, str | None] | None:
        """Never blocks: None while reading (or idle); once the read is done, the folder and
        None after the session adopted it, or the folder and why it could not be read."""
        read = self._read
        if read is None or not read.done.is_set():
            return None
        self._read = None
        if read.error is None:
            self.session.set_folder(read.folder, read.entries)
        return read.folder, read.error
