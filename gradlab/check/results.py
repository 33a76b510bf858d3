"""What a check finds: per input, the derivative three ways; per edge, the local derivative."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

FORMULA_LIMIT = 4_000
"""A derivative's formula is kept up to this many characters (the tooltip shows them)."""
SHORT_FORMULA = 60
"""The derivative column shows this many characters of a longer formula."""


@dataclass(frozen=True)
class EdgeCheck:
    """The local derivative on one edge: SymPy's formula and value against the stored number."""

    node: int
    parent: int
    """The parent's position among the node's parents (0 or 1)."""
    formula: str
    symbolic: float
    autograd: float
    agree: bool


@dataclass(frozen=True)
class LeafCheck:
    """d root / d leaf three ways."""

    label: str
    autograd: float
    symbolic: float
    numeric: float
    formula: str
    """SymPy's derivative of the whole expression (at most `FORMULA_LIMIT` characters); empty
    when the expression was too large to write out."""
    agree: bool
    note: str = ""
    symbolic_equal: bool | None = None
    """Whether SymPy's derivative of the whole expression has the value the chain rule over
    SymPy's local derivatives gives; None where the expression was too large to differentiate
    whole."""

    @property
    def short_formula(self) -> str:
        """The formula as a table cell shows it: whole when short, else its start."""
        if len(self.formula) <= SHORT_FORMULA:
            return self.formula
        return self.formula[: SHORT_FORMULA - 1].rstrip() + "…"


@dataclass(frozen=True)
class CheckReport:
    leaves: tuple[LeafCheck, ...]
    edges: Mapping[tuple[int, int], EdgeCheck]
    problem: str = ""
    """Why the derivatives could not be compared (a value is inf or NaN), or empty."""
    notes: tuple[str, ...] = ()
    """What else the learner should know (the SymPy column was skipped on a huge graph)."""

    def edge(self, node: int, parent: int) -> EdgeCheck:
        return self.edges[(node, parent)]

    def leaf(self, label: str) -> LeafCheck:
        return next(leaf for leaf in self.leaves if leaf.label == label)

    @property
    def ok(self) -> bool:
        return (
            not self.problem
            and all(leaf.agree for leaf in self.leaves)
            and all(e.agree for e in self.edges.values())
        )


def close(a: float, b: float, tolerance: float) -> bool:
    """Equal within a relative `tolerance` (infinities only to themselves)."""
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance * 1e-3)


def capped(text: str, limit: int = FORMULA_LIMIT) -> str:
    """`text`, cut at `limit` characters with a note of its full length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} … ({len(text):,} characters in all)"
