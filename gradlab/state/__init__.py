"""What the learner sees, Qt-free: cursors over recorded traces, windows and training runs.

Views in `gradlab.gui` take these objects in their constructor, subscribe to their psygnal
signals and redraw from them; nothing here imports Qt, so it is all testable headless.
"""
