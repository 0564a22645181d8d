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

# The loss of a network that outputs 0.5 for every point under MSE with 0/1 labels, and
# the level below which the loss counts as having left that plateau.
CONSTANT_OUTPUT_LOSS = 0.25
PLATEAU_LOSS = 0.2

# A loss is "flat" when it fell by less than FLAT (relatively) over the last FLAT_WINDOW
# of the epochs, and "still falling" otherwise.
FLAT_WINDOW, FLAT = 0.2, 0.05

# "At the end of training" for learning-rate selection: the last TAIL share of the epochs.
TAIL = 0.1

# Names as prose writes them (figures and tables use plots.pretty's display names).
WORDS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
         "identity": "identity", "mse": "mean squared error", "bce": "binary cross-entropy"}

# Activations as formulas write them (LaTeX, inside $...$).
SYMBOLS = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{ReLU}",
           "leaky_relu": r"\operatorname{LReLU}", "identity": r"\operatorname{id}"}
