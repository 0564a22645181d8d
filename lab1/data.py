"""The TA's data generators, seeded variants and splits.

generate_linear and generate_XOR_easy keep the TA's semantics exactly; with the
default rng=None they draw from NumPy's global random state, so np.random.seed(s)
reproduces the TA's data point for point.
"""
import numbers

import numpy as np

from .digits import generate_spiral, load_digits, stratified_split
from .seeding import as_generator

__all__ = ["generate_linear", "generate_XOR_easy", "split", "uniform_setup",
           "load_digits", "stratified_split", "generate_spiral"]


def generate_linear(n=100, rng=None):
    """n points uniform in the unit square; label 0 if x0 > x1 else 1.

    Returns x (n, 2) float64 and y (n, 1) int. rng: None (np.random's global
    state, as the TA's code), an int seed or a Generator.
    """
    if not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"generate_linear: n must be a positive integer, got {n!r}")
    if rng is None:
        points = np.random.uniform(0, 1, (n, 2))
    else:
        points = as_generator(rng).uniform(0, 1, (n, 2))
    labels = np.where(points[:, 0] > points[:, 1], 0, 1)
    return points, labels.reshape(n, 1)


def generate_XOR_easy(rng=None):
    """The TA's 21 XOR points: 11 on the diagonal (label 0), 10 on the anti-diagonal (label 1).

    (0.5, 0.5) appears once, labelled 0. No randomness: rng is accepted so that
    both generators share one signature, and ignored.
    Returns x (21, 2) float64 and y (21, 1) int.
    """
    inputs, labels = [], []
    for i in range(11):
        inputs.append([0.1 * i, 0.1 * i])
        labels.append(0)
        if 0.1 * i == 0.5:
            continue
        inputs.append([0.1 * i, 1 - 0.1 * i])
        labels.append(1)
    return np.array(inputs), np.array(labels).reshape(21, 1)


def split(x, y, sizes, rng=None, shuffle=True):
    """Split (x, y) into parts by fractions (summing to 1) or counts (summing to N).

    x: (N, ...), y: (N, ...). Returns [(x_part, y_part), ...] in the order of sizes.
    shuffle draws one seeded permutation first; shuffle=False keeps the order.
    """
    x, y = np.asarray(x), np.asarray(y)
    n = len(x)
    if len(y) != n:
        raise ValueError(f"split: x has {n} samples but y has {len(y)}")
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(f"split: sizes must be a list of fractions or counts, got {sizes!r}")
    sizes = list(sizes)
    if not sizes or any(not isinstance(s, numbers.Real) or isinstance(s, bool) or not s >= 0
                        for s in sizes):
        raise ValueError(f"split: sizes must be non-negative numbers, got {sizes}")
    if all(isinstance(s, (int, np.integer)) for s in sizes):
        if sum(sizes) != n:
            raise ValueError(f"split: counts {sizes} sum to {sum(sizes)}, not to the {n} samples")
        counts = sizes
    else:
        if not np.isclose(sum(sizes), 1.0):
            raise ValueError(f"split: fractions {sizes} sum to {sum(sizes):g}, not to 1")
        counts = [int(round(f * n)) for f in sizes[:-1]]
        counts.append(n - sum(counts))
    order = as_generator(rng).permutation(n) if shuffle else np.arange(n)
    edges = np.cumsum(counts)[:-1]
    return [(x[idx], y[idx]) for idx in np.split(order, edges)]


def uniform_setup(n=5000, test_n=1000, fractions=(0.8, 0.2), rng=0):
    """The larger "uniform" setup: n linear-labelled points split into training and
    validation, and a separate test set of test_n points sharing no point with them.

    Returns {"train": (x, y), "val": (x, y), "test": (x, y)}.
    """
    gen = as_generator(rng)
    x, y = generate_linear(n, rng=gen)
    train, val = split(x, y, fractions, rng=gen)
    seen = {tuple(p) for p in x}
    x_test, y_test = generate_linear(test_n, rng=gen)
    fresh = np.array([tuple(p) not in seen for p in x_test])
    # continuous draws almost never repeat a point; drop any that does, to keep the sets disjoint
    return {"train": train, "val": val, "test": (x_test[fresh], y_test[fresh])}

