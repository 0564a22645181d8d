"""Claims of Sections 1-3 (lab1/study/claims_results.py): each sentence only when it holds."""
import numpy as np

from lab1.study import claims_results as claims


def test_preview_and_requirement_follow_the_numbers():
    text = claims.results_preview({"xor": (0, 21), "linear": (1, 100)}, "the setting", "Table 3")
    assert text == ("With the setting, one network per data set classifies all 21 XOR points and 99 of "
                    "the 100 linear test points correctly (Table 3).")       # the 90% is Section 3's
    low = claims.results_preview({"xor": (10, 21), "linear": (5, 100)}, "s")
    assert "11 of the 21 XOR points" in low and "demo requires" not in low
    assert (claims.requirement({"xor": 11 / 21, "linear": 0.95})
            == "The XOR network is below the 90% the demo requires, the linear one at or above it.")
    only = claims.results_preview({"linear": (100, 100)}, "s")
    assert "one network classifies none of the 100 linear test points" in only
    assert "XOR" not in only
    assert claims.requirement({"xor": 0.5, "linear": 0.2}) == "Neither reaches the 90% the demo requires."
    assert claims.requirement({"xor": 0.9}) == "The XOR network's test accuracy is at or above the 90% the demo requires."
    assert claims.results_preview({}, "s") is None


def test_seed_rank_places_ties_and_failures():
    firsts = {0: 3067, 1: 1600, 2: 1200, 3: None, 4: 1700}
    assert claims.seed_rank(0, firsts) == ("Seed 0 first reaches 100% at epoch 3,067, 4th fastest of the "
                                           "4 seeds that get there, 1.9 times their median (1,650); 1 seed "
                                           "of 5 never gets there.")
    assert claims.seed_rank(3, firsts) == "Seed 3 never reaches 100% training accuracy; 4 other seeds of 5 do."
    assert claims.seed_rank(0, {0: None, 1: None}) == ("Seed 0 never reaches 100% training accuracy; "
                                                       "none of the 2 seeds does.")
    assert "tied with 1 other" in claims.seed_rank(0, {0: 100, 1: 100, 2: 300})
    assert claims.seed_rank(0, {0: 100, 1: 100}) == ("Seed 0 first reaches 100% at epoch 100, as every "
                                                     "other seed that gets there does.")
    assert "the only one of the 3 seeds that does." in claims.seed_rank(1, {0: None, 1: 50, 2: None})
    assert claims.seed_rank(1, {0: 100, 1: 101, 2: 102}).endswith("2nd fastest of the 3 seeds that get there, at their median.")
    assert "close to their median (102)" in claims.seed_rank(1, {0: 100, 1: 101, 2: 103, 3: 104})
    assert claims.seed_rank(9, firsts) is None


def test_loss_plateau_and_first_perfect():
    assert claims.loss_change(0.262, 0.0012, 5000, 0.01, 2140) == (
        "The loss falls from $0.262$ at the initial weights to $1.20 \\times 10^{-3}$ after 5,000 epochs; "
        "it drops below 0.01 at epoch 2,140.")
    assert claims.loss_change(0.25, 0.26, 10) == ("The loss does not fall: $0.250$ at the initial weights, "
                                                  "$0.260$ after 10 epochs.")
    assert claims.loss_change(0.25, np.nan, 10, diverged_epoch=3).startswith("Training diverges at epoch 3")
    assert claims.plateau(10, 5000, 0.2, 0.25) is None                       # left early: no plateau
    assert "stays above 0.2 until epoch 1,234" in claims.plateau(1234, 5000, 0.2, 0.25)
    near_half = np.array([0.49, 0.51])
    assert "does not leave this plateau" in claims.plateau(None, 50, 0.2, 0.25, final_loss=0.249,
                                                           outputs=near_half)
    assert claims.plateau(None, 50, 0.2, 0.25, final_loss=0.52, outputs=np.array([0.1, 0.9])) is None   # no plateau
    assert claims.plateau(None, 50, 0.2, 0.25) is None
    assert claims.first_perfect(812, 1.0, 5000) == "Training accuracy first reaches 100% at epoch 812."
    assert "but the trained network scores 95.2%" in claims.first_perfect(812, 0.952, 5000)
    assert claims.first_perfect(None, 0.524, 500) == ("Training accuracy never reaches 100% in 500 epochs; "
                                                      "the trained network scores 52.4%.")


def test_generalization_diagonal_and_boundaries():
    assert claims.generalization(0.98, 0.97).endswith("it generalizes to points it never saw.")
    assert "generalizes" not in claims.generalization(0.52, 0.44)
    assert "generalizes" not in claims.generalization(1.0, 0.92)           # a gap of 8 points
    assert claims.generalization(1.0, None) is None
    assert "follows the diagonal" in claims.diagonal(0.96, 0.01, True)
    assert "does not follow the diagonal" in claims.diagonal(0.45, 0.01, False)
    assert "this one does" in claims.xor_boundary(0, 21, 0.3)
    assert "leaves 10 of the 21 XOR points on the wrong side" in claims.xor_boundary(10, 21, 0.0)
    assert "all 21 XOR points" in claims.xor_boundary(21, 21, 0.0)
    everyone = np.linspace(0.0, 0.4, 1001)[1:]                 # median 0.2002
    near = claims.near_boundary(np.array([0.001, 0.002]), everyone)
    assert near.startswith("Both misclassified test points lie 0.0010 and 0.0020 from") and "not a wrong shape" in near
    far = claims.near_boundary(np.array([0.3]), everyone)
    assert far.startswith("The misclassified test point lies 0.3000") and "wrong shape" not in far
    assert claims.near_boundary(np.array([]), everyone) == "No test point is misclassified."


def test_the_fastest_seed_is_named_so():
    assert "the fastest of the 3 seeds" in claims.seed_rank(0, {0: 10, 1: 20, 2: 30})


def test_stacked_models_follow_their_single_runs_only_within_rounding():
    assert claims.stacked_same(0.0, 3, 300).endswith("the largest difference is exactly 0")
    assert "the largest difference is $1.1 \\times 10^{-16}$" in claims.stacked_same(1.1e-16, 3, 300)
    assert claims.stacked_same(1e-3, 3, 300).startswith("do not follow")


def test_a_loss_that_prints_the_same_at_both_ends_stays():
    """02A: 'falls from 0.267 ... to 0.267' -- equal printed numbers are no fall."""
    text = claims.loss_change(0.26701, 0.26651, 50)
    assert text.startswith("The loss stays at $0.267$") and "falls" not in text
    assert "stays at $0.250$" in claims.loss_change(0.25, 0.25, 10)
    assert "does not fall" in claims.loss_change(0.25, 0.2512, 10)             # $0.250$ -> $0.251$
    assert claims.loss_change(0.2671, 0.2600, 50).startswith("The loss falls from $0.267$")


def test_the_constant_output_explanation_needs_outputs_near_a_half():
    """02A: 'ends near 0.25, the loss of a network that outputs 0.5 for every point' said of a
    network that outputs about 0.35 everywhere (loss 0.267)."""
    outputs = np.array([0.338, 0.35, 0.363])
    text = claims.plateau(None, 50, 0.2, 0.25, final_loss=0.267, outputs=outputs)
    assert "0.5 for every point" not in text and "plateau" not in text
    assert text == ("It never gets below 0.2: the trained network outputs between 0.338 and 0.363 on every "
                    "training point, nearly the same value for all of them.")
    half = claims.plateau(None, 50, 0.2, 0.25, final_loss=0.2501, outputs=np.array([0.497, 0.503]))
    assert "outputs 0.5 for every point (this one outputs between 0.497 and 0.503)" in half
    assert "outputs 0.500)" in claims.plateau(None, 50, 0.2, 0.25, final_loss=0.25, outputs=np.array([0.5, 0.5001]))
    assert claims.plateau(None, 50, 0.2, 0.25, final_loss=0.3, outputs=np.array([0.1, 0.9])) is None
    assert claims.plateau(None, 50, 0.2, 0.25, final_loss=0.25, outputs=np.array([np.nan, 0.5])) is None


def test_a_diverged_network_has_no_accuracy_and_no_boundary():
    """02B: 'the trained network scores nan%', 'never reaches 100% in 5 epochs' after 'for 200
    epochs', a boundary and a test accuracy for networks whose output is nan."""
    div = claims.loss_change(5.3, np.nan, 5, diverged_epoch=5, planned=200)
    assert div == ("Training diverges at epoch 5 of the 200 planned: the loss becomes infinite or nan, "
                   "and training stops there.")
    never = claims.first_perfect(None, np.nan, 5, diverged_epoch=5)
    assert never == ("Training accuracy never reaches 100% before the divergence; the diverged network "
                     "has no accuracy.")
    assert "nan" not in never and "in 5 epochs" not in never
    assert claims.first_perfect(40, np.nan, 90, diverged_epoch=90).startswith(
        "Training accuracy first reaches 100% at epoch 40, before the divergence")
    assert claims.no_boundary([]) is None
    assert claims.no_boundary(["XOR"]) == ("Training diverged on XOR: its network has no decision boundary, "
                                          "as the outputs are not finite numbers.")
    assert "on XOR and the linear data: their networks" in claims.no_boundary(["XOR", "the linear data"])
    assert claims.requirement({"xor": np.nan, "linear": np.nan}) == (
        "The XOR and linear networks diverged: they have no test accuracy and do not reach the 90% the "
        "demo requires.")
    mixed = claims.requirement({"xor": np.nan, "linear": 0.97})
    assert mixed == ("The XOR network diverged: it has no test accuracy and does not reach the 90% the demo "
                     "requires. The linear network's test accuracy is at or above the 90% the demo requires.")
    gone = claims.uniform_errors((1000, 1000, np.nan), (4000, 4000, np.nan), diverged_epoch=5, planned=200)
    assert gone.startswith("Training diverges at epoch 5 of the 200 planned") and "off" not in gone
    assert "%" not in gone
    assert claims.uniform_errors((3, 1000, 0.997), (12, 4000, 0.997)) == (
        "The network misclassifies 3 of the 1,000 test points (test accuracy 99.7%) and 12 of the 4,000 "
        "training points (99.7%).")


def test_seed_rank_says_which_seeds_diverged():
    """02B: 'seed 0 never reaches 100% ...; none of the 10 seeds does' when all 10 diverged."""
    firsts = {s: None for s in range(10)}
    allgone = claims.seed_rank(0, firsts, {s: 5 for s in range(10)})
    assert allgone == ("Seed 0 diverges at epoch 5, and so do the other 9 seeds: none reaches 100% "
                       "training accuracy.")
    assert "neither reaches" in claims.seed_rank(0, {0: None, 1: None}, {0: 5, 1: 7})
    some = claims.seed_rank(0, {0: None, 1: 30, 2: None}, {0: 5, 1: None, 2: 9})
    assert some == ("Seed 0 diverges at epoch 5, before reaching 100% training accuracy; of the 3 seeds, "
                    "1 other seed reaches 100% and 1 other diverges.")
    alive = claims.seed_rank(0, {0: None, 1: None, 2: None}, {0: None, 1: 4, 2: 6})
    assert alive == "Seed 0 never reaches 100% training accuracy; the other 2 seeds all diverge."
    assert "(1 of them diverges)" in claims.seed_rank(0, {0: None, 1: None, 2: None}, {0: None, 1: 4, 2: None})
    reached = claims.seed_rank(0, {0: 100, 1: 200, 2: None}, {0: None, 1: None, 2: 3})
    assert reached.endswith("; 1 seed of 3 never gets there (1 of them diverges).")
    assert claims.seed_rank(0, {0: 100, 1: None}, {0: None, 1: 3}).endswith(
        "the only one of the 2 seeds that does; 1 other diverges.")
    # a seed that diverges after reaching 100% still counts as having got there
    assert "diverges at epoch 50; of the 2 seeds, 1 other seed reaches 100%" in claims.seed_rank(
        0, {0: 20, 1: 30}, {0: 50, 1: None})


def test_one_seed_reads_as_one():
    """02C: 'from 1 initial weights (seeds 0 to 0)', 'the only one of 1 seed that does'."""
    assert claims.seeds_text(1) == "seed 0"
    assert claims.seeds_text(2) == "seeds 0 and 1"
    assert claims.seeds_text(10) == "seeds 0 to 9"
    one = claims.seed_rank(0, {0: 2137})
    assert one == ("Seed 0 first reaches 100% at epoch 2,137; it is the only seed trained, so there is "
                   "nothing to compare it with.")
    assert "1 seed" not in one
    assert claims.seed_rank(0, {0: None}).startswith("Seed 0 never reaches 100% training accuracy; it is the only")
    assert claims.seed_rank(0, {0: None}, {0: 4}).startswith("Seed 0 diverges at epoch 4; it is the only")


def test_the_log_note_says_what_the_appendix_logs():
    """02A: 'the whole log, every log_every epochs' when log_every > epochs logged nothing."""
    assert claims.log_note(1000, 50) == ("the loss of the last epoch only, as `log_every` = 1,000 is more "
                                        "than the 50 epochs")
    assert "equal to the 50 epochs" in claims.log_note(50, 50)
    assert claims.log_note(1000, 5000) == "the loss every 1,000 epochs and at the last epoch run"
    assert claims.log_note(1, 10) == "the loss of every epoch"


def test_misclassified_distances_are_compared_with_all_points():
    """02A: 'All 479 misclassified test points lie within 0.6420 of the true boundary (the median test
    point is 0.210 away): ... some far from the boundary' -- contradictory, two precisions."""
    everyone = np.linspace(0.0, 0.64, 1000)                   # median 0.3200
    wrong = everyone[::2]
    text = claims.near_boundary(wrong, everyone)
    assert text.startswith("The 500 misclassified test points lie 0.0000 to 0.6394 from the true boundary "
                           "$x_1 = x_2$, 0.3197 at the median (the median test point lies 0.3200 away)")
    assert "within" not in text and "farther from the boundary than 998 of the 1,000 test points" in text
    import re
    assert {len(d) for d in re.findall(r"\d\.(\d+)", text)} == {4}            # one precision
    near = claims.near_boundary(np.array([0.001, 0.002, 0.02]), everyone)
    assert near.endswith("(the median test point lies 0.3200 away): the errors are points next to the "
                         "boundary, not a wrong shape.")
    one_label = claims.near_boundary(wrong, everyone, labels=np.zeros(1000, dtype=int))
    assert one_label.startswith("The network predicts label 0 for every test point")
    assert "its 500 errors are the 500 points of the other label" in one_label


def _fitted(lr, epochs, log_every=None):
    import warnings

    from lab1 import data, nn
    from lab1.train import fit
    x, y = data.generate_linear(20, rng=0)
    model = nn.mlp([2, 3, 1], activation="identity", output="identity", rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = fit(model, x, y, optimizer="sgd", lr=lr, epochs=epochs, log_every=log_every, log=None)
    return model, history, x, y


def test_a_diverged_network_has_no_test_accuracy():
    """02B: Table 1 gave test accuracies 52.4%/45.0% to networks whose output is nan."""
    from lab1.study import reference_runs
    model, history, x, y = _fitted(lr=50.0, epochs=100)
    assert history.diverged_epoch[0] > 0
    test = reference_runs.test_results(model, history, x, y)
    assert test["diverged"] and np.isnan(test["accuracy"]) and np.isnan(test["loss"])
    assert list(test["wrong"]) == list(range(20)) and test["n"] == 20
    model, history, x, y = _fitted(lr=0.01, epochs=5)
    fine = reference_runs.test_results(model, history, x, y)
    assert not fine["diverged"] and 0 <= fine["accuracy"] <= 1
    assert len(fine["wrong"]) == round((1 - fine["accuracy"]) * 20)


def test_the_training_log_always_ends_with_the_last_epoch():
    """02A: log_every 1,000 > 50 epochs left the appendix with '(no line logged)'."""
    from lab1.study import reference_runs
    _, history, _, _ = _fitted(lr=0.01, epochs=7, log_every=3)
    lines = reference_runs.training_log(history, 3)
    assert [line.split(" loss")[0] for line in lines] == ["epoch 3", "epoch 6", "epoch 7"]
    assert lines[:2] == history.log                         # the same lines fit logs, in the TA's format
    assert [line.split(" loss")[0] for line in reference_runs.training_log(history, 1000)] == ["epoch 7"]
    assert len(reference_runs.training_log(history, 7)) == 1
    _, gone, _, _ = _fitted(lr=50.0, epochs=100, log_every=1000)
    assert reference_runs.training_log(gone, 1000) == [f"epoch {gone.epochs} loss : nan"]
