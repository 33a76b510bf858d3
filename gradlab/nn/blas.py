"""One BLAS thread for a process that shares the machine's cores with an interface.

NumPy's OpenBLAS starts a thread per core and keeps it spinning between calls: beside the GUI
thread, or beside gradlab's own helper thread (`gradlab.engine.threads`), those threads fight for
the cores (measured on a 2-core machine: a small matmul 75x slower, repaints starved, MNIST CNN
steps many times slower). OpenBLAS reads OPENBLAS_NUM_THREADS once, when NumPy loads, and the
setting is the whole process's, so only an entry point may choose it, before anything imports
NumPy; processes it spawns inherit it. This module imports nothing that loads NumPy.
"""

from __future__ import annotations

import os

VARIABLE = "OPENBLAS_NUM_THREADS"


def one_blas_thread() -> None:
    """Ask OpenBLAS for one thread, unless the user has chosen a count. Takes effect only if
    NumPy has not been imported yet in this process."""
    os.environ.setdefault(VARIABLE, "1")
