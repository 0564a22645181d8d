"""The Extra section's study helpers and figure options: comparisons' first epochs and
chosen rates, momentum's equal-step rate, the width rule, and the figures' study colours."""
from types import SimpleNamespace

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.colors import to_hex  # noqa: E402

from lab1 import data, nn, optim, plots  # noqa: E402
from lab1.study import comparisons as cmp  # noqa: E402
from lab1.study import conv_report, figures  # noqa: E402
from lab1.train import NEVER, fit  # noqa: E402


@pytest.fixture(scope="module")
def stacked():
    x, y = data.generate_XOR_easy()
    model = nn.mlp([2, 4, 4, 1], rng=[0, 1, 2], models=3)
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=np.array([0.1, 10.0, 10.0])),
                  epochs=300, validation=(x, y))
    return history


def test_first_epochs_are_nan_where_a_model_never_reached_100():
    history = SimpleNamespace(first_perfect_epoch=np.array([5, NEVER, 70]))
    np.testing.assert_array_equal(cmp.first_epochs(history), [5.0, np.nan, 70.0])
    assert cmp.first_epochs(SimpleNamespace(first_perfect_epoch=NEVER)).shape == (1,)


def test_equal_step_lr_is_the_grid_rate_of_momentum_effective_step():
    assert cmp.equal_step_lr(1.0, 0.9, (1.0, 3.0, 10.0, 30.0)) == 10.0      # 1 / (1 - 0.9) = 10.000000000000002
    assert cmp.equal_step_lr(0.3, 0.9, (1.0, 3.0, 10.0, 30.0)) == 3.0
    assert cmp.equal_step_lr(0.5, 0.9, (1.0, 3.0, 10.0)) is None


def test_chosen_rates_by_data_set():
    runs = {("xor", "sgd"): {"lr": 10.0}, ("xor", "adam"): {"lr": 0.1}, ("linear", "sgd"): {"lr": 3.0}}
    assert cmp.chosen_rates(runs) == {"xor": {"sgd": 10.0, "adam": 0.1}, "linear": {"sgd": 3.0}}


@pytest.mark.parametrize("scores, tolerance, expected", [
    ({100: 0.970, 256: 0.969, 512: 0.969, 1000: 0.971}, 1 / 360, (100, 1000)),   # the report's numbers
    ({100: 0.960, 256: 0.969, 512: 0.971}, 1 / 360, (256, 512)),
    ({100: 0.990, 256: 0.95}, 0.0, (100, 100)),
    ({64: 0.9, 32: 0.9}, 0.0, (32, 32)),                                          # ties: the narrower
])
def test_width_rule_keeps_the_narrowest_width_near_the_best(scores, tolerance, expected):
    assert conv_report.narrowest_near_best(scores, tolerance) == expected


def test_width_rule_needs_scores():
    with pytest.raises(ValueError, match="no scores"):
        conv_report.narrowest_near_best({}, 0.01)


def _line_colors(fig):
    return {to_hex(line.get_color()) for ax in fig.axes for line in ax.get_lines()
            if line.get_label() and not line.get_label().startswith("_")}


def test_comparison_figures_use_the_study_colours(stacked):
    colors = {"sgd": "#123456", "adam": "#abcdef"}
    names = {"sgd": "SGD", "adam": "Adam"}
    runs = {"xor": {"sgd": stacked, "adam": stacked}}
    fig = figures.seed_band_losses(runs, None, names, {"xor": "XOR"}, colors=colors)
    assert {"#123456", "#abcdef"} <= _line_colors(fig)
    means = {("xor", k): {0.1: 0.2, 1.0: 0.1} for k in names}
    fig = figures.lr_selection(means, {("xor", k): 1.0 for k in names}, {k: (0.1, 1.0) for k in names}, names,
                             {"xor": "XOR"}, None, colors=colors)
    assert {"#123456", "#abcdef"} <= _line_colors(fig)
    fig = figures.activation_curves(["tanh", "relu"], colors={"tanh": "#123456", "relu": "#abcdef"})
    assert [to_hex(line.get_color()) for line in fig.axes[0].get_lines()[-2:]] == ["#123456"] * 2
    assert [to_hex(line.get_color()) for line in fig.axes[1].get_lines()[-2:]] == ["#abcdef"] * 2


def test_lr_selection_panels_share_one_loss_scale():
    names = {"sgd": "SGD"}
    means = {("xor", "sgd"): {0.1: 0.2, 1.0: 1e-4, 10.0: np.inf}, ("linear", "sgd"): {0.1: 0.05, 1.0: 0.03, 10.0: 0.02}}
    fig = figures.lr_selection(means, {("xor", "sgd"): 1.0, ("linear", "sgd"): 10.0}, {"sgd": (0.1, 1.0, 10.0)},
                               names, {"xor": "XOR", "linear": "Linear"}, None)
    xor, linear = fig.axes[:2]
    assert xor.get_ylim() == linear.get_ylim() and xor.get_ylim()[0] < 1e-4 < 0.2 < xor.get_ylim()[1]


def test_learning_curves_accuracy_axis_spans_the_late_epochs(stacked):
    everything = plots.learning_curves(stacked)
    late = plots.learning_curves(stacked, accuracy_from=100)
    low_all = everything.axes[1].get_ylim()[0]
    low_late = late.axes[1].get_ylim()[0]
    shown = 100 * np.nanmin(np.asarray(stacked.accuracy)[99:])
    assert low_all < low_late <= shown
    assert late.axes[1].get_ylim()[1] <= 100.5


def test_dots_on_a_log_axis_without_any_value_still_draw():
    fig = figures.dots_by_value({"xor": {"SGD": [np.nan, np.nan]}}, "optimizer", "first epoch at 100%", log_y=True,
                              unreached="never 100%")
    assert fig.axes[0].get_yscale() == "linear"
    fig = figures.dots_by_value({"xor": {"SGD": [30.0, 300.0]}}, "optimizer", "first epoch at 100%", log_y=True)
    assert fig.axes[0].get_yscale() == "log"
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels(which="both") if t.get_text()]
    assert "100" in labels and not any("times" in t or "^" in t for t in labels)


def _failed_history(final_losses, start=0.3, window_start=0.25, accuracy=0.5, epochs=10):
    """A stacked History stand-in: every model's loss goes start -> window_start (epoch 7,
    the last FLAT_WINDOW starts after it) -> its final_losses entry; no model reached 100%."""
    m = len(final_losses)
    loss = np.full((epochs, m), window_start)
    loss[0], loss[-1] = start, final_losses
    acc = np.where(np.isfinite(final_losses), accuracy, np.nan)
    return SimpleNamespace(loss=loss, final_accuracies=acc, first_perfect_epoch=np.full(m, NEVER), epochs=epochs)


def test_failed_runs_tell_flat_falling_rising_and_diverged_apart():
    text = cmp.failed_runs(_failed_history([0.25, 0.1, 0.4, np.nan]), 20)
    assert "1 run that never reached it, ending with 10 of 20 points wrong, has a flat loss" in text
    assert "stuck in a local minimum" in text                     # flat, and below where it started
    assert "has a loss still falling over the last 2 epochs ($0.250$ to $0.100$, 60.0% lower)" in text
    assert "has a rising loss over the last 2 epochs ($0.250$ to $0.400$, 60.0% higher)" in text
    assert text.endswith("1 run diverged")


def test_a_flat_loss_above_its_start_is_not_called_stuck():
    text = cmp.failed_runs(_failed_history([1e56], start=1.0, window_start=1e56), 21)
    assert "has a flat loss" in text and "stuck" not in text


def test_fastest_variants_that_tie_are_named_together():
    def summary(median):
        return dict(reached=5, models=5, perfect_at_end=5, epochs_to_perfect_median=median, epochs=100)

    runs = {("xor", k): {"summary": summary(m), "lr": 1.0} for k, m in (("a", 21), ("b", 21), ("c", 40))}
    names = {"a": "Adagrad", "b": "RMSprop", "c": "SGD"}
    text = cmp.ranking_sentences(runs, ["a", "b", "c"], names, {"xor": None}, "xor", "optimizers")
    assert "the fastest, tied, are Adagrad (lr 1) and RMSprop (lr 1), each after a median of 21 epochs" in text
    assert "the slowest SGD, after a median of 40 epochs" in text


@pytest.mark.parametrize("leaky, plain, expected", [
    ((5, 3), (5, 5), "fewer runs than ReLU on Linear (runs reaching 100%, leaky against plain: XOR: 5 against 5"),
    ((5, 5), (3, 5), "in more runs than ReLU on XOR (runs"),
    ((5, 5), (5, 5), "here the leak does not change how many runs succeed"),
])
def test_leaky_sentence_follows_the_counts(leaky, plain, expected):
    from lab1.study import activations

    runs = {}
    for d, l_count, p_count in zip(("xor", "linear"), leaky, plain):
        runs[d, "leaky_relu"] = {"summary": {"reached": l_count}}
        runs[d, "relu"] = {"summary": {"reached": p_count}}
    text = activations.leaky_sentence(runs, ["xor", "linear"], 5)
    assert expected in text
    assert ("so it can come back." in text) == (expected.startswith("in more"))
