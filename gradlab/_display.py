"""How a `Value`, a `Tensor` or a `Trace` shows itself in a notebook: its ``_repr_svg_`` asks the
renderer registered here (IPython needs no import for that).

The drawing lives layers above the engine (`gradlab.drawing`, on top of the layout), which the
engine may not import; the top package `gradlab`, which Python imports before any of its
subpackages, registers it, and the drawing loads only when a first graph is shown. This module
sits below the engine and imports nothing, so registering costs `import gradlab.engine` nothing.
With no renderer, or for a graph too large to draw inline, there is no SVG and a notebook shows
the text repr.
"""

from __future__ import annotations

from collections.abc import Callable

SvgRenderer = Callable[[object], str | None]

_renderer: SvgRenderer | None = None


def set_svg_renderer(renderer: SvgRenderer | None) -> None:
    """Draw graphs with `renderer` (``renderer(node_or_trace)`` gives SVG text or None)."""
    global _renderer  # noqa: PLW0603 - the one registration point the layers allow
    _renderer = renderer


def svg(drawable: object) -> str | None:
    """The SVG of `drawable`'s graph, or None when no renderer is set or it declines."""
    return None if _renderer is None else _renderer(drawable)
