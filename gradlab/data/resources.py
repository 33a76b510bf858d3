"""Where the shipped files live: lessons/ and resources/, found by `bundled` alone.

In the repository both folders sit beside the `gradlab` package (the guide and the lessons'
``#:schema`` lines refer to them there); a wheel carries them inside the package, as
gradlab/_bundled/lessons and gradlab/_bundled/resources (pyproject.toml's force-include). An
installed package is looked in first, then the source tree, so an editable install and a plain
checkout read the repository's folders and `pip install .`, a wheel or pipx read their own copy.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

SOURCE_TREE = Path(__file__).resolve().parents[2]
"""The folder holding the `gradlab` package: the repository root in a checkout."""

Bundle = Literal["lessons", "resources"]


def bundled(name: Bundle) -> Path:
    """The shipped folder `name`: inside the installed package if it is there, else the source
    tree's. The one place either folder is looked for."""
    packaged = files("gradlab") / "_bundled" / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged.resolve()
    return SOURCE_TREE / name


RESOURCES = bundled("resources")


def resource_path(name: str) -> Path:
    """The path of a shipped file, or FileNotFoundError saying where it was expected."""
    path = RESOURCES / name
    if not path.is_file():
        raise FileNotFoundError(
            f"missing data file {name!r}: expected it at {path} (it ships with gradlab in "
            "resources/; gradlab never downloads data)"
        )
    return path
