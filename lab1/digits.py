"""The bundled 8x8 digits, a stratified split, and a seeded K-class 2-D spiral.

``lab1.data`` re-exports these as ``data.load_digits``, ``data.stratified_split`` and
``data.generate_spiral``.
"""
import numbers
from importlib import resources

import numpy as np

from lab1.seeding import as_generator

DIGITS_FILE = "datasets/digits.npz"


def load_digits():
    """The UCI 8x8 hand-written digits, as scikit-learn distributes them.

    Returns images float64 (1797, 1, 8, 8) in [0, 1] (pixel counts 0..16 divided by 16)
    and labels int64 (1797,) in 0..9. See lab1/datasets/README.md for source and license.
    """
    with resources.files("lab1").joinpath(DIGITS_FILE).open("rb") as f:
        with np.load(f) as archive:
            images = archive["images"]
            labels = archive["labels"]
    x = images.astype(np.float64)[:, None, :, :] / 16.0
    return x, labels.astype(np.int64)


def stratified_split(labels, fractions=(0.6, 0.2, 0.2), rng=0):
    """Split sample indices so every class is divided in the given proportions.

    labels: (N,) or (N, 1) integer class labels. fractions: positive numbers summing to 1,
    one per part. rng: seed or Generator (same seed -> same split).
    Returns a tuple of len(fractions) int64 index arrays, each sorted; together they hold
    every index 0..N-1 exactly once. Within class c of size n_c, part i gets
    round(n_c * (f_0 + ... + f_i)) - round(n_c * (f_0 + ... + f_{i-1})) samples.
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"stratified_split: labels must have shape (N,) or (N, 1), "
                         f"got {labels.shape}")
    try:
        fractions = np.asarray(fractions, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"stratified_split: fractions must be numbers, got {fractions!r}") from None
    if fractions.ndim != 1 or fractions.size < 1:
        raise ValueError(f"stratified_split: fractions must be a non-empty sequence, "
                         f"got {fractions.tolist()!r}")
    if not np.all(np.isfinite(fractions)) or np.any(fractions <= 0):
        raise ValueError(f"stratified_split: fractions must all be positive, got {fractions.tolist()}")
    if abs(fractions.sum() - 1.0) > 1e-6:
        raise ValueError(f"stratified_split: fractions must sum to 1, got {fractions.tolist()} "
                         f"(sum {fractions.sum():g})")
    gen = as_generator(rng)
    bounds = np.cumsum(fractions)
    bounds[-1] = 1.0
    parts = [[] for _ in fractions]
    for c in np.unique(labels):
        idx = gen.permutation(np.flatnonzero(labels == c))
        cuts = np.rint(bounds * idx.size).astype(int)
        for i, chunk in enumerate(np.split(idx, cuts[:-1])):
            parts[i].append(chunk)
    return tuple(np.sort(np.concatenate(p)).astype(np.int64) if p else np.zeros(0, np.int64)
                 for p in parts)


def generate_spiral(n_per_class=100, classes=3, noise=0.2, rng=None):
    """K interleaved spiral arms in the plane, one per class.

    Point j of arm k sits at radius r = j / (n_per_class - 1) in [0, 1] and angle
    theta = 2*pi*k/classes + 1.5*pi*r (each arm turns three quarters of a circle),
    with Gaussian noise of standard deviation ``noise`` (radians) added to theta, so
    the noise grows with the radius and the arms stay separable near the centre.
    Returns x float64 (classes * n_per_class, 2), within the unit disc, and labels
    y int64 (classes * n_per_class,), arm by arm (class 0 first).
    rng: seed, Generator or None (fresh entropy).
    """
    if not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"generate_spiral: n_per_class must be a positive int, got {n_per_class!r}")
    if not isinstance(classes, (int, np.integer)) or classes < 1:
        raise ValueError(f"generate_spiral: classes must be a positive int, got {classes!r}")
    if not isinstance(noise, numbers.Real) or isinstance(noise, bool) or not 0 <= noise < np.inf:
        raise ValueError(f"generate_spiral: noise must be >= 0, got {noise!r}")
    gen = as_generator(rng)
    r = np.linspace(0.0, 1.0, n_per_class) if n_per_class > 1 else np.ones(1)
    k = np.arange(classes)[:, None]
    theta = 2 * np.pi * k / classes + 1.5 * np.pi * r + noise * gen.standard_normal((classes, n_per_class))
    x = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=-1).reshape(-1, 2)
    y = np.repeat(np.arange(classes, dtype=np.int64), n_per_class)
    return x, y
