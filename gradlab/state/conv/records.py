"""One window position of the conv lab as a record: the cells it reads, products, sum, readout.

The cells come from `gradlab.nn.windows.window`, one output cell at a time, so the lab can jump to
any position without listing every window first (a 28×28 input with a 5×5 kernel has 576 windows
of 25 cells: about 40 ms to list, too slow to redo on every control change).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gradlab.engine.numbers import format_number
from gradlab.nn.windows import Cell


@dataclass(frozen=True)
class Term:
    """One input cell under the window (unpadded coordinates) and the weight it meets."""

    channel: int
    cell: Cell
    x: float
    w: float | None
    """The kernel weight (None when pooling: a pool has no weights)."""

    @property
    def product(self) -> float:
        return self.x * (1.0 if self.w is None else self.w)


@dataclass(frozen=True)
class WindowRecord:
    """Output cell (channel, row, col) and how its number came about."""

    index: int
    channel: int
    """The filter (conv) or the pooled input channel (pool) of the output map."""
    row: int
    col: int
    terms: tuple[Term, ...]
    value: float
    """The output cell as the engine computed it (F.conv2d / F.max_pool2d / F.avg_pool2d)."""
    bias: float = 0.0
    winner: int | None = None
    """Max pooling: the index in `terms` of the (first) largest cell, which gets the gradient."""
    upstream: float | None = None
    """Backward mode: dL/d(this output cell)."""

    def sums(self) -> dict[int, float]:
        """Per input channel, the sum of the products under the window."""
        totals: dict[int, float] = {}
        for term in self.terms:
            totals[term.channel] = totals.get(term.channel, 0.0) + term.product
        return totals


def num(x: float) -> str:
    """A number as it reads inside a sum: negatives in parentheses, ``1·(-1)``."""
    text = format_number(x, 3)
    return f"({text})" if text.startswith("-") else text


LONG_SUM = 9
"""Sums with more products than a 3×3 kernel list only the products that are not 0."""


def _products(terms: tuple[Term, ...]) -> str:
    shown = terms if len(terms) <= LONG_SUM else tuple(t for t in terms if t.product != 0.0)
    text = " + ".join(f"{num(t.x)}·{num(t.w if t.w is not None else 1.0)}" for t in shown)
    hidden = len(terms) - len(shown)
    if hidden:
        text = f"{text or '0'} (+ {hidden} products that are 0)"
    return text


def channel_number(channel: int) -> str:
    return f"channel {channel + 1}"


def forward_readout(
    record: WindowRecord, name: Callable[[int], str] = channel_number, shown: int | None = None
) -> str:
    """``1·(-1) + 0·0 + 1·1 + ... = 2``; with several channels one line per channel (called by
    `name`: "channel 1", or "red"), then the sum across channels (plus bias). `shown`: only that
    channel's products ("red (shown): ..."), the others only by their sums, named in the line
    that adds them up ("red (-8) + green 17 + ...")."""
    value = format_number(record.value)
    bias = f" + {num(record.bias)}" if record.bias != 0.0 else ""
    sums = record.sums()
    if len(sums) == 1:
        return f"{_products(record.terms)}{bias} = {value}"
    lines = []
    for channel, total in sums.items():
        terms = tuple(t for t in record.terms if t.channel == channel)
        if shown is None or channel == shown:
            mark = "" if shown is None else " (shown)"
            lines.append(f"{name(channel)}{mark}: {_products(terms)} = {format_number(total)}")
    named = {c: f"{name(c)} " if shown is not None else "" for c in sums}
    across = " + ".join(f"{named[c]}{num(total)}" for c, total in sums.items())
    lines.append(f"sum across channels: {across}{bias} = {value}")
    return "\n".join(lines)


def pool_readout(record: WindowRecord, kind: str) -> str:
    """``max(12, 20, 8, 12) = 20`` or ``(12 + 20 + 8 + 12) / 4 = 13``."""
    values = [format_number(t.x) for t in record.terms]
    if kind == "pool-max":
        return f"max({', '.join(values)}) = {format_number(record.value)}"
    return f"({' + '.join(num(t.x) for t in record.terms)}) / {len(values)} = " + format_number(
        record.value
    )


def pool_backward_readout(record: WindowRecord, kind: str) -> str:
    """The pooled value, then where this window sends its upstream gradient g: all of it to the
    largest cell (max), or g / area to every cell (average)."""
    g = record.upstream if record.upstream is not None else 0.0
    where = f"({record.row}, {record.col})"
    lines = [f"{pool_readout(record, kind)}, and g = ∂L/∂y{where} = {format_number(g)}"]
    count = len(record.terms)
    if kind == "pool-max" and record.winner is not None:
        win = record.terms[record.winner]
        at = f"({win.cell.row}, {win.cell.col})"
        others = f"the other {count - 1} cells get 0" if count > 1 else "it is the only cell"
        lines.append(
            f"the largest, {format_number(win.x)} at {at}, gets all of g: "
            f"∂L/∂X{at} += {format_number(g)}; {others}"
        )
    else:
        share = format_number(g / count)
        lines.append(
            f"the {count} cells share g equally: each gets g / {count} = {share} (∂L/∂X += "
            f"{share} under the window)"
        )
    return "\n".join(lines)


def _matrix(values: list[float], columns: int) -> str:
    """Numbers as ``[0 1 0; 0 1 0; 0 0 0]``: rows separated by semicolons."""
    rows = [values[i : i + columns] for i in range(0, len(values), columns)]
    return "[" + "; ".join(" ".join(format_number(v, 3) for v in row) for row in rows) + "]"


def backward_readout(record: WindowRecord) -> str:
    """What this window adds to dL/dW (its input patch × g) and to dL/dX (the kernel × g)."""
    g = record.upstream if record.upstream is not None else 0.0
    columns = 1 + max(t.cell.kernel_col for t in record.terms)
    where = f"filter {record.channel + 1}, cell ({record.row}, {record.col})"
    lines = [f"g = ∂L/∂y at {where} = {format_number(g)}"]
    for channel in sorted({t.channel for t in record.terms}):
        terms = [t for t in record.terms if t.channel == channel]
        window = _matrix([t.x for t in terms], columns)
        kernel = _matrix([0.0 if t.w is None else t.w for t in terms], columns)
        where = f" (channel {channel + 1})" if len(record.sums()) > 1 else ""
        lines.append(f"∂L/∂W{where} += g · window = {num(g)}·{window}")
        lines.append(f"∂L/∂X{where} under the window += g · kernel = {num(g)}·{kernel}")
    return "\n".join(lines)
