"""The op vocabulary shared by scalars (`Value`) and tensors (`Tensor`).

Each op has a stable key, the symbol a learner types (ASCII), the glyph the app draws on the op
node, and a formula template that names its operands: ``{0}``, ``{1}`` are the parents' labels and
``{arg}`` the op's numeric argument (an exponent, a slope).
"""

from __future__ import annotations

from enum import Enum

from gradlab.engine.numbers import format_number


class Op(Enum):
    """What produced a graph node. `LEAF` nodes are inputs and constants."""

    key: str
    symbol: str
    glyph: str
    template: str

    def __init__(self, key: str, symbol: str, glyph: str, template: str) -> None:
        self.key = key
        self.symbol = symbol
        self.glyph = glyph
        self.template = template

    LEAF = ("leaf", "", "", "{label}")
    GROUP = ("group", "", "▦", "{label}")
    """Many nodes shown as one (a layer, a neuron): a big graph's summary, opened on demand."""
    # scalar and elementwise arithmetic
    ADD = ("add", "+", "+", "{0} + {1}")
    SUB = ("sub", "-", "−", "{0} − {1}")
    MUL = ("mul", "*", "×", "{0} · {1}")
    DIV = ("div", "/", "÷", "{0} / {1}")
    POW = ("pow", "**", "xⁿ", "{0}^{arg}")
    NEG = ("neg", "-", "−", "−{0}")
    # elementwise functions
    EXP = ("exp", "exp", "exp", "exp({0})")
    LOG = ("log", "log", "log", "log({0})")
    TANH = ("tanh", "tanh", "tanh", "tanh({0})")
    SIGMOID = ("sigmoid", "sigmoid", "σ", "σ({0})")
    RELU = ("relu", "relu", "ReLU", "relu({0})")
    LEAKY_RELU = ("leaky_relu", "leaky_relu", "LReLU", "leaky_relu({0}, {arg})")
    ELU = ("elu", "elu", "ELU", "elu({0}, {arg})")
    SOFTPLUS = ("softplus", "softplus", "softplus", "softplus({0})")
    ARCTAN = ("arctan", "arctan", "arctan", "arctan({0})")
    GAUSSIAN = ("gaussian", "gaussian", "gauss", "exp(−{0}²)")
    STEP = ("step", "step", "step", "step({0})")
    # tensor structure and reductions
    MATMUL = ("matmul", "@", "@", "{0} @ {1}")
    SUM = ("sum", "sum", "Σ", "sum({0})")
    MEAN = ("mean", "mean", "mean", "mean({0})")
    MAX = ("max", "max", "max", "max({0})")
    RESHAPE = ("reshape", "reshape", "reshape", "reshape({0})")
    TRANSPOSE = ("transpose", "transpose", "ᵀ", "{0}ᵀ")
    INDEX = ("index", "[]", "[ ]", "{0}[…]")
    ABS = ("abs", "abs", "|x|", "|{0}|")
    CLAMP = ("clamp", "clamp", "clamp", "clamp({0})")
    CAST = ("cast", "cast", "cast", "cast({0})")
    # neural-net ops (implemented in gradlab.nn on top of Tensor)
    PAD = ("pad", "pad", "pad", "pad({0})")
    CONV2D = ("conv2d", "conv2d", "conv", "conv2d({0}, {1})")
    CONV_TRANSPOSE2D = (
        "conv_transpose2d",
        "conv_transpose2d",
        "convᵀ",
        "conv_transpose2d({0}, {1})",
    )
    MAX_POOL2D = ("max_pool2d", "max_pool2d", "maxpool", "max_pool2d({0})")
    AVG_POOL2D = ("avg_pool2d", "avg_pool2d", "avgpool", "avg_pool2d({0})")
    LOG_SOFTMAX = ("log_softmax", "log_softmax", "log σ", "log_softmax({0})")
    SOFTMAX = ("softmax", "softmax", "softmax", "softmax({0})")
    DROPOUT = ("dropout", "dropout", "dropout", "dropout({0})")
    LINEAR = ("linear", "linear", "linear", "linear({0}, {1})")
    BATCH_NORM = ("batch_norm", "batch_norm", "BN", "batch_norm({0})")
    NLL_LOSS = ("nll_loss", "nll_loss", "NLL", "nll_loss({0})")
    CROSS_ENTROPY = ("cross_entropy", "cross_entropy", "CE", "cross_entropy({0})")
    BCE = ("bce", "binary_cross_entropy", "BCE", "bce({0}, {1})")
    BCE_WITH_LOGITS = (
        "bce_with_logits",
        "binary_cross_entropy_with_logits",
        "BCE",
        "bce_logits({0}, {1})",
    )

    def formula(self, operands: tuple[str, ...], arg: float | None = None, label: str = "") -> str:
        """The op written out with its operands, e.g. ``Op.ADD.formula(("x", "y")) == "x + y"``."""
        shown_arg = "" if arg is None else format_number(arg)
        return self.template.format(*operands, arg=shown_arg, label=label)
