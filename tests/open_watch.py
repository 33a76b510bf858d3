"""Which files in a folder get opened, by any code of any process (Qt's C++ included), seen
through Linux inotify by ctypes. Python's audit hooks see only opens made from Python; Qt reads
the files rich text names in C++, so the outside folder is watched this way too."""

from __future__ import annotations

import ctypes
import os
import struct
import sys
from pathlib import Path

IN_ACCESS = 0x001
IN_OPEN = 0x020
IN_NONBLOCK = 0o4000
_EVENT = struct.Struct("iIII")


class OpenWatch:
    """Records IN_OPEN and IN_ACCESS events of the files in `folder` (and the folder itself)."""

    def __init__(self, folder: Path) -> None:
        if not sys.platform.startswith("linux"):
            raise OSError("inotify is Linux only")
        libc = ctypes.CDLL(None, use_errno=True)
        self._fd = libc.inotify_init1(IN_NONBLOCK)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if libc.inotify_add_watch(self._fd, os.fsencode(folder), IN_OPEN | IN_ACCESS) < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch failed for {folder}")

    def opened(self) -> list[str]:
        """The names opened or read since the last call ("." for the folder itself)."""
        names: list[str] = []
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return names
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, length = _EVENT.unpack_from(data, offset)
                start = offset + _EVENT.size
                names.append(data[start : start + length].rstrip(b"\0").decode() or ".")
                offset = start + length

    def close(self) -> None:
        os.close(self._fd)
