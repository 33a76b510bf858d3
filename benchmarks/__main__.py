"""Run every benchmark: each module in this package that defines ``main()``, in name order."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


def run_all() -> None:
    folder = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        main = getattr(module, "main", None)
        if callable(main):
            print(f"== benchmarks.{info.name} ==")
            main()
            print()


if __name__ == "__main__":
    run_all()
