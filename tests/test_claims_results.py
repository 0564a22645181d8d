"""Claims of Sections 1-3 (lab1/study/claims_results.py): each sentence only when it holds."""
import numpy as np

from lab1.study import claims_results as claims


def test_preview_and_requirement_follow_the_numbers():
    text = claims.results_preview({"xor": (0, 21), "linear": (1, 100)}, "the setting", "Table 3")
    assert text == ("With the setting, one network per data set classifies all 21 XOR points and 99 of "
                    "the 100 linear test points correctly (Table 3). Both are at or above the 90% the "
                    "demo requires.")
    low = claims.results_preview({"xor": (10, 21), "linear": (5, 100)}, "s")
    assert "11 of the 21 XOR points" in low
    assert "The XOR network is below the 90% the demo requires, the linear one at or above it." in low
    only = claims.results_preview({"linear": (100, 100)}, "s")
    assert "one network classifies none of the 100 linear test points" in only
    assert "XOR" not in only and "below the 90%" in only
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
    assert "the only one of 3 seeds" in claims.seed_rank(1, {0: None, 1: 50, 2: None})
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
    assert "does not leave this plateau" in claims.plateau(None, 50, 0.2, 0.25, final_loss=0.249)
    assert claims.plateau(None, 50, 0.2, 0.25, final_loss=0.52) is None          # above it: not a plateau
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
    near = claims.near_boundary(np.array([0.001, 0.002]), 0.2, 2, 1000)
    assert near.startswith("Both misclassified test points lie within 0.0020") and "not a wrong shape" in near
    far = claims.near_boundary(np.array([0.3]), 0.2, 1, 1000)
    assert far.startswith("The misclassified test point lies") and "wrong shape" not in far
    assert claims.near_boundary(np.array([]), 0.2, 0, 1000) == "No test point is misclassified."


def test_the_fastest_seed_is_named_so():
    assert "the fastest of the 3 seeds" in claims.seed_rank(0, {0: 10, 1: 20, 2: 30})


def test_stacked_models_follow_their_single_runs_only_within_rounding():
    assert claims.stacked_same(0.0, 3, 300).endswith("the largest difference is exactly 0")
    assert "the largest difference is $1.1 \\times 10^{-16}$" in claims.stacked_same(1.1e-16, 3, 300)
    assert claims.stacked_same(1e-3, 3, 300).startswith("do not follow")
