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
from .terms import TAIL
from .wording import listing, noun
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


def most_accurate(swept):
    """The network of a sweep over "lr" drawn as the most accurate one: the highest final
    training accuracy as printed, and among those that tie on it the lowest final training
    loss (then the smaller rate and seed). Returns {"lr", "index" (the seed's position),
    "seed", "accuracy", "tied" (how many runs share that accuracy)}, or None when every run
    diverged."""
    runs = []
    for value, accuracies in per_seed_accuracy(swept).items():
        losses = np.atleast_1d(np.asarray(swept.histories[value].final_loss, dtype=np.float64))
        for i, acc in enumerate(accuracies):
            if np.isfinite(acc):
                runs.append((percent(acc), float(acc), float(losses[i]), float(value), i))
    if not runs:
        return None
    top = max(r[1] for r in runs)
    tied = [r for r in runs if r[0] == percent(top)]
    _, acc, _, lr, i = min(tied, key=lambda r: (r[2] if np.isfinite(r[2]) else np.inf, r[3], r[4]))
    return dict(lr=lr, index=i, seed=int(swept.seeds[i]), accuracy=acc, tied=len(tied))


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


CHOICES = {"init": ("initial weights", "initializer"), "loss": ("loss", "loss")}


def share_intro(share, grid, reference_lr, seeds, epochs, title):
    """The paragraph that opens Section 4.D: which choices of the setup run (share: any of
    "init", "loss"), and how each gets its own rate from grid (the sorted rates, the
    reference rate among them). A grid of one rate chooses nothing, and the text says so."""
    one = len(share) == 1
    what = listing(f"the {CHOICES[k][0]}" for k in share)
    head = (f"{'One choice' if one else 'Two choices'} of the setup that the rubric does not ask about: {what}. ")
    runs = f"({noun(seeds, 'seed')}, {count(epochs)} epochs on {title}, one stacked fit per choice)"
    if len(grid) == 1:
        return (head + f"The grid of learning rates has one rate, lr {value_text(grid[0])}, the reference rate, so "
                f"every choice is trained at it {runs} and no rate is chosen: a choice that needs another rate "
                "would look worse here than it is.")
    return (head + "Compared at one learning rate, a choice that suits that rate would look better than one that "
            f"needs another, so {'it is' if one else 'each is'} compared at its own rate: the reference network "
            f"with that choice is trained at every rate of the grid {listing(value_text(v) for v in grid)} {runs}, "
            f"and the rate kept is the one whose seeds reach the lowest mean training loss over the last "
            f"{percent(TAIL, 0)} of the epochs (a rate at which any seed diverges only if every rate does; ties go "
            f"to the smaller rate). The reference rate, lr {value_text(reference_lr)}, is part of the grid.")


def init_limits(inits, grid, network_text, edge):
    """'What this comparison can and cannot show' for the initializers: what each at its own
    rate shows (a grid of one rate shows no own rate), that scale and distribution are not
    separated (two or more initializers only), that the grid has steps, and edge, the
    sentence on rates chosen at the end of the grid (used only for a grid of two or more)."""
    several = len(inits) > 1
    schemes = [name for name, prefix in (("Xavier", "xavier"), ("He", "he_")) if any(i.startswith(prefix) for i in inits)]
    scope = ("it holds for this network and data set"
             + (f": {listing(schemes)} scaling {'were' if len(schemes) > 1 else 'was'} designed to keep signals "
                "from shrinking or growing through many layers, which is not the difficulty of a network of "
                f"{network_text} units." if schemes else "."))
    if len(grid) == 1:
        return ("**What this comparison can and cannot show.** The grid has one rate, so "
                f"{'every initializer is' if several else 'the initializer is'} trained at that rate only: it "
                "cannot show how fast an initializer trains at a step size that "
                "suits it" + (", nor separate the scale of the initial weights from their distribution (the "
                              "initializers differ in both)" if several else "") + f", and {scope}")
    cannot = ("It cannot separate the scale of the initial weights from their distribution (the initializers "
              "differ in both), it cannot resolve rates between the grid's steps, and "
              if several else "It cannot resolve rates between the grid's steps, and ")
    return ("**What this comparison can and cannot show.** At each initializer's own rate it shows how fast that "
            "initializer trains when its step size suits it, which one rate for all cannot. "
            + cannot + scope + " " + edge)


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
