"""`Background`: one graph session's check and layout jobs in the shared worker processes.

A session asks for at most one check and one layout at a time: asking again replaces (and
cancels) the earlier job, and what comes back for a job that is no longer the latest is dropped,
so a stale layout is never applied over a newer program. The GUI calls `poll()` from a timer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradlab.check import CheckReport, check_trace
from gradlab.engine.tensor_expr import TensorProgram
from gradlab.engine.trace import Trace
from gradlab.layout import Engine, GraphSpec, Layout, Sizer, graph_spec, layout
from gradlab.state.graph.jobs import Report, Worker
from gradlab.state.graph.tensor_check import check_tensor_program

_SHARED: dict[str, Worker] = {}


def shared_worker(kind: str) -> Worker:
    """The one worker process for this kind of job ("check" or "layout"), made on first use."""
    worker = _SHARED.get(kind)
    if worker is None:
        worker = _SHARED[kind] = Worker(kind)
    return worker


def check_job(report: Report, trace: Trace, inputs: Mapping[str, int]) -> CheckReport:
    """In the worker: the three-way check, reporting progress (where it can be cancelled)."""
    return check_trace(trace, inputs, report)


def layout_job(
    report: Report, trace: Trace, sizer: Sizer | None, engine: Engine, backward: bool = True
) -> tuple[GraphSpec, Layout]:
    """In the worker: the graph measured (with the GUI's font metrics) and laid out; no grad
    rows when it only runs forward."""
    report(0.0, "measuring")
    spec = graph_spec(trace, sizer, backward=backward)
    report(0.1, "laying out")
    return spec, layout(spec, engine)


@dataclass
class Updates:
    """What `Background.poll` found: the latest layout and report, or how far the check is."""

    layout: tuple[GraphSpec, Layout] | None = None
    report: CheckReport | None = None
    progress: tuple[float, str] | None = None
    check_failed: str = ""
    layout_failed: str = ""


class Background:
    """The latest check and layout job of one session."""

    def __init__(self, checks: Worker | None = None, layouts: Worker | None = None) -> None:
        self.checks = checks or shared_worker("check")
        self.layouts = layouts or shared_worker("layout")
        self._check: int | None = None
        self._layout: int | None = None

    @property
    def checking(self) -> bool:
        return self._check is not None

    @property
    def laying_out(self) -> bool:
        return self._layout is not None

    def check(self, trace: Trace, inputs: Mapping[str, int]) -> None:
        """Start checking `trace`, dropping any earlier check."""
        self._check = self.checks.submit(check_job, trace, dict(inputs))

    def check_tensors(self, program: TensorProgram, values: Mapping[str, np.ndarray]) -> None:
        """Start checking a tensor program at `values` entry by entry, dropping any earlier
        check."""
        self._check = self.checks.submit(check_tensor_program, program, dict(values))

    def cancel_check(self) -> None:
        if self._check is not None and self.checks.running == self._check:
            self.checks.cancel()
        self._check = None

    def lay_out(
        self, trace: Trace, sizer: Sizer | None, engine: Engine, *, backward: bool = True
    ) -> None:
        """Start measuring and laying out `trace` (without grad rows when `backward` is False:
        it only runs forward), dropping any earlier layout."""
        self._layout = self.layouts.submit(layout_job, trace, sizer, engine, backward)

    def cancel_layout(self) -> None:
        if self._layout is not None and self.layouts.running == self._layout:
            self.layouts.cancel()
        self._layout = None

    def cancel(self) -> None:
        self.cancel_check()
        self.cancel_layout()

    def poll(self) -> Updates:
        """Take what the workers finished for this session's latest jobs."""
        updates = Updates()
        for message in self.checks.poll(self._check) if self._check is not None else ():
            if message.kind == "progress":
                updates.progress = message.value
            elif message.kind == "done":
                updates.report, self._check = message.value, None
            elif message.kind == "failed":
                updates.check_failed, self._check = str(message.value), None
        for message in self.layouts.poll(self._layout) if self._layout is not None else ():
            if message.kind == "done":
                updates.layout, self._layout = message.value, None
            elif message.kind == "failed":
                updates.layout_failed, self._layout = str(message.value), None
        return updates
