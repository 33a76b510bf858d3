"""`Module` and `Sequential`: parameters, children, train/eval mode and saving, as in torch.nn.

Assigning a Tensor that requires grad to a module attribute registers it as a parameter; assigning
a Module registers it as a child. Parameters are labelled with their dotted path ("0.weight"), so
graphs and traces name them; a module placed inside another is relabelled with the longer path.
The layers themselves live in `gradlab.nn.layers`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from os import PathLike
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from gradlab.engine.tensor import Tensor
from gradlab.nn.init import Rng, as_generator

Array = NDArray[Any]


class Module:
    """The base of every layer and model: calling it runs `forward` with the same arguments."""

    training: bool
    _parameters: dict[str, Tensor]
    _buffers: dict[str, Array]
    _modules: dict[str, Module]

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}.__init__ must call super().__init__()")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Tensor) and value.requires_grad:
            value.label = name
            self._parameters[name] = value
        elif isinstance(value, Module):
            for path, param in value.named_parameters():
                param.label = f"{name}.{path}"
            self._modules[name] = value
        elif name in self._buffers:
            self._buffers[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, value: Array) -> None:
        """Keep `value` with the module (saved in the state dict) but not as a parameter."""
        self._buffers[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *args: Any, **kwargs: Any) -> Tensor:
        """The computation; subclasses define it with their own arguments (a loss takes input
        and target, a recurrent cell input and state)."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        return self.forward(*args, **kwargs)

    # ---- walking the tree ------------------------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        yield from self._modules.values()

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named `prefix`) and every descendant, depth first."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """(dotted path, parameter) for every parameter, each once, in registration order."""
        seen: set[int] = set()
        for path, module in self.named_modules(prefix):
            for name, param in module._parameters.items():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{path}.{name}" if path else name), param

    def parameters(self) -> list[Tensor]:
        return [param for _, param in self.named_parameters()]

    def named_buffers(self) -> Iterator[tuple[str, Array]]:
        for path, module in self.named_modules():
            for name, buffer in module._buffers.items():
                yield (f"{path}.{name}" if path else name), buffer

    def num_parameters(self) -> int:
        return sum(param.size for param in self.parameters())

    # ---- modes and grads -------------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout drops, batch norm uses batch statistics) for the whole tree."""
        for _, module in self.named_modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self) -> None:
        for param in self.parameters():
            param.grad = None

    def reset_parameters(self, rng: Rng = None) -> None:
        """Draw fresh initial weights for every layer, in order, from one generator."""
        generator = as_generator(rng)
        for child in self.children():
            child.reset_parameters(generator)

    # ---- state -----------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Array]:
        """Copies of every parameter's data and every buffer, by dotted path."""
        state = {name: param.data.copy() for name, param in self.named_parameters()}
        state.update((name, np.array(buffer)) for name, buffer in self.named_buffers())
        return state

    def load_state_dict(self, state: Mapping[str, Array]) -> None:
        """Copy `state` into this module; ValueError naming every missing, unexpected or
        wrongly shaped entry (nothing is changed then)."""
        params = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        expected = {**{k: p.data for k, p in params.items()}, **buffers}
        problems = [f"missing {key!r}" for key in expected if key not in state]
        problems += [f"unexpected {key!r}" for key in state if key not in expected]
        problems += [
            f"{key!r} has shape {np.shape(state[key])}, expected {value.shape}"
            for key, value in expected.items()
            if key in state and np.shape(state[key]) != value.shape
        ]
        if problems:
            raise ValueError("cannot load state: " + "; ".join(problems))
        for key, param in params.items():
            param.data = np.array(state[key], dtype=param.data.dtype)
        for key, buffer in buffers.items():
            owner, name = self._owner(key)
            setattr(owner, name, np.array(state[key], dtype=buffer.dtype))

    def _owner(self, path: str) -> tuple[Module, str]:
        *parents, name = path.split(".")
        module: Module = self
        for part in parents:
            module = module._modules[part]
        return module, name

    def save(self, path: str | PathLike[str]) -> None:
        """Write the state dict as a NumPy .npz archive (plain arrays, never pickle)."""
        # numpy's stub types **kwds as if a key could be its `allow_pickle` flag
        savez: Callable[..., None] = np.savez
        savez(path, **self.state_dict())

    def load(self, path: str | PathLike[str]) -> None:
        """Read a state dict written by `save` into this module."""
        with np.load(path, allow_pickle=False) as archive:
            self.load_state_dict({key: archive[key] for key in archive.files})

    # ---- printing --------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        name = type(self).__name__
        if not self._modules:
            return f"{name}({self.extra_repr()})"
        lines = [f"{name}("]
        for key, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({key}): {body}")
        return "\n".join([*lines, ")"])


class Sequential(Module):
    """Layers applied in order, named "0", "1", ...; indexable (``model[0]``), sliceable and
    iterable. A slice keeps the layers' names (``model[2:4]`` holds "2" and "3"), as PyTorch's,
    so slicing does not rename the parameters it shares with the whole model."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, str(i), layer)

    @classmethod
    def _named(cls, layers: list[tuple[str, Module]]) -> Sequential:
        out = cls()
        for name, layer in layers:
            setattr(out, name, layer)
        return out

    def forward(self, x: Tensor) -> Tensor:
        for layer in self._modules.values():
            x = layer(x)
        return x

    def intermediates(self, x: Tensor) -> list[tuple[str, Tensor]]:
        """Every layer's output, in order, as (name, tensor); the last is the model's output.

        The same computation as `forward` (one graph), so the activations can be inspected and,
        after ``backward()``, their ``.grad`` too.
        """
        outputs = []
        for name, layer in self._modules.items():
            x = layer(x)
            outputs.append((name, x))
        return outputs

    def append(self, layer: Module) -> Sequential:
        """Add `layer` at the end, named one more than the last layer's number."""
        setattr(self, str(max((int(k) + 1 for k in self._modules), default=0)), layer)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        if isinstance(index, slice):
            return Sequential._named(list(self._modules.items())[index])
        layers = list(self._modules.values())
        if not -len(layers) <= index < len(layers):
            raise IndexError(f"layer {index} is out of range for {len(layers)} layers")
        return layers[index]
