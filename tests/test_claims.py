"""Claims on hand-made results: each where it holds, where it does not, and on ties."""
import warnings

import numpy as np
import pytest

from lab1 import data, nn
from lab1.train import NEVER, fit

from lab1.study import claims as c
from lab1.study import claims_sections as s
from lab1.study import terms
from lab1.study import wording as w
from lab1.study.finals import Finals



def finals(accuracy, first=None, epochs=100, **more):
    """Finals from accuracies; first defaults to epoch 10 for seeds at 100%, NEVER otherwise."""
    accuracy = np.asarray(accuracy, dtype=float)
    if first is None:
        first = np.where(accuracy == 1.0, 10, NEVER)
    return Finals(accuracy=accuracy, first_perfect=first, epochs=epochs, **more)


# --------------------------------------------------------------------------- grammar

def test_grammar_follows_the_numbers():
    assert w.noun(1, "seed") == "1 seed" and w.noun(2, "seed") == "2 seeds"
    assert w.noun(1000, "epoch") == "1,000 epochs"
    assert w.verb(1, "predict") == "predicts" and w.verb(2, "predict") == "predict"
    assert w.verb(1, "reach") == "reaches" and w.verb(0, "reach") == "reach"
    assert w.listing(["a"]) == "a" and w.listing("abc") == "a, b and c"
    assert w.every(2, "seed") == "both seeds" and w.every(5, "seed") == "all 5 seeds"
    assert w.values_text("lr", [0.1, 1.0, 10.0]) == "lr = 0.1, 1 and 10"


def test_ties_are_what_the_report_prints():
    assert w.ties(0.9996, 1.0)                 # both print as 100.0%
    assert not w.ties(0.994, 1.0)
    assert w.ties(1185.4, 1185.0, c.count) and not w.ties(1186, 1185, c.count)


# --------------------------------------------------------------------------- results

def test_finals_infer_divergence_and_check_lengths():
    f = finals([1.0, np.nan, 0.5])
    assert f.diverged.tolist() == [False, True, False] and f.diverged_count == 1
    assert f.mean() == pytest.approx(0.75) and f.std() == pytest.approx(0.25)
    assert f.reached == 1 and f.median_first() == 10
    with pytest.raises(ValueError, match="first_perfect has 2 entries for 3 seeds"):
        Finals(accuracy=[1, 1, 1], first_perfect=[1, 2])


def test_finals_of_a_history_reads_the_returned_models():
    x, y = data.generate_XOR_easy()
    model = nn.mlp([2, 4, 4, 1], activation="identity", output="identity", rng=[0, 1, 2], models=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # the third model's step is far too large: it diverges
        history = fit(model, x, y, optimizer="sgd", lr=np.array([0.1, 0.1, 10.0]), epochs=30)
    assert history.diverged_epoch[2] != NEVER
    f = Finals.of(history)
    assert f.seeds == 3 and f.epochs == 30
    assert f.diverged.tolist() == (history.diverged_epoch != NEVER).tolist()
    np.testing.assert_array_equal(f.accuracy, history.final_accuracies)
    assert f.val_accuracy is None                          # no validation data
    rose = (np.diff(history.loss[:, 0]) > 0).mean()
    assert f.loss_rose[0] == pytest.approx(rose)
    assert all(np.isnan(f.loss_rose[f.diverged]))


# --------------------------------------------------------------------------- reaching 100%

@pytest.mark.parametrize("accuracy, expected", [
    ([1, 1, 1], "Every seed reaches 100% training accuracy within 100 epochs."),
    ([1, 0.9, 1], "2 of 3 seeds reach 100% training accuracy within 100 epochs."),
    ([1, 0.9, 0.5], "1 of 3 seeds reaches 100% training accuracy within 100 epochs."),
    ([0.5, 0.9], "No seed reaches 100% training accuracy within 100 epochs."),
    ([1], "The only seed reaches 100% training accuracy within 100 epochs."),
    ([0.9], "The only seed does not reach 100% training accuracy within 100 epochs."),
])
def test_reach(accuracy, expected):
    assert c.reach(finals(accuracy)) == expected


def test_reach_for_names_only_the_values_that_work():
    fail, work = finals([0.5, 0.5]), finals([1.0, 1.0])
    assert (c.reach_for({1e6: fail, 1.0: fail}, "lr", "learning rate")
            == "No learning rate brings every seed to 100% training accuracy within 100 epochs.")
    assert (c.reach_for({0.1: fail, 1.0: work, 10.0: finals([1.0, 0.5])}, "lr", "learning rate")
            == "Every seed reaches 100% training accuracy within 100 epochs only at lr = 1.")
    assert c.reach_for({0.5: work, 1.0: work, 2.0: fail}, "lr").endswith("at lr = 0.5 and 1.")
    assert "at every learning rate tried (lr = 0.5 and 1)" in c.reach_for({0.5: work, 1.0: work}, "lr",
                                                                          "learning rate")
    assert c.reach_for({1.0: finals([0.5])}, "lr", "learning rate").startswith(
        "No learning rate brings the only seed")


# --------------------------------------------------------------------------- rankings

def test_ranking_best_and_worst():
    text = c.ranking({"lr = 0.1": 0.6, "lr = 1": 0.95, "lr = 10": 0.8}, "mean accuracy")
    assert text == ("The highest mean accuracy, 95.0%, is reached by lr = 1; the lowest, 60.0%, "
                    "by lr = 0.1.")


def test_ranking_says_ties_as_ties():
    text = c.ranking({"uniform": 1.0, "normal": 0.9996, "he": 0.5, "xavier": 0.5}, "mean accuracy")
    assert text == ("The highest mean accuracy, 100.0%, is reached by uniform and normal (a tie); "
                    "the lowest, 50.0%, by he and xavier (a tie).")
    every_tied = c.ranking({"a": 0.714, "b": 0.714, "c": 0.7142, "d": 0.7141}, "mean accuracy")
    assert every_tied == "The mean accuracy is the same, 71.4%, for a, b, c and d: a tie."
    assert "highest" not in every_tied and "lowest" not in every_tied


def test_ranking_lower_is_better_and_too_few():
    text = c.ranking({"sgd": 1185, "adam": 120.2, "rmsprop": 120.4}, "median epoch at 100%",
                     fmt=c.count, higher_is_better=False)
    assert text == ("The lowest median epoch at 100%, 120, is reached by adam and rmsprop (a tie); "
                    "the highest, 1,185, by sgd.")
    assert c.ranking({"a": 1.0, "b": None}, "mean accuracy") is None


def test_ranking_names_the_leaders_within_the_seed_spread_together():
    """SET build 4.D: 'The lowest median ..., 39, is reached by he_normal' with normal's 40 within the spread."""
    medians = {"he_normal": 39, "normal": 40, "xavier": 120, "uniform": 400}
    seeds = {"he_normal": [30, 39, 50], "normal": [35, 40, 48], "xavier": [110, 120, 130], "uniform": [390, 400, 410]}
    assert c.ranking(medians, "median epoch", fmt=c.count, higher_is_better=False) == (
        "The lowest median epoch, 39, is reached by he_normal; the highest, 400, by uniform.")
    assert c.ranking(medians, "median epoch", fmt=c.count, higher_is_better=False, seeds=seeds) == (
        "The lowest median epoch, 39, is reached by he_normal, with normal (40) within the seed spread of it; "
        "the highest, 400, by uniform.")
    apart = dict(seeds, normal=[80, 85, 90])          # beyond the spread: ranked below, as without seeds
    assert c.ranking(dict(medians, normal=85), "median epoch", fmt=c.count, higher_is_better=False,
                     seeds=apart) == "The lowest median epoch, 39, is reached by he_normal; the highest, 400, by uniform."
    two = c.ranking({"a": 39, "b": 40}, "median epoch", fmt=c.count, higher_is_better=False,
                    seeds={"a": [30, 39, 50], "b": [35, 40, 48]})
    assert two == "On the median epoch, a (39) and b (40) are within the seed spread of each other."
    # one seed each: no spread to judge by
    assert c.ranking({"a": 39, "b": 40}, "median epoch", fmt=c.count, higher_is_better=False,
                     seeds={"a": [39], "b": [40]}) == "The lowest median epoch, 39, is reached by a; the highest, 40, by b."


def test_training_words_leave_out_the_rate_a_study_varies():
    """03B: Section 4 opened with 'everything not varied is ... learning rate 1' in the learning-rate study."""
    from lab1.study.config import setting
    from lab1.study.formatting import training_words
    reference, momentum = setting(), setting(momentum=0.9)
    assert training_words(reference).endswith(f"learning rate {reference.lr:g}")
    assert "learning rate" not in training_words(reference, lr=False)
    assert training_words(momentum, lr=False).endswith("full-batch gradient descent with momentum 0.9")


# --------------------------------------------------------------------------- trends

def test_trend_falls_with_every_step_only_when_it_does():
    points = [("$h$ = 1", 900), ("$h$ = 2", 400), ("$h$ = 4", 120)]
    assert c.trend(points, "the median", "width", c.count) == (
        "The median falls with every step in width, from 900 ($h$ = 1) to 120 ($h$ = 4).")
    assert c.direction(points, c.count) == "falls"
    turned = [("$h$ = 2", 900), ("$h$ = 4", 300), ("$h$ = 8", 350), ("$h$ = 16", 100)]
    text = c.trend(turned, "the median", "width", c.count)
    assert "falls with every step" not in text and c.direction(turned, c.count) is None
    assert text == ("The median does not change in one direction with width: it falls from 900 "
                    "($h$ = 2) to 300 ($h$ = 4), rises from 300 ($h$ = 4) to 350 ($h$ = 8) and falls "
                    "from 350 ($h$ = 8) to 100 ($h$ = 16).")


def test_trend_ties_and_gaps():
    flat = [("a", 0.9996), ("b", 1.0), ("c", 1.0)]
    assert c.trend(flat, "the mean accuracy", "width") == "The mean accuracy is the same at every width, 100.0%."
    assert c.direction(flat) == "stays"
    plateau = [("a", 0.5), ("b", 0.5), ("c", 0.9)]
    assert "stays at 50.0% from a to b and rises from 50.0% (b) to 90.0% (c)" in c.trend(plateau, "it", "x")
    assert c.trend([("a", 0.5), ("b", None)], "it", "x") is None        # one point: nothing to say
    assert c.trend([("a", 0.9), ("b", None), ("c", 0.5)], "it", "x") == "It falls, from 90.0% (a) to 50.0% (c)."
    assert c.trend([("a", 0.9), ("b", 0.7), ("c", 0.5)], "it", "x").startswith("It falls with every step in x")


# --------------------------------------------------------------------------- divergence

def test_divergence():
    assert (c.divergence({0.1: (0, 5), 100.0: (0, 5)}, "lr")
            == "None of the 10 runs diverged: every loss stayed finite.")
    assert (c.divergence({1.0: (0, 5), 50.0: (1, 5), 100.0: (2, 5)}, "lr")
            == "3 of 15 runs diverged (loss nan or inf): 1 at lr = 50 and 2 at lr = 100.")
    assert c.divergence({100.0: (2, 2)}, "lr") == "Both runs diverged (loss nan or inf): 2 at lr = 100."
    assert c.divergence({1.0: (0, 1)}, "lr") == "The run did not diverge: its loss stayed finite."
    assert c.divergence({1.0: (1, 1)}, "lr") == "The run diverged (loss nan or inf) at lr = 1."


# --------------------------------------------------------------------------- comparisons

def test_compare_beats_only_beyond_the_seed_spread():
    assert c.spread_order([1.0, 1.0, 0.9], [0.5, 0.6, 0.55]) == 1
    assert c.compare("tanh", [1.0, 1.0, 0.9], "sigmoid", [0.5, 0.6, 0.55]) == (
        "Mean accuracy is higher for tanh than for sigmoid (96.7 ± 4.7% against 55.0 ± 4.1%), "
        "by more than the seed spread.")
    within = c.compare("tanh", [1.0, 1.0, 0.9], "sigmoid", [0.95, 0.9, 1.0])
    assert within == ("On mean accuracy, tanh and sigmoid are within the seed spread of each other "
                      "(96.7 ± 4.7% against 95.0 ± 4.1%).")
    reverse = c.compare("a", [0.5, 0.5], "b", [0.9, 0.9])
    assert reverse.startswith("Mean accuracy is higher for b than for a (90.0% against 50.0%)")


def test_compare_ties_one_seed_and_lower_is_better():
    assert c.spread_order([0.7143, 0.7143], [0.7142, 0.7143]) == 0    # prints the same: a tie
    assert c.spread_order([0.6], [0.5]) == 1        # one seed each: no spread to hide behind
    text = c.compare("Adam", [120, 130], "SGD", [1100, 1200], what="median epoch at 100%",
                     fmt=c.count, higher_is_better=False)
    assert text == ("Median epoch at 100% is lower for Adam than for SGD (125 ± 5 against 1,150 ± 50), "
                    "by more than the seed spread.")
    assert c.spread_order([0.5, np.nan], [0.5, 0.5]) == 0              # a diverged seed left out
    with pytest.raises(ValueError, match="at least one finite value"):
        c.spread_order([np.nan], [0.5])


def test_no_gain_says_extra_units_add_nothing_only_when_true():
    # the case: h = 2 scores 54%, h = 64 99%
    gain = c.no_gain({"$h$ = 2": [0.54, 0.52, 0.56], "$h$ = 64": [0.99, 0.99, 0.99]}, "validation accuracy")
    assert gain == ("The validation accuracy is higher at $h$ = 64 than at $h$ = 2 by more than the seed "
                    "spread (54.0 ± 1.6% at $h$ = 2 and 99.0% at $h$ = 64).")
    same = c.no_gain({"$h$ = 2": [0.97, 0.99], "$h$ = 8": [0.98, 0.99], "$h$ = 32": [0.96, 0.98]},
                     "validation accuracy")
    assert same == ("No setting after $h$ = 2 raises the validation accuracy above it by more than the seed spread; "
                    "the lowest, 97.0% at $h$ = 32, is within the seed spread of it.")
    full = c.no_gain({"$h$ = 1": [1.0, 1.0], "$h$ = 16": [1.0, 0.99], "$h$ = 32": [0.99, 0.99]},
                     "validation accuracy", "width")
    assert full == ("The validation accuracy is already 100.0% at $h$ = 1, so no width after it can raise it; it is "
                    "lower at $h$ = 32, by more than the seed spread (100.0% at $h$ = 1 and 99.0% at $h$ = 32).")
    assert c.no_gain({"$h$ = 1": [0.9], "$h$ = 2": [0.9]}, "validation accuracy", "width") == (
        "No width after $h$ = 1 raises the validation accuracy above it.")      # one seed: no spread to name
    assert c.no_gain({"$h$ = 1": [0.44], "$h$ = 2": [0.82]}, "validation accuracy", "width") == (
        "The validation accuracy is higher at $h$ = 2 than at $h$ = 1 (44.0% at $h$ = 1 and 82.0% at $h$ = 2).")
    assert c.no_gain({"$h$ = 2": [0.9]}, "validation accuracy") is None


def test_no_gain_when_runs_diverged():
    """04C: every run diverged; spread_order raised instead of a sentence."""
    nan = [np.nan, np.nan, np.nan]
    assert c.no_gain({"$h$ = 1": nan, "$h$ = 2": nan}, "training accuracy", "width") == (
        "Every run diverged at every width, so there is no training accuracy to compare.")
    # a setting whose every run diverged is left out; the first with numbers is the baseline
    assert c.no_gain({"$h$ = 1": nan, "$h$ = 2": [0.5, 0.6], "$h$ = 4": [0.55, 0.5]}, "training accuracy",
                     "width") == ("No width after $h$ = 2 raises the training accuracy above it by more than the seed "
                                  "spread; the lowest, 52.5% at $h$ = 4, is within the seed spread of it.")
    assert c.no_gain({"$h$ = 1": nan, "$h$ = 2": [0.5, 0.6]}, "training accuracy") is None


# --------------------------------------------------------------------------- data sets

def test_data_sets_are_named_only_when_run():
    assert w.on_datasets(["xor"]) == "on XOR" and w.on_datasets(["xor", "linear"]) == "on XOR and the linear data"
    assert c.works_on_each({"linear": [0.1, 1.0]}, "lr") is None
    both = c.works_on_each({"xor": [1.0, 10.0], "linear": [0.1, 1.0, 10.0]}, "lr", "learning rate")
    assert both == ("Every seed reaches 100% training accuracy at lr = 1 and 10 on XOR and at lr = 0.1, 1 "
                    "and 10 on the linear data; lr = 1 and 10 work on both.")
    apart = c.works_on_each({"xor": [], "linear": [0.1]}, "lr", "learning rate")
    assert apart == ("Every seed reaches 100% training accuracy at lr = 0.1 on the linear data, and no learning "
                     "rate tried brings every seed there on XOR; so no learning rate works on both.")
    assert "lr = none" not in apart and "at no learning rate" not in apart
    # 03A: 'Every seed reaches 100% training accuracy at no learning rate on XOR and at no learning rate ...'
    assert c.works_on_each({"xor": [], "linear": []}, "lr", "learning rate") == (
        "No learning rate tried brings every seed to 100% training accuracy on either data set.")


# --------------------------------------------------------------------------- Section 2

def test_generalizes():
    assert s.generalizes(1.0, 0.97) == ("The validation accuracy ends at 97.0% against 100.0% in training: "
                                        "the network generalizes to points it never saw.")
    # the case: hidden 1, 44% validation accuracy
    failed = s.generalizes(0.45, 0.44)
    assert "generalizes" not in failed and "has not learned its training points" in failed
    gap = s.generalizes(1.0, 0.8)
    assert "does not generalize" in gap and "20.0% lower" in gap
    at_threshold = s.generalizes(0.95, 0.90)            # both thresholds met exactly
    assert "the network generalizes" in at_threshold


def test_follows_diagonal():
    assert s.follows_diagonal(0.99).startswith("The boundary follows the diagonal")
    assert s.follows_diagonal(s.FOLLOWS_DIAGONAL).startswith("The boundary follows")
    not_followed = s.follows_diagonal(0.45)          # the case: 45% test accuracy
    assert not_followed.startswith("The boundary does not follow") and "45.0%" in not_followed


def test_meets_requirement():
    assert s.meets_requirement(1.0).startswith("Every one of the test points is classified correctly, above")
    assert "below the 90% the demo requires" in s.meets_requirement(0.52)
    assert "at or above the 90%" in s.meets_requirement(0.9)


# --------------------------------------------------------------------------- Section 4.C

def test_line_bound_holds_and_counts_networks_at_the_bound():
    bound = 15 / 21
    text = s.line_bound(bound, [bound, bound, 0.619, np.nan])
    assert text == ("No line classifies more than 71.4% of the XOR points, so the 3 networks without hidden "
                    "activations cannot exceed the best line's 71.4%: the best ends at 71.4%, 2 of them "
                    "exactly at the bound.")
    below = s.line_bound(bound, [0.619, 0.5])
    assert "exactly at the bound" not in below and "the best ends at 61.9%" in below


def test_line_bound_flags_a_network_above_it():
    text = s.line_bound(15 / 21, [1.0, 0.619])
    assert "cannot exceed" not in text
    assert text.startswith("1 of the 2 networks without hidden activations scores above the best line's 71.4%")


def test_line_bound_of_one_network():
    """04A: 'so the 1 networks with one unit per layer cannot exceed ...'."""
    text = s.line_bound(16 / 21, [11 / 21], networks="networks with one unit per layer")
    assert text == ("No line classifies more than 76.2% of the XOR points, so the only network with one unit per "
                    "layer cannot exceed the best line's 76.2%: it ends at 52.4%.")
    assert s.line_bound(16 / 21, [16 / 21]).endswith("it ends at 76.2%, exactly at the bound.")
    assert "it is not linear" in s.line_bound(16 / 21, [1.0])
    assert s.line_bound(1.0, [1.0], points="linear points").endswith("and it gets there: the only network "
                                                                     "without hidden activations.")


def test_line_bound_on_separable_data_and_all_diverged():
    ok = s.line_bound(1.0, [1.0, 0.98], points="linear points")
    assert "and they get there" in ok and "mean at 99.0%" in ok
    short = s.line_bound(1.0, [0.9, 0.98], points="linear points")
    assert "but none of them gets there" in short
    assert "diverged" in s.line_bound(15 / 21, [np.nan, np.nan])


def test_beats_lines_only_when_it_holds():
    bound = 15 / 21
    holds = s.beats_lines("reference networks", [1.0, 1.0, 0.95], "networks without hidden activations",
                          [0.619, 0.714, 0.5], bound)
    assert holds.startswith("The reference networks reach a mean of 98.3 ± 2.4%, above the best line's 71.4%")
    # the issue's case: 50 epochs, the reference 52% against the linear networks' 76%
    fails = s.beats_lines("reference networks", [0.52, 0.52], "networks without hidden activations",
                          [0.76, 0.76], bound)
    assert "above the best line" not in fails
    assert fails.startswith("Mean accuracy is higher for the networks without hidden activations than for "
                            "the reference networks")
    tie = s.beats_lines("reference networks", [0.7, 0.72], "linear networks", [0.71, 0.71], bound)
    assert "within the seed spread" in tie
    between = s.beats_lines("reference networks", [0.70, 0.70], "linear networks", [0.5, 0.5], bound)
    assert "but not above the best line's 71.4%" in between
    assert s.beats_lines("reference networks", [np.nan], "linear networks", [0.5], bound) is None


# --------------------------------------------------------------------------- Section 4.A

def test_regions():
    table = {0.01: finals([0.5, 0.5]), 0.5: finals([1, 1]), 1.0: finals([1, 0.9]), 10.0: finals([1, 1]),
             100.0: finals([0.5, 1])}
    assert s.regions(table) == dict(works=[0.5, 10.0], small=[0.01], large=[100.0], between=[1.0], fails=[])
    none = s.regions({0.01: finals([0.5]), 1e6: finals([0.5])})
    assert none["works"] == [] and none["fails"] == [0.01, 1e6]


def test_loss_change():
    assert s.loss_change(0.30, 0.1) == "falls from $0.300$ to $0.100$"
    assert s.loss_change(0.1, 0.3) == "rises from $0.100$ to $0.300$"
    assert s.loss_change(0.2501, 0.2499, constant_loss=0.25) == (
        "stays at $0.250$ (still near $0.250$, the loss of the constant output 0.5)")
    assert "constant output" not in s.loss_change(0.3, 0.1, constant_loss=0.25)


def test_oscillation_uses_one_threshold():
    text = s.oscillation({10.0: s.OSCILLATING, 20.0: 0.29, 30.0: 0.1, 50.0: None}, "lr", "learning rate")
    assert text == ("At lr = 10 the loss rose in at least 30% of the epochs: it oscillates. At the other 2 "
                    "learning rates it rose in fewer than 30%: it mostly descends or stays flat.")
    assert s.oscillation({10.0: 0.5, 20.0: 0.4}, "lr") == (
        "At lr = 10 and 20 the loss rose in at least 30% of the epochs: it oscillates.")
    assert s.oscillation({1.0: 0.0}, "lr").startswith("At lr = 1 the loss rose in fewer than")
    assert s.oscillation({1.0: None}, "lr") is None


def test_oscillation_of_a_loss_that_rarely_rose_but_ends_higher():
    rose = {1.0: 0.0, 50.0: 0.4, 100.0: 0.02}
    losses = {1.0: (0.33, 0.01), 50.0: (0.33, 0.27), 100.0: (0.331, 0.476)}
    text = s.oscillation(rose, "lr", "learning rate", losses)
    assert text == ("At lr = 50 the loss rose in at least 30% of the epochs: it oscillates. At lr = 1 the loss "
                    "rose in fewer than 30% of the epochs: it mostly descends or stays flat. At lr = 100 the "
                    "loss rose in fewer than 30% of the epochs, yet it ends higher than it started ($0.331$ to "
                    "$0.476$): a few jumps up that it never recovers from.")
    assert "ends higher" not in s.oscillation(rose, "lr", "learning rate")     # without the losses: as before
    assert s.OSCILLATING == terms.OSCILLATING == 0.3     # one definition, every notebook


def test_one_label_grammar():
    shares = {0: 0.524, 1: 0.476}
    assert s.one_label({0: 1, 1: 1}, 5, shares) == (
        "2 of 5 networks end predicting one label for every point: 1 predicts label 0, scoring 52.4%; "
        "1 predicts label 1, scoring 47.6%.")
    assert s.one_label({0: 2, 1: 0}, 5, shares) == (
        "2 of 5 networks end predicting label 0 for every point, scoring 52.4%.")
    assert s.one_label({0: 1, 1: 0}, 5, shares).startswith("1 of 5 networks ends")
    assert s.one_label({0: 0, 1: 2}, 2, shares).startswith("Both networks end predicting label 1")
    assert s.one_label({0: 1, 1: 0}, 1, shares).startswith("The only network ends")
    assert s.one_label({0: 0, 1: 0}, 5, shares) is None


def test_stuck():
    assert "training is stuck" in s.stuck(0.95, 0.01, 0.524)
    assert s.stuck(0.95, 0.01, 1.0) is None    # right everywhere: a confident network, not a stuck one
    assert s.stuck(0.95, 0.2, 0.5) is None     # the loss still moves
    assert s.stuck(0.5, 0.0, 0.5) is None      # the output unit is not saturated
    assert s.stuck(0.95, None, 0.5) is None


def test_plateau_long_only_against_another_data_set():
    text = s.plateau({"xor": 1200, "linear": 150}, {"xor": 5000, "linear": 2000}, "lr = 1", 0.2, 0.25)
    assert text == ("At lr = 1 the loss falls below 0.2 (a network that outputs 0.5 everywhere has loss 0.25) "
                    "after a median of 1,200 epochs on XOR and after a median of 150 epochs on the linear data. "
                    "XOR starts on a long plateau, where the gradient is small.")
    close = s.plateau({"xor": 200, "linear": 150}, {"xor": 5000, "linear": 2000}, "lr = 1", 0.2, 0.25)
    assert "long plateau" not in close
    alone = s.plateau({"xor": 1200}, {"xor": 5000}, "lr = 1", 0.2, 0.25)
    assert "long plateau" not in alone and "linear" not in alone
    never = s.plateau({"xor": None, "linear": 150}, {"xor": 100, "linear": 100}, "lr = 1", 0.2, 0.25)
    assert "not every seed gets below it within 100 epochs on XOR" in never and "XOR starts on a long plateau" in never
    neither = s.plateau({"xor": None, "linear": None}, {"xor": 100, "linear": 100}, "lr = 1", 0.2, 0.25)
    assert "long plateau" not in neither


def test_plateau_that_no_seed_leaves_is_said_so():
    """03E: 'falls below 0.2 ... not for every seed within 300 epochs on XOR and after a median of 84
    epochs on the linear data' broke the grammar, and XOR 'starts on a long plateau' it never left."""
    epochs = {"xor": 300, "linear": 300}
    none = s.plateau({"xor": None, "linear": 84}, epochs, "lr = 1", 0.2, 0.25, below={"xor": (0, 3), "linear": (3, 3)})
    assert none == ("At lr = 1 the loss falls below 0.2 (a network that outputs 0.5 everywhere has loss 0.25) after a "
                    "median of 84 epochs on the linear data; no seed gets below it within 300 epochs on XOR. "
                    "XOR stays on the plateau, where the gradient is small.")
    some = s.plateau({"xor": None, "linear": 84}, epochs, "lr = 1", 0.2, 0.25, below={"xor": (2, 3), "linear": (3, 3)})
    assert "; only 2 of the 3 seeds get below it within 300 epochs on XOR. XOR starts on a long plateau" in some
    both = s.plateau({"xor": None, "linear": None}, epochs, "lr = 1", 0.2, 0.25,
                     below={"xor": (0, 3), "linear": (1, 3)})
    assert both == ("At lr = 1 the loss does not fall below 0.2 (a network that outputs 0.5 everywhere has loss "
                    "0.25) for every seed: no seed gets below it within 300 epochs on XOR and only 1 of the 3 seeds "
                    "gets below it within 300 epochs on the linear data.")
    one = s.plateau({"xor": None, "linear": 84}, epochs, "lr = 1", 0.2, 0.25, below={"xor": (0, 1), "linear": (1, 1)})
    assert "the only seed does not get below it within 300 epochs on XOR" in one


def test_fails_first():
    assert s.fails_first({"xor": [1.0, 10.0], "linear": [0.1, 1.0, 10.0]}, "lr") == (
        "On the linear data every seed reaches 100% at lr = 0.1, on XOR not: the small rates fail on XOR first.")
    assert s.fails_first({"xor": [0.1, 1.0], "linear": [0.1, 1.0]}, "lr") is None
    assert s.fails_first({"xor": [0.1], "linear": [0.1, 10.0]}, "lr") is None     # a large rate, not small
    assert s.fails_first({"linear": [0.1]}, "lr") is None


# --------------------------------------------------------------------------- Section 4.B

def test_two_units():
    none = s.two_units(finals([0.6, 0.7, 0.7], epochs=5000))
    assert "but none of the 3 seeds finds such weights within 5,000 epochs" in none
    assert "from every start here" in none
    some = s.two_units(finals([1.0, 0.7, 0.7], epochs=5000))
    assert "but only 1 of the 3 seeds finds such weights" in some and "from most starts here" in some
    most = s.two_units(finals([1.0, 1.0, 0.7], epochs=5000))    # the SET build: 'but' when most succeed
    assert "XOR, and 2 of the 3 seeds find such weights" in most and "most starts" not in most
    assert " but " not in most
    every = s.two_units(finals([1.0, 1.0], epochs=5000))
    assert "and every seed finds such weights" in every and "plateau" not in every
    one = s.two_units(finals([0.7], epochs=50))
    assert "the only seed does not find such weights within 50 epochs (accuracy 70.0%)" in one


def test_two_units_blames_the_width_only_when_wider_networks_succeed():
    """04B: every width fails within 5 epochs; 'with only two units ...' would blame the width."""
    none = finals([0.6, 0.5, 0.5], epochs=5)
    assert "With only two units" in s.two_units(none)
    alone = s.two_units(none, wider_work=False)
    assert "With only two units" not in alone and "but none of the 3 seeds finds such weights" in alone


# --------------------------------------------------------------------------- orders and Section 2 extras

def test_faster_counts_seeds_first_then_epochs_beyond_the_spread():
    mse = finals([1.0, 1.0, 1.0], first=[900, 1000, 1100])
    bce = finals([1.0, 1.0, 1.0], first=[200, 250, 300])
    assert c.faster("MSE", mse, "BCE", bce) == (
        "With both, every seed reaches 100%; mean first epoch at 100% is lower for BCE than for MSE "
        "(250 ± 41 against 1,000 ± 82), by more than the seed spread.")
    close = c.faster("MSE", mse, "BCE", finals([1.0, 1.0, 1.0], first=[950, 1000, 1200]))
    assert "within the seed spread" in close and "lower for" not in close
    fewer = c.faster("MSE", finals([1.0, 0.5, 0.5], first=[100, NEVER, NEVER]), "BCE", bce)
    assert fewer == "More seeds reach 100% with BCE (3 of 3) than with MSE (1 of 3)."
    assert c.faster("a", finals([0.5]), "b", finals([0.7])) == "No seed reaches 100% with a or with b."
    assert "on mean first epoch at 100%" in close                    # a mean ± std is called a mean
    one = c.faster("MSE", finals([1.0], first=[900]), "BCE", finals([1.0], first=[200]))
    assert one == ("With each, the only seed reaches 100%: with MSE at epoch 900, with BCE at epoch 200, one seed "
                   "each, so no seed spread to judge the difference by.")


def test_same_order():
    assert c.same_order(["he", "normal", "xavier"], ["he", "normal", "xavier"], "the initial weight scales") \
        == "The order is exactly the order of the initial weight scales."
    assert "does not simply follow" in c.same_order(["normal", "he"], ["he", "normal"], "the scales")
    assert c.same_order(["he"], ["he"], "the scales") is None
    assert w.ordinal(1) == "1st" and w.ordinal(8) == "8th" and w.ordinal(12) == "12th" and w.ordinal(23) == "23rd"


def test_plateau_start():
    assert s.plateau_start(1200, 5000, 0.2, 0.25).startswith("It stays above 0.2 until epoch 1,200")
    assert s.plateau_start(100, 5000, 0.2, 0.25) is None            # left it in the first 10%
    assert "stays on the plateau" in s.plateau_start(None, 50, 0.2, 0.25)


def test_typical_seed_answers_the_question():
    # issue 10's case: seed 0 at 3,067, 8th of the 9 seeds that succeed, 1.9 times their median
    firsts = {0: 3067, 1: 1600, 2: 1500, 3: 1400, 4: 1700, 5: 1650, 6: 1200, 7: 3500, 8: 1000, 9: NEVER}
    text = s.typical_seed(0, firsts)
    assert text == ("Seed 0 first reaches 100% at epoch 3,067, 8th of the 9 seeds that get there (9 of 10) "
                    "and 1.9 times their median of 1,600 epochs: slower than most.")
    assert s.typical_seed(5, firsts).endswith("a typical seed.")
    assert s.typical_seed(8, firsts).endswith("faster than most.")
    assert s.typical_seed(9, firsts) == "Seed 9 never reaches 100%, while 9 of the 10 seeds do."
    assert s.typical_seed(0, {0: NEVER, 1: NEVER}) == "None of the 2 seeds reaches 100%, seed 0 included."
    assert s.typical_seed(0, {0: 50, 1: NEVER}).startswith("Seed 0 is the only one of the 2 seeds")


def test_near_boundary_grammar():
    assert s.near_boundary([], 0.25) == "None of the test points is misclassified."
    assert s.near_boundary([0.01], 0.25) == (
        "The misclassified point lies within 0.0100 of the true boundary $x_1 = x_2$ (the median one of the "
        "test points is 0.250 away): the network cannot yet tell it apart from the boundary.")
    assert s.near_boundary([0.01, 0.02], 0.25).startswith("Both misclassified points lie within 0.0200")
    assert s.near_boundary([0.01, 0.02, 0.005], 0.25).startswith("All 3 misclassified points lie")


def test_finals_of_results_records():
    runs = [dict(train_accuracy=1.0, train_loss=0.01, val_accuracy=None, test_accuracy=None,
                 first_perfect_epoch=12, diverged=False, epochs=100),
            dict(train_accuracy=None, train_loss=None, val_accuracy=None, test_accuracy=None,
                 first_perfect_epoch=None, diverged=True, epochs=40)]
    f = Finals.of_runs(runs)
    assert f.seeds == 2 and f.reached == 1 and f.diverged.tolist() == [False, True]
    assert f.val_accuracy is None and f.epochs == 100 and f.mean() == 1.0
    assert c.reach(f) == "1 of 2 seeds reaches 100% training accuracy within 100 epochs."
    gone = Finals.of_runs([dict(runs[1], seed=0), dict(runs[1], seed=1)])     # every run diverged
    assert gone.seeds == 2 and gone.mean() is None and gone.diverged_count == 2
    with pytest.raises(ValueError, match="no runs"):
        Finals.of_runs([])


def test_cite_and_one_label_where():
    assert w.cite("A holds.", "Table @tbl:x") == "A holds (Table @tbl:x)."
    assert w.cite("A holds.", "Table @tbl:x", "Figure @fig:y") == "A holds (Table @tbl:x; Figure @fig:y)."
    assert w.cite(None, "Table @tbl:x") is None and w.cite("A.") == "A."
    text = s.one_label({0: 4, 1: 3}, 10, {0: 0.524, 1: 0.476}, where="lr = 50 and 100")
    assert text == ("At lr = 50 and 100, 7 of 10 networks end predicting one label for every point: "
                    "4 predict label 0, scoring 52.4%; 3 predict label 1, scoring 47.6%.")
    assert s.one_label({0: 2, 1: 0}, 2, {0: 0.5, 1: 0.5}, where="lr = 100").startswith(
        "At lr = 100, both networks end predicting label 0")


def test_cite_joins_a_closing_parenthesis():
    assert w.cite("A is higher (5% against 3%).", "Figure @fig:x") == "A is higher (5% against 3%; Figure @fig:x)."


def test_trend_judges_each_step_by_the_seed_spread():
    """04E and the SET build: medians that fall while the seeds overlap were narrated as a trend."""
    points = [("$h$ = 4", 325), ("$h$ = 8", 170), ("$h$ = 16", 121)]
    seeds = [[239, 325, 370], [166, 170, 216], [75, 121, 425]]
    assert c.trend(points, "the median", "width", c.count).startswith("The median falls with every step")
    text = c.trend(points, "the median", "width", c.count, tolerance=0.05, seeds=seeds)
    assert text == ("The median falls with width by more than the seed spread only at some steps: it falls from "
                    "325 ($h$ = 4) to 170 ($h$ = 8) and is about the same, within the seed spread, from 170 "
                    "($h$ = 8) to 121 ($h$ = 16).")
    # no step beyond the spread: said plainly
    close = [("a", 384), ("b", 300), ("c", 287)]
    wide = [[245, 384, 524], [50, 300, 560], [17, 287, 560]]
    assert c.trend(close, "it", "x", c.count, seeds=wide) == (
        "It is 384 (a), 300 (b) and 287 (c): every difference from one x to the next lies within the seed spread.")
    assert c.trend(close[:2], "it", "x", c.count, seeds=wide[:2]) == (
        "It is 384 (a) and 300 (b), within the seed spread of each other.")
    # small steps inside the spread that add up to more than it from end to end
    drift = [("a", 300), ("b", 250), ("c", 200)]
    assert c.trend(drift, "it", "x", c.count, seeds=[[230, 300, 370], [180, 250, 320], [130, 200, 270]]).endswith(
        "lies within the seed spread. From a to c it falls by more than the seed spread.")
    # every step beyond it
    clear = [[900, 910], [400, 410], [100, 110]]
    assert c.trend([("a", 905), ("b", 405), ("c", 105)], "it", "x", c.count, seeds=clear) == (
        "It falls by more than the seed spread with every step in x, from 905 (a) to 105 (c).")
    # both ways beyond it, and a step within it
    mixed = c.trend([("a", 900), ("b", 100), ("c", 500), ("d", 450)], "it", "x", c.count,
                    seeds=[[890, 910], [90, 110], [490, 510], [300, 600]])
    assert mixed == ("It does not change in one direction with x, counting the steps beyond the seed spread: it "
                     "falls from 900 (a) to 100 (b), rises from 100 (b) to 500 (c) and is about the same, within "
                     "the seed spread, from 500 (c) to 450 (d).")
    # one seed per point: no spread to judge by, the medians as before
    assert c.trend([("a", 900), ("b", 100)], "it", "x", c.count, seeds=[[900, np.nan], [100]]) == (
        "It falls, from 900 (a) to 100 (b).")
    # points without a value are left out with their seeds
    assert c.trend([("a", 900), ("b", None), ("c", 100)], "it", "x", c.count,
                   seeds=[[890, 910], [np.nan], [90, 110]]) == "It falls by more than the seed spread, from 900 (a) to 100 (c)."
    # near values (tolerance) inside the spread join the stretch around them; all near: 'about the same'
    linear = c.trend([("a", 1230), ("b", 1007), ("c", 1008), ("d", 658)], "it", "x", c.count, tolerance=0.05,
                     seeds=[[1012, 1230, 1715], [872, 1007, 1225], [408, 1008, 1095], [507, 658, 953]])
    assert linear == ("It is 1,230 (a), 1,007 (b), 1,008 (c) and 658 (d): every difference from one x to the next "
                      "lies within the seed spread. From a to d it falls by more than the seed spread.")
    assert c.trend([("a", 100), ("b", 101)], "it", "x", c.count, tolerance=0.05,
                   seeds=[[90, 100, 110], [91, 101, 111]]) == "It is about the same at every x, 100."
    with pytest.raises(ValueError):
        c.trend(points, "it", "x", c.count, seeds=seeds[:2])


def test_trend_with_a_tolerance_reads_near_values_as_the_same():
    points = [("$h$ = 2", 1007), ("$h$ = 4", 1008), ("$h$ = 8", 658), ("$h$ = 16", 357)]
    exact = c.trend(points, "the median", "width", c.count)
    assert exact.startswith("The median does not change in one direction with width: it rises from 1,007")
    about = c.trend(points, "the median", "width", c.count, tolerance=0.05)
    assert about == ("The median falls with width, with a flat stretch: it stays at about 1,007 from "
                     "$h$ = 2 to $h$ = 4 and falls from 1,008 ($h$ = 4) to 357 ($h$ = 16).")
    assert c.direction(points[1:], c.count, tolerance=0.05) == "falls"
    assert c.trend([("a", 100), ("b", 103)], "it", "x", c.count, tolerance=0.05) == "It is about the same at every x, 100."


def test_trend_that_falls_or_stays_is_one_direction_with_its_flat_stretches():
    """The TA's case (Section 4.B, Linear): falling and staying is not 'not one direction'."""
    ta = [("$h$ = 1", 1230), ("$h$ = 2", 1007), ("$h$ = 4", 1008), ("$h$ = 8", 1008), ("$h$ = 16", 658),
          ("$h$ = 32", 200)]
    text = c.trend(ta, "the median first epoch", "width", c.count, tolerance=0.05)
    assert text == ("The median first epoch falls with width, with a flat stretch: it falls from 1,230 ($h$ = 1) "
                    "to 1,007 ($h$ = 2), stays at about 1,007 from $h$ = 2 to $h$ = 8 and falls from 1,008 "
                    "($h$ = 8) to 200 ($h$ = 32).")
    assert "does not change in one direction" not in text
    two_flats = [("a", 0.5), ("b", 0.5), ("c", 0.7), ("d", 0.7), ("e", 0.9)]
    assert c.trend(two_flats, "it", "x").startswith("It rises with x, with flat stretches: it stays at 50.0%")
    mixed = [("a", 0.5), ("b", 0.5), ("c", 0.7), ("d", 0.6)]       # rises and falls: still not one direction
    assert c.trend(mixed, "it", "x").startswith("It does not change in one direction with x")


# --------------------------------------------------------------------------- Extra (Section 5)

def test_reach_by_variant_names_who_fails_and_how_often():
    ok, some, none = finals([1, 1, 1]), finals([1, 0.9, 1]), finals([0.5, 0.9, 0.8])
    assert c.reach_by_variant({"SGD": ok, "Adam": ok, "Adagrad": ok}, "on XOR", "optimizer") == (
        "On XOR, every seed reaches 100% training accuracy within 100 epochs with each of the 3 optimizers.")
    assert "with both optimizers" in c.reach_by_variant({"SGD": ok, "Adam": ok}, "on XOR", "optimizer")
    text = c.reach_by_variant({"SGD": ok, "Adam": ok, "Adagrad": some, "RMSprop": none}, "on XOR", "optimizer")
    assert text == ("On XOR, every seed reaches 100% training accuracy within 100 epochs with SGD and Adam, "
                    "but not with Adagrad (2 of 3 seeds) or RMSprop (none of 3 seeds).")
    text = c.reach_by_variant({"ReLU": some, "tanh": none}, "on the linear data", "activation")
    assert text.startswith("On the linear data, no activation brings every seed to 100%")
    assert "not ReLU (2 of 3 seeds) or tanh (none of 3 seeds)" in text


def test_reach_by_variant_with_one_seed_says_the_only_seed():
    text = c.reach_by_variant({"SGD": finals([1.0]), "Adam": finals([0.9])}, "on XOR", "optimizer")
    assert text == ("On XOR, the only seed reaches 100% training accuracy within 100 epochs with SGD, "
                    "but not with Adam.")


def test_fastest_variant_ranks_only_variants_where_every_seed_got_there():
    fast, slow = finals([1, 1], first=[10, 20]), finals([1, 1], first=[300, 500])
    partial = finals([1, 0.5], first=[2, NEVER])
    text = c.fastest_variant({"Adam": fast, "SGD": slow, "Adagrad": partial}, "on XOR")
    assert text == ("On XOR among Adam and SGD, the lowest median first epoch at 100%, 15, is reached by Adam; "
                    "the highest, 400, by SGD. Adam is the fastest, by more than the seed spread.")
    tie = c.fastest_variant({"Adam": fast, "RMSprop": finals([1, 1], first=[15, 15])}, "on XOR")
    assert "a tie" in tie
    assert c.fastest_variant({"Adam": fast, "Adagrad": partial}, "on XOR") is None


def test_equal_step_compares_momentum_with_sgd_at_its_effective_rate():
    momentum = finals([1, 1, 1], first=[100, 110, 120])
    same = finals([1, 1, 1], first=[105, 112, 118])
    slow = finals([1, 1, 1], first=[900, 1000, 1100])
    text = c.equal_step(momentum, 1.0, 0.9, {1.0: slow, 10.0: same}, "on XOR")
    assert text.startswith("On XOR, at equal effective step $\\eta/(1-\\mu)$ = 10: with both, every seed")
    assert "SGD + momentum at lr 1 and plain SGD at lr 10 are within the seed spread" in text
    assert text.endswith("Momentum's speed-up is that of its larger step.")
    text = c.equal_step(momentum, 1.0, 0.9, {10.0: slow}, "on XOR")
    assert "lower for SGD + momentum at lr 1 than for plain SGD at lr 10" in text
    assert text.endswith("Momentum gains more than its larger step.")
    assert c.equal_step(slow, 1.0, 0.9, {10.0: momentum}, "on XOR").endswith("At equal step, momentum is the slower.")
    text = c.equal_step(momentum, 3.0, 0.9, {1.0: slow, 10.0: same}, "on XOR")
    assert "plain SGD did not run at momentum's effective step $\\eta/(1-\\mu)$ = 30 (lr = 1 and 10)" in text
    text = c.equal_step(finals([1, 0.5], first=[10, NEVER]), 1.0, 0.9, {10.0: finals([1, 1], first=[50, 60])}, "on XOR")
    assert text.endswith("more seeds reach 100% with plain SGD at lr 10 (2 of 2) than with SGD + momentum at lr 1 (1 of 2).")


def test_width_rule_states_the_rule_and_its_choice():
    scores = {100: 0.970, 256: 0.969, 512: 0.969, 1000: 0.971}
    text = c.width_rule(scores, 100, 1000, 1 / 360, 360)
    assert text == ("100, 256, 512 and 1,000 hidden units gave 97.0%, 96.9%, 96.9% and 97.1% mean validation "
                    "accuracy over seeds 0–2; the rule, the narrowest width within 1 validation image (0.3 points) of the best, keeps "
                    "100, 0.1 points below the best (1,000 units).")
    assert c.width_rule({100: 0.99, 256: 0.95}, 100, 100, 1 / 360, 360).endswith("keeps 100, the best.")


def test_beats_says_when_one_seed_gives_no_spread():
    assert "by more than the seed spread" in c.beats("the CNN", [0.98, 0.985], "the MLP", [0.95, 0.952])
    assert "within the seed spread" in c.beats("the CNN", [0.98, 0.95], "the MLP", [0.96, 0.97])
    one = c.beats("the CNN", [0.98], "the MLP", [0.95])
    assert one.startswith("Test accuracy is higher for the CNN than for the MLP (98.0% against 95.0%)")
    assert "1 seed" in one
    assert c.beats("the CNN", [0.9501], "the MLP", [0.9499]) == "Test accuracy is the same for the CNN and the MLP, 95.0% (1 seed)."


def test_loss_change_follows_the_numbers():
    assert c.loss_change(1.1, 0.05).startswith("The training loss falls from $1.10$ at the initial weights")
    assert "rises" in c.loss_change(0.5, 0.9)
    assert "stays at" in c.loss_change(0.5, 0.5001)


def test_dead_units_counts_runs_units_and_whole_layers():
    assert c.dead_units([[0, 0], [0, 0]], [4, 4], "on XOR") == "On XOR, no ReLU run ends with a dead hidden unit."
    text = c.dead_units([[1, 0], [0, 0], [4, 2]], [4, 4], "on XOR")
    assert text == ("On XOR, 2 of 3 ReLU runs end with dead hidden units, 7 of their 16; in 1 of them a whole "
                    "hidden layer is dead, so no gradient reaches the layers below.")
    assert c.dead_units([[1, 0]], [4, 4], "on XOR") == "On XOR, the only ReLU run ends with dead hidden units, 1 of its 8."
    assert c.dead_units([[1, 0], [0, 2]], [4, 4], "on XOR") == \
        "On XOR, both ReLU runs end with dead hidden units, 3 of their 16."
    assert c.dead_units([[1, 0], [0, 2], [1, 1]], [4, 4], "on XOR").startswith("On XOR, all 3 ReLU runs end with")


def test_gradients_agree_only_below_the_tolerance():
    assert c.gradients_agree(3e-9, 1e-7).startswith("Every relative error in the table is below")
    assert "disagrees" in c.gradients_agree(2e-3, 1e-7)


def test_on_each_says_an_agreeing_claim_once():
    same = {"xor": {"SGD": finals([1, 1])}, "linear": {"SGD": finals([1, 1])}}
    assert c.on_each(c.reach_by_variant, same, kind="optimizer") == {("xor", "linear"): (
        "On XOR and the linear data, every seed reaches 100% training accuracy within 100 epochs with the only "
        "optimizer, SGD.")}
    differ = {"xor": {"SGD": finals([1, 1])}, "linear": {"SGD": finals([1, 0.5])}}
    texts = c.on_each(c.reach_by_variant, differ, kind="optimizer")
    assert list(texts) == [("xor",), ("linear",)]
    assert texts["xor",].startswith("On XOR, every seed") and texts["linear",].startswith("On the linear data, no")
    assert c.on_each(c.fastest_variant, {"xor": {"SGD": finals([1, 1])}}) == {}


def test_equal_step_with_one_seed_each_at_100_says_there_is_no_spread():
    text = c.equal_step(finals([1, 0.5], first=[53, NEVER]), 1.0, 0.9, {10.0: finals([0.5, 1], first=[NEVER, 51])},
                        "on XOR")
    assert text.endswith("with each, 1 seed reaches 100%: with SGD + momentum at lr 1 at epoch 53, with plain SGD "
                         "at lr 10 at epoch 51, one seed each, so no seed spread to judge the difference by.")
    one = c.equal_step(finals([1.0], first=[5]), 1.0, 0.9, {10.0: finals([1.0], first=[9])}, "on XOR")
    assert "the only seed reaches 100%" in one and one.endswith("to judge the difference by.")


def test_fit_and_gaps_says_generalization_only_when_all_fit():
    text = c.fit_and_gaps({"the CNN": [1.0, 0.999], "the MLP": [1.0]}, {"the CNN": [0.98, 0.985], "the MLP": [0.95]})
    assert text == ("Both fit their training set (at least 99%: 100.0% for the CNN and 100.0% for the MLP), so they "
                    "differ in how they generalize: the train–test gap is 1.7 points for the CNN and 5.0 points "
                    "for the MLP.")
    text = c.fit_and_gaps({"a": [0.9], "b": [1.0], "c": [0.995]}, {"a": [0.8], "b": [0.9], "c": [0.9]})
    assert text.startswith("Training accuracy is 90.0% for a, 100.0% for b and 99.5% for c, so not every model fits")
    assert "no model fits" in c.fit_and_gaps({"a": [0.5]}, {"a": [0.5]})


def test_confusions_from_the_matrix():
    m = np.diag([5, 5, 5])
    assert c.confusions(m) == "The CNN makes no error on the test set."
    m[0, 1], m[2, 1] = 1, 1
    assert c.confusions(m) == "The CNN makes 2 test errors, all different pairs: 0 taken for 1 and 2 taken for 1."
    m[0, 1] = 3
    assert c.confusions(m) == "The CNN makes 4 test errors; the most frequent confusion is 0 taken for 1 (3 times)."
    one = np.diag([5, 5])
    one[1, 0] = 1
    assert c.confusions(one, "the CNN of seed 2") == "The CNN of seed 2 makes 1 test error, 1 taken for 0."
# --------------------------------------------------------------------------- 4.C and 4.D: lines and rates

def test_same_lines_holds_fails_and_single_seed():
    lrs = [0.01, 0.1, 1.0]
    same = {0: [(11 / 21, lrs)], 1: [(11 / 21, lrs)], 3: [(16 / 21, lrs)]}
    assert c.same_lines(same, lrs) == (
        "Each of the 3 seeds ends with the same labels at every learning rate (lr = 0.01, 0.1 and 1), so every "
        "rate gives the same accuracies, seeds 0 and 1 at 52.4% and seed 3 at 76.2%: the seed, not the rate, "
        "decides the line.")
    assert c.same_lines({0: [(0.5, lrs)]}, lrs).startswith("The only seed ends with the same labels")
    assert c.same_lines({0: [(0.5, lrs)], 1: [(0.5, lrs)]}, lrs).startswith("Both seeds end")
    moved = {0: [(11 / 21, [0.01]), (16 / 21, [0.1, 1.0])], 1: [(0.5, lrs)], 2: [(0.5, [0.01])]}
    assert c.same_lines(moved, lrs) == (
        "1 of the 3 seeds ends with the same labels at every learning rate (lr = 0.01, 0.1 and 1); seed 0 "
        "ends with different labels at different rates and seed 2 diverges at some rate.")
    assert c.same_lines({0: [(0.5, [0.1]), (0.6, [1.0])], 1: [(0.5, [0.1]), (0.7, [1.0])]}, [0.1, 1.0]) \
        .startswith("None of the 2 seeds ends with the same labels")
    assert c.same_lines(same, [1.0]) is None
    assert c.same_lines({4: [(0.5, [0.1]), (0.6, [1.0])]}, [0.1, 1.0]) == (
        "The only seed does not end with the same labels at every learning rate (lr = 0.1 and 1): it ends with "
        "different labels at different rates.")
    assert c.same_lines({4: [(0.5, [0.1])]}, [0.1, 1.0]).endswith("it diverges at some rate.")


def test_same_path_holds_and_fails():
    final = {0.01: np.array([0.5, 0.8]), 0.1: np.array([0.5, 0.8]), 1.0: np.array([0.5, np.nan])}
    ends = {0: [(0.5, [0.01, 0.1, 1.0])], 1: [(0.8, [0.01, 0.1])]}
    assert c.same_path(dict(final), final, 50, 0.01, ends).startswith(
        "At lr × epochs = 50 (the end of the lr = 0.01 runs) every run at every rate already has its final "
        "accuracy, and each seed ends with the same labels at every rate it did not diverge at: the larger rates "
        "reach the same ends, only in fewer epochs.")
    early = {**final, 1.0: np.array([0.4, np.nan])}
    assert c.same_path(early, final, 50, 0.01, ends).endswith("4 of the 5 runs already have their final accuracy.")
    assert c.same_path({0.01: final[0.01]}, final, 50, 0.01, ends) is None


def test_same_path_checks_where_each_rate_ends():
    """Notebook 05 at lr 100 and 1000: every run has its final accuracy at lr x epochs =
    500000, but seeds 1-3 end on different labels at the two rates: not the same ends."""
    final = {100.0: np.array([10, 10, 10, 10, 11]) / 21, 1000.0: np.array([10, 11, 11, 11, 11]) / 21}
    ends = {0: [(10 / 21, [100.0, 1000.0])], 4: [(11 / 21, [100.0, 1000.0])],
            **{s: [(10 / 21, [100.0]), (11 / 21, [1000.0])] for s in (1, 2, 3)}}
    text = c.same_path(dict(final), final, 500000, 100.0, ends)
    assert "reach the same ends" not in text
    assert text == ("At lr × epochs = 500000 (the end of the lr = 100 runs) every run at every rate already has its "
                    "final accuracy, but seeds 1, 2 and 3 end with different labels at different rates: the rate "
                    "changes where a network ends, not only how many epochs it takes to get there.")
    early = {**final, 1000.0: np.array([10, 10, 11, 11, 11]) / 21}
    assert c.same_path(early, final, 500000, 100.0, ends).startswith(
        "At lr × epochs = 500000 (the end of the lr = 100 runs) 9 of the 10 runs already have their final accuracy, "
        "but seeds 1, 2 and 3 end")


def test_own_rate_says_what_tuning_changes():
    def f(reached, seeds=5):
        return Finals(accuracy=[1.0] * seeds, first_perfect=[10] * reached + [NEVER] * (seeds - reached))
    chosen = {"uniform": 10.0, "normal": 3.0}
    text = c.own_rate({"uniform": f(0), "normal": f(5)}, {"uniform": f(5), "normal": f(5)}, chosen, 1.0)
    assert text == ("At the reference rate lr = 1 every seed reaches 100% with normal; at its own rate "
                    "(uniform at lr = 10 and normal at lr = 3) with uniform and normal; so at lr = 1 it was the step "
                    "size that held back uniform.")
    assert c.own_rate({"uniform": f(5), "normal": f(5)}, {"uniform": f(5), "normal": f(5)}, chosen, 1.0) \
        .startswith("Every initializer brings every seed to 100% both at the reference rate lr = 1")
    assert c.own_rate({"uniform": f(0), "normal": f(3)}, {"uniform": f(1), "normal": f(4)}, chosen, 1.0) == (
        "No initializer brings every seed to 100%, neither at the reference rate lr = 1 nor at its own rate "
        "(uniform at lr = 10 and normal at lr = 3).")
    assert c.own_rate({"uniform": f(0), "normal": f(5)}, {"uniform": f(1), "normal": f(5)}, chosen, 1.0) == (
        "Tuning the rate does not change which initializers bring every seed to 100%: normal does at the "
        "reference rate lr = 1 and at its own rate (uniform at lr = 10 and normal at lr = 3).")
    same = c.own_rate({"uniform": f(0), "normal": f(5)}, {"uniform": f(5), "normal": f(5)},
                      {"uniform": 10.0, "normal": 10.0}, 1.0)
    assert "at its own rate (lr = 10 for every initializer) with uniform and normal" in same
    lost = c.own_rate({"uniform": f(5), "normal": f(5)}, {"uniform": f(4), "normal": f(5)}, chosen, 1.0,
                      names={"uniform": "`uniform`", "normal": "`normal`"})
    assert lost.endswith("with `normal`.") and "step size" not in lost


def test_own_rate_when_every_own_rate_is_the_reference_rate():
    """A one-rate grid (or every choice picking the reference rate): one set of runs, one verdict."""
    def f(reached, seeds=2):
        return Finals(accuracy=[1.0] * seeds, first_perfect=[10] * reached + [NEVER] * (seeds - reached))
    assert c.own_rate({"normal": f(0)}, {"normal": f(0)}, {"normal": 1.0}, 1.0, names={"normal": "`normal`"}) == (
        "The own rate of `normal` is the reference rate lr = 1: there no seed reaches 100%.")
    assert c.own_rate({"normal": f(2)}, {"normal": f(2)}, {"normal": 1.0}, 1.0).endswith(
        ": there every seed reaches 100%.")
    both = {"uniform": 100.0, "normal": 100.0}
    assert c.own_rate({"uniform": f(0), "normal": f(0)}, {"uniform": f(0), "normal": f(0)}, both, 100.0) == (
        "The own rate of every initializer is the reference rate lr = 100: there no initializer brings every "
        "seed to 100%.")
    assert c.own_rate({"uniform": f(1), "normal": f(2)}, {"uniform": f(1), "normal": f(2)}, both, 100.0) \
        .endswith("there every seed reaches 100% with normal only.")
    assert "neither at the reference rate" not in c.own_rate({"normal": f(0)}, {"normal": f(0)}, {"normal": 1.0}, 1.0)


def test_scale_order_needs_the_same_order_without_ties():
    scales = {"normal": 1.0, "he": 0.8, "uniform": 0.3}
    assert c.scale_order({"normal": 239, "he": 261, "uniform": 1018}, scales) == (
        "Ordered by their median first epoch at 100%, fastest first (normal, he and uniform), they follow "
        "their initial weight scale, largest first.")
    assert c.scale_order({"normal": 261, "he": 239, "uniform": 1018}, scales).startswith("The order by median")
    assert c.scale_order({"normal": 239.2, "he": 239.4, "uniform": 1018}, scales).startswith("The order")  # a tie
    assert "the 2 that reach it" in c.scale_order({"normal": 239, "he": 261, "uniform": None}, scales)
    assert c.scale_order({"normal": 239, "he": None, "uniform": None}, scales) is None

    # with the seeds: only differences beyond the seed spread are ordered
    seeds = {"normal": [230, 239, 250], "he": [150, 261, 380], "uniform": [1000, 1018, 1030]}
    text = c.scale_order({"normal": 239, "he": 261, "uniform": 1018}, scales, seeds=seeds)
    assert text.endswith("follow their initial weight scale, largest first, wherever the epochs differ by more "
                         "than the seed spread; within the seed spread of each other: normal with he.")
    assert "does not follow" in c.scale_order({"normal": 239, "he": 261, "uniform": 1018},
                                              {"normal": 0.5, "he": 0.7, "uniform": 0.9}, seeds=seeds)
    close = {k: [100, 500, 900] for k in seeds}
    assert "no order by speed" in c.scale_order({"normal": 500, "he": 501, "uniform": 502}, scales, seeds=close)


def test_variant_divergence_names_the_variant():
    assert c.variant_divergence("*no activation*", {0.01: (0, 5), 0.1: (4, 5), 1.0: (5, 5)}, "lr") == (
        "9 of the 15 runs of *no activation* diverged (loss nan or inf): 4 at lr = 0.1 and 5 at lr = 1.")
    assert c.variant_divergence("X", {1.0: (2, 2)}, "lr") == \
        "All 2 runs of X diverged (loss nan or inf): 2 at lr = 1."
    assert c.variant_divergence("X", {1.0: (0, 1)}, "lr") == \
        "The only run of X did not diverge: its loss stayed finite."
    assert c.variant_divergence("X", {1.0: (1, 1)}, "lr").startswith("The only run of X diverged")
    assert c.variant_divergence("X", {}, "lr") is None


def test_collapses_only_below_the_tolerance():
    assert c.collapses(9.5e-18).endswith("to within $9.5 \\times 10^{-18}$: the network is one straight line.")
    assert c.collapses(0.3).endswith("the network is not one affine map.")
    assert c.collapses(9.5e-18, weights=[[-1.091], [-2.155]]).endswith(": the network is one straight line.")


def test_collapses_to_a_constant_when_w_prints_as_zero():
    """Notebook 05 with identity activations: W = (0.000, -0.000) is no line."""
    text = c.collapses(1.1e-16, weights=[[2e-4], [-3e-5]], spread=2.8e-16)
    assert "straight line" not in text
    assert text.endswith("its W is 0 to the 3 decimals printed, so it draws no line: the network outputs a "
                         "constant (its output varies by $2.8 \\times 10^{-16}$ over the training points).")
    assert c.collapses(1.1e-16, weights=[[0.0006], [0.0]]).endswith("one straight line.")   # prints as 0.001


def test_seed_decides_only_when_the_seeds_differ_and_the_rates_do_not():
    lrs = [0.01, 1.0]
    split = {0: [(11 / 21, lrs)], 1: [(11 / 21, lrs)], 2: [(16 / 21, lrs)]}
    assert c.seed_decides(split, lrs) == (
        "Which line a network without hidden activations ends on is decided by its seed alone: each seed ends "
        "with the same labels at all 2 rates, and the seeds end at 2 different accuracies.")
    assert c.seed_decides({0: [(0.5, lrs)], 1: [(0.5, lrs)]}, lrs) is None          # one end for all seeds
    assert c.seed_decides({0: [(0.5, [0.01]), (0.7, [1.0])], 1: [(0.6, lrs)]}, lrs) is None
    assert c.seed_decides(split, [1.0]) is None


# --------------------------------------------------------------------------- Section 4.C, any parameters

def test_linear_bound_counts_and_names_only_the_networks_that_did_not_diverge():
    """Notebook 05 at lr 100 and 1000: every *no activation* run diverged, so only the
    *identity hidden* networks are counted and named."""
    both = c.linear_bound(16 / 21, {"*identity hidden*": [0.5, 16 / 21, 0.5], "*no activation*": [0.6, 0.5]})
    assert both == ("No line classifies more than 76.2% of the XOR points, so the 5 *identity hidden* and "
                    "*no activation* networks cannot exceed the best line's 76.2%: the best ends at 76.2%, "
                    "1 of them exactly at the bound.")
    gone = c.linear_bound(1.0, {"*identity hidden*": [0.66, 0.5], "*no activation*": [np.nan, np.nan]},
                          points="linear points")
    assert gone == ("A line separates the linear points (100.0% is possible), but none of them gets there: the best "
                    "of the 2 *identity hidden* networks that did not diverge ends at 66.0%, the mean at 58.0%.")
    assert "*no activation*" not in gone
    some = c.linear_bound(16 / 21, {"*identity hidden*": [0.5, np.nan], "*no activation*": [0.6, np.nan]})
    assert "the 2 *identity hidden* and *no activation* networks that did not diverge cannot exceed" in some
    one = c.linear_bound(16 / 21, {"*identity hidden*": [0.5], "*no activation*": [np.nan]})
    assert one == ("No line classifies more than 76.2% of the XOR points, so the *identity hidden* network, the only "
                   "one that did not diverge, cannot exceed the best line's 76.2%: it ends at 50.0%.")
    assert c.linear_bound(1.0, {"*a*": [1.0]}, points="linear points") == (
        "A line separates the linear points (100.0% is possible), and it gets there: the *a* network ends at 100.0%.")
    assert "which a linear classifier cannot: that network is not linear." in c.linear_bound(16 / 21, {"*a*": [1.0, 0.5]})
    assert c.linear_bound(16 / 21, {"*a*": [np.nan], "*b*": [np.nan]}).endswith("every *a* and *b* network diverged.")


def test_beats_linear_with_one_seed_compares_plainly():
    bound = 16 / 21
    one = c.beats_linear("reference networks on XOR", [11 / 21], "*identity hidden* networks at every rate",
                         [10 / 21], bound, seeds=1)
    assert one == ("With one seed there is no seed spread to judge a difference by: the reference networks on XOR "
                   "(52.4%) score above the *identity hidden* networks at every rate (47.6%), not above the best "
                   "line's 76.2%.")
    assert "seed spread of" not in one and "by more than" not in one
    assert "score the same as" in c.beats_linear("r", [0.5], "l", [0.5], bound, seeds=1)
    assert ", above the best line's" in c.beats_linear("r", [1.0], "l", [0.5, 0.6], bound, seeds=1)
    assert c.beats_linear("r", [np.nan], "l", [0.5], bound, seeds=1) is None
    assert c.beats_linear("r", [1.0, 1.0], "l", [0.5, 0.5], bound, seeds=2) == s.beats_lines(
        "r", [1.0, 1.0], "l", [0.5, 0.5], bound)


def test_most_accurate_says_ties_and_the_rule():
    pick = dict(lr=1000.0, seed=1, index=1, accuracy=11 / 21, tied=1)
    assert c.most_accurate("*identity hidden* network on XOR", pick) == (
        "The most accurate *identity hidden* network on XOR (lr 1000, seed 1)")
    tied = c.most_accurate("*identity hidden* network on XOR", dict(pick, tied=5))
    assert tied == ("One of the 5 most accurate *identity hidden* networks on XOR (5 tie at 52.4%; of those, the "
                    "one with the lowest final loss: lr 1000, seed 1)")


def test_bend_lesson_names_xor_only_when_the_run_shows_it():
    fig = "Figure @fig:noact-summary"
    plain = c.bend_lesson(None, fig)
    assert plain.endswith("classes that no line separates.") and "XOR" not in plain
    assert "XOR" not in c.bend_lesson([11 / 21, 11 / 21, np.nan], fig)           # never separates XOR
    assert c.bend_lesson([1.0, 1.0], fig).endswith(", as every reference network does on XOR.")
    assert c.bend_lesson([1.0, 0.5, np.nan], fig).endswith(
        ", as the reference network does on XOR in 1 of the 3 seeds.")
    assert c.bend_lesson([1.0], fig).endswith(", as the reference network does on XOR.")
    assert f"({fig})" in plain
