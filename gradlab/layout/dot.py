"""Layout by Graphviz: `dot -Tjson0` on PATH, else the `graphviz-pure` wheel's static binary.

Nodes come back with their outer box (a node and its lead together; `gradlab.layout.placement`
splits them).
Sizes are passed as fixed node sizes and fixed-size HTML tables for edge labels, so Graphviz
reserves exactly the room the GUI will draw in. Graphviz works in points with y pointing up; one
point is taken as one pixel and y is flipped into screen coordinates.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

from gradlab.layout.model import Box, EdgePath, GraphSpec, Layout, Point

MARGIN = 8.0
TIMEOUT_S = 5.0
"""Graphviz gives up after this long (then the built-in layout takes over in "auto")."""
BIG_GRAPH = 150
"""From this many nodes on, Graphviz's network simplex is capped (nslimit): a 600-node layout
drops from about 210 ms to 140 ms, and every placement constraint still holds."""
POINTS_PER_INCH = 72.0


class DotError(RuntimeError):
    """Graphviz failed or printed something unreadable."""


def find_dot() -> tuple[str, Path] | None:
    """The Graphviz executable to use as (engine name, path), or None when there is none."""
    system = shutil.which("dot")
    if system is not None:
        return ("dot", Path(system))
    scripts = Path(sysconfig.get_path("scripts")) / "graphviz-pure"
    if scripts.is_file():
        return ("graphviz-pure", scripts)
    found = shutil.which("graphviz-pure")
    return None if found is None else ("graphviz-pure", Path(found))


def dot_source(spec: GraphSpec, node_gap: float, rank_gap: float) -> str:
    """The spec as Graphviz input: fixed sizes, no visible text (the GUI draws the text)."""
    lines = [
        "digraph G {",
        f"  graph [rankdir=LR, nodesep={node_gap / POINTS_PER_INCH:.3f}, "
        f"ranksep={rank_gap / POINTS_PER_INCH:.3f}, margin=0];",
        '  node [fixedsize=true, label="", margin=0];',
        # edges leave on the right and arrive on the left, where an op sits in front of its value
        "  edge [arrowsize=0.8, tailport=e, headport=w];",
    ]
    for node in spec.nodes:
        width, height = (size / POINTS_PER_INCH for size in node.outer)
        lines.append(f'  "{node.key}" [shape=box, width={width:.4f}, height={height:.4f}];')
    for edge in spec.edges:
        label = ""
        if edge.label_width > 0 and edge.label_height > 0:
            table = (
                '<TABLE FIXEDSIZE="TRUE" BORDER="0" CELLBORDER="0" CELLSPACING="0" '
                f'CELLPADDING="0" WIDTH="{round(edge.label_width)}" '
                f'HEIGHT="{round(edge.label_height)}"><TR><TD></TD></TR></TABLE>'
            )
            label = f" [label=<{table}>]"
        lines.append(f'  "{edge.tail}" -> "{edge.head}"{label};')
    lines.append("}")
    return "\n".join(lines)


def dot_layout(
    spec: GraphSpec,
    executable: Path,
    engine: str,
    node_gap: float = 18.0,
    rank_gap: float = 28.0,
) -> Layout:
    """Run Graphviz on `spec` and read back a `Layout`; raises DotError on any failure."""
    source = dot_source(spec, node_gap, rank_gap)
    try:
        done = subprocess.run(
            [
                str(executable),
                "-Tjson0",
                *(["-Gnslimit=0.5"] if len(spec.nodes) >= BIG_GRAPH else []),
            ],
            input=source.encode(),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DotError(f"{engine} did not finish: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise DotError(f"{engine} failed ({done.returncode}): {message}")
    try:
        return _read_json0(json.loads(done.stdout), spec, engine)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise DotError(f"{engine} printed unreadable output: {error}") from error


def _read_json0(data: dict[str, Any], spec: GraphSpec, engine: str) -> Layout:
    _, _, right, top = (float(v) for v in data["bb"].split(","))

    def flip(x: float, y: float) -> Point:
        return (x + MARGIN, top - y + MARGIN)

    objects = data.get("objects", [])
    boxes: dict[str, Box] = {}
    for node, obj in zip(spec.nodes, objects, strict=True):
        if obj["name"] != node.key:
            raise ValueError(f"node order changed: {obj['name']} != {node.key}")
        cx, cy = flip(*_point(obj["pos"]))
        width, height = node.outer
        boxes[node.key] = Box(node.key, cx - width / 2, cy - height / 2, width, height)
    paths: list[EdgePath] = []
    for edge, record in zip(spec.edges, data.get("edges", []), strict=True):
        points, tip = _spline(record["pos"])
        label = flip(*_point(record["lp"])) if "lp" in record else None
        paths.append(
            EdgePath(
                edge.key,
                edge.tail,
                edge.head,
                tuple(flip(*p) for p in points),
                flip(*tip),
                label,
            )
        )
    return Layout(boxes, tuple(paths), right + 2 * MARGIN, top + 2 * MARGIN, engine)


def _point(text: str) -> Point:
    x, y = text.split(",")[:2]
    return (float(x), float(y))


def _spline(text: str) -> tuple[list[Point], Point]:
    """Graphviz's "e,tip p0 p1 ..." (first spline only) as (control points, arrow tip)."""
    first = text.split(";", maxsplit=1)[0].split()
    tip: Point | None = None
    points: list[Point] = []
    for token in first:
        if token.startswith("e,"):
            tip = _point(token[2:])
        elif not token.startswith("s,"):
            points.append(_point(token))
    return points, points[-1] if tip is None else tip
