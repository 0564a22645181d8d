"""Linear layer, Z = X W + b, and its weight initializers."""
import copy
import math

import numpy as np

from ..seeding import as_generator, model_generators
from .module import Module, Parameter, as_float_array


def check_count(value, name, owner, optional=False):
    """A positive int (NumPy integers included, bools not) -> int; else ValueError naming it."""
    if optional and value is None:
        return None
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)) or value <= 0:
        also = " or None" if optional else ""
        raise ValueError(f"{owner}: {name} must be a positive integer{also}, got {value!r}")
    return int(value)


def _bound_uniform(fan_in, fan_out):
    return 1.0 / math.sqrt(fan_in)          # torch's default for nn.Linear


# name -> (distribution, scale(fan_in, fan_out), biases drawn too?)
# uniform scales are the bound a of U(-a, a); normal scales are the standard deviation.
INITIALIZERS = {
    "uniform": ("uniform", _bound_uniform, True),
    "normal": ("normal", lambda fan_in, fan_out: 1.0, False),   # np.random.randn, as many students do
    "xavier_uniform": ("uniform", lambda fan_in, fan_out: math.sqrt(6.0 / (fan_in + fan_out)), False),
    "xavier_normal": ("normal", lambda fan_in, fan_out: math.sqrt(2.0 / (fan_in + fan_out)), False),
    "he_uniform": ("uniform", lambda fan_in, fan_out: math.sqrt(6.0 / fan_in), False),
    "he_normal": ("normal", lambda fan_in, fan_out: math.sqrt(2.0 / fan_in), False),
}


def init_weights(init, weight_shape, bias_shape, fan_in, fan_out, rng):
    """Draw (weight, bias) arrays for initializer ``init`` from Generator ``rng``, or from a
    list of M Generators: then arrays with a leading models axis, model m's drawn from rng[m]
    alone, exactly as a single model would draw them.

    Biases are zero, except for "uniform", which draws them like its weights (as torch does).
    """
    if not isinstance(init, str) or init not in INITIALIZERS:
        raise ValueError(f"unknown init {init!r}; choose one of {sorted(INITIALIZERS)}")
    distribution, scale_of, draw_bias = INITIALIZERS[init]
    scale = scale_of(fan_in, fan_out)

    def draw(gen, shape):
        if distribution == "uniform":
            return gen.uniform(-scale, scale, size=shape)
        return gen.normal(0.0, scale, size=shape)

    gens = rng if isinstance(rng, list) else [rng]
    # each generator draws its weights, then its biases (the generators are independent)
    weight = np.stack([draw(g, weight_shape) for g in gens])
    bias = np.stack([draw(g, bias_shape) for g in gens]) if draw_bias \
        else np.zeros((len(gens),) + tuple(bias_shape))
    return (weight, bias) if isinstance(rng, list) else (weight[0], bias[0])


class Linear(Module):
    """Fully connected layer: out = x @ weight + bias.

    weight: (in_features, out_features), or (M, in_features, out_features) with models=M.
    bias:   (out_features,) or (M, out_features).
    forward: x (N, in) -> (N, out); stacked: x (N, in) or (M, N, in) -> (M, N, out).
    rng: seed or Generator; stacked, see ``seeding.model_generators`` (one seed: M
    different starts; a list of M seeds: model m as that seed alone would build it).
    """

    def __init__(self, in_features, out_features, bias=True, init="uniform", rng=None, models=None):
        in_features = check_count(in_features, "in_features", "Linear")
        out_features = check_count(out_features, "out_features", "Linear")
        models = check_count(models, "models", "Linear", optional=True)
        self.in_features, self.out_features, self.models = in_features, out_features, models
        self.init = init
        shape_w, shape_b = (in_features, out_features), (out_features,)
        if models is None:
            w, b = init_weights(init, shape_w, shape_b, in_features, out_features, as_generator(rng))
        else:
            w, b = init_weights(init, shape_w, shape_b, in_features, out_features,
                                model_generators(rng, models))
        self.weight = Parameter(w, models)
        self.bias = Parameter(b, models) if bias else None
        self._params = {"weight": self.weight}
        if bias:
            self._params["bias"] = self.bias
        self._x = None
        self._ones = np.ones(0)

    def forward(self, x):
        if type(x) is not np.ndarray:
            x = as_float_array(x, f"{self!r} input")
        # a single model takes (N, in) only: a 3-D input would silently act as M models
        if x.shape[-1:] != (self.in_features,) or not (
                x.ndim == 2 or (x.ndim == 3 and x.shape[0] == self.models)):
            expected = f"(N, {self.in_features})"
            if self.models is not None:
                expected += f" or ({self.models}, N, {self.in_features})"
            raise ValueError(f"{self!r}: expected input {expected}, got {x.shape}")
        self._x = x
        # Computed feature-major, out^T = W^T x^T of shape (out, N) or (M, out, N), and
        # returned as its transposed view (N, out) or (M, N, out): the bias add and the
        # activations then run along rows of N numbers, not N rows of `out` numbers.
        out_t = self.weight.data.swapaxes(-1, -2) @ x.swapaxes(-1, -2)
        if self.bias is not None:
            out_t += self.bias.data[..., None]      # (out, 1) or (M, out, 1)
        return out_t.swapaxes(-1, -2)

    def backward(self, dout):
        x = self._x
        if x is None:
            raise ValueError(f"{self!r}: backward called before forward")
        self.weight.grad = x.swapaxes(-1, -2) @ dout   # dw: (in, out) or (M, in, out)
        if self.bias is not None:
            # db: (out,) or (M, out). A ones-vector product: numpy's sum over axis -2 of a
            # narrow (N, out) array is ~10x slower than this BLAS call.
            n = dout.shape[-2]
            if self._ones.shape[0] != n:
                self._ones = np.ones(n)
            self.bias.grad = self._ones @ dout
        # dx^T = W dout^T, feature-major as in forward. With one output that is an outer
        # product, which broadcasting computes faster than a matrix product over K = 1.
        w, dout_t = self.weight.data, dout.swapaxes(-1, -2)
        dx = (w * dout_t if self.out_features == 1 else w @ dout_t).swapaxes(-1, -2)
        # an input shared by stacked models receives the sum of their gradients
        return dx.sum(axis=0) if dx.ndim > x.ndim else dx

    def select_models(self, index):
        if self.models is None:
            raise NotImplementedError("a single Linear has no models to select")
        view = copy.copy(self)
        view.weight = self.weight.select_models(index)
        view._params = {"weight": view.weight}
        if self.bias is not None:
            view.bias = view._params["bias"] = self.bias.select_models(index)
        view.models, view._x = view.weight.models, None
        return view

    def extra_repr(self):
        stacked = f", models={self.models}" if self.models is not None else ""
        return f"{self.in_features}, {self.out_features}, bias={self.bias is not None}{stacked}"
