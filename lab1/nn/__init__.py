"""Layers, activations, losses and the builder for the lab's networks."""
import numpy as np

from .conv import Conv2d, Flatten, MaxPool2d
from . import activations as _activations
from .activations import ACTIVATIONS, Identity, LeakyReLU, ReLU, Sigmoid, Tanh, activation
from .linear import INITIALIZERS, Linear, check_count
from .losses import LOSSES, BCELoss, CrossEntropyLoss, MSELoss, log_softmax, loss, softmax
from .module import Module, Parameter, Sequential
from ..seeding import as_generator, model_generators


def mlp(sizes, activation="sigmoid", output="sigmoid", init="uniform", bias=True, rng=None, models=None):
    """The lab's network from a list of layer sizes, any depth.

    mlp([2, 4, 4, 1]) is Linear(2,4) Sigmoid Linear(4,4) Sigmoid Linear(4,1) Sigmoid.
    sizes: positive ints (Python or NumPy). activation: hidden activation name (or
    "identity" for none); output: the last one ("identity" for logits).
    rng: a seed or Generator. With models=M (stacked, weights (M, in, out)):
      rng=0            M different starts, from M streams spawned from seed 0;
      rng=[s0, ..., s(M-1)]  model m is the network mlp(sizes, rng=s_m) would build;
      rng=[0] * M      every model starts from the same weights.
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(f"mlp: sizes must be a list of layer sizes, got {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"mlp: sizes needs at least input and output sizes, got {sizes}")
    if any(not isinstance(s, (int, np.integer)) or isinstance(s, (bool, np.bool_)) or s <= 0
           for s in sizes):
        raise ValueError(f"mlp: sizes must be positive integers, got {sizes}")
    sizes = [int(s) for s in sizes]
    models = check_count(models, "models", "mlp", optional=True)
    # one stream (or one per model) shared by all layers, so layer k continues where k-1 stopped
    rngs = as_generator(rng) if models is None else model_generators(rng, models)
    modules = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = i == len(sizes) - 2
        modules.append(Linear(n_in, n_out, bias=bias, init=init, rng=rngs, models=models))
        modules.append(_activations.activation(output if last else activation))
    return Sequential(*modules)


__all__ = [
    "Module", "Parameter", "Sequential", "Linear", "INITIALIZERS",
    "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Identity", "ACTIVATIONS", "activation",
    "MSELoss", "BCELoss", "CrossEntropyLoss", "LOSSES", "loss", "softmax", "log_softmax",
    "Conv2d", "MaxPool2d", "Flatten", "mlp",
]
