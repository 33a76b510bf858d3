"""The layering promise, checked in a fresh interpreter: the engine loads numpy alone and nothing
below the GUI loads Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest


def loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_engine_needs_numpy_alone() -> None:
    loaded = loaded_after("gradlab.engine")
    assert "numpy" in loaded
    assert not loaded & {"sympy", "PySide6", "pyqtgraph", "pydantic", "psygnal", "graphviz"}


@pytest.mark.parametrize("module", ["gradlab.check", "gradlab.state", "gradlab.cli.trace"])
def test_nothing_below_the_gui_loads_qt(module: str) -> None:
    assert not loaded_after(module) & {"PySide6", "pyqtgraph", "shiboken6"}


def test_sympy_waits_for_the_first_check() -> None:
    # SymPy takes seconds to import; the window must not wait for it
    assert "sympy" not in loaded_after("gradlab.state.session")
