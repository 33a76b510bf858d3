"""gradlab: watch neural networks learn; and, as a library, PyTorch's names on a NumPy engine.

``import gradlab as torch`` (with ``gradlab.nn``, ``gradlab.nn.functional`` and ``gradlab.optim``)
runs a learner's small PyTorch script: docs/pytorch.md shows one side by side. Every name loads on
first use (`gradlab._lazy`), so ``import gradlab`` alone loads no NumPy. Importing the package also
registers the notebook drawing of graphs (`gradlab._display`), which loads when a first graph is
shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradlab import _display
from gradlab._lazy import lazy_exports

__version__ = "0.1.0"

if TYPE_CHECKING:
    from numpy import float32, float64

    from gradlab import nn, optim
    from gradlab.drawing.figure import Drawable, Drawing, Format, StepSpec
    from gradlab.engine.creation import arange, flatten, ones, rand, randn, tensor, zeros
    from gradlab.engine.grad_mode import enable_grad, is_grad_enabled, no_grad
    from gradlab.engine.seeding import manual_seed
    from gradlab.engine.tensor import Tensor
    from gradlab.engine.trace import Trace
    from gradlab.engine.value import Value

_CREATION = "gradlab.engine.creation"
_GRAD_MODE = "gradlab.engine.grad_mode"

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Tensor": "gradlab.engine.tensor",
        "Trace": "gradlab.engine.trace",
        "Value": "gradlab.engine.value",
        "arange": _CREATION,
        "enable_grad": _GRAD_MODE,
        "flatten": _CREATION,
        "float32": "numpy",
        "float64": "numpy",
        "is_grad_enabled": _GRAD_MODE,
        "manual_seed": "gradlab.engine.seeding",
        "nn": "gradlab.nn",
        "no_grad": _GRAD_MODE,
        "ones": _CREATION,
        "optim": "gradlab.optim",
        "rand": _CREATION,
        "randn": _CREATION,
        "tensor": _CREATION,
        "zeros": _CREATION,
    },
)


def draw(
    root: Drawable,
    step: StepSpec | None = None,
    format: Format = "svg",
    *,
    style: str = "light",
) -> Drawing:
    """A figure of `root`'s graph, as the graph lab draws it: ``gradlab.draw(f).save("f.svg")``.

    `root` is a `Value`, a `Tensor` or a recorded `Trace`. Without `step`, a Value or Tensor shows
    its values and grads as they are now (call ``backward()`` first to see grads), a Trace its
    end; a `step` ("start", "forward", "backward", "end", "forward:3", "backward:2" or a step
    count) records both passes (clearing and refilling the graph's grads, as ``backward()``
    does) and shows the state after that step, as the app's transport bar would. PNG and PDF are
    drawn by Qt, so they need the gui extra (``pip install 'gradlab[gui]'``). `style` is "light",
    "dark" or "projector" (thick lines, large type).
    """
    from gradlab.drawing.figure import Drawing, render  # noqa: PLC0415 - loads on first use

    svg = render(root, step, style)
    if format == "svg":
        return Drawing("svg", svg.encode())
    from gradlab.gui.figure import convert  # noqa: PLC0415 - Qt loads only for PNG and PDF

    return Drawing(format, convert(svg, format))


def _notebook_svg(drawable: object) -> str | None:
    from gradlab.drawing.figure import inline_svg  # noqa: PLC0415 - loads on first display

    return inline_svg(drawable)


_display.set_svg_renderer(_notebook_svg)

__all__ = [
    "Tensor",
    "Trace",
    "Value",
    "__version__",
    "arange",
    "draw",
    "enable_grad",
    "flatten",
    "float32",
    "float64",
    "is_grad_enabled",
    "manual_seed",
    "nn",
    "no_grad",
    "ones",
    "optim",
    "rand",
    "randn",
    "tensor",
    "zeros",
]
