"""Elementwise activations. Each caches the one array its derivative needs.

forward: x of any shape -> the same shape; backward: dout of that shape -> dx.
"""
import numbers

import numpy as np

from .module import Module, as_float_array


def _cached(layer, value):
    """The array forward cached, or a ValueError naming the layer when there is none yet."""
    if value is None:
        raise ValueError(f"{layer!r}: backward called before forward")
    return value


class Sigmoid(Module):
    """sigma(x) = 1 / (1 + exp(-x)); sigma' = sigma (1 - sigma), from the cached output."""

    _out = None

    def forward(self, x):
        if type(x) is not np.ndarray:
            x = as_float_array(x, f"{self!r} input")
        # exp(-x) overflows to inf for x < -709: sigma = 1 / inf = 0 there (off by < 10**-307)
        z = np.negative(x)
        with np.errstate(over="ignore"):
            np.exp(z, out=z)
        z += 1.0
        # in place; np.divide(1, z) gives np.reciprocal(z)'s values, faster
        self._out = np.divide(1.0, z, out=z)
        return self._out

    def backward(self, dout):
        out = _cached(self, self._out)
        dx = 1.0 - out            # one temporary, then in place: this runs every epoch
        dx *= out
        dx *= dout
        return dx


class Tanh(Module):
    """tanh(x); tanh' = 1 - tanh^2, from the cached output."""

    _out = None

    def forward(self, x):
        if type(x) is not np.ndarray:
            x = as_float_array(x, f"{self!r} input")
        self._out = np.tanh(x)
        return self._out

    def backward(self, dout):
        out = _cached(self, self._out)
        dx = out * out
        np.subtract(1.0, dx, out=dx)
        dx *= dout
        return dx


class ReLU(Module):
    """max(x, 0); the derivative is 1 where the cached input is positive, else 0."""

    _x = None

    def forward(self, x):
        if type(x) is not np.ndarray:
            x = as_float_array(x, f"{self!r} input")
        self._x = x
        return np.maximum(x, 0.0)

    def backward(self, dout):
        return dout * (_cached(self, self._x) > 0)


class LeakyReLU(Module):
    """x for x > 0, negative_slope * x otherwise."""

    _x = None

    def __init__(self, negative_slope=0.01):
        if (not isinstance(negative_slope, numbers.Real) or isinstance(negative_slope, bool)
                or not 0 <= negative_slope < np.inf):
            raise ValueError(f"LeakyReLU: negative_slope must be a finite number >= 0, "
                             f"got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        if type(x) is not np.ndarray:
            x = as_float_array(x, f"{self!r} input")
        self._x = x
        return np.where(x > 0, x, self.negative_slope * x)

    def backward(self, dout):
        return dout * np.where(_cached(self, self._x) > 0, 1.0, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Identity(Module):
    """No activation: f(x) = x, f'(x) = 1 (not 0)."""

    def forward(self, x):
        if type(x) is not np.ndarray:
            x = as_float_array(x, f"{self!r} input")
        return x

    def backward(self, dout):
        return dout


ACTIVATIONS = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "identity": Identity,
}


def activation(name):
    """A new activation module by name; unknown names raise ValueError listing the choices."""
    if isinstance(name, Module):
        return name
    key = "identity" if name in (None, "none", "linear") else name
    if not isinstance(key, str) or key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[key]()
