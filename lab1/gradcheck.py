"""Numerical gradients by centred differences and CS231n's relative error."""
import numpy as np

from . import nn


def rel_error(a, b):
    """max |a - b| / max(1e-8, |a| + |b|) over entries."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(f, x, h=1e-4):
    """d f / d x for a scalar function f() of the array x, which is perturbed in place.

    x: any shape, float64. Returns an array of x's shape. Each entry is the
    fourth-order centred difference (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h:
    its truncation error is O(h^4), so h can be large enough that rounding in f
    does not swamp the small gradient entries the relative error is strict about.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        saved = x[i]
        values = []
        for step in (h, -h, 2 * h, -2 * h):
            x[i] = saved + step
            values.append(f())
        x[i] = saved
        grad[i] = (8 * (values[0] - values[1]) - (values[2] - values[3])) / (12 * h)
    return grad


def check_module(module, x, rng=0, h=1e-4):
    """Compare a module's backward with numerical gradients under a random upstream gradient.

    The scalar checked is sum(forward(x) * dout). Returns {"x": err, "<param>": err, ...}.
    """
    gen = np.random.default_rng(rng)
    x = np.array(x, dtype=np.float64)
    dout = gen.standard_normal(module.forward(x).shape)

    def objective():
        return float(np.sum(module.forward(x) * dout))

    module.forward(x)
    dx = module.backward(dout)
    analytic = {"x": dx}
    analytic.update({name: p.grad.copy() for name, p in module.named_parameters()})
    numeric = {"x": numerical_gradient(objective, x, h)}
    numeric.update({name: numerical_gradient(objective, p.data, h)
                    for name, p in module.named_parameters()})
    return {name: rel_error(analytic[name], numeric[name]) for name in analytic}


def check_model(model, loss, x, y, h=1e-4):
    """Gradient check of a whole network under a loss.

    Returns rows [(parameter name, shape, relative error)] for every parameter.
    """
    loss_fn = nn.loss(loss)
    x = np.array(x, dtype=np.float64)

    def objective():
        return float(np.sum(loss_fn(model.forward(x), y)))

    objective()
    model.backward(loss_fn.backward())
    rows = []
    for name, p in model.named_parameters():
        analytic = p.grad.copy()
        rows.append((name, p.data.shape, rel_error(analytic, numerical_gradient(objective, p.data, h))))
    return rows
