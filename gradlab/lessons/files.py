"""Reading a file a lesson folder holds: regular files only, of bounded size, never blocking.

A shared folder can hold anything under a lesson's name: a FIFO (opening it for reading waits
for a writer, forever), a device (/dev/zero never ends), a folder, a link to a file elsewhere.
`read_regular` refuses each by name before reading a byte: it looks with lstat/stat first, opens
without blocking, and checks again on the open descriptor (the file may have been swapped).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NO_LINKS = getattr(os, "O_NOFOLLOW", 0)


class NotReadableError(ValueError):
    """A path that is not a regular file of bounded size, in plain words ("is a FIFO ...")."""


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def read_regular(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; NotReadableError otherwise.

    OSError (missing, no permission) passes through for the caller to word.
    """
    info = os.stat(path) if follow_links else os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise NotReadableError("is a symbolic link")
    _check(info, limit)
    descriptor = os.open(path, _OPEN_FLAGS | (0 if follow_links else _NO_LINKS))
    try:
        _check(os.fstat(descriptor), limit)
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            data = file.read(limit + 1)
    finally:
        os.close(descriptor)
    if len(data) > limit:  # it grew after fstat
        raise NotReadableError(_too_large(limit))
    return data


def _check(info: os.stat_result, limit: int) -> None:
    kind = kind_of(info.st_mode)
    if kind is not None:
        raise NotReadableError(kind)
    if info.st_size > limit:
        raise NotReadableError(_too_large(limit))


def _too_large(limit: int) -> str:
    return f"is larger than {limit / 1e6:g} MB"
