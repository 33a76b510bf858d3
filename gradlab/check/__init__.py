"""Verification: every derivative autograd computes, held against SymPy and finite differences."""

from gradlab.check.numeric import central_difference
from gradlab.check.report import CheckReport, EdgeCheck, LeafCheck, cross_check

__all__ = ["CheckReport", "EdgeCheck", "LeafCheck", "central_difference", "cross_check"]
