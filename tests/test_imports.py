"""The layering promise, checked in a fresh interpreter: the engine loads numpy alone and nothing
below the GUI loads Qt; and no module imports itself through others."""

from __future__ import annotations

import subprocess
import sys

import grimp
import pytest


def loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_engine_needs_numpy_alone() -> None:
    loaded = loaded_after("gradlab.engine")
    assert "numpy" in loaded
    assert not loaded & {"sympy", "PySide6", "pyqtgraph", "pydantic", "psygnal", "graphviz"}


@pytest.mark.parametrize(
    "module", ["gradlab.check", "gradlab.state", "gradlab.cli.trace", "gradlab.drawing.figure"]
)
def test_nothing_below_the_gui_loads_qt(module: str) -> None:
    assert not loaded_after(module) & {"PySide6", "pyqtgraph", "shiboken6"}


def test_sympy_waits_for_the_first_check() -> None:
    # SymPy takes seconds to import; the window must not wait for it
    assert "sympy" not in loaded_after("gradlab.state.session")


def test_no_module_imports_itself_through_others() -> None:
    """No import circles in gradlab, imports under TYPE_CHECKING included: a circle forces duck
    checks and late binding (the op modules once needed Tensor's type and Tensor needed them)."""
    graph = grimp.build_graph("gradlab", cache_dir=None)
    circles = [
        " -> ".join([module, *(graph.find_shortest_chain(imported, module) or ())])
        for module in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if graph.chain_exists(imported, module)
    ]
    assert circles == []
