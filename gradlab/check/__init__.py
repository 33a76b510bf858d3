"""Verification: every derivative autograd computes, held against SymPy and finite differences."""

from gradlab.check.numeric import central_difference
from gradlab.check.report import check_trace, cross_check
from gradlab.check.results import CheckReport, EdgeCheck, LeafCheck

__all__ = [
    "CheckReport",
    "EdgeCheck",
    "LeafCheck",
    "central_difference",
    "check_trace",
    "cross_check",
]
