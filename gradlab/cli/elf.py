"""The shared libraries an ELF file asks for (DT_NEEDED) and where it says to look (RUNPATH),
read with `struct` alone, so nothing has to be loaded to find out what is missing.

Only what the Qt check needs: 64-bit little-endian files (x86-64, arm64). Anything else reads
as no dependencies, so an unknown file never produces a false alarm.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NEEDED, _DT_STRTAB, _DT_RPATH, _DT_RUNPATH = 1, 5, 15, 29


@dataclass(frozen=True)
class Dependencies:
    needed: tuple[str, ...]
    """The sonames the file links against, e.g. "libxcb-cursor.so.0"."""
    search: tuple[str, ...]
    """RUNPATH (or RPATH) entries, with $ORIGIN as written."""


def dependencies(path: Path) -> Dependencies:
    """What `path` links against; empty for anything that is not a 64-bit little-endian ELF."""
    try:
        data = path.read_bytes()
    except OSError:
        return Dependencies((), ())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return Dependencies((), ())
    try:
        return _read(data)
    except (struct.error, IndexError, UnicodeDecodeError):
        return Dependencies((), ())


def _read(data: bytes) -> Dependencies:
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads: list[tuple[int, int, int]] = []  # (virtual address, file offset, size in file)
    dynamic: tuple[int, int] | None = None
    for i in range(phnum):
        kind, _, offset, vaddr, _, filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize
        )
        if kind == _PT_LOAD:
            loads.append((vaddr, offset, filesz))
        elif kind == _PT_DYNAMIC:
            dynamic = (offset, filesz)
    if dynamic is None:
        return Dependencies((), ())
    entries: list[tuple[int, int]] = []
    start, size = dynamic
    for at in range(start, start + size, 16):
        tag, value = struct.unpack_from("<qQ", data, at)
        if tag == 0:
            break
        entries.append((tag, value))
    strtab = next((value for tag, value in entries if tag == _DT_STRTAB), None)
    if strtab is None:
        return Dependencies((), ())
    table = next(
        offset + strtab - vaddr
        for vaddr, offset, filesz in loads
        if vaddr <= strtab < vaddr + filesz
    )

    def string(index: int) -> str:
        end = data.index(b"\0", table + index)
        return data[table + index : end].decode()

    needed = tuple(string(value) for tag, value in entries if tag == _DT_NEEDED)
    paths = [string(value) for tag, value in entries if tag in (_DT_RUNPATH, _DT_RPATH)]
    search = tuple(entry for path in paths for entry in path.split(":") if entry)
    return Dependencies(needed, search)
