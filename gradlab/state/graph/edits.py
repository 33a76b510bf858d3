"""`EditMemory`: the learner's own versions of graph steps, kept while the app runs.

Change a lesson step's expression or inputs, go to another step and come back: your version is
there again, with the "Lesson's version" button to bring the lesson's back. Versions are kept
per lesson file and step.
"""

from __future__ import annotations

from pathlib import Path

from gradlab.state.graph.session import Edit, GraphSession

Key = tuple[Path, int]
"""A lesson file and a step's index in it."""


class EditMemory:
    """The learner's version of each graph step they changed."""

    def __init__(self) -> None:
        self._edits: dict[Key, Edit] = {}

    def attach(self, key: Key, session: GraphSession) -> None:
        """Show the learner's version of this step (if any) in `session`, and keep following it."""
        kept = self._edits.get(key)
        if kept is not None:
            session.restore(kept)

        def remember() -> None:
            if session.modified:
                self._edits[key] = session.edit
            else:
                self._edits.pop(key, None)

        session.edited.connect(remember)

    def get(self, key: Key) -> Edit | None:
        return self._edits.get(key)
