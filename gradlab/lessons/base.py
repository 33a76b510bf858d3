"""What every part of a lesson's schema is made of: the strict base model and grids.

Kept apart from `gradlab.lessons.schema` so the scenes that live in modules of their own
(`gradlab.lessons.conv_scene`) share them without importing the schema.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from gradlab.lessons import limits

Grid = list[list[float]]
GridField = Annotated[
    list[Annotated[list[float], Field(min_length=1, max_length=limits.MAX_GRID_SIDE)]],
    Field(min_length=1, max_length=limits.MAX_GRID_SIDE),
]
"""A grid as a lesson writes it: at most MAX_GRID_SIDE rows of as many numbers."""
ConvStep = Annotated[int, Field(ge=1, le=limits.MAX_CONV_STEP)]


class Model(BaseModel):
    """Strict: unknown keys are errors, no string-to-number guessing, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def grid_or_preset(value: str | Grid, known: dict[str, Grid], what: str) -> str | Grid:
    if isinstance(value, str):
        if value not in known:
            raise ValueError(f"unknown {what} preset {value!r} (presets: {', '.join(known)})")
        return value
    if not value or not value[0]:
        raise ValueError(f"the {what} grid is empty")
    if any(len(row) != len(value[0]) for row in value):
        raise ValueError(f"the {what} grid's rows have different lengths")
    return value
