"""Sections 4.C and 4.D study code: variants without activations, the line each run ends on,
learning rates tuned per initializer, and the summary figure."""
import warnings

import numpy as np
import pytest

from lab1 import nn
from lab1.study import analysis, config, figures, sweeps
from lab1.study import no_activation as na
from lab1.study.comparisons import choose_lr

XOR = sweeps.load_dataset("xor")
ARM_BELOW = tuple(int(x0 > x1) for x0, x1 in XOR.x)        # label 1 right of / below the diagonal


def test_variant_options_change_only_the_activations():
    setting = config.setting(loss="bce", hidden=3)
    hidden = na.variant_options(setting, "identity hidden")
    assert hidden["activation"] == "identity" and hidden["output"] == "sigmoid" and hidden["loss"] == "bce"
    plain = na.variant_options(setting, "no activation")
    assert (plain["activation"], plain["output"], plain["loss"]) == ("identity", "identity", "mse")
    assert na.variant_options(setting, "reference")["sizes"] == (2, 3, 3, 1)
    assert "lr" not in hidden
    with pytest.raises(ValueError, match="variant must be one of"):
        na.variant_options(setting, "linear")


def test_every_run_ends_on_a_line_within_the_bound():
    """A network without hidden activations labels the points as one straight line does:
    its collapsed (W, b) gives the same labels, and no run beats the best line."""
    setting = config.setting(epochs=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = na.variants(XOR, [0.1, 1.0], 3, setting, 200)
    bound = analysis.best_linear_accuracy(XOR.x, XOR.y)
    swept = runs["identity hidden"]
    ends = na.settled(swept, XOR.x)
    assert [(e.seed, e.lr) for e in ends] == [(s, lr) for lr in (0.1, 1.0) for s in range(3)]
    for end in ends:
        assert end.accuracy <= bound + 1e-12
        model, index = swept.model(end.lr, end.seed)
        w, b = analysis.collapse_linear(nn.Sequential(*model.layers[:-1]), model_index=index)
        assert end.labels == tuple(int(v) for v in (XOR.x @ w + b)[:, 0] > 0)
        assert end.accuracy == pytest.approx(np.mean(np.array(end.labels) == XOR.y[:, 0]))
    assert set(runs) == {"identity hidden", "no activation", "reference"}
    assert runs["reference"].values == [setting.lr]


def test_labellings_group_rates_and_skip_diverged_runs():
    flat = (0,) * 21
    ends = [na.Settled(0, 0.1, 11 / 21, flat), na.Settled(0, 1.0, 11 / 21, flat),
            na.Settled(1, 0.1, 16 / 21, ARM_BELOW), na.Settled(1, 1.0, float("nan"), None)]
    groups = na.labellings_by_seed(ends)
    assert groups == {0: [(flat, [0.1, 1.0])], 1: [(ARM_BELOW, [0.1])]}
    assert na.accuracy_by_seed(ends) == {0: [(11 / 21, [0.1, 1.0])], 1: [(16 / 21, [0.1])]}
    table = na.lines_table(ends + [na.Settled(2, 0.1, 11 / 21, flat), na.Settled(2, 1.0, 11 / 21, flat)],
                           XOR.x, XOR.y)
    assert "| 0, 2 | 0.1, 1 | none (all label 0) | 52.4% |" in table        # seeds that end alike share a row
    assert "| 1 | 0.1 | 5 of 10 label-1 points, below the diagonal | 76.2% |" in table
    assert "| 1 | 1 | diverged | n/a |" in table


def test_describe_labels_counts_both_labels_and_the_side():
    assert na.describe_labels((1,) * 21, XOR.x, XOR.y) == "all (all label 1)"
    above = tuple(int(x0 < x1) for x0, x1 in XOR.x)
    assert na.describe_labels(above, XOR.x, XOR.y) == "5 of 10 label-1 points, above the diagonal"
    top = tuple(int(x1 > 0.45) for _, x1 in XOR.x)     # both labels, both sides
    assert na.describe_labels(top, XOR.x, XOR.y) == "5 of 10 label-1 points and 6 of 11 label-0 points"


def test_accuracy_at_time_reads_the_epoch_of_equal_lr_times_epochs():
    swept = sweeps.sweep(XOR, "lr", [0.1, 1.0], [0, 1], epochs=30)
    at = na.accuracy_at_time(swept, 2.0)
    assert set(at) == {0.1, 1.0}
    np.testing.assert_array_equal(at[0.1], swept.histories[0.1].accuracy[19])
    np.testing.assert_array_equal(at[1.0], swept.histories[1.0].accuracy[1])
    assert set(na.accuracy_at_time(swept, 10.0)) == {1.0}       # lr 0.1 would need epoch 100


def test_tuned_options_choose_each_rate_by_the_shared_rule():
    setting = config.setting(loss="mse")
    grid = na.grid_with([3.0, 0.5], setting.lr)
    assert grid == [0.5, 1.0, 3.0]
    runs = na.tuned_options(XOR, "loss", ["mse", "bce"], grid, 2, 60, setting)
    for loss, run in runs.items():
        assert run["lr"] == choose_lr(run["sweep"])[0] and run["sweep"].values == grid
        assert run["sweep"].settings["loss"] == loss and run["sweep"].settings["output"] == "sigmoid"
    first = na.first_epochs(runs)
    for loss in runs:
        for lr in grid:
            raw = runs[loss]["sweep"].histories[lr].first_perfect_epoch
            np.testing.assert_array_equal(np.isnan(first[loss][lr]), raw < 1)


def test_initial_weight_std_follows_the_initializer():
    setting = config.setting()
    normal = na.initial_weight_std(setting, "normal", 20)
    uniform = na.initial_weight_std(setting, "uniform", 20)
    assert normal.shape == (3,) and np.all(np.abs(normal - 1) < 0.25)
    # uniform on (-a, a), a = 1 / sqrt(fan_in): std a / sqrt(3) per layer
    expected = 1 / np.sqrt(3 * np.array([2, 4, 4]))
    np.testing.assert_allclose(uniform, expected, rtol=0.25)


def test_tuned_table_reads_the_reference_rate_and_the_chosen_one():
    setting = config.setting()
    runs = na.tuned_options(XOR, "init", ["uniform", "normal"], [1.0, 10.0], 2, 400, setting)
    table = na.tuned_table(runs, 1.0, "init", names={"normal": "`normal`"}, extra={"std": ["a", "b"]})
    lines = table.splitlines()
    assert lines[0] == "| init | std | at 100%, lr 1 | own lr | at 100% | first epoch at 100% | accuracy |"
    for line, (value, run) in zip(lines[2:], runs.items()):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        reached_at_1 = int(np.sum(runs[value]["sweep"].histories[1.0].first_perfect_epoch > 0))
        assert cells[2] == f"{reached_at_1}/2" and cells[3] == f"{run['lr']:g}"
        assert cells[4] == f"{run['summary']['reached']}/2"
    assert lines[3].startswith("| `normal` | b |")


def test_accuracy_by_variant_draws_every_seed_the_bound_and_the_diverged():
    panels = {"xor": {"identity hidden": {0.1: [0.5, 0.76, 0.76], 1.0: [0.5, np.nan, np.nan]},
                      "reference": {1.0: [1.0, 1.0, 1.0]}},
              "linear": {"identity hidden": {0.1: [1.0, 0.99, 1.0], 1.0: [1.0, 1.0, 1.0]},
                         "reference": {1.0: [1.0, 1.0, 1.0]}}}
    colors = figures.sweep_colors([0.1, 1.0])
    fig = figures.accuracy_by_variant(panels, {"xor": 16 / 21, "linear": 1.0}, colors=colors)
    xor, linear = fig.axes[:2]
    filled = [c for c in xor.collections if len(c.get_facecolors()) and c.get_facecolors()[0][3] > 0]
    points = np.concatenate([c.get_offsets() for c in filled])
    assert len(points) == 3 + 1 + 3                  # the two diverged seeds are not dots
    dashed = [line for line in xor.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_ydata()[0] == pytest.approx(100 * 16 / 21)
    assert any(t.get_text() == "2" for t in xor.texts)               # the diverged count
    assert xor.get_ylim() == linear.get_ylim()
    with pytest.raises(ValueError, match="bounds has no value"):
        figures.accuracy_by_variant(panels, {"xor": 0.7})


def _sweep(accuracy, loss, seeds=(0, 1, 2)):
    """A stand-in for sweeps.Sweep over "lr": {lr: per-seed accuracy}, {lr: per-seed loss}; nan
    accuracy marks a diverged seed."""
    from types import SimpleNamespace
    histories = {lr: SimpleNamespace(final_accuracy=np.nan_to_num(np.array(a, dtype=float)),
                                     diverged_epoch=np.where(np.isnan(a), 3, -1), final_loss=np.array(loss[lr]))
                 for lr, a in accuracy.items()}
    return SimpleNamespace(values=list(accuracy), histories=histories, seeds=list(seeds))


def test_most_accurate_breaks_ties_by_the_lowest_loss():
    swept = _sweep({100.0: [10 / 21, 10 / 21, 11 / 21], 1000.0: [11 / 21, 11 / 21, np.nan]},
                   {100.0: [0.5, 0.5, 0.3], 1000.0: [0.4, 0.2, np.inf]}, seeds=(4, 5, 6))
    assert na.most_accurate(swept) == dict(lr=1000.0, index=1, seed=5, accuracy=11 / 21, tied=3)
    alone = _sweep({1.0: [0.5, 0.9, 0.7]}, {1.0: [0.3, 0.2, 0.1]})
    assert na.most_accurate(alone) == dict(lr=1.0, index=1, seed=1, accuracy=0.9, tied=1)
    assert na.most_accurate(_sweep({1.0: [np.nan, np.nan, np.nan]}, {1.0: [1, 1, 1]})) is None


def test_share_intro_counts_the_choices_and_a_one_rate_grid():
    both = na.share_intro(["init", "loss"], [0.3, 1.0, 3.0], 1.0, 5, 5000, "XOR")
    assert both.startswith("Two choices of the setup that the rubric does not ask about: the initial weights and "
                           "the loss. ")
    assert "every rate of the grid 0.3, 1 and 3 (5 seeds, 5,000 epochs on XOR" in both
    loss = na.share_intro(["loss"], [0.3, 1.0], 1.0, 5, 2000, "Linear")
    assert loss.startswith("One choice of the setup that the rubric does not ask about: the loss. ")
    assert "so it is compared at its own rate" in loss and "initial weights" not in loss
    one = na.share_intro(["init"], [1.0], 1.0, 2, 5000, "XOR")
    assert "every rate of the grid" not in one and "its own rate" not in one
    assert "The grid of learning rates has one rate, lr 1, the reference rate" in one


def test_init_limits_fit_the_initializers_and_the_grid():
    four = na.init_limits(["uniform", "normal", "xavier_normal", "he_normal"], [0.3, 1.0], "2 → 4 → 4 → 1",
                          "EDGE.")
    assert "(the initializers differ in both)" in four and "Xavier and He scaling were" in four
    assert four.endswith("units. EDGE.")
    one = na.init_limits(["normal"], [1.0], "2 → 4 → 4 → 1", "The largest rate ...; the smallest rate ...")
    assert "differ in both" not in one and "largest rate" not in one and "smallest rate" not in one
    assert "The grid has one rate, so the initializer is trained at that rate only" in one
    assert "Xavier" not in one
    he = na.init_limits(["normal", "he_normal"], [0.3, 1.0], "2 → 4 → 4 → 1", "")
    assert "He scaling was designed" in he and "differ in both" in he
