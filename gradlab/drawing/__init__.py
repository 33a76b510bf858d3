"""Figures of graphs without Qt: SVG drawn like the graph lab, for notebooks, files and slides.

`figure.render` turns a `Value`, `Tensor` or `Trace` into SVG at any step (``gradlab.draw`` and
``gradlab draw`` wrap it), `figure.inline_svg` is what a notebook shows, `widget.Stepper` steps
through a graph in a notebook (the optional `notebook` extra), and `style` holds the palettes and
sizes the app's Qt views share. Imports only point down: drawing → layout → engine.
"""
