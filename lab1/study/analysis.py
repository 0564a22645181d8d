"""Analysis of trained networks: the best a straight line can do, the one affine map a
network without activations collapses to, saturated sigmoids and inactive rectifiers."""
import math

import numpy as np

from .. import nn
from .config import check_choice

def best_linear_accuracy(x, y):
    """The highest accuracy any straight line (half-plane classifier) reaches on 2-D points.

    x: (N, 2), y: (N, 1) or (N,) binary labels. Exact: the side of each point can only
    change where the line's normal turns past a direction perpendicular to the difference
    of two points, so every direction just beside those critical angles, with every
    threshold between sorted projections and both orientations, covers all labellings
    a line can produce.
    """
    x = np.asarray(x, dtype=np.float64)
    labels = np.asarray(y).reshape(-1).astype(int)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) != len(labels):
        raise ValueError(f"best_linear_accuracy: expected x (N, 2) and N labels, got {x.shape}, {labels.shape}")
    n = len(x)
    diffs = x[:, None, :] - x[None, :, :]
    angles = np.arctan2(diffs[..., 1], diffs[..., 0])[np.triu_indices(n, 1)] + np.pi / 2
    eps = 1e-7
    candidates = np.concatenate([angles - eps, angles + eps, [0.0, np.pi / 2]])
    best = max(labels.mean(), 1 - labels.mean())   # a line with every point on one side
    for theta in candidates:
        proj = x @ np.array([math.cos(theta), math.sin(theta)])
        order = np.argsort(proj, kind="stable")
        ones_before = np.concatenate([[0], np.cumsum(labels[order])])     # label 1 among the k lowest
        k = np.arange(n + 1)
        # predict 0 for the k lowest, 1 above: correct = zeros below + ones above
        correct = (k - ones_before) + (labels.sum() - ones_before)
        best = max(best, correct.max() / n, (n - correct).max() / n)
    return float(best)


def collapse_linear(model, model_index=None):
    """(W, b) with model(x) == x @ W + b, for a network of Linear layers and Identity activations.

    A composition of affine maps is one affine map: W = W1 W2 W3,
    b = b1 W2 W3 + b2 W3 + b3. model_index picks one model of a stack.
    W: (in, out), b: (out,). Raises ValueError if any layer is not Linear or Identity.
    """
    w_total, b_total = None, None
    for layer in model.layers:
        if isinstance(layer, nn.Identity):
            continue
        if not isinstance(layer, nn.Linear):
            raise ValueError(f"collapse_linear: {type(layer).__name__} is not linear; "
                             "only Linear layers and Identity activations collapse")
        w = layer.weight.data if model_index is None or layer.models is None else layer.weight.data[model_index]
        if layer.bias is None:
            b = np.zeros(w.shape[-1])
        else:
            b = layer.bias.data if model_index is None or layer.models is None else layer.bias.data[model_index]
        if w.ndim != 2:
            raise ValueError("collapse_linear: the model is stacked; pass model_index")
        if w_total is None:
            w_total, b_total = w.copy(), b.copy()
        else:
            w_total, b_total = w_total @ w, b_total @ w + b
    if w_total is None:
        raise ValueError("collapse_linear: the model has no Linear layer")
    return w_total, b_total



def sigmoid_saturation(model, x, threshold=0.01, layer="hidden"):
    """Fraction of sigmoid outputs whose derivative sigma (1 - sigma) is below threshold.

    Near 1, back-propagated signals through these units vanish (the unit is saturated).
    layer: "hidden" (every Sigmoid but the last module), "output" (the last module, a
    Sigmoid) or "all". Counted over points and units. x: (N, in).
    Returns a float, or (M,) for stacked models.
    """
    check_choice("layer", layer, ("hidden", "output", "all"))
    h, values = np.asarray(x, dtype=np.float64), []
    layers = list(model.layers)
    for i, module in enumerate(layers):
        h = module.forward(h)
        last = i == len(layers) - 1
        wanted = layer == "all" or (layer == "output") == last
        if isinstance(module, nn.Sigmoid) and wanted:
            flat = h.reshape(h.shape[:-2] + (-1,)) if h.ndim == 3 else h.reshape(-1)
            values.append(flat * (1.0 - flat) < threshold)
    if not values:
        raise ValueError(f"sigmoid_saturation: the model has no {layer} Sigmoid layer")
    saturated = np.concatenate(values, axis=-1)
    return saturated.mean(axis=-1) if saturated.ndim == 2 else float(saturated.mean())



def inactive_units(model, x, model_index=None):
    """Hidden ReLU / leaky-ReLU units whose pre-activation is <= 0 on every input in x.

    Such a ReLU unit outputs 0 and passes no gradient for any of these inputs ("dead");
    a leaky unit still passes negative_slope times the gradient. Returns (M, L) counts
    for stacked models (L hidden rectifier layers), or (L,) for one model / model_index.
    """
    h = np.asarray(x, dtype=np.float64)
    layers, counts = list(model.layers), []
    for i, layer in enumerate(layers):
        pre = h
        h = layer.forward(h)
        if isinstance(layer, (nn.ReLU, nn.LeakyReLU)) and i < len(layers) - 1:
            counts.append(np.all(pre <= 0, axis=-2).sum(axis=-1))
    if not counts:
        raise ValueError("inactive_units: the model has no hidden ReLU or LeakyReLU layer")
    out = np.stack(counts, axis=-1)
    return out[model_index] if model_index is not None and out.ndim == 2 else out

