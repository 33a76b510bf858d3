"""A `Frame` drawn as SVG text, part for part as the graph lab's items paint it
(`gradlab.gui.graph.items`): value boxes (name | data, grad), op ellipses, spline edges with
arrowheads, and edge labels with the local derivative and the contribution sent back.

Plain SVG 1.1 that browsers, Jupyter, GitHub and Qt's own SVG renderer all draw: no CSS, no
``dominant-baseline`` (baselines are placed from the font's ascent), text left as text.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from gradlab.drawing import glyphs, style
from gradlab.drawing.frame import Frame, Mark
from gradlab.drawing.sizer import FigureSizer
from gradlab.drawing.style import Palette
from gradlab.layout import Box, EdgePath, Layout, edge_key, edge_records, labels, op_key, value_key
from gradlab.layout import result_key as result_edge

FONTS = f"{style.FONT_FAMILY}, Verdana, Arial, sans-serif"


def number(x: float) -> str:
    """A coordinate, short: 12.5, 3, -0.25."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class _Canvas:
    """Collects SVG elements drawn with one palette and its sizes."""

    def __init__(self, palette: Palette, sizer: FigureSizer) -> None:
        self.palette = palette
        self.sizer = sizer
        self.parts: list[str] = []

    def color(self, name: str) -> str:
        value: str = getattr(self.palette, name)
        return value

    def stroke(self, color: str, mark: Mark, width: float = 1.0) -> str:
        """The stroke attributes of a part in state `mark`, as `GraphStyle.pen` makes them."""
        active = mark is Mark.ACTIVE
        line = self.palette.line_width * width * (style.ACTIVE_LINE if active else 1.0)
        name = "accent" if active else "muted" if mark is Mark.PENDING else color
        attrs = f'stroke="{self.color(name)}" stroke-width="{number(line)}"'
        if mark is Mark.PENDING:  # Qt's dash line: 4 widths on, 2 off
            attrs += f' stroke-dasharray="{number(4 * line)},{number(2 * line)}"'
        return attrs

    def text(
        self,
        content: str,
        x: float,
        baseline: float,
        color: str,
        *,
        anchor: str = "start",
        px: float | None = None,
        bold: bool = False,
        italic: bool = False,
    ) -> None:
        attrs = f'x="{number(x)}" y="{number(baseline)}" fill="{self.color(color)}"'
        attrs += f' text-anchor="{anchor}"' if anchor != "start" else ""
        attrs += f' font-size="{number(px)}"' if px is not None else ""
        attrs += ' font-weight="bold"' if bold else ""
        attrs += ' font-style="italic"' if italic else ""
        self.parts.append(f"<text {attrs}>{escape(content)}</text>")

    def baseline(self, top: float, height: float, px: float) -> float:
        """The baseline that centres one line of `px`-pixel text in a band, as Qt's AlignVCenter."""
        return top + (height - FigureSizer.line_height(px)) / 2 + glyphs.ASCENT * px


def render_svg(frame: Frame, layout: Layout, palette: Palette, sizer: FigureSizer) -> str:
    """The whole figure as an SVG document."""
    canvas = _Canvas(palette, sizer)
    trace = frame.trace
    names = labels.node_names(trace)
    for path in layout.edges:
        _edge(canvas, frame, path)
    for node in trace.nodes:
        title = labels.title_text(node, names[node.id])
        _value(canvas, frame, node.id, layout.boxes[value_key(node.id)], title)
        if not node.is_leaf:
            _op(canvas, frame, node.id, layout.boxes[op_key(node.id)], labels.op_text(node))
    records = edge_records(trace)
    for (i, k), (local, sent) in (frame.edges or {}).items():
        center = layout.edge(edge_key(i, k)).label
        if center is None:
            continue
        record = records.get((i, k))
        size = (
            sizer.edge_label(record.local, record.contribution)
            if record is not None
            else sizer.edge_label(None, None)
        )
        _edge_label(canvas, edge_key(i, k), frame.op_mark(i), center, size, (local, sent))
    margin = 2 * palette.line_width + 2
    width, height = layout.width + 2 * margin, layout.height + 2 * margin
    box = f"{number(-margin)} {number(-margin)} {number(width)} {number(height)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{number(width)}" '
        f'height="{number(height)}" viewBox="{box}">'
    )
    return "\n".join(
        [
            head,
            "<title>gradlab graph</title>",
            f'<rect x="{number(-margin)}" y="{number(-margin)}" width="{number(width)}" '
            f'height="{number(height)}" fill="{palette.window}"/>',
            f'<g font-family={quoteattr(FONTS)} font-size="{number(sizer.px)}">',
            *canvas.parts,
            "</g>",
            "</svg>",
            "",
        ]
    )


def _value(canvas: _Canvas, frame: Frame, i: int, box: Box, title: str) -> None:
    sizer = canvas.sizer
    value_mark, grad_mark = frame.value_marks(i)
    active = Mark.ACTIVE in (value_mark, grad_mark)
    node_mark = Mark.ACTIVE if active else value_mark
    radius = number(sizer.pad * style.CORNER)
    fill = canvas.color("highlight_fill" if active else "node_fill")
    canvas.parts.append(
        f'<g id="{value_key(i)}"><rect x="{number(box.x)}" y="{number(box.y)}" '
        f'width="{number(box.width)}" height="{number(box.height)}" rx="{radius}" '
        f'fill="{fill}" {canvas.stroke("node_border", node_mark)}/>'
    )
    split = box.x + sizer.title_split(title)
    canvas.parts.append(
        f'<line x1="{number(split)}" y1="{number(box.y)}" x2="{number(split)}" '
        f'y2="{number(box.y + box.height)}" {canvas.stroke("node_border", node_mark)}/>'
    )
    pending = value_mark is Mark.PENDING
    middle = (box.x + split) / 2
    baseline = canvas.baseline(box.y, box.height, sizer.px)
    canvas.text(title, middle, baseline, "muted" if pending else "text", anchor="middle", bold=True)
    left = split + sizer.pad
    row = box.y + sizer.pad
    value_text = labels.value_text(frame.values[i])
    baseline = canvas.baseline(row, sizer.line, sizer.px)
    canvas.text(value_text, left, baseline, "muted" if pending else "value")
    row += sizer.line + 0.2 * sizer.pad
    grad_pending = grad_mark is Mark.PENDING
    canvas.text(
        labels.grad_text(frame.grads[i]),
        left,
        canvas.baseline(row, sizer.line, sizer.px),
        "muted" if grad_pending else "grad",
        italic=frame.partial(i),
    )
    canvas.parts.append("</g>")


def _op(canvas: _Canvas, frame: Frame, i: int, box: Box, glyph: str) -> None:
    mark = frame.op_mark(i)
    fill = canvas.color("highlight_fill" if mark is Mark.ACTIVE else "op_fill")
    cx, cy = box.center
    canvas.parts.append(
        f'<g id="{op_key(i)}"><ellipse cx="{number(cx)}" cy="{number(cy)}" '
        f'rx="{number(box.width / 2)}" ry="{number(box.height / 2)}" fill="{fill}" '
        f"{canvas.stroke('node_border', mark)}/>"
    )
    px = canvas.sizer.op_px
    canvas.text(
        glyph,
        cx,
        canvas.baseline(box.y, box.height, px),
        "muted" if mark is Mark.PENDING else "text",
        anchor="middle",
        px=px,
        bold=True,
    )
    canvas.parts.append("</g>")


def _edge(canvas: _Canvas, frame: Frame, path: EdgePath) -> None:
    head = int(path.key[1:].split(".")[0])  # e3.1 and r3 both end at node 3
    if path.key == result_edge(head):
        mark, backward = frame.result_mark(head), False
    else:
        mark, backward = frame.op_mark(head), frame.final[head]
    stroke = canvas.stroke("grad" if backward else "edge", mark)
    points = path.points
    d = f"M{number(points[0][0])},{number(points[0][1])}"
    for i in range(1, len(points) - 2, 3):
        d += " C" + " ".join(f"{number(x)},{number(y)}" for x, y in points[i : i + 3])
    end, tip = points[-1], path.tip
    d += f" L{number(tip[0])},{number(tip[1])}"
    canvas.parts.append(f'<g id="{path.key}"><path d="{d}" fill="none" {stroke}/>')
    color = stroke.split('"')[1]
    length = style.ARROW * max(1.0, canvas.palette.line_width / 1.5)
    canvas.parts.append(
        f'<polygon points="{_arrowhead(end, tip, length)}" fill="{color}" stroke="none"/></g>'
    )


def _arrowhead(start: tuple[float, float], tip: tuple[float, float], length: float) -> str:
    dx, dy = tip[0] - start[0], tip[1] - start[1]
    norm = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    ux, uy = dx / norm, dy / norm
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    sx, sy = -uy * length * 0.45, ux * length * 0.45
    corners = [tip, (bx + sx, by + sy), (bx - sx, by - sy)]
    return " ".join(f"{number(x)},{number(y)}" for x, y in corners)


def _edge_label(
    canvas: _Canvas,
    key: str,
    mark: Mark,
    center: tuple[float, float],
    size: tuple[float, float],
    texts: tuple[str, str],
) -> None:
    sizer = canvas.sizer
    local, sent = texts
    width, height = size
    x, y = center[0] - width / 2, center[1] - height / 2
    active = mark is Mark.ACTIVE
    fill = canvas.color("highlight_fill" if active else "window")
    stroke = canvas.stroke("edge", Mark.ACTIVE, 0.6) if active else 'stroke="none"'
    corner = number(style.LABEL_CORNER)
    canvas.parts.append(
        f'<g id="{key}-label"><rect x="{number(x)}" y="{number(y)}" width="{number(width)}" '
        f'height="{number(height)}" rx="{corner}" fill="{fill}" '
        f'fill-opacity="{style.LABEL_OPACITY}" {stroke}/>'
    )
    top = y + 0.3 * sizer.pad
    middle = center[0]
    color = "muted" if mark is Mark.PENDING else "value"
    canvas.text(local, middle, canvas.baseline(top, sizer.line, sizer.px), color, anchor="middle")
    if sent:
        baseline = canvas.baseline(top + sizer.line, sizer.line, sizer.px)
        canvas.text(sent, middle, baseline, "grad", anchor="middle")
    canvas.parts.append("</g>")
