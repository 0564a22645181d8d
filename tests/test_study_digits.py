"""lab1.study.digits (the convolution section's models) and the Extra section's comparisons.

The digits tests train the documented configurations in full (the CNN: one seed,
20 epochs, about a second), so the accuracy the report states is the accuracy checked here.
"""
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from lab1 import nn, study
from lab1.study import activations, comparisons, optimizers
from lab1.study import digits


@pytest.fixture(scope="module")
def split():
    return digits.digits_split()


def test_reference_cnn_reaches_97_percent_on_test(split):
    """The full reference CNN configuration (20 epochs, seed 0) on the held-out test images."""
    result = digits.train_cnn(seeds=(0,), split=split)
    assert result.num_parameters == 2730
    assert result.config["epochs"] == 20
    assert result.test_accuracy.shape == (1,)
    assert result.test_accuracy[0] >= 0.97, result.summary()
    assert result.history.loss.shape == (20, 1) and result.history.val_accuracy.shape == (20, 1)


def test_reference_mlp_reports_six_numbers(split):
    result = digits.train_mlp(seeds=(0, 1), split=split)
    summary = result.summary()
    for name in digits.SPLITS:
        for what in ("accuracy", "loss"):
            values = getattr(result, f"{name}_{what}")
            assert values.shape == (2,)
            assert np.isfinite(summary[f"{name}_{what}"])
    assert all(0.9 < summary[f"{s}_accuracy"] <= 1.0 for s in digits.SPLITS), summary
    assert all(summary[f"{s}_loss"] > 0 for s in digits.SPLITS)
    assert result.num_parameters == digits.mlp_parameters(digits.MLP["hidden"]) == 7510
    assert result.test_logits.shape == (2, len(split["test"][1]), 10)


def test_small_mlp_matches_the_cnn_size(split):
    cnn_params = digits.build_cnn(0).num_parameters()
    hidden = digits.matched_hidden(cnn_params)
    assert hidden == 36
    assert abs(digits.mlp_parameters(hidden) - cnn_params) <= min(
        abs(digits.mlp_parameters(h) - cnn_params) for h in (hidden - 1, hidden + 1))
    result = digits.train_digits("mlp_small", seeds=(0,), split=split, epochs=1)
    assert result.num_parameters == digits.mlp_parameters(36)


def test_split_is_stratified_and_disjoint(split):
    sizes = {k: len(v[1]) for k, v in split.items()}
    assert sizes == {"train": 1078, "val": 360, "test": 359}
    assert split["train"][0].shape[1:] == (1, 8, 8)
    for name in digits.SPLITS:
        assert set(np.unique(split[name][1])) == set(range(10))


def test_same_seed_same_cnn(split):
    a = digits.train_cnn(seeds=(3,), split=split, epochs=1)
    b = digits.train_cnn(seeds=(3,), split=split, epochs=1)
    np.testing.assert_array_equal(a.test_logits, b.test_logits)


def test_unknown_model_and_option_are_rejected(split):
    with pytest.raises(ValueError, match="cnn.*mlp.*mlp_small"):
        digits.train_digits("resnet")
    with pytest.raises(ValueError, match="unknown option.*chanels"):
        digits.train_cnn(split=split, chanels=8)


def test_choose_lr_takes_lowest_tail_loss_and_avoids_divergence():
    def history(*columns):
        return SimpleNamespace(loss=np.array(columns, dtype=float).T)

    sweep = SimpleNamespace(values=[0.1, 1.0, 10.0], histories={
        0.1: history([0.5] * 10, [0.5] * 10),
        1.0: history([0.4] * 9 + [0.01], [0.2] * 10),    # a lucky last epoch only: tail 0.205
        10.0: history([0.1] * 10, [0.1] * 9 + [np.nan]),  # one seed diverged at the end
    })
    lr, means = comparisons.choose_lr(sweep)
    assert lr == 1.0
    assert means[10.0] == np.inf
    assert means[1.0] == pytest.approx((0.01 + 0.2) / 2)


def test_choose_lr_on_a_real_sweep():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sweep = study.sweep(study.load_dataset("xor"), "lr", [1e-4, 3.0], study.seeds(2), epochs=200)
    assert comparisons.choose_lr(sweep)[0] == 3.0


def test_inactive_units_counts_dead_relus():
    model = nn.mlp([2, 3, 1], activation="relu", rng=0)
    x = np.random.default_rng(0).uniform(0, 1, (20, 2))
    first = model[0]
    first.weight.data[:, 0] = -1.0        # unit 0 negative on every input in [0, 1]^2
    first.bias.data[0] = -0.5
    first.weight.data[:, 1:] = 1.0
    first.bias.data[1:] = 0.1
    assert study.inactive_units(model, x).tolist() == [1]
    stacked = nn.mlp([2, 3, 3, 1], activation="leaky_relu", rng=[0, 1], models=2)
    assert study.inactive_units(stacked, x).shape == (2, 2)
    with pytest.raises(ValueError, match="no hidden ReLU"):
        study.inactive_units(nn.mlp([2, 3, 1], rng=0), x)


def test_grids_cover_every_optimizer_and_activation():
    from lab1 import optim
    assert set(optimizers.OPTIMIZER_LRS) == set(optimizers.OPTIMIZERS) <= set(optim.OPTIMIZERS)
    assert set(activations.ACTIVATIONS) <= set(nn.ACTIVATIONS)
    assert all(list(g) == sorted(g) and len(g) >= 3 for g in optimizers.OPTIMIZER_LRS.values())