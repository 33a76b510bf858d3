"""Where the shipped data files live: the `resources/` folder beside the `gradlab` package."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path:
    """The path of a shipped file, or FileNotFoundError saying where it was expected."""
    path = RESOURCES / name
    if not path.is_file():
        raise FileNotFoundError(
            f"missing data file {name!r}: expected it at {path} (it ships with the gradlab "
            "repository in resources/; gradlab never downloads data)"
        )
    return path
