"""Keep freed memory in the process, so training steps stop page-faulting.

A training step allocates and frees the same large NumPy temporaries (im2col buffers,
activations, grads) every step. With glibc's defaults, blocks over 128 kB are mapped from the OS
and unmapped again when freed, so each step page-faults thousands of times: measured here, about
4,400 faults and 15 ms of a 28 ms MNIST-CNN step (PyTorch's own allocator caches its buffers).
Raising glibc's trim and mmap thresholds keeps those blocks in the heap for reuse. The setting is
process-wide (harmless elsewhere), so library code never makes it: the entry points of programs
that train call `keep_freed_memory` (the app and `gradlab train`, the training worker's main,
the benchmarks). On other C libraries it is skipped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 512 << 20
"""Freed heap memory kept before any is handed back to the OS."""
MMAP_THRESHOLD = 32 << 20
"""Blocks up to this size come from the heap (and are reused) instead of fresh mappings."""

_applied = False


def keep_freed_memory() -> bool:
    """Apply the thresholds once (glibc only); True if they are in effect."""
    global _applied  # noqa: PLW0603 - a process-wide setting, applied once
    if _applied or not sys.platform.startswith("linux"):
        return _applied
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    _applied = bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    )
    return _applied
