"""Exports that load on first use, so importing a package costs nothing until a name is used.

`gradlab` and `gradlab.nn` export PyTorch's names from many modules. Importing them eagerly would
load NumPy the moment anything under them is imported, and an entry point must choose OpenBLAS's
thread count before NumPy loads (`gradlab.nn.blas`); so each package maps its names to the module
defining them (PEP 562), and lists the same imports under TYPE_CHECKING for type checkers.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for `package`: ``names[name]`` is the module that defines
    `name`, or the module `name` is itself when it names the submodule ``package.name``."""

    def get(name: str) -> Any:
        source = names.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(source)
        value = module if source == f"{package}.{name}" else getattr(module, name)
        setattr(sys.modules[package], name, value)  # later uses skip this function
        return value

    def listed() -> list[str]:
        return sorted({*vars(sys.modules[package]), *names})

    return get, listed
