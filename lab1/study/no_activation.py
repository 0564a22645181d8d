"""Sections 4.C and 4.D: networks without activation functions, initializers and losses.

4.C trains two variants of the reference network without hidden activations over a list
of learning rates and asks which straight line each one ends on:

    runs = no_activation.variants(data, lrs, seeds, setting, epochs)
    runs["identity hidden"]    # sweeps.Sweep over "lr": identity hidden layers, the setting's output
    runs["no activation"]      # identity hidden layers and identity output (mean squared error)
    runs["reference"]          # the reference network at the setting's rate
    ends = settled(runs["identity hidden"], data.x)   # [Settled(seed, lr, accuracy, labels)]

4.D compares choices of the setup (initializers, losses) each at its own learning rate,
chosen from a grid by comparisons.choose_lr, so that a weight scale is not mistaken for a
step size: ``tuned_options(data, "init", inits, grid, seeds, epochs, setting)``.
NumPy and the standard library only (figures are in lab1.study.figures).
"""
from dataclasses import dataclass

import numpy as np

from .. import nn
from ..metrics import predict_labels
from .comparisons import tuned
from .formatting import count, markdown_table, mean_std, percent, value_text
from .summaries import summarize
from .sweeps import seeds as seed_list
from .sweeps import sweep

VARIANTS = ("identity hidden", "no activation")


def variant_options(setting, variant):
    """Keywords of sweeps.train for one variant of the setting's network, without lr.

    "identity hidden": identity hidden layers, the setting's output and loss.
    "no activation": identity hidden layers and output; the loss is mean squared error
    (binary cross-entropy needs a probability). "reference": the setting itself.
    """
    options = setting.network(without=("lr",))
    if variant == "identity hidden":
        options.update(activation="identity")
    elif variant == "no activation":
        options.update(activation="identity", output="identity", loss="mse")
    elif variant != "reference":
        raise ValueError(f"variant must be one of {', '.join(VARIANTS + ('reference',))}; got {variant!r}")
    return options


def variants(data, lrs, seeds, setting, epochs):
    """{variant: sweeps.Sweep over "lr"} for both VARIANTS at lrs, and "reference" at setting.lr.

    data: a sweeps.Dataset; seeds: how many (seeds 0 .. seeds-1); epochs: epochs per run.
    Each variant's rates run in one stacked fit.
    """
    runs = {v: sweep(data, "lr", list(lrs), seed_list(seeds), epochs=epochs, **variant_options(setting, v))
            for v in VARIANTS}
    runs["reference"] = sweep(data, "lr", [setting.lr], seed_list(seeds), epochs=epochs,
                              **variant_options(setting, "reference"))
    return runs


def per_seed_accuracy(swept):
    """{value: (M,) final training accuracy per seed, nan for a diverged seed}."""
    out = {}
    for value in swept.values:
        history = swept.histories[value]
        acc = np.array(np.atleast_1d(history.final_accuracy), dtype=np.float64)
        acc[np.atleast_1d(history.diverged_epoch) >= 0] = np.nan
        out[value] = acc
    return out


# --------------------------------------------------------------------------- which line

@dataclass(frozen=True)
class Settled:
    """Where one trained network ended: seed, lr, final training accuracy (nan: diverged)
    and labels, the (N,) label it gives each training point (None: diverged)."""
    seed: int
    lr: float
    accuracy: float
    labels: tuple


def settled(swept, x):
    """[Settled] for every seed and rate of a sweep over "lr", in sweep order then seed order.

    x: (N, 2) the training points the labels are read on (the model's output > 0.5).
    """
    out = []
    for value, accuracies in per_seed_accuracy(swept).items():
        for i, seed in enumerate(swept.seeds):
            model, index = swept.model(value, i)
            diverged = not np.isfinite(accuracies[i])
            labels = None if diverged else tuple(int(v) for v in predict_labels(model.forward(x)[index]))
            out.append(Settled(int(seed), float(value), float(accuracies[i]), labels))
    return out


def labellings_by_seed(ends):
    """{seed: [(labels, [lrs that end with them])]} over the runs that did not diverge,
    labellings in order of first appearance."""
    out = {}
    for end in ends:
        groups = out.setdefault(end.seed, [])
        if end.labels is None:
            continue
        for labels, lrs in groups:
            if labels == end.labels:
                lrs.append(end.lr)
                break
        else:
            groups.append((end.labels, [end.lr]))
    return out


def accuracy_by_seed(ends):
    """{seed: [(accuracy, [lrs])]}: labellings_by_seed with each labelling's accuracy, the
    form claims.same_lines and claims.seed_decides read."""
    accuracy = {end.labels: end.accuracy for end in ends if end.labels is not None}
    return {seed: [(accuracy[labels], lrs) for labels, lrs in groups]
            for seed, groups in labellings_by_seed(ends).items()}


def describe_labels(labels, x, y):
    """The points a network labels 1, in a few words: 'none (all label 0)', 'all (all
    label 1)', or '5 of 10 label-1 points, below the diagonal' (with how many label-0
    points it takes along, and the side of x1 = x2 when they share one).
    labels: (N,) 0/1; x: (N, 2); y: (N,) or (N, 1) true labels."""
    labels, y = np.asarray(labels).reshape(-1), np.asarray(y).reshape(-1)
    ones = labels == 1
    if not ones.any():
        return "none (all label 0)"
    if ones.all():
        return "all (all label 1)"
    right, wrong = int(np.sum(ones & (y == 1))), int(np.sum(ones & (y == 0)))
    parts = [f"{right} of {int(np.sum(y == 1))} label-1 points"] if right else []
    if wrong:
        parts.append(f"{wrong} of {int(np.sum(y == 0))} label-0 points")
    text = " and ".join(parts)
    side = x[ones, 0] - x[ones, 1]
    if np.all(side > 0):
        text += ", below the diagonal"
    elif np.all(side < 0):
        text += ", above the diagonal"
    return text


def lines_table(ends, x, y):
    """A Markdown table with one row per way the runs end: the seeds that end so, at which
    rates, the points they label 1 and the accuracy; diverged runs have their own rows.
    Seeds that end alike at the same rates share a row. ends: from settled()."""
    rows = {}
    for seed, groups in labellings_by_seed(ends).items():
        for labels, lrs in groups:
            rows.setdefault((labels, tuple(lrs)), []).append(seed)
    diverged = {}
    for end in ends:
        if end.labels is None:
            diverged.setdefault(end.seed, []).append(end.lr)
    for seed, lrs in diverged.items():
        rows.setdefault((None, tuple(lrs)), []).append(seed)
    accuracy = {end.labels: end.accuracy for end in ends if end.labels is not None}
    cells = [[", ".join(map(str, seeds)), rates_text(lrs),
              "diverged" if labels is None else describe_labels(labels, x, y),
              "n/a" if labels is None else percent(accuracy[labels])]
             for (labels, lrs), seeds in rows.items()]
    return markdown_table(["seeds", "lr", "labelled 1", "accuracy"], cells, align="lllr")


def rates_text(lrs):
    """'0.01, 0.1, 1' (table cells)."""
    return ", ".join(value_text(v) for v in lrs)


def accuracy_at_time(swept, time):
    """{lr: (M,) training accuracy at epoch round(time / lr)} for the rates that got that
    far (epoch 1 .. epochs): the same "time" lr x epochs along gradient descent's path.
    Diverged seeds give nan."""
    out = {}
    for value in swept.values:
        epoch = int(round(time / value))
        history = swept.histories[value]
        if 1 <= epoch <= history.epochs:
            acc = np.array(history.accuracy[epoch - 1], dtype=np.float64).reshape(-1)
            acc[np.atleast_1d(history.diverged_epoch) >= 0] = np.nan
            out[value] = acc
    return out


# --------------------------------------------------------------------------- each at its own rate

def tuned_options(data, option, values, grid, seeds, epochs, setting):
    """{value: comparisons.tuned(...)} for each value of option ("init" or "loss"): the
    reference network with that value, swept over the learning rates of grid in one
    stacked fit, its rate chosen by comparisons.choose_lr (lowest mean training loss over
    the last tenth of the epochs; a rate where any seed diverges only if all do; ties to
    the smaller rate). Losses are compared with a sigmoid output, which binary
    cross-entropy needs."""
    out = {}
    for value in values:
        options = setting.network(without=("lr",))
        options[option] = value
        if option == "loss":
            options["output"] = "sigmoid"
        out[value] = tuned(data, list(grid), seeds, epochs, **options)
    return out


def grid_with(grid, lr):
    """The sorted grid of rates with lr added (the reference rate is always tried)."""
    return sorted(set(float(v) for v in grid) | {float(lr)})


def first_epochs(runs):
    """{value: {lr: (M,) first epoch at 100% per seed, nan for never}} from tuned_options."""
    out = {}
    for value, run in runs.items():
        swept = run["sweep"]
        out[value] = {}
        for lr in swept.values:
            first = np.atleast_1d(swept.histories[lr].first_perfect_epoch).astype(np.float64)
            first[first < 1] = np.nan
            out[value][lr] = first
    return out


def tuned_table(runs, reference_lr, header, names=None, extra=None):
    """A compact Markdown table of tuned_options' runs: per value, the extra columns
    ({header: [cell per value]}), how many seeds reach 100% at reference_lr, the rate
    chosen, and at that rate how many reach 100%, their first epoch (median and range)
    and the accuracy after the last epoch (mean ± std). names: {value: cell text}."""
    extra = extra or {}
    headers = [header, *extra, f"at 100%, lr {value_text(reference_lr)}", "own lr", "at 100%",
               "first epoch at 100%", "accuracy"]
    rows = []
    for i, (value, run) in enumerate(runs.items()):
        at_ref = summarize(run["sweep"].histories[reference_lr])
        own = run["summary"]
        first = own["epochs_to_perfect"]
        if first.size > 1:
            reach = f"{count(own['epochs_to_perfect_median'])} ({count(first.min())}–{count(first.max())})"
        else:
            reach = count(first[0]) if first.size else "never"
        rows.append([(names or {}).get(value, value_text(value)), *(str(cells[i]) for cells in extra.values()),
                     f"{at_ref['reached']}/{at_ref['models']}", value_text(run["lr"]),
                     f"{own['reached']}/{own['models']}", reach,
                     mean_std(own["final_accuracy_mean"], own["final_accuracy_std"])])
    return markdown_table(headers, rows)


def any_finite(nested):
    """True when some per-seed value of {panel: {value: (M,) values}} is finite (a log axis
    needs one)."""
    return any(np.isfinite(np.asarray(v, dtype=float)).any() for panel in nested.values() for v in panel.values())


def initial_weight_std(setting, init, seeds):
    """(layers,) mean over seeds of the standard deviation of each layer's initial weights
    under init: nn.mlp(setting.sizes, init=init, rng=seed) for seeds 0 .. seeds-1."""
    stds = []
    for seed in range(seeds):
        model = nn.mlp(list(setting.sizes), activation=setting.activation, output=setting.output,
                       init=init, rng=seed)
        stds.append([float(np.std(layer.weight.data)) for layer in model.layers if isinstance(layer, nn.Linear)])
    return np.mean(stds, axis=0)
