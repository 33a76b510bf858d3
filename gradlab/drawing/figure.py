"""Figures of graphs: `render` (SVG text of a `Value`, `Tensor` or `Trace` at a chosen step),
`inline_svg` (what a notebook shows) and `Drawing` (a finished figure, to show or save).

Steps are named as the app's transport bar counts them: "start" (nothing computed), "forward" or
"backward" (every value shown, the backward pass not begun), "end", "forward:N" (N forward
steps), "backward:N" (every value and N backward steps), or a plain step count.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Literal

from gradlab.drawing.frame import Frame, frame_at, live_frame
from gradlab.drawing.sizer import FigureSizer
from gradlab.drawing.style import PALETTES, Palette
from gradlab.drawing.svg import render_svg
from gradlab.engine import Tensor, Trace, Value, record, topological_order
from gradlab.layout import graph_spec, layout

Drawable = Value | Tensor | Trace
StepSpec = str | int
Format = Literal["svg", "png", "pdf"]

MAX_NODES = 2_000
"""A figure draws at most this many nodes (Graphviz takes seconds beyond)."""
MAX_INLINE_NODES = 400
"""A notebook draws a graph inline up to this size; a larger one shows its text repr."""


@dataclass(frozen=True)
class Drawing:
    """A finished figure: its format and bytes. Shows itself in a notebook; `save` writes it."""

    format: Format
    data: bytes

    def save(self, path: str | PathLike[str]) -> Path:
        target = Path(path)
        target.write_bytes(self.data)
        return target

    def _repr_svg_(self) -> str | None:
        return self.data.decode() if self.format == "svg" else None

    def _repr_png_(self) -> bytes | None:
        return self.data if self.format == "png" else None

    def _repr_pdf_(self) -> bytes | None:
        return self.data if self.format == "pdf" else None


def position(trace: Trace, step: StepSpec) -> int:
    """The step count `step` names in `trace` (see the module's docstring); ValueError naming
    the steps there are when it is not one."""
    forward, backward = len(trace.nodes), len(trace.backward)
    if isinstance(step, int):
        if not 0 <= step <= len(trace):
            raise ValueError(f"step {step} is outside 0..{len(trace)}")
        return step
    named = {"start": 0, "forward": forward, "backward": forward, "end": len(trace)}
    if step in named:
        return named[step]
    phase, _, count = step.partition(":")
    if phase in ("forward", "backward") and count.strip().isdigit():
        n, most = int(count), forward if phase == "forward" else backward
        if n > most:
            raise ValueError(f"{step}: the {phase} pass of this graph has {most} steps")
        return n if phase == "forward" else forward + n
    raise ValueError(
        f"unknown step {step!r}: say start, forward, backward, end, forward:N, backward:N "
        f"(this graph has {forward} forward and {backward} backward steps) or a step count"
    )


def frame_of(root: Drawable, step: StepSpec | None = None) -> Frame:
    """What a figure of `root` shows: a trace at `step` (its end by default); a live graph as
    it is, or at `step` of a fresh recording of both passes."""
    if isinstance(root, Trace):
        return frame_at(root, len(root) if step is None else position(root, step))
    if not isinstance(root, Value | Tensor):
        raise TypeError(f"draw() takes a Value, a Tensor or a Trace, not {type(root).__name__}")
    _check_size(len(topological_order(root)), MAX_NODES)
    if step is None:
        return live_frame(root)
    trace = record(root)
    return frame_at(trace, position(trace, step))


def render(root: Drawable, step: StepSpec | None = None, style: str = "light") -> str:
    """The SVG text of `root`'s graph at `step`, in the app's `style` (light, dark, projector)."""
    palette = _palette(style)
    frame = frame_of(root, step)
    _check_size(len(frame.trace.nodes), MAX_NODES)
    live = not isinstance(root, Trace) and step is None
    sizer = FigureSizer(palette, frame if live else None)
    return render_svg(frame, layout(graph_spec(frame.trace, sizer)), palette, sizer)


def frames(trace: Trace, style: str = "light") -> list[str]:
    """The SVG of every position of `trace`, 0 to the end, laid out once (as the graph lab keeps
    its layout while stepping, so nothing moves between frames)."""
    _check_size(len(trace.nodes), MAX_NODES)
    palette = _palette(style)
    sizer = FigureSizer(palette)
    placed = layout(graph_spec(trace, sizer))
    return [
        render_svg(frame_at(trace, position), placed, palette, sizer)
        for position in range(len(trace) + 1)
    ]


def inline_svg(drawable: object) -> str | None:
    """What a notebook shows for `drawable`: its graph as SVG, or None (the text repr) for a
    leaf, a graph of more than `MAX_INLINE_NODES` nodes, or anything else."""
    if isinstance(drawable, Trace):
        count = len(drawable.nodes)
    elif isinstance(drawable, Value | Tensor) and drawable.parents:
        count = len(topological_order(drawable))
    else:
        return None
    return render(drawable) if count <= MAX_INLINE_NODES else None


def _palette(style: str) -> Palette:
    palette = PALETTES.get(style)
    if palette is None:
        raise ValueError(f"unknown style {style!r}: say {', '.join(PALETTES)}")
    return palette


def _check_size(count: int, most: int) -> None:
    if count > most:
        raise ValueError(f"the graph has {count:,} nodes; a figure draws at most {most:,}")
