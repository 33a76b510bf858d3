"""Figures in tests: the chain-rule graph, and reading an SVG figure's texts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gradlab.engine import Value
from gradlab.engine.expr import parse

SVG = "{http://www.w3.org/2000/svg}"


def chain_rule() -> Value:
    """f = (x + y) z at x = -2, y = 5, z = -4, with q = x + y, as lesson 02 shows it."""
    return parse("q = x + y; f = q * z").build({"x": -2, "y": 5, "z": -4}).output


def texts(svg: str) -> list[str]:
    """Every text drawn, in document order (the SVG must parse as XML)."""
    return [element.text or "" for element in ET.fromstring(svg).iter(f"{SVG}text")]


def node_texts(svg: str) -> dict[str, list[str]]:
    """The texts of each value box, by its id (v0, v1, ...)."""
    root = ET.fromstring(svg)
    return {
        group.get("id", ""): [t.text or "" for t in group.iter(f"{SVG}text")]
        for group in root.iter(f"{SVG}g")
        if group.get("id", "").startswith("v")
    }
