"""The training worker process's entry point: process-wide settings first, then the work.

A spawned worker unpickles its target before anything else, so this module imports nothing that
loads NumPy (OpenBLAS fixes its thread count when NumPy loads), and the job arrives pickled by
hand for the same reason: unpickling `TrainSettings` loads NumPy.
"""

from __future__ import annotations

import pickle
from multiprocessing.connection import Connection

from gradlab.nn.blas import one_blas_thread
from gradlab.nn.memory import keep_freed_memory


def main(conn: Connection, job: bytes) -> None:
    """Set this process up to train beside an interface, then serve `job`'s run over `conn`.

    The process is the worker's own, so it chooses the process-wide settings here: one BLAS
    thread (spinning BLAS threads would fight the interface for the cores), freed memory kept
    for reuse (every step frees and reallocates the same large arrays) and gradlab's helper
    thread only where a core is left beside the interface's.
    """
    one_blas_thread()
    keep_freed_memory()
    # NumPy loads from here on, after the BLAS setting
    from gradlab.engine import threads  # noqa: PLC0415
    from gradlab.state.train.worker_loop import serve  # noqa: PLC0415

    threads.set_num_threads(threads.threads_beside_an_interface())
    settings, stats, stats_every = pickle.loads(job)
    serve(conn, settings, stats, stats_every)
