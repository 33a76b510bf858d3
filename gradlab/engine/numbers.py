"""How numbers are written for people: short, exact where they are exact, never ``-0``."""

from __future__ import annotations

import math

WHOLE_LIMIT = 1e15
"""Whole numbers below this print in full (every digit of a float64 integer is exact)."""


def format_number(x: float, digits: int = 4, *, grouping: bool = True) -> str:
    """Write `x` with up to `digits` significant digits: 3.0 -> "3", 0.7310586 -> "0.7311".

    Integers print without a decimal point, so the slides' numbers (q = 3, f = -12) read as in the
    slides, and whole numbers print in full with thousands separators (a parameter count of
    61706.0 -> "61,706", not "6.171e4"); ``-0.0`` prints as ``0``; non-finite values print as
    ``inf``, ``-inf`` and ``nan``. Without `grouping` whole numbers have no separators: where
    they stand beside decimals (a graph's values) "6,002" could be read as 6.002.
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x.is_integer() and abs(x) < WHOLE_LIMIT:
        return f"{int(x):,}" if grouping else str(int(x))
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return "0" if text in {"-0", "0"} else text
