"""The default random generator: where layers draw initial weights and `randn` its numbers when
no generator is given, reseeded by `manual_seed` as ``torch.manual_seed`` reseeds PyTorch's.

gradlab's own code passes explicit generators (`rng=`) everywhere, so the app's results never
depend on this one; it exists for scripts written the PyTorch way. The same seed gives the same
numbers on every run, but not PyTorch's numbers: the generators differ.
"""

from __future__ import annotations

import numpy as np

_default = np.random.default_rng()


def default_generator() -> np.random.Generator:
    """The generator used where none is given (fresh OS entropy until `manual_seed`)."""
    return _default


def manual_seed(seed: int) -> np.random.Generator:
    """Restart the default generator from `seed`; returns it."""
    global _default  # noqa: PLW0603 - the one global generator, as PyTorch's
    _default = np.random.default_rng(seed)
    return _default
