"""How numbers are written for people: short, exact where they are exact, never ``-0``."""

from __future__ import annotations

import math


def format_number(x: float, digits: int = 4) -> str:
    """Write `x` with up to `digits` significant digits: 3.0 -> "3", 0.7310586 -> "0.7311".

    Integers print without a decimal point, so the slides' numbers (q = 3, f = -12) read as in the
    slides; ``-0.0`` prints as ``0``; non-finite values print as ``inf``, ``-inf`` and ``nan``.
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return "0" if text in {"-0", "0"} else text
