"""lab1.study analysis and listings: linear models, saturation, dead units, tables, sources."""
import itertools
import warnings

import numpy as np
import pytest

from lab1 import nn, study
from lab1.study import listings


def test_init_formulas_match_the_library():
    import math
    from lab1.nn.linear import INITIALIZERS
    assert set(listings.INIT_FORMULAS) == set(INITIALIZERS)
    expected = {   # the scale each formula states, for fan_in = 3, fan_out = 5
        "uniform": ("uniform", 1 / math.sqrt(3)), "normal": ("normal", 1.0),
        "xavier_uniform": ("uniform", math.sqrt(6 / 8)), "xavier_normal": ("normal", math.sqrt(2 / 8)),
        "he_uniform": ("uniform", math.sqrt(6 / 3)), "he_normal": ("normal", math.sqrt(2 / 3)),
    }
    for name, (distribution, scale_of, biases) in INITIALIZERS.items():
        assert (distribution, scale_of(3, 5)) == pytest.approx(expected[name]), name
        assert study.init_formula(name).startswith("$U" if distribution == "uniform" else r"$\mathcal{N}")
    with pytest.raises(ValueError, match="parameter init"):
        study.init_formula("nonsense")


def test_best_linear_accuracy_of_xor_is_16_of_21():
    data = study.load_dataset("xor")
    assert study.best_linear_accuracy(data.x, data.y) == pytest.approx(16 / 21)


def test_best_linear_accuracy_of_separable_data_is_1():
    data = study.load_dataset("linear")
    assert study.best_linear_accuracy(data.x, data.y) == 1.0


def test_best_linear_accuracy_matches_brute_force():
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(9, 2))
    y = rng.integers(0, 2, size=(9, 1))
    best = study.best_linear_accuracy(x, y)
    # brute force: every labelling a line can make is a subset cut off by some line;
    # sample many random lines densely and check none beats the exact answer and one matches it
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
    found = 0.0
    for t in angles:
        proj = x @ np.array([np.cos(t), np.sin(t)])
        for c in np.concatenate([proj, proj - 1e-9, proj + 1e-9]):
            found = max(found, np.mean((proj > c) == y.ravel().astype(bool)))
    assert found <= best + 1e-12
    assert found == pytest.approx(best)


def test_collapse_linear_reproduces_the_network():
    model = nn.mlp([2, 4, 4, 1], activation="identity", output="identity", init="normal", rng=3)
    x = np.random.default_rng(0).uniform(size=(10, 2))
    w, b = study.collapse_linear(model)
    assert w.shape == (2, 1) and b.shape == (1,)
    np.testing.assert_allclose(x @ w + b, model(x), rtol=1e-12, atol=1e-12)
    stack = study.build([2, 3, 3, 1], seeds=[1, 2], activation="identity", output="identity")
    w1, b1 = study.collapse_linear(stack, model_index=1)
    np.testing.assert_allclose(x @ w1 + b1, stack(x)[1], rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="model_index"):
        study.collapse_linear(stack)
    with pytest.raises(ValueError, match="Sigmoid"):
        study.collapse_linear(nn.mlp([2, 4, 1], rng=0))


def test_architecture_table_counts_parameters():
    model = nn.mlp([2, 4, 4, 1], rng=0)
    rows = study.architecture_rows(model)
    assert [r[-1] for r in rows] == [12, 0, 20, 0, 5, 0]
    table = study.architecture_table(model)
    assert "**37**" in table and "(2, 4)" in table and "(4,)" in table
    stacked = study.architecture_rows(study.build([2, 4, 4, 1], seeds=[0, 1, 2]))
    assert [r[-1] for r in stacked] == [r[-1] for r in rows]


def test_divergence_is_reported_not_hidden():
    data = study.load_dataset("xor")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = study.sweep(data, "lr", [0.01, 5.0], seeds=[0, 1], epochs=50,
                        activation="identity", output="identity")
    s = {row["value"]: row for row in runs.summary()}
    assert s[5.0]["diverged"] == 2 and s[0.01]["diverged"] == 0
    assert all(itertools.chain(s[5.0]["diverged_epochs"] > 0))


def test_sigmoid_saturation():
    x = np.random.default_rng(0).uniform(size=(8, 2))
    fresh = study.build(seeds=[0, 1])
    assert study.sigmoid_saturation(fresh, x).shape == (2,)
    blown = nn.mlp([2, 4, 4, 1], init="normal", rng=0)
    for p in blown.parameters():
        p.data *= 1000.0
    assert study.sigmoid_saturation(blown, x) > 0.9
    assert study.sigmoid_saturation(blown, x, layer="output") in (0.0, 1.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875)
    with pytest.raises(ValueError, match="no hidden Sigmoid"):
        study.sigmoid_saturation(nn.mlp([2, 3, 1], activation="identity", rng=0), x)


def test_source_listing_fits_the_width():
    listing = study.source_listing(nn.Sigmoid.backward)
    assert listing.startswith("# Sigmoid.backward (lab1/nn/activations.py)\ndef backward(self, dout):")
    long = study.source_listing(study.sweep, width=60)
    code_lines = [line for line in long.splitlines() if line.strip().startswith("#")]
    assert all(len(line) <= 60 for line in code_lines)