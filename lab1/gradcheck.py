"""Numerical gradients by centred differences, and an error measure that does not cry wolf.

The error of one parameter is max over its entries of |a - n| / max(|a| + |n|, floor),
a the back-propagated and n the numerical gradient. CS231n's relative error uses a fixed
floor of 1e-8; here the floor is FLOOR times the largest |a| + |n| of the whole network,
so entries a thousand times smaller than the largest gradient (which centred differences
resolve only to about 1e-12 in absolute terms) are judged against the network's gradient
scale instead of against themselves. A real error in the backward pass is as large as the
entries it corrupts, and is still caught.

Entries whose perturbation x +- 2h moves an input of a ReLU or LeakyReLU across its kink
at 0 are skipped: there the function is not differentiable within the step and the
difference quotient measures the kink, not the gradient. They are counted and reported.
"""
from typing import NamedTuple

import numpy as np

from . import nn
from .nn.module import _leaves

STEP = 1e-4     # finite-difference step h
FLOOR = 1e-3    # error floor, as a fraction of the largest gradient entry
TOLERANCE = 1e-7


def rel_error(a, b, floor=None):
    """max over entries of |a - b| / max(|a| + |b|, floor), ignoring entries where b is nan.

    floor: an absolute floor; None uses FLOOR * max(|a| + |b|) of these arrays (and at
    least 1e-300, so two zero arrays have error 0). Returns nan if every entry is nan.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    keep = ~np.isnan(b)
    if not keep.any():
        return float("nan")
    scale = np.abs(a[keep]) + np.abs(b[keep])
    if floor is None:
        floor = FLOOR * scale.max()
    return float(np.max(np.abs(a[keep] - b[keep]) / np.maximum(scale, max(floor, 1e-300))))


def numerical_gradient(f, x, h=STEP, kinked=None):
    """d f / d x for a scalar function f() of the array x, which is perturbed in place.

    x: any shape, float64. Returns an array of x's shape. Each entry is the
    fourth-order centred difference (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h:
    its truncation error is O(h^4), so h can be large enough that rounding in f
    does not swamp the small gradient entries.
    kinked: optional callable, True when the f() just evaluated crossed a kink; such
    entries are returned as nan (no derivative within the step).
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        saved = x[i]
        values, crossed = [], False
        for step in (h, -h, 2 * h, -2 * h):
            x[i] = saved + step
            values.append(f())
            crossed = crossed or (kinked is not None and kinked())
        x[i] = saved
        grad[i] = np.nan if crossed else (8 * (values[0] - values[1]) - (values[2] - values[3])) / (12 * h)
    return grad


def _kink_watch(module):
    """(remember, kinked): remember() stores the side of the kink of every ReLU/LeakyReLU
    input after a forward; kinked() says whether the last forward changed any of them."""
    kinks = [m for m in _leaves(module) if isinstance(m, (nn.ReLU, nn.LeakyReLU))]
    sides = []

    def remember():
        sides[:] = [m._x > 0 for m in kinks]

    def kinked():
        return any(not np.array_equal(m._x > 0, side) for m, side in zip(kinks, sides))
    return remember, (kinked if kinks else None)


class ParameterCheck(NamedTuple):
    """One row of a gradient check: error over the checked entries (nan if none was)."""
    name: str
    shape: tuple
    error: float
    skipped: int        # entries skipped because their step crossed a ReLU kink


def check_module(module, x, rng=0, h=STEP):
    """Compare a module's backward with numerical gradients under a random upstream gradient.

    The scalar checked is sum(forward(x) * dout). Returns {"x": err, "<param>": err, ...},
    each by ``rel_error`` with the floor taken over all of them (entries at a kink skipped).
    """
    gen = np.random.default_rng(rng)
    x = np.array(x, dtype=np.float64)
    dout = gen.standard_normal(module.forward(x).shape)
    remember, kinked = _kink_watch(module)

    def objective():
        return float(np.sum(module.forward(x) * dout))

    module.forward(x)
    remember()
    dx = module.backward(dout)
    analytic = {"x": dx}
    analytic.update({name: p.grad.copy() for name, p in module.named_parameters()})
    numeric = {"x": numerical_gradient(objective, x, h, kinked)}
    numeric.update({name: numerical_gradient(objective, p.data, h, kinked)
                    for name, p in module.named_parameters()})
    floor = FLOOR * _scale(analytic.values(), numeric.values())
    return {name: rel_error(analytic[name], numeric[name], floor) for name in analytic}


def _scale(analytic, numeric):
    """The largest |a| + |n| over every entry checked."""
    return max((np.nanmax(np.abs(a) + np.abs(n)) if not np.all(np.isnan(n)) else 0.0)
               for a, n in zip(analytic, numeric))


def check_gradients(model, loss, x, y, h=STEP):
    """Gradient check of a whole network under a loss: [ParameterCheck] for every parameter.

    x: (N, features); y: targets as the loss takes them. Errors use one floor,
    FLOOR times the largest gradient entry of the network.
    """
    loss_fn = nn.loss(loss)
    x = np.array(x, dtype=np.float64)
    remember, kinked = _kink_watch(model)

    def objective():
        return float(np.sum(loss_fn(model.forward(x), y)))

    objective()
    remember()
    model.backward(loss_fn.backward())
    params = model.named_parameters()
    analytic = [p.grad.copy() for _, p in params]
    numeric = [numerical_gradient(objective, p.data, h, kinked) for _, p in params]
    floor = FLOOR * _scale(analytic, numeric)
    return [ParameterCheck(name, p.data.shape, rel_error(a, n, floor), int(np.isnan(n).sum()))
            for (name, p), a, n in zip(params, analytic, numeric)]


def check_model(model, loss, x, y, h=STEP):
    """``check_gradients`` as rows [(parameter name, shape, error)]."""
    return [(row.name, row.shape, row.error) for row in check_gradients(model, loss, x, y, h)]
