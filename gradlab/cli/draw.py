"""`gradlab draw "q = x + y; f = q * z" --at x=-2 y=5 z=-4 --step backward:3 -o graph.svg`: a
figure of the graph at one step, as the graph lab shows it, for slides.

SVG needs nothing but gradlab; PNG and PDF are drawn by Qt (the gui extra). The format comes from
the output's suffix; ``--style projector`` draws thick lines and large type for a lecture hall.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast

from gradlab import draw
from gradlab.cli.trace import add_expression_arguments, values_at
from gradlab.drawing.figure import Format
from gradlab.drawing.style import PALETTES
from gradlab.engine.expr import ExpressionError, parse

FORMATS = ("svg", "png", "pdf")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "draw",
        help="draw an expression's graph at one step to an SVG, PNG or PDF file",
        description="Draw an expression's graph at one step, as the graph lab shows it.",
    )
    add_expression_arguments(parser)
    parser.add_argument(
        "--step",
        default="end",
        help="start, forward, backward:N, forward:N, end or a step count (default: end)",
    )
    parser.add_argument(
        "--style", choices=tuple(PALETTES), default="light", help="colours and sizes"
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="the file: .svg, .png or .pdf"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output: Path = args.output
    kind = output.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        return _fail(f"{output}: name the file .svg, .png or .pdf (got {output.suffix or 'none'})")
    step = int(args.step) if args.step.isdigit() else args.step
    try:
        program = parse(args.expression)
        built = program.build(values_at(args.at))
        drawing = draw(built.output, step, cast(Format, kind), style=args.style)
    except (ExpressionError, ValueError) as err:
        return _fail(str(err))
    except ImportError:
        return _fail(f"{kind.upper()} is drawn by Qt: pip install 'gradlab[gui]' (SVG needs no Qt)")
    try:
        drawing.save(output)
    except OSError as err:
        return _fail(f"cannot write {output}: {err.strerror or err}")
    print(f"wrote {output}")
    return 0


def _fail(message: str) -> int:
    print(f"gradlab draw: {message}", file=sys.stderr)
    return 2
