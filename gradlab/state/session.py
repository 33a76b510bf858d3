"""`Session`: which lessons exist, which one is open, which step is shown (Qt-free).

The GUI subscribes to `lesson_changed` and `step_changed` and asks `build_step()` for the state of
the step to show. A lesson that fails to load, whatever the reason, stays in the list with its
`LessonError`, so one broken file never hides the others. `scan_changes()` re-reads files whose
size or modification time changed and `apply_reloaded()` shows them, so authors see their edits
at once; `gradlab.state.reload.ReloadWatcher` runs the scan off the GUI thread, which a hung read
must never block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psygnal import Signal

from gradlab.lessons import (
    ConvScene,
    GraphScene,
    Lesson,
    LessonError,
    NetworkScene,
    PlotScene,
    Problem,
    Scene,
    Step,
    TableScene,
    TrainScene,
    discover,
    load_lesson,
)
from gradlab.state.conv.scrubber import ConvScrubber
from gradlab.state.graph.edits import EditMemory
from gradlab.state.graph.network_session import build_network
from gradlab.state.graph.plot import PlotState
from gradlab.state.graph.session import GraphSession
from gradlab.state.quiz import QuizState
from gradlab.state.train.run import TrainingRun

Stamp = tuple[int, int] | None


def _keep(scene: Any) -> Any:
    """Scenes whose lab has no state object yet are shown from the lesson's model itself."""
    return scene


SCENE_BUILDERS: dict[type[Any], Callable[[Any], object]] = {
    GraphScene: lambda scene: GraphSession(
        scene.expression, dict(scene.inputs), scene.cursor, backward=scene.backward
    ),
    PlotScene: PlotState,
    TableScene: _keep,
    NetworkScene: build_network,
    ConvScene: ConvScrubber.from_scene,
    TrainScene: TrainingRun.from_scene,
}
"""Scene model type -> the state object a view is built from; a new lab adds its entry here."""


def build_scene(scene: Scene) -> object:
    """The state object for one scene model."""
    return SCENE_BUILDERS[type(scene)](scene)


@dataclass(frozen=True)
class LessonEntry:
    """One lesson file as last read: the lesson, or the error that stopped it loading."""

    path: Path
    lesson: Lesson | None
    error: LessonError | None
    stamp: Stamp

    @property
    def title(self) -> str:
        return self.lesson.title if self.lesson is not None else self.path.stem

    @property
    def step_count(self) -> int:
        return len(self.lesson.steps) if self.lesson is not None else 0


@dataclass(frozen=True)
class StepState:
    """Everything a step shows: its text, its scene's state object and its quiz."""

    step: Step
    index: int
    scene: object | None
    quiz: QuizState | None


def read_entry(path: Path) -> LessonEntry:
    """Load one lesson file, keeping any error instead of raising it."""
    stamp = _stamp(path)
    try:
        return LessonEntry(path, load_lesson(path), None, stamp)
    except LessonError as err:
        return LessonEntry(path, None, err, stamp)
    except Exception as err:  # whatever is wrong with one file, the others still open
        problem = Problem(f"could not be loaded: {type(err).__name__}: {err}")
        return LessonEntry(path, None, LessonError(path, [problem]), stamp)


def read_folder(folder: Path) -> list[LessonEntry]:
    """Every lesson file of `folder`, each read with its error kept (touches no session: safe in
    another thread)."""
    return [read_entry(path) for path in discover(folder)]


def scan_changes(entries: Sequence[LessonEntry]) -> dict[int, LessonEntry]:
    """The entries whose files changed on disk, read again (index -> new entry)."""
    return {i: read_entry(e.path) for i, e in enumerate(entries) if _stamp(e.path) != e.stamp}


class Session:
    """The lessons on offer and the learner's place in them."""

    lesson_changed = Signal(int)
    """A lesson was opened (or the open one reloaded): its index."""
    step_changed = Signal(int)
    """The step to show changed (always follows lesson_changed too): the step index."""
    lessons_changed = Signal()
    """The list of lessons changed (another folder, or a file reloaded)."""

    def __init__(self, paths: Sequence[Path | str] = (), folder: Path | None = None) -> None:
        self.folder = folder
        self.entries: list[LessonEntry] = [read_entry(Path(p)) for p in paths]
        self.lesson_index = -1
        self.step_index = 0
        self.edits = EditMemory()
        """The learner's own versions of graph steps, brought back when they return."""

    @classmethod
    def from_folder(cls, folder: Path | str) -> Session:
        folder = Path(folder)
        return cls(discover(folder), folder)

    def set_folder(self, folder: Path | str, entries: list[LessonEntry] | None = None) -> None:
        """Offer the lessons of another folder instead (nothing is open afterwards): `entries`
        as `read_folder` read them, or read here."""
        self.folder = Path(folder)
        self.entries = read_folder(self.folder) if entries is None else entries
        self.lesson_index, self.step_index = -1, 0
        self.lessons_changed.emit()

    @property
    def entry(self) -> LessonEntry | None:
        return (
            self.entries[self.lesson_index] if 0 <= self.lesson_index < len(self.entries) else None
        )

    @property
    def step(self) -> Step | None:
        entry = self.entry
        if entry is None or entry.lesson is None:
            return None
        return entry.lesson.steps[self.step_index]

    def index_of(self, path: Path | str) -> int:
        """The index of the lesson read from `path`, or -1."""
        wanted = Path(path).resolve()
        return next((i for i, e in enumerate(self.entries) if e.path.resolve() == wanted), -1)

    def open_lesson(self, index: int, step: int = 0) -> None:
        """Open lesson `index` at `step` (clamped to its steps)."""
        if not 0 <= index < len(self.entries):
            raise IndexError(f"lesson {index} is outside 0..{len(self.entries) - 1}")
        self.lesson_index = index
        self.step_index = self._clamp(step)
        self.lesson_changed.emit(index)
        self.step_changed.emit(self.step_index)

    def go_to_step(self, index: int) -> None:
        clamped = self._clamp(index)
        if clamped != self.step_index:
            self.step_index = clamped
            self.step_changed.emit(clamped)

    def next_step(self) -> bool:
        """Go one step on; False (and nothing happens) at the last step."""
        before = self.step_index
        self.go_to_step(before + 1)
        return self.step_index != before

    def previous_step(self) -> bool:
        before = self.step_index
        self.go_to_step(before - 1)
        return self.step_index != before

    def coming_next(self) -> str:
        """What the lesson shows after the current step, in words (for a presenter view)."""
        entry, index = self.entry, self.step_index
        if entry is not None and entry.lesson is not None and index + 1 < entry.step_count:
            title = entry.lesson.steps[index + 1].title
            return f"step {index + 2} of {entry.step_count}" + (f": {title}" if title else "")
        following = self.lesson_index + 1
        if following < len(self.entries):
            return f"the next lesson, {self.entries[following].title}"
        return "nothing: this is the last step of the last lesson"

    def build_step(self) -> StepState | None:
        """Fresh state for the current step (None when no loadable lesson is open)."""
        step = self.step
        if step is None:
            return None
        scene = step.scene
        state = None if scene is None else build_scene(scene)
        entry = self.entry
        if isinstance(state, GraphSession) and entry is not None:
            self.edits.attach((entry.path, self.step_index), state)
        quiz = None if step.quiz is None else QuizState(step.quiz, step)
        return StepState(step, self.step_index, state, quiz)

    def reload_changed(self) -> list[int]:
        """Re-read lessons whose files changed on disk, here and now; returns their indices."""
        entries = tuple(self.entries)
        return self.apply_reloaded(entries, scan_changes(entries))

    def apply_reloaded(
        self, scanned: Sequence[LessonEntry], changed: Mapping[int, LessonEntry]
    ) -> list[int]:
        """Show what `scan_changes(scanned)` read; returns the indices reloaded.

        Entries replaced since `scanned` (another folder opened meanwhile) keep what they have.
        If the open lesson changed it is reopened at the same step (clamped), so the author sees
        the edit in place; a lesson that broke shows its error instead.
        """
        current = [
            i
            for i in changed
            if i < len(self.entries) and i < len(scanned) and self.entries[i] is scanned[i]
        ]
        for index in current:
            self.entries[index] = changed[index]
        if current:
            self.lessons_changed.emit()
        if self.lesson_index in current:
            self.open_lesson(self.lesson_index, self.step_index)
        return current

    def _clamp(self, step: int) -> int:
        entry = self.entry
        count = entry.step_count if entry is not None else 0
        return min(max(step, 0), max(count - 1, 0))


def _stamp(path: Path) -> Stamp:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)
