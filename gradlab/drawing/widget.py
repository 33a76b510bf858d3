"""`Stepper`: a graph stepped forward and backward in a notebook, as the graph lab's transport bar
steps it (buttons, a slider, the arrow keys and a presenter's PageUp/PageDown).

Needs the optional `notebook` extra (anywidget: Jupyter, VS Code and Colab, no build step). Every
step's picture is drawn here in Python, so stepping in the browser needs no kernel round trip;
the widget's output also carries the current picture as plain SVG, which GitHub and nbviewer
show where widgets do not run.
"""

from __future__ import annotations

from typing import Any

try:
    import anywidget
    import traitlets
except ImportError as missing:  # the optional extra
    raise ImportError(
        "the notebook Stepper needs the notebook extra: pip install 'gradlab[notebook]' "
        "(graphs draw inline without it)"
    ) from missing

from gradlab.drawing.figure import Drawable, frames
from gradlab.engine import Trace, record
from gradlab.engine.trace import BackwardStep, node_names

MAX_NODES = 80
"""A stepper holds every step's picture: a graph of more nodes is drawn with `gradlab.draw`."""

_ESM = """
function render({ model, el }) {
  const bar = document.createElement("div");
  bar.style.cssText = "display:flex;gap:6px;align-items:center;font:14px 'DejaVu Sans',sans-serif";
  const button = (text, title, move) => {
    const b = document.createElement("button");
    b.textContent = text;
    b.title = title;
    b.onclick = () => go(move(model.get("position")));
    bar.appendChild(b);
    return b;
  };
  const last = () => model.get("frames").length - 1;
  const go = (p) => {
    model.set("position", Math.max(0, Math.min(last(), p)));
    model.save_changes();
  };
  button("⏮", "to the start", () => 0);
  button("◀", "step back (←, PageUp)", (p) => p - 1);
  button("▶", "step forward (→, PageDown)", (p) => p + 1);
  button("⏭", "to the end", () => last());
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = 0;
  slider.oninput = () => go(Number(slider.value));
  bar.appendChild(slider);
  const caption = document.createElement("span");
  bar.appendChild(caption);
  const picture = document.createElement("div");
  el.tabIndex = 0;
  el.onkeydown = (event) => {
    const moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (event.key in moves) {
      go(model.get("position") + moves[event.key]);
      event.preventDefault();
    }
  };
  const show = () => {
    const p = model.get("position");
    slider.max = last();
    slider.value = p;
    caption.textContent = model.get("captions")[p];
    picture.innerHTML = model.get("frames")[p];
  };
  model.on("change:position", show);
  model.on("change:frames", show);
  el.append(bar, picture);
  show();
}
export default { render };
"""


class Stepper(anywidget.AnyWidget):
    """``Stepper(f)`` for a `Value` or `Tensor` (both passes are recorded) or a `Trace`."""

    _esm = _ESM
    frames = traitlets.List(traitlets.Unicode()).tag(sync=True)
    captions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    position = traitlets.Int(0).tag(sync=True)

    def __init__(self, root: Drawable, style: str = "light", position: int = 0) -> None:
        trace = root if isinstance(root, Trace) else record(root)
        if len(trace.nodes) > MAX_NODES:
            raise ValueError(
                f"the graph has {len(trace.nodes)} nodes; a stepper shows at most {MAX_NODES} "
                "(gradlab.draw(root, step=...) draws any one step)"
            )
        super().__init__(frames=frames(trace, style), captions=captions(trace))
        self.trace = trace
        self.seek(position)

    def seek(self, position: int) -> None:
        """Show the state after the first `position` steps (clamped to the trace)."""
        self.position = min(max(position, 0), len(self.frames) - 1)

    def step_forward(self) -> None:
        self.seek(self.position + 1)

    def step_back(self) -> None:
        self.seek(self.position - 1)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "image/svg+xml": self.frames[self.position]}, metadata


def captions(trace: Trace) -> list[str]:
    """What each position is, in the transport bar's words: "forward 2 of 5: q"."""
    names = node_names(trace)
    forward, backward = len(trace.nodes), len(trace.backward)
    said = ["start: nothing computed yet"]
    for index in range(len(trace)):
        step = trace.step(index)
        if isinstance(step, BackwardStep):
            said.append(f"backward {index - forward + 1} of {backward}: grad of {names[step.node]}")
        else:
            said.append(f"forward {index + 1} of {forward}: {names[step.node]}")
    return said
