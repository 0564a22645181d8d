"""The report's terms and thresholds, each defined once and shared by every notebook.

A sentence that says a loss "oscillates", a unit is "saturated" or a run is "flat" uses
the threshold here, so two sections never mean different things by one word.
"""

# A loss "oscillates" when it rose from one epoch to the next in at least this share of
# the epochs (summaries' loss_increase_rate): 0 for a steady descent, about 0.5 for a
# loss that jumps up and down.
OSCILLATING = 0.3

# A sigmoid unit is "saturated" when its derivative sigma (1 - sigma) is below this.
SATURATED = 0.01

# Training is "stuck" when the output unit is saturated on at least STUCK_SATURATED of the
# points and the loss rose in fewer than STUCK_ROSE of the epochs (it barely moves).
STUCK_SATURATED, STUCK_ROSE = 0.9, 0.05

# A model "generalizes" when its validation accuracy is at least GENERALIZES and at most
# GENERALIZATION_GAP below its training accuracy.
GENERALIZES, GENERALIZATION_GAP = 0.9, 0.05

# A linear-data boundary "follows the diagonal" x1 = x2 when it puts at least this share of
# the test points on the diagonal's side for their label.
FOLLOWS_DIAGONAL = 0.95

# One variant "beats" another only when its mean exceeds the other's by more than the seed
# spread, the larger of the two population standard deviations (lab1.study.claims.spread_order).
# "Faster" (reaches 100% sooner) is the same rule on the first epochs at 100% of the seeds that
# get there: a lower median alone does not make a variant faster.

# A run "blew up" when its loss stayed finite (nan or inf: diverged) but ended at least BLEW_UP
# times the loss of its initial weights: training made it far worse than where it started.
BLEW_UP = 10.0

# The loss of a network that outputs 0.5 for every point under MSE with 0/1 labels, and
# the level below which the loss counts as having left that plateau.
CONSTANT_OUTPUT_LOSS = 0.25
PLATEAU_LOSS = 0.2
# Two epoch counts are "about the same" when they differ by at most ABOUT_SAME of the larger
# (a median that moves from 1,007 to 1,008 epochs neither rises nor falls).
ABOUT_SAME = 0.05
# A data set "starts on a long plateau" when its loss needs at least LONG_PLATEAU times the
# epochs of the other data set's to fall below PLATEAU_LOSS.
LONG_PLATEAU = 2.0

# A loss is "flat" when it fell by less than FLAT (relatively) over the last FLAT_WINDOW
# of the epochs, and "still falling" otherwise.
FLAT_WINDOW, FLAT = 0.2, 0.05

# "At the end of training" for learning-rate selection: the last TAIL share of the epochs.
TAIL = 0.1

# A model "fits" its training set when its mean training accuracy is at least FITS (the
# digits models of the Extra section; their train-test gap then measures generalization).
FITS = 0.99

# Names as prose writes them (figures and tables use plots.pretty's display names).
WORDS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
         "identity": "identity", "mse": "mean squared error", "bce": "binary cross-entropy"}

# Activations as formulas write them (LaTeX, inside $...$).
SYMBOLS = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{ReLU}",
           "leaky_relu": r"\operatorname{LReLU}", "identity": r"\operatorname{id}"}
