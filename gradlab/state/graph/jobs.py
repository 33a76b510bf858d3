"""`Worker`: the graph lab's slow work (the SymPy check, large layouts) in a separate process.

SymPy is pure Python and holds the GIL: in a thread it starves the interface (a repaint or a key
waits for the GIL at every call back into Python), so it runs in its own process, as training
does. One process per kind of work is started on first use and kept; jobs go one at a time.

Cancelling is cooperative first: a job reports progress, and at every report the worker looks
for a newer message; if there is one (a new job, or "cancel"), it drops the old job at once. A
job that does not report back within `STOP_SECONDS` of a cancel is ended with the process, which
restarts on the next job. Results carry their job's number, so a stale one is recognised and
dropped by whoever asked (`GraphSession`).

The worker process's side is `gradlab.state.graph.worker_process`. Protocol, tuples over a
duplex pipe. To the worker: ("run", job, function, args) and ("cancel",).
From it: ("progress", job, fraction, text), ("done", job, result), ("failed", job, text),
("cancelled", job). A thread on each side sends, and one on the GUI side receives, so the
window never waits for a large graph to be pickled or unpickled in one piece.
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from gradlab.state.graph.worker_process import serve

STOP_SECONDS = 0.5
"""How long a cancelled job may take to notice before its process is ended."""
INBOX_JOBS = 16
"""Messages about this many recent jobs are kept for whoever asked for them."""

Report = Callable[[float, str], None]
JobFunction = Callable[..., Any]
"""A module-level function (it is pickled by name): ``function(report, *args) -> result``."""


@dataclass(frozen=True)
class Message:
    """What came back from the worker about one job."""

    kind: str
    """"progress", "done", "failed" or "cancelled"."""
    job: int
    value: Any = None
    """The result ("done"), the error's text ("failed"), or (fraction, text) ("progress")."""


class Worker:
    """The GUI side of one worker process."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._conn: Connection | None = None
        self._process: BaseProcess | None = None
        self._next_job = 0
        self.running: int | None = None
        """The job the worker is on (or about to start), if any."""
        self._request: tuple[JobFunction, tuple[Any, ...]] | None = None
        self._inbox: dict[int, list[Message]] = {}
        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._received: queue.SimpleQueue[Any] = queue.SimpleQueue()
        """What the receiver thread read from the current process (`_DIED` when it ended)."""
        self._stopping: dict[int, float] = {}
        """Cancelled jobs the worker has not yet said it dropped, and when they were cancelled."""
        _WORKERS.add(self)

    def submit(self, function: JobFunction, *args: Any) -> int:
        """Start `function(report, *args)` in the worker after cancelling whatever runs; returns
        the job's number."""
        self.cancel()
        # what nobody came for (a closed lab's jobs) is dropped after a while
        for stale in [j for j in self._inbox if j <= self._next_job - INBOX_JOBS]:
            del self._inbox[stale]
        self._next_job += 1
        self.running = self._next_job
        self._request = (function, args)
        self._send_request()
        return self.running

    def cancel(self) -> None:
        """Ask the running job to stop (it is ended with its process if it does not)."""
        if self.running is None:
            return
        self._stopping[self.running] = time.monotonic()
        self.running = self._request = None
        if self._conn is not None:
            self._outbox.put(("cancel",))

    def poll(self, job: int) -> list[Message]:
        """What the worker has sent about `job` since the last poll (never blocks). Messages
        about other jobs wait for whoever asked for those."""
        self._receive()
        return self._inbox.pop(job, [])

    def _receive(self) -> None:
        if self._conn is None:
            return
        while True:
            try:
                message = self._received.get_nowait()
            except queue.Empty:
                break
            if message is _DIED:
                self._died()
                return
            kind, job, *rest = message
            value = tuple(rest) if len(rest) > 1 else rest[0] if rest else None
            self._inbox.setdefault(job, []).append(Message(kind, job, value))
            if kind in ("done", "failed", "cancelled"):
                self._stopping.pop(job, None)
                if job == self.running:
                    self.running = self._request = None
        now = time.monotonic()
        if any(now - when > STOP_SECONDS for when in self._stopping.values()):
            # a cancelled job still computing: end it with its process, and give the job that
            # replaced it to a fresh one
            self._restart()

    @property
    def busy(self) -> bool:
        return self.running is not None

    def close(self) -> None:
        """End the process (a new one starts with the next job)."""
        self._stopping.clear()
        self.running = self._request = None
        self._shut_down()

    def _shut_down(self, *, wait: bool = True) -> None:
        conn, process, sender = self._conn, self._process, self._sender
        self._conn = self._process = self._sender = None
        if sender is not None:
            self._outbox.put(None)  # the sender sends it and stops
            if wait:
                sender.join(1.0)
            self._outbox = queue.SimpleQueue()
        if conn is not None and wait:
            conn.close()  # the receiver thread's read fails, and it ends
        self._received = queue.SimpleQueue()
        if process is None:
            return
        if wait:
            _end(process)
            return
        process.terminate()
        threading.Thread(target=_reap, args=(process, sender, conn), daemon=True).start()

    def _restart(self) -> None:
        running, request = self.running, self._request
        self._stopping.clear()
        self.running = self._request = None
        # the old process is computing: end it now, and wait for it in a thread of its own
        # (joining it here held the window for a fifth of a second)
        self._shut_down(wait=False)
        if running is not None and request is not None:
            self.running, self._request = running, request
            self._send_request()

    def _send_request(self) -> None:
        assert self.running is not None
        assert self._request is not None
        function, args = self._request
        self._post(("run", self.running, function, args))

    def _post(self, message: Any) -> None:
        """Send from a thread of its own: pickling a large graph and writing it into the pipe
        takes tens of milliseconds, which the window should not wait for."""
        self._connection()
        self._outbox.put(message)

    def _died(self) -> None:
        job = self.running
        self.close()
        if job is not None:
            self._inbox.setdefault(job, []).append(
                Message("failed", job, f"the {self.name} worker stopped")
            )

    def _connection(self) -> Connection:
        if self._conn is None or self._process is None or not self._process.is_alive():
            if self._conn is not None:
                self._shut_down()  # the process died: its pipe and sender go too
            # spawn, not fork: forking a process that runs Qt's threads is unsafe
            context = multiprocessing.get_context("spawn")
            self._conn, child = context.Pipe()
            self._process = context.Process(
                target=serve, args=(child,), name=f"gradlab-{self.name}", daemon=True
            )
            self._process.start()
            child.close()
            self._sender = threading.Thread(
                target=_send_all,
                args=(self._conn, self._outbox),
                name=f"gradlab-{self.name}-sender",
                daemon=True,
            )
            self._sender.start()
            self._received = queue.SimpleQueue()
            threading.Thread(
                target=_receive_all,
                args=(self._conn, self._received),
                name=f"gradlab-{self.name}-receiver",
                daemon=True,
            ).start()
        return self._conn


def _send_all(conn: Connection, outbox: queue.SimpleQueue[Any]) -> None:
    """The sender thread: messages in order until None (which it sends on, to stop the
    worker)."""
    while True:
        message = outbox.get()
        try:
            conn.send(message)
        except (OSError, ValueError):
            return
        if message is None:
            return


def _end(process: BaseProcess) -> None:
    """Let a worker that was told to stop end, or end it."""
    process.join(0.2)
    if process.is_alive():
        process.terminate()
        process.join(1.0)


def _reap(process: BaseProcess, sender: threading.Thread | None, conn: Connection | None) -> None:
    """A thread of its own: wait for a terminated worker and its sender, then close the pipe."""
    process.join(1.0)
    if sender is not None:
        sender.join(1.0)
    if conn is not None:
        conn.close()


def _receive_all(conn: Connection, received: queue.SimpleQueue[Any]) -> None:
    """The receiver thread: every message from the worker as it comes, then `_DIED` once the
    pipe closes. Results are unpickled here: a 1,000-node layout takes 10 ms to rebuild, which
    the window then does not wait for in one piece (the GIL changes hands every few ms)."""
    try:
        while True:
            received.put(conn.recv())
    except (EOFError, OSError, ValueError, TypeError):
        # the process ended, or the pipe was closed here under a read (TypeError: its handle
        # went while the read waited)
        received.put(_DIED)


_DIED = object()
"""Put by the receiver thread when the worker's pipe closed."""

_WORKERS: weakref.WeakSet[Worker] = weakref.WeakSet()


@atexit.register
def close_all() -> None:
    """End every worker process (at exit, and between tests)."""
    for worker in list(_WORKERS):
        worker.close()
