"""Elementwise activations. Each caches the one array its derivative needs."""
import numpy as np

from .module import Module


class Sigmoid(Module):
    """sigma(x) = 1 / (1 + exp(-x)); sigma' = sigma (1 - sigma), from the cached output."""

    def forward(self, x):
        # exp(-x) overflows for x < -709; clamped at x = -700, sigma stays below 10**-304 there
        z = np.negative(x)
        np.minimum(z, 700.0, out=z)
        np.exp(z, out=z)
        z += 1.0
        self._out = np.reciprocal(z, out=z)
        return self._out

    def backward(self, dout):
        dx = 1.0 - self._out      # one temporary, then in place: this runs every epoch
        dx *= self._out
        dx *= dout
        return dx


class Tanh(Module):
    """tanh(x); tanh' = 1 - tanh^2, from the cached output."""

    def forward(self, x):
        self._out = np.tanh(x)
        return self._out

    def backward(self, dout):
        dx = self._out * self._out
        np.subtract(1.0, dx, out=dx)
        dx *= dout
        return dx


class ReLU(Module):
    """max(x, 0); the derivative is 1 where the cached input is positive, else 0."""

    def forward(self, x):
        self._x = x
        return np.maximum(x, 0.0)

    def backward(self, dout):
        return dout * (self._x > 0)


class LeakyReLU(Module):
    """x for x > 0, negative_slope * x otherwise."""

    def __init__(self, negative_slope=0.01):
        if not negative_slope >= 0:
            raise ValueError(f"LeakyReLU: negative_slope must be >= 0, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        self._x = x
        return np.where(x > 0, x, self.negative_slope * x)

    def backward(self, dout):
        return dout * np.where(self._x > 0, 1.0, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Identity(Module):
    """No activation: f(x) = x, f'(x) = 1 (not 0)."""

    def forward(self, x):
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
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[key]()
