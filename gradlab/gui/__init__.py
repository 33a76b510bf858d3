"""The only Qt in gradlab (PySide6 + pyqtgraph): the app, the main window, views and themes.

Views take a Qt-free state object from `gradlab.state` in their constructor, subscribe to its
psygnal signals and redraw from it; no math lives here.
"""
