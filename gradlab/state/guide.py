"""`Guide`: a guided step's actions, each ticked once it happens in the step's scene (Qt-free).

The guide watches the scene's state object (the graph lab's session and its player, the conv
lab's scrubber, a training run) through their signals and checks every action that is not done
yet against what the state shows now. An action stays done once done: the learner did it, even
if they move on and undo it. What the state shows when the step opens counts too, so an author
asking for what is already there (a graph opened at its end, asked to be stepped backward) sees
it ticked at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from psygnal import Signal

from gradlab.lessons.actions import Action
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.graph.session import GraphSession
from gradlab.state.train.compare import RunMemory
from gradlab.state.train.run import TrainingRun

SETTING_NAMES = {
    "stride": "the stride",
    "padding": "the padding",
    "dilation": "the dilation",
    "epochs": "Epochs",
}
"""How a set action names a lab's setting (a graph input goes by its own name)."""


def describe(action: Action) -> str:
    """The line a step shows for `action`: the lesson's own text, or one written from it."""
    if action.text:
        return action.text
    value = "" if action.value is None else f"{action.value:g}"
    return {
        "play": "Press play (P) to train",
        "set": f"Set {SETTING_NAMES.get(action.name, action.name)} to {value}",
        "forward": f"Step the forward pass to {action.node}",
        "backward": f"Step the backward pass to {action.node}",
        "draw": "Write a digit in the Draw tab",
        "compare": f"Have {action.runs} runs on the plots to compare",
    }[action.do]


class Guide:
    """The actions of one step and which of them are done."""

    changed = Signal()
    """An action was just done."""

    def __init__(self, actions: Sequence[Action], scene: object) -> None:
        self.actions = tuple(actions)
        self.lines = tuple(describe(action) for action in self.actions)
        self.done = [False] * len(self.actions)
        self._scene = scene
        self._played = False
        self._drawn = False
        if isinstance(scene, GraphSession):
            scene.player.changed.connect(self._on_change)
            scene.rebuilt.connect(self._on_change)
        elif isinstance(scene, ConvScrubber):
            scene.rebuilt.connect(self._on_change)
        elif isinstance(scene, TrainingRun):
            scene.played.connect(self._on_played)
            scene.drawn.connect(self._on_drawn)
            scene.adjusted.connect(self._on_change)
            scene.advanced.connect(self._on_change)
            scene.cleared.connect(self._on_change)
        self._check()

    @property
    def finished(self) -> bool:
        """Every action is done."""
        return all(self.done)

    def _on_played(self) -> None:
        self._played = True
        self._check()

    def _on_drawn(self) -> None:
        self._drawn = True
        self._check()

    def _on_change(self, *_: object) -> None:
        self._check()

    def _check(self) -> None:
        newly = False
        for i, action in enumerate(self.actions):
            if not self.done[i] and self._happened(action):
                self.done[i] = newly = True
        if newly:
            self.changed.emit()

    def _happened(self, action: Action) -> bool:
        scene = self._scene
        if isinstance(scene, GraphSession):
            return _graph_done(action, scene)
        if isinstance(scene, ConvScrubber):
            return action.do == "set" and _same(_conv_value(scene, action.name), action.value)
        if isinstance(scene, TrainingRun):
            return self._run_done(action, scene)
        return False

    def _run_done(self, action: Action, run: TrainingRun) -> bool:
        if action.do == "play":
            return self._played
        if action.do == "draw":
            return self._drawn
        if action.do == "set":
            return _same(run.settings.epochs, action.value)
        if action.do == "compare":
            return run.steps_done > 0 and _compared(run.memory, run) >= action.runs
        return False


def _compared(memory: RunMemory, run: TrainingRun) -> int:
    """Runs on the plots together: the run and those kept beside it."""
    return 1 + len(memory.beside(run.settings))


def _same(current: float | None, wanted: float | None) -> bool:
    if current is None or wanted is None:
        return False
    return math.isclose(current, wanted, rel_tol=1e-9, abs_tol=1e-12)


def _conv_value(scrubber: ConvScrubber, name: str) -> float | None:
    settings = scrubber.settings
    if name == "stride":
        return settings.pool_stride if settings.pooling else settings.stride
    if name in ("padding", "dilation"):
        value: int = getattr(settings, name)
        return value
    return None


def _graph_done(action: Action, session: GraphSession) -> bool:
    if action.do == "set":
        value = session.inputs.get(action.name)
        return isinstance(value, float | int) and _same(float(value), action.value)
    trace, position = session.trace, session.player.position
    try:
        node = trace.node(action.node).id
    except KeyError:
        return False  # the learner's own graph has no such node (any more)
    if action.do == "forward":
        return position > node
    if action.do == "backward":
        order = [step.node for step in trace.backward]
        return node in order and position > len(trace.nodes) + order.index(node)
    return False
