"""`TraceSession`: a fixed, recorded graph to step through (a tensor graph, a network built in
code): no editing and no SymPy check; the same `player`, `trace`, `layout` and signals as
`GraphSession`."""

from __future__ import annotations

from gradlab.state.graph.shown import ShownGraph


class TraceSession(ShownGraph):
    """A recorded graph shown as it is."""

    report = None
    report_ready = False
    auto_check = False
    checking = False
    check_progress = None
    warning = ""
    modified = False
