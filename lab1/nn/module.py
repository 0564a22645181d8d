"""Parameter, Module and Sequential: the one layer contract every layer follows.

A layer maps ``forward(x) -> out`` and ``backward(dout) -> dx``. ``backward`` also
writes the gradient of every parameter into ``param.grad`` (overwriting it), so
one forward + one backward gives exactly the gradients of the last loss.
Layers cache what backward needs during forward and nothing more.

The models axis: a layer built with ``models=M`` holds M independent weight sets
stacked on a leading axis. Its input is (N, ...) shared by all models, or
(M, N, ...), and its output is (M, N, ...).
"""
import copy
import os
import zipfile

import numpy as np


def as_float_array(value, what):
    """value as a float64 ndarray (no copy if it is one); ValueError naming ``what`` if it
    is not numeric (a string, ragged lists) or is empty."""
    if type(value) is not np.ndarray or value.dtype != np.float64:
        if isinstance(value, (str, bytes)):
            raise ValueError(f"{what} must be an array of numbers, got the string {value!r}")
        try:
            value = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be an array of numbers, got {type(value).__name__} "
                             f"{_short(value)}") from None
    if value.size == 0:
        raise ValueError(f"{what} is empty (shape {value.shape})")
    return value


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Parameter:
    """A trainable array and its gradient, updated in place by optimizers.

    data: any shape, float64. grad: same shape, set by the owning layer's backward.
    models: M when the leading axis of data holds M stacked models, else None; optimizers
    read it to apply per-model hyper-parameters of shape (M,).
    """

    __slots__ = ("data", "grad", "models")

    def __init__(self, data, models=None):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.models = models

    @property
    def shape(self):
        return self.data.shape

    def select_models(self, index):
        """The Parameter of models[index] (index: a slice) of a stacked parameter. Its data is
        a view of this data, so an in-place update of either updates both; its grad is its own."""
        view = Parameter.__new__(Parameter)
        view.data = self.data[index]
        view.grad = np.zeros_like(view.data)
        view.models = len(view.data)
        return view

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

    def select_models(self, index):
        """This stacked module restricted to models[index] (index: a slice), sharing its
        parameter arrays: training the result trains those models. A module without
        parameters is copied; one with parameters must say how (see Linear)."""
        if self.parameters():
            raise NotImplementedError(f"{type(self).__name__} cannot select stacked models")
        return copy.copy(self)

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
        """Write the parameters to a .npz file (".npz" is appended to a path without it)."""
        np.savez(path, **self.state_dict())

    def load(self, path):
        """Read parameters written by ``save`` into this (same-shaped) module.

        path: as given to ``save`` (with or without ".npz"). A missing file raises
        FileNotFoundError; a file that is not an .npz archive of this module's parameters
        (corrupted, truncated, another model's) raises ValueError naming the file.
        """
        path = os.fspath(path)
        if not os.path.exists(path) and os.path.exists(path + ".npz"):
            path += ".npz"                       # save("m") wrote m.npz, as np.savez does
        if not os.path.exists(path):
            raise FileNotFoundError(f"{type(self).__name__}.load: no such file {path!r}")
        try:
            loaded = np.load(path)
            if not isinstance(loaded, np.lib.npyio.NpzFile):      # an .npy file: one bare array
                raise ValueError(f"it holds one {type(loaded).__name__}, not named arrays")
            with loaded as archive:
                state = {k: archive[k] for k in archive.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            # also truncated archives and pickles, which np.load refuses without allow_pickle
            raise ValueError(f"{type(self).__name__}.load: {path!r} is not an .npz file of "
                             f"parameters written by save ({error})") from None
        try:
            self.load_state_dict(state)
        except ValueError as error:
            raise ValueError(f"{path!r} does not fit this model: {error}") from None
        return self

    def extra_repr(self):
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class Sequential(Module):
    """Modules applied in order; backward runs them in reverse.

    Each module instance appears once (a layer caches its last input, so a second use
    would overwrite what the first one's backward needs), and the layers with parameters
    are either all single or all stacked with the same M.
    """

    def __init__(self, *modules):
        seen = {}
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise ValueError(f"Sequential: item {i} is {type(m).__name__}, not a Module")
            for inner in _leaves(m):
                if id(inner) in seen:
                    raise ValueError(f"Sequential: item {i} uses the module {inner!r} that item "
                                     f"{seen[id(inner)]} already uses; build a new one for each place")
                seen[id(inner)] = i
        self.layers = list(modules)
        axes = {i: m.models for i, m in enumerate(modules) if m.parameters()}
        if len(set(axes.values())) > 1:
            listing = ", ".join(f"item {i}: {'single' if v is None else f'models={v}'}"
                                for i, v in axes.items())
            raise ValueError(f"Sequential: layers with parameters must all be single or all "
                             f"stacked with the same models, got {listing}")
        self.models = next(iter(axes.values()), None)

    def forward(self, x):
        if type(x) is not np.ndarray:
            x = as_float_array(x, "Sequential input")
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

    def select_models(self, index):
        return Sequential(*[layer.select_models(index) for layer in self.layers])

    def __getitem__(self, index):
        return self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


def _leaves(module):
    """The module and every module nested in it through Sequential."""
    yield module
    for inner in getattr(module, "layers", ()):
        yield from _leaves(inner)
