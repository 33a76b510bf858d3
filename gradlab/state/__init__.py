"""What the learner sees, Qt-free: the lesson `Session`, the `Cursor` every scene steps with, and
quizzes; one sub-package per lab (`graph`, `conv`, `train`).

Views in `gradlab.gui` take these objects in their constructor, subscribe to their psygnal
signals and redraw from them; nothing here imports Qt, so it is all testable headless.
"""
