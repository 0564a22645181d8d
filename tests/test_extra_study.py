"""The Extra section's study helpers and figure options: comparisons' first epochs and
chosen rates, momentum's equal-step rate, the width rule, and the figures' study colours."""
from types import SimpleNamespace

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.colors import to_hex  # noqa: E402

from lab1 import data, nn, optim, plots  # noqa: E402
from lab1.study import comparisons as cmp  # noqa: E402
from lab1.study import conv_report, figures, terms, wording  # noqa: E402
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
    text = cmp.failed_runs(_failed_history([0.3], start=0.25, window_start=0.3), 21)
    assert "has a flat loss" in text and "stuck" not in text


@pytest.mark.parametrize("final, window_start", [(1e56, 1e56), (1.96e9, 1.69e10)])
def test_a_finite_loss_far_above_its_start_blew_up(final, window_start):
    """06d: losses of 1e56 (flat) and 1.69e10 -> 1.96e9 ('still falling') from a start of 0.25."""
    text = cmp.failed_runs(_failed_history([final], start=0.25, window_start=window_start), 21)
    assert text.startswith("1 run that never reached it, ending with 10 of 21 points wrong, blew up: its loss ends "
                           f"at least {terms.BLEW_UP:g} times the loss of the initial weights (from $0.250$ to ")
    assert "flat" not in text and "falling" not in text


def test_one_epoch_window_is_the_last_epoch():
    text = cmp.failed_runs(_failed_history([0.25], epochs=5), 21)
    assert "over the last epoch (" in text and "1 epoch" not in text
    assert "over the last epoch," in cmp.flat_rule(5) and "1 epochs" not in cmp.flat_rule(5, again=True)
    assert wording.last_epochs(1000) == "the last 1,000 epochs"
    assert [wording.the_seeds(n) for n in (1, 2, 3)] == ["the seed", "both seeds", "the 3 seeds"]


def _summary(first, models=None, loss_rate=0.0):
    first = np.asarray(first, dtype=np.float64)
    models = len(first) if models is None else models
    return dict(reached=len(first), models=models, perfect_at_end=len(first), epochs_to_perfect=first,
                epochs_to_perfect_median=float(np.median(first)), epochs=2000, loss_increase_rate=loss_rate)


def test_fastest_variants_that_tie_are_named_together():
    runs = {("xor", k): {"summary": _summary(m), "lr": 1.0}
            for k, m in (("a", [20, 21, 22]), ("b", [20, 21, 22]), ("c", [39, 40, 41]))}
    names = {"a": "Adagrad", "b": "RMSprop", "c": "SGD"}
    text = cmp.ranking_sentences(runs, ["a", "b", "c"], names, {"xor": None}, "xor", "optimizers")
    assert "the lowest median first epoch at 100% is shared by Adagrad (lr 1) and RMSprop (lr 1), 21 epochs" in text
    assert "the highest SGD's, 40 epochs" in text and "fastest" not in text


def test_the_fastest_is_named_only_beyond_the_seed_spread():
    """07d: ReLU's median (92) is the lowest, but its seeds (91, 92, 631) overlap tanh's (92-147)."""
    runs = {("linear", k): {"summary": _summary(m), "lr": 1.0}
            for k, m in (("relu", [91, 92, 631]), ("tanh", [92, 101, 147]), ("sigmoid", [250, 266, 280]))}
    names = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid"}
    text = cmp.ranking_sentences(runs, list(names), names, {"linear": None}, "linear", "activations")
    assert "the fastest is" not in text and "ReLU is the fastest" not in text
    assert "the lowest median first epoch at 100% is ReLU's (lr 1), 92 epochs (3/3 runs)" in text
    assert "ReLU is not faster than tanh and sigmoid by more than the seed spread" in text
    runs["linear", "relu"]["summary"] = _summary([60, 61, 62])
    text = cmp.ranking_sentences(runs, list(names), names, {"linear": None}, "linear", "activations")
    assert "ReLU is the fastest, by more than the seed spread." in text
    assert "2,000 epochs" in cmp.epochs_text(dict(reached=0, models=3, epochs=2000))


def _oscillating(window, final, rate=0.4):
    loss = np.vstack([np.full(len(final), 9.0), window, final])
    return {"summary": {"loss_increase_rate": rate},
            "history": SimpleNamespace(loss=loss, final_losses=np.asarray(final, dtype=np.float64), epochs=3)}


def test_an_oscillating_loss_falls_only_when_it_still_falls():
    """06c: a loss flat at 0.249 over the last epochs that rose in 39.9% of them does not 'fall'."""
    runs = {("xor", "momentum"): _oscillating([0.25, 0.251], [0.249, 0.249]),
            ("linear", "sgd"): _oscillating([0.25, 0.3], [0.01, 0.02]),
            ("linear", "adam"): _oscillating([0.25, 0.3], [0.01, 0.29]),
            ("xor", "sgd"): _oscillating([0.25, 0.3], [0.01, 0.02], rate=0.1),
            ("xor", "adam"): _oscillating([0.25, 0.3], [0.01, 0.02], rate=0.1),
            ("linear", "momentum"): _oscillating([0.25, 0.3], [0.01, 0.02], rate=0.1)}
    names = {"momentum": "SGD + momentum", "sgd": "SGD", "adam": "Adam"}
    text = cmp.oscillation_sentence(runs, ["sgd", "momentum", "adam"], names, ["xor", "linear"])
    assert "value at the start of the last epoch, " in text
    assert "it oscillates while it still falls with SGD on Linear (40.0%)" in text
    assert "it oscillates without still falling with SGD + momentum on XOR (40.0%)" in text
    assert "Adam on Linear (40.0%, falling in 1 of 2 runs)" in text
    assert "SGD on XOR" not in text and "while it falls" not in text
    assert cmp.oscillation_sentence({("xor", "sgd"): _oscillating([0.25], [0.1], rate=0.1)}, ["sgd"], names,
                                    ["xor"]) == ""


def test_initial_losses_and_blew_up_losses_read_the_first_epoch():
    history = SimpleNamespace(loss=np.array([[0.25, 0.3], [1e9, 0.1]]), final_losses=np.array([2e9, 0.05]))
    runs = {("xor", "sgd"): {"history": history}}
    assert cmp.initial_losses(runs) == {"xor": {"sgd": [0.25, 0.3]}}
    initial, final = cmp.blew_up_losses(runs, "xor", ["sgd"], {"sgd": "SGD"})["SGD"]
    np.testing.assert_array_equal(initial, [0.25, 0.3])
    np.testing.assert_array_equal(final, [2e9, 0.05])


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


# --------------------------------------------------------------------------- Section 5 claims

def _finals(first, seeds=None, epochs=500):
    from lab1.study.finals import Finals
    first = list(first)
    seeds = len(first) if seeds is None else seeds
    first += [NEVER] * (seeds - len(first))
    return Finals(accuracy=[1.0 if f > 0 else 0.5 for f in first], first_perfect=first, epochs=epochs)


def test_blew_up_names_variants_whose_finite_loss_ends_far_above_its_start():
    from lab1.study import claims
    losses = {"SGD": ([0.25, 0.3, 0.2], [3.46e55, 1e8, 2.0]), "Adam": ([0.25, 0.3, 0.2], [0.01, 0.02, 0.01]),
              "SGD + momentum": ([0.25, 0.3, 0.2], [0.2, np.nan, 1.96e9])}
    assert claims.blew_up(losses, "on XOR") == (
        "On XOR, the loss blew up with SGD (3 of 3 seeds) and SGD + momentum (1 of 3 seeds): it ended finite but at "
        f"least {terms.BLEW_UP:g} times the loss of the initial weights (the largest final loss is "
        "$3.46 \\times 10^{55}$).")
    assert claims.blew_up({"Adam": ([0.25], [0.01]), "SGD": ([0.25], [np.inf])}, "on XOR") is None   # inf: diverged
    assert claims.blew_up({"SGD": ([0.25], [0.26])}, "on XOR") is None                              # above, not far
    assert claims.blew_up({"SGD": ([0.25], [30.0])}, "on XOR").startswith("On XOR, the loss blew up with SGD:")


def test_lowest_final_loss_names_ties_as_printed():
    """06a: RMSprop and Adagrad both print 0.249 on XOR; 06c: all five print 0.249."""
    from lab1.study import claims
    xor = {"SGD": 0.2503, "Adagrad": 0.2491, "RMSprop": 0.2489, "Adam": 0.2502}
    text = claims.lowest_final_loss({"xor": xor, "linear": {"SGD": 0.25, "Adagrad": 0.239, "RMSprop": 0.232,
                                                            "Adam": 0.245}}, "optimizer")
    assert text == ("On XOR, Adagrad and RMSprop tie for the lowest mean final loss, $0.249$. On the linear data, the "
                    "lowest mean final loss is RMSprop's ($0.232$).")
    same = {n: 0.2491 for n in ("SGD", "Adagrad", "RMSprop", "Adam", "SGD + momentum")}
    text = claims.lowest_final_loss({"xor": same, "linear": {"SGD": 0.1, "Adam": 2.8e-5}}, names={"xor": "XOR",
                                                                                               "linear": "Linear"})
    assert text.startswith("On XOR, all 5 optimizers end with the same mean final loss, $0.249$: a tie. On Linear, "
                           "the lowest mean final loss is Adam's")
    assert claims.lowest_final_loss({"xor": {"A": 0.1, "B": 0.2}, "linear": {"A": 0.01, "B": None}}) == (
        "A ends with the lowest mean final loss on both data sets ($0.100$ on XOR, $1.00 \\times 10^{-2}$ on the "
        "linear data).")
    assert claims.lowest_final_loss({"xor": {"A": None}}) is None


def test_fastest_verdict_needs_more_than_the_seed_spread():
    from lab1.study import claims
    text = claims.fastest_verdict({"ReLU": [91, 92, 631], "tanh": [92, 101, 147]}, "ReLU")
    assert text.startswith("ReLU is not faster than tanh by more than the seed spread")
    assert claims.fastest_verdict({"a": [10], "b": [20]}, "a") == \
        "With one seed each, there is no seed spread to judge these differences by."
    text = claims.fastest_variant({"tanh": _finals([92, 101, 147]), "ReLU": _finals([91, 92, 631])}, "on Linear")
    assert "is reached by ReLU" in text and "ReLU is not faster than tanh" in text


def test_tanh_is_called_faster_than_sigmoid_only_beyond_the_seed_spread():
    """07b: tanh 32-34 against sigmoid 19-311 epochs: medians 33 and 165, but the ranges overlap."""
    from lab1.study import activations
    histories = {"tanh": [32, 34], "sigmoid": [19, 311]}

    def run(first, lr):
        first = np.asarray(first)
        loss = np.full((3, len(first)), 0.1)
        return {"lr": lr, "history": SimpleNamespace(
            loss=loss, final_accuracies=np.ones(len(first)), first_perfect_epoch=first,
            diverged_epoch=np.full(len(first), NEVER), final_losses=loss[-1],
            final_val_accuracies=np.array([]), epochs=500)}
    runs = {("linear", a): run(f, lr) for (a, f), lr in zip(histories.items(), (3.0, 10.0))}
    text = activations.tanh_sentence(runs, ["linear"])
    assert "faster" not in text.replace("sigmoid's larger", "")
    assert "tanh and sigmoid are within the seed spread of each other (33 ± 1 against 165 ± 146)" in text
    assert "On Linear (tanh at lr 3, sigmoid at 10), with both, every seed reaches 100%;" in text
    runs["linear", "sigmoid"] = run([150, 180], 10.0)
    assert "lower for tanh than for sigmoid" in activations.tanh_sentence(runs, ["linear"])


@pytest.mark.parametrize("inactive, expected", [
    ([[2, 0]], "On XOR, the only ReLU run ends with dead units: 2 of its 8 hidden units."),
    ([[0], [1]], "On XOR, 1 of 2 ReLU runs ends with dead units: 1 of the 1 hidden unit of that run (2 in both "
                 "runs); in it a whole hidden layer is dead"),
    ([[1, 0], [0, 0], [1, 1]], "On XOR, 2 of 3 ReLU runs end with dead units: 3 of the 16 hidden units of those 2 "
                               "runs (24 in all 3 runs)."),
])
def test_dead_sentence_grammar_follows_the_counts(inactive, expected):
    """07a: 'all 1 ReLU runs end'; 07b: '1 of 2 ReLU runs end ... of those 1 runs (2 in all 2 runs)'."""
    from lab1.study import activations
    inactive = np.asarray(inactive)
    hidden = [4, 4] if inactive.shape[1] == 2 else [1]
    history = SimpleNamespace(final_accuracies=np.full(len(inactive), 0.52))
    data = {"xor": SimpleNamespace(y=np.array([0, 1, 1]))}
    text = activations.dead_sentence({("xor", "relu"): {"inactive": inactive, "history": history}}, data, "xor",
                                     hidden)
    assert text.startswith(expected)
    assert "all 1 " not in text and "those 1 " not in text and "1 hidden units" not in text


def test_width_rule_says_which_seeds_and_when_there_was_nothing_to_choose():
    from lab1.study import claims
    text = claims.width_rule({5: 0.269}, 5, 5, 1 / 360, 360, seeds=(0, 1, 2), table_seeds=[0])
    assert text == ("5 hidden units gave 26.9% mean validation accuracy over seeds 0–2 (the results table averages "
                    "seed 0, so its validation column can differ); with one width tried, the rule had nothing to "
                    "choose and keeps 5.")
    text = claims.width_rule({3: 0.2, 5: 0.3}, 5, 5, 1 / 360, 360, seeds=(0, 1, 2), table_seeds=[0, 1, 2])
    assert "over seeds 0–2; the rule" in text and "results table" not in text


def test_the_mlp_is_the_usual_baseline_architecture_not_its_width():
    from lab1.study import convolution
    text = convolution.model_choices_text(5, "W.")
    assert "a common baseline" not in text and "usual baseline architecture" in text
    assert "1 epochs" not in convolution.models_text(100, 1, 1) and "1 seeds" not in convolution.models_text(100, 1, 1)


def test_lost_sentence_grammar_for_one_run():
    s = {"a": dict(reached=1, perfect_at_end=0), "b": dict(reached=0, perfect_at_end=0)}
    names = {"a": "Adam", "b": "SGD"}
    assert cmp.lost_sentence(s, ["a", "b"], names) == \
        "The only run that reached 100% at some epoch (Adam) lost points again after it."
    s["a"]["perfect_at_end"] = 1
    assert "1 runs" not in cmp.lost_sentence(s, ["a", "b"], names)
    s = {"a": dict(reached=2, perfect_at_end=1)}
    assert cmp.lost_sentence(s, ["a"], names).startswith("Of the 2 runs that reached 100% at some epoch, 1 is at 100%")
