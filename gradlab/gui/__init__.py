"""The only Qt in gradlab (PySide6 + pyqtgraph): the app shell (main window, transport, themes,
presentation mode, lesson list, step panel) and one sub-package per lab (`graph`, `conv`, `train`).

Views take a Qt-free state object from `gradlab.state` in their constructor, subscribe to its
psygnal signals and redraw from it; no math lives here.
"""
