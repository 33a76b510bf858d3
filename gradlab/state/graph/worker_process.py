"""The worker process's side of `gradlab.state.graph.jobs`: run the jobs the GUI sends, one at a
time, reporting progress; a newer message (a new job, or "cancel") ends the running one at its
next report (`Superseded`). The protocol is described in `gradlab.state.graph.jobs`.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any

WORKER_NICENESS = 5
"""How much lower the workers' priority is than the window's (Unix niceness)."""


class Superseded(Exception):  # noqa: N818 - not an error: a newer message came first
    """Raised inside the worker when a newer message arrives while a job runs."""


def serve(conn: Connection) -> None:
    """The worker process: run jobs until told to stop (None) or the pipe closes. It runs at a
    lower priority than the window: on a two-core laptop a check at full speed would otherwise
    take the core the window needs to answer a key."""
    if hasattr(os, "nice"):  # Unix
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)
    with contextlib.suppress(EOFError, OSError):
        _serve(conn)


def _serve(conn: Connection) -> None:
    # a thread reads the pipe at once, so the GUI's sends never wait for a job to finish (a
    # full pipe would block the window for as long as the job runs)
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def read() -> None:
        try:
            while True:
                message = conn.recv()
                inbox.put(message)
                if message is None:
                    return
        except (EOFError, OSError):
            inbox.put(None)

    threading.Thread(target=read, name="gradlab-worker-reader", daemon=True).start()
    pending: Any = None
    while True:
        message = pending if pending is not None else inbox.get()
        pending = None
        if message is None:
            return
        if message[0] != "run":
            continue  # a cancel for a job that already ended
        _, job, function, args = message

        def report(fraction: float, text: str, job: int = job) -> None:
            if not inbox.empty():
                raise Superseded
            conn.send(("progress", job, fraction, text))

        try:
            result = function(report, *args)
        except Superseded:
            pending = inbox.get()
            if pending is None:
                return
            conn.send(("cancelled", job))
            continue
        except Exception:  # a job's failure is reported, the worker goes on
            conn.send(("failed", job, traceback.format_exc(limit=4)))
            continue
        conn.send(("done", job, result))
