"""The table scene of a lesson: plain rows, a model's layer-by-layer summary, or an expression
worked forward line by line, each computed once while the lesson is read."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from gradlab.lessons import limits, presets
from gradlab.lessons.base import Model
from gradlab.lessons.layers import BUDGET, Layer
from gradlab.lessons.worked import COLUMNS as WORKED_COLUMNS
from gradlab.lessons.worked import worked_rows

Cell = str | int | float


class ModelSummary(Model):
    """A network listed layer by layer; its table of output shapes and parameters is computed."""

    layers: list[Layer] = Field(min_length=1, max_length=limits.MAX_LAYERS, description=BUDGET)
    input_shape: list[Annotated[int, Field(ge=1, le=limits.MAX_INPUT_SIDE)]] = Field(
        min_length=1, max_length=3, description="One example's shape, e.g. [1, 32, 32]."
    )


class TableScene(Model):
    """A plain table of numbers or words, the layer-by-layer summary of a `model`, or an
    `expression` worked forward line by line."""

    columns: list[str] = Field(default=[], max_length=limits.MAX_TABLE_COLUMNS)
    rows: list[list[Cell]] = Field(default=[], max_length=limits.MAX_TABLE_ROWS)
    caption: str = ""
    model: ModelSummary | None = Field(
        default=None,
        description="Instead of columns and rows: a network whose output shapes and parameter "
        "counts gradlab.nn computes.",
    )
    expression: str = Field(
        default="",
        description="Instead of columns and rows: lines such as 'params = (k*k*c + 1) * f' "
        "(the graph lab's language), one row each with its formula, the numbers put in, and "
        "the value the engine computes. For counts and shapes, which have no gradient.",
    )
    inputs: dict[str, float] = Field(
        default={}, description="With an expression: one number per free name."
    )

    @model_validator(mode="after")
    def _row_lengths(self) -> Self:
        if self.expression or self.inputs:
            if self.model is not None or self.columns or self.rows:
                raise ValueError("give one of 'expression', 'model', or 'columns' and 'rows'")
            if not self.expression:
                raise ValueError("inputs: given without an expression")
            if self.expression.count(";") + self.expression.count("\n") >= limits.MAX_TABLE_ROWS:
                raise ValueError(f"expression: a table has at most {limits.MAX_TABLE_ROWS} rows")
            worked = [list[Cell](row) for row in worked_rows(self.expression, self.inputs)]
            # computed once while validating; the model is frozen from then on
            object.__setattr__(self, "columns", list(WORKED_COLUMNS))
            object.__setattr__(self, "rows", worked)
        if self.model is not None:
            if self.columns or self.rows:
                raise ValueError("give either 'model' or 'columns' and 'rows', not both")
            shape = tuple(self.model.input_shape)
            try:
                cost = limits.network_cost(self.model.layers, shape)
                limits.check_budget(cost, copies=limits.SUMMARY_COPIES, examples=1)
            except ValueError as err:
                raise ValueError(f"model: {err}") from None
            columns, rows = presets.model_table(self.model.layers, shape)
            # computed once while validating; the model is frozen from then on
            object.__setattr__(self, "columns", columns)
            object.__setattr__(self, "rows", rows)
        if not self.columns:
            raise ValueError("columns: a table needs at least one column")
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                count = len(self.columns)
                raise ValueError(f"rows: row {index + 1} has {len(row)} cells, not {count}")
        return self
