"""Parameter, Module and Sequential: the one layer contract every layer follows.

A layer maps ``forward(x) -> out`` and ``backward(dout) -> dx``. ``backward`` also
writes the gradient of every parameter into ``param.grad`` (overwriting it), so
one forward + one backward gives exactly the gradients of the last loss.
Layers cache what backward needs during forward and nothing more.

The models axis: a layer built with ``models=M`` holds M independent weight sets
stacked on a leading axis. Its input is (N, ...) shared by all models, or
(M, N, ...), and its output is (M, N, ...).
"""
import numpy as np


class Parameter:
    """A trainable array and its gradient, updated in place by optimizers.

    data: any shape, float64. grad: same shape, set by the owning layer's backward.
    """

    __slots__ = ("data", "grad")

    def __init__(self, data):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self):
        return self.data.shape

    def __repr__(self):
        return f"Parameter(shape={self.data.shape})"


class Module:
    """Base class of every layer. Subclasses set ``self._params`` (name -> Parameter)."""

    models = None  # number of stacked models, None for a single model

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def named_parameters(self, prefix=""):
        """[(name, Parameter)] in layer order, weight before bias."""
        return [(prefix + name, p) for name, p in getattr(self, "_params", {}).items()]

    def parameters(self):
        """[Parameter] in layer order, weight before bias."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad[...] = 0.0

    def num_parameters(self):
        """Trainable scalars of one model (per model when stacked)."""
        total = sum(p.data.size for p in self.parameters())
        return total // (self.models or 1)

    def state_dict(self):
        """{name: copy of the parameter's data}."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state):
        """Copy arrays into the parameters in place; names and shapes must match."""
        own = dict(self.named_parameters())
        if set(own) != set(state):
            raise ValueError(f"{type(self).__name__}.load_state_dict: expected parameters "
                             f"{sorted(own)}, got {sorted(state)}")
        for name, p in own.items():
            value = np.asarray(state[name])
            if value.shape != p.data.shape:
                raise ValueError(f"{type(self).__name__}.load_state_dict: {name} has shape "
                                 f"{value.shape}, expected {p.data.shape}")
            p.data[...] = value

    def save(self, path):
        """Write the parameters to a .npz file."""
        np.savez(path, **self.state_dict())

    def load(self, path):
        """Read parameters written by ``save`` into this (same-shaped) module."""
        with np.load(path) as archive:
            self.load_state_dict({k: archive[k] for k in archive.files})
        return self

    def extra_repr(self):
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class Sequential(Module):
    """Modules applied in order; backward runs them in reverse."""

    def __init__(self, *modules):
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise ValueError(f"Sequential: item {i} is {type(m).__name__}, not a Module")
        self.layers = list(modules)
        stacked = {m.models for m in modules if m.models is not None}
        if len(stacked) > 1:
            raise ValueError(f"Sequential: layers disagree on the models axis: {sorted(stacked)}")
        self.models = stacked.pop() if stacked else None

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def named_parameters(self, prefix=""):
        return [item for i, layer in enumerate(self.layers)
                for item in layer.named_parameters(f"{prefix}{i}.")]

    def __getitem__(self, index):
        return self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"
