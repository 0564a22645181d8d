"""The bundled 8x8 digits, the stratified split and the spiral generator."""
from pathlib import Path

import numpy as np
import pytest

from lab1.digits import generate_spiral, load_digits, stratified_split

CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------- load_digits

def test_digits_shapes_dtypes_and_range():
    x, y = load_digits()
    assert x.shape == (1797, 1, 8, 8) and x.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(x * 16, np.round(x * 16))     # pixel counts 0..16, / 16


def test_digits_classes_and_content():
    x, y = load_digits()
    counts = np.bincount(y)
    assert len(counts) == 10 and counts.sum() == 1797
    assert counts.tolist() == CLASS_COUNTS
    # the scikit-learn copy: first image is a 0, labels start 0..9, total ink fixed
    np.testing.assert_array_equal(y[:10], np.arange(10))
    np.testing.assert_array_equal(x[0, 0, 1] * 16, [0, 0, 13, 15, 10, 15, 5, 0])
    assert int(round((x * 16).sum())) == 561718


def test_digits_returns_fresh_arrays():
    x, y = load_digits()
    x[:] = -1
    y[:] = -1
    x2, y2 = load_digits()
    assert x2.min() == 0.0 and y2.min() == 0


def test_digits_file_is_package_data():
    assert (ROOT / "lab1" / "datasets" / "digits.npz").is_file()
    assert (ROOT / "lab1" / "datasets" / "README.md").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'lab1 = ["datasets/*.npz"]' in pyproject


# ---------------------------------------------------------------------------- stratified_split

def test_split_proportions_per_class():
    _, y = load_digits()
    parts = stratified_split(y)
    assert len(parts) == 3
    for part, fraction in zip(parts, (0.6, 0.2, 0.2)):
        assert part.dtype == np.int64
        per_class = np.bincount(y[part], minlength=10)
        # each class is split in the given proportions, to within one sample of rounding
        assert np.all(np.abs(per_class - fraction * np.array(CLASS_COUNTS)) <= 1), per_class
    assert [len(p) for p in parts] == [1078, 360, 359]


def test_split_is_a_partition():
    _, y = load_digits()
    parts = stratified_split(y, rng=3)
    joined = np.concatenate(parts)
    np.testing.assert_array_equal(np.sort(joined), np.arange(len(y)))
    for p in parts:
        np.testing.assert_array_equal(p, np.sort(p))


def test_split_is_deterministic():
    _, y = load_digits()
    a, b, c = stratified_split(y, rng=0), stratified_split(y, rng=0), stratified_split(y, rng=1)
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a[0], c[0])
    # the default seed is 0; a Generator is accepted too
    for p, q in zip(stratified_split(y), a):
        np.testing.assert_array_equal(p, q)
    assert sum(map(len, stratified_split(y, rng=np.random.default_rng(5)))) == len(y)


def test_split_two_parts_and_column_labels():
    labels = np.repeat([0, 1, 2], [10, 20, 30])
    train, test = stratified_split(labels[:, None], fractions=(0.8, 0.2), rng=1)
    assert np.bincount(labels[train]).tolist() == [8, 16, 24]
    assert np.bincount(labels[test]).tolist() == [2, 4, 6]


@pytest.mark.parametrize("fractions,match", [
    ((0.5, 0.4), "sum to 1"),
    ((0.7, 0.4, -0.1), "positive"),
    ((1.0, 0.0), "positive"),
    ((), "non-empty"),
    (("a", "b"), "numbers"),
    ((np.nan, 1.0), "positive"),
])
def test_split_bad_fractions(fractions, match):
    with pytest.raises(ValueError, match=f"stratified_split: fractions.*{match}"):
        stratified_split(np.zeros(10, dtype=int), fractions=fractions)


def test_split_bad_labels():
    with pytest.raises(ValueError, match="labels must have shape"):
        stratified_split(np.zeros((4, 2)))


# ---------------------------------------------------------------------------- generate_spiral

def test_spiral_shapes_and_labels():
    x, y = generate_spiral(n_per_class=50, classes=4, rng=0)
    assert x.shape == (200, 2) and x.dtype == np.float64
    assert y.shape == (200,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50] * 4
    assert np.all(np.hypot(x[:, 0], x[:, 1]) <= 1 + 1e-12)
    x, y = generate_spiral()
    assert x.shape == (300, 2) and set(y.tolist()) == {0, 1, 2}


def test_spiral_is_deterministic():
    a, b, c = generate_spiral(rng=0), generate_spiral(rng=0), generate_spiral(rng=1)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    gen = np.random.default_rng(0)
    np.testing.assert_array_equal(generate_spiral(rng=gen)[0], a[0])


def test_spiral_without_noise_lies_on_the_arms():
    x, y = generate_spiral(n_per_class=20, classes=3, noise=0.0, rng=0)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(r[y == 1], np.linspace(0, 1, 20), atol=1e-12)
    # arm k is arm 0 turned by 2*pi*k/K
    turn = 2 * np.pi / 3
    rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    np.testing.assert_allclose(x[y == 0] @ rot.T, x[y == 1], atol=1e-12)


@pytest.mark.parametrize("kwargs,match", [
    (dict(n_per_class=0), "n_per_class"),
    (dict(n_per_class=2.5), "n_per_class"),
    (dict(classes=0), "classes"),
    (dict(noise=-0.1), "noise"),
])
def test_spiral_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"generate_spiral: {match}"):
        generate_spiral(**kwargs)
