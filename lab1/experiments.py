"""Sweep helpers for the report's experiments: many seeds in one stacked fit, summarised.

Every statement the report makes about a hyper-parameter rests on several seeds, and
the models axis makes that cheap: ``nn.mlp(..., rng=[s0, ..., s_{M-1}], models=M)``
trains M independent networks at once, each exactly as it would train alone.

    from lab1 import experiments as ex
    data = ex.load_dataset("xor")
    runs = ex.sweep(data, "lr", [0.1, 1.0, 10.0], seeds=ex.seeds(5), epochs=5000)
    runs.histories[1.0]          # History with arrays (epochs, 5): the 5 seeds at lr 1
    runs.summary()               # one dict of statistics per learning rate
    print(runs.table())          # the same as a Markdown pipe table
    plots.learning_curves(runs.curves())   # mean and band per learning rate

``sweep`` over "lr" runs ONE fit of len(values) * len(seeds) models (per-model learning
rates); over anything that changes the network ("hidden", "activation", "init", "loss",
"batch_size", ...) it runs one stacked fit per value. NumPy and the standard library only.
"""
import ast
import inspect
import math
import re
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import data as _data
from . import nn, optim
from .train import NEVER, fit

DATASETS = ("xor", "linear")

# The report's reference setting (Experiment setups, Results); notebooks' parameter
# defaults agree with it (tests/test_notebooks.py checks).
DEFAULTS = dict(
    sizes=(2, 4, 4, 1),        # input, two hidden layers of 4 units, one output
    activation="sigmoid",      # hidden activations
    output="sigmoid",          # output activation: P(y = 1)
    init="normal",             # weights N(0, 1), biases 0
    loss="mse",                # mean squared error, as the TA's slides
    optimizer="sgd",           # plain gradient descent on the full batch
    lr=1.0,
    epochs={"xor": 5000, "linear": 2000},   # sweeps; the Results section trains 5000 on both
    seeds=5,                   # seeds per setting in the Discussion
)


# --------------------------------------------------------------------------- parameters

def check_choice(name, value, choices):
    """value if it is one of choices, else ValueError naming the parameter and the choices."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"parameter {name} must be one of {allowed}; got {value!r}")
    return value


def check_int(name, value, minimum=1):
    """value as int if it is an integer >= minimum, else ValueError naming the parameter."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"parameter {name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_float(name, value, low=0.0, low_open=True):
    """value as float if it is a finite number above low (or >= low), else ValueError."""
    ok = (not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
          and math.isfinite(value) and (value > low if low_open else value >= low))
    if not ok:
        relation = ">" if low_open else ">="
        raise ValueError(f"parameter {name} must be a finite number {relation} {low}; got {value!r}")
    return float(value)


def check_bool(name, value):
    """value if it is True or False, else ValueError naming the parameter."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"parameter {name} must be True or False; got {value!r}")
    return bool(value)


def check_epochs(name, value, dataset):
    """Epochs for dataset: value if a positive integer, DEFAULTS["epochs"][dataset] if None."""
    return DEFAULTS["epochs"][dataset] if value is None else check_int(name, value)


def check_parameter_names(inputs):
    """Reject parameters papermill injected that the notebook does not have.

    papermill only warns about unknown names (a typo such as ``-p datset xor`` would
    silently run the defaults). inputs: IPython's input history ``_ih``, in which the
    cell papermill injects has the first line "# Parameters" and directly follows the
    notebook's parameters cell. A plain Jupyter run has no injected cell: nothing to check.
    """
    for i, source in enumerate(inputs):
        if i > 0 and source.split("\n", 1)[0].strip() == "# Parameters":
            known, given = _assigned_names(inputs[i - 1]), _assigned_names(source)
            unknown = sorted(given - known)
            if unknown:
                raise ValueError(f"unknown parameter {', '.join(unknown)}; this notebook's "
                                 f"parameters are {', '.join(sorted(known))}")
            return


def _assigned_names(source):
    """Names assigned at the top level of a cell's source."""
    return {target.id for node in ast.parse(source).body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


def check_list(name, values, check, minimum_length=1):
    """list(values) with each item passed through check(name, item); ValueError if too short."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValueError(f"parameter {name} must be a list; got {values!r}")
    values = [check(f"{name}[{i}]", v) for i, v in enumerate(values)]
    if len(values) < minimum_length:
        raise ValueError(f"parameter {name} needs at least {minimum_length} values; got {values!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"parameter {name} has repeated values: {values!r}")
    return values


def datasets_for(choice):
    """['xor'], ['linear'] or ['xor', 'linear'] for a notebook's dataset parameter."""
    check_choice("dataset", choice, DATASETS + ("both",))
    return list(DATASETS) if choice == "both" else [choice]


# --------------------------------------------------------------------------- data

@dataclass
class Dataset:
    """Training points and the points a model is validated on.

    x: (N, 2) float64, y: (N, 1) int; x_val, y_val likewise. For XOR the validation
    set is the same 21 points (there are no others); for linear it is a fresh draw.
    """
    name: str
    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    description: str

    @property
    def validation(self):
        """(x_val, y_val)."""
        return (self.x_val, self.y_val)

    @property
    def separate_validation(self):
        """True when the validation points are not the training points (linear, not XOR)."""
        return self.x_val is not self.x

    @property
    def title(self):
        return "XOR" if self.name == "xor" else "Linear"


def load_dataset(name, n=100, seed=0, val_seed=None):
    """The lab's data set ``name`` ("xor" or "linear"), seeded.

    linear: n points from seed and a separate validation draw of n points from val_seed
    (default seed + 1000). xor: the TA's 21 points, validated on themselves.
    """
    check_choice("dataset", name, DATASETS)
    if name == "xor":
        x, y = _data.generate_XOR_easy()
        return Dataset(name, x, y, x, y, "the TA's 21 XOR points (validation: the same points)")
    val_seed = seed + 1000 if val_seed is None else val_seed
    x, y = _data.generate_linear(n, rng=seed)
    x_val, y_val = _data.generate_linear(n, rng=val_seed)
    return Dataset(name, x, y, x_val, y_val,
                   f"{n} uniform points (seed {seed}), validated on {n} fresh points (seed {val_seed})")


def seeds(count, start=0):
    """[start, ..., start + count - 1]: the seeds of a sweep, one per stacked model."""
    return list(range(start, start + check_int("seeds", count)))


# --------------------------------------------------------------------------- training

def build(sizes=(2, 4, 4, 1), seeds=(0,), activation="sigmoid", output="sigmoid", init="normal",
          bias=True):
    """A stack of len(seeds) networks; model m is exactly nn.mlp(sizes, ..., rng=seeds[m])."""
    seeds = list(seeds)
    return nn.mlp(list(sizes), activation=activation, output=output, init=init, bias=bias,
                  rng=seeds, models=len(seeds))


def train(x, y, seeds, sizes=(2, 4, 4, 1), lr=1.0, activation="sigmoid", output="sigmoid",
          init="normal", loss="mse", optimizer="sgd", epochs=5000, batch_size=None,
          validation=None, data_seed=0, optimizer_options=None, model=None, **fit_options):
    """Train len(seeds) networks at once; returns (model, History with arrays (epochs, M)).

    x: (N, 2), y: (N, 1). lr: a number, or an (M,) array of per-model learning rates.
    model: an already built stack of len(seeds) networks to train instead of building one.
    optimizer: a name of lab1.optim.OPTIMIZERS; optimizer_options go to its constructor.
    data_seed seeds the mini-batch order (the same order for every model).
    fit_options go to lab1.train.fit (e.g. stop_when_perfect, log_every).
    """
    if model is None:
        model = build(sizes, seeds, activation, output, init)
    elif model.models != len(seeds):
        raise ValueError(f"train: model has models={model.models} but {len(seeds)} seeds were given")
    opt = optim.make(optimizer, model.parameters(), lr=lr, **(optimizer_options or {}))
    history = fit(model, x, y, loss=loss, optimizer=opt, epochs=epochs, batch_size=batch_size,
                  validation=validation, rng=data_seed, **fit_options)
    return model, history


# --------------------------------------------------------------------------- sweeps

@dataclass
class Sweep:
    """The result of sweep(): one stacked History per value of the swept option.

    histories: {value: History (epochs, len(seeds))}. models: {value: (model, positions)},
    where positions are the model_index of each seed in that (possibly shared) stack.
    """
    option: str
    values: list
    seeds: list
    dataset: str
    histories: dict
    models: dict
    settings: dict
    seconds: float
    fits: int = 1

    @property
    def name(self):
        """The swept option in words: "lr", "hidden units", "batch size", "init", ..."""
        return {"hidden": "hidden units", "batch_size": "batch size"}.get(self.option, self.option)

    def label(self, value):
        """A short legend label: 'lr = 0.1', '$h$ = 4', 'batch = full'; a name as it is."""
        if isinstance(value, str):
            return value
        short = {"hidden": "$h$", "batch_size": "batch"}.get(self.option, self.option)
        return f"{short} = {_cell(value)}"

    def curves(self):
        """{label: History} for plots.learning_curves (mean and band over the seeds)."""
        return {self.label(v): self.histories[v] for v in self.values}

    def model(self, value, seed_index=0):
        """(model, model_index) of one trained network, e.g. for plots.decision_boundary."""
        model, positions = self.models[value]
        return model, int(positions[seed_index])

    def summary(self):
        """[summarize(history) with the swept value under key "value"] in sweep order."""
        return [dict(value=v, **summarize(self.histories[v])) for v in self.values]

    def table(self, value_header=None, validation=None, extra=None, oscillation=True):
        """A Markdown pipe table of summary(): one row per value (see summary_table)."""
        if validation is None:
            validation = any(h.val_accuracy.size for h in self.histories.values())
        return summary_table(self.summary(), value_header or self.name, validation=validation,
                             extra=extra, oscillation=oscillation)

    def best(self, key="final_accuracy_mean", tiebreak="final_loss_mean", among=None):
        """The swept value with the highest summary[key]; among values that tie on it (to
        1e-9), the one with the lowest summary[tiebreak] (then the first in sweep order).
        among: only these values are candidates (default: all). Settings whose every model
        diverged (key None) come last.
        """
        def rank(r):
            score = r[key] if r[key] is not None else -np.inf
            loss = r[tiebreak] if tiebreak and r[tiebreak] is not None else np.inf
            return (-round(score, 9), loss)
        rows = [r for r in self.summary() if among is None or r["value"] in among]
        if not rows:
            raise ValueError(f"best: none of {among!r} was swept (values: {self.values})")
        return min(rows, key=rank)["value"]      # min keeps the first of full ties


def sweep(dataset, option, values, seeds, **settings):
    """Train every value of one option over the same seeds and return a Sweep.

    dataset: a Dataset (validated on dataset.validation when it is a separate set, i.e.
    for linear; XOR's validation set would repeat its training set) or (x, y).
    option: "lr" or "init" (all values in ONE stacked fit: per-model learning rates, or
    each model initialized as nn.mlp(..., init=value, rng=seed) would be), "hidden"
    (units per hidden layer: sizes [2, h, ..., h, 1] keeping the depth of
    settings["sizes"]), or any other keyword of train() ("activation", "output", "init",
    "loss", "optimizer", "batch_size", ...), one stacked fit per value.
    settings: the other keywords of train(), shared by every value.
    """
    if isinstance(dataset, Dataset):
        x, y, name = dataset.x, dataset.y, dataset.name
        settings.setdefault("validation", dataset.validation if dataset.separate_validation else None)
    else:
        (x, y), name = dataset, "custom"
    values, seeds = list(values), list(seeds)
    if not values:
        raise ValueError(f"sweep: no values given for {option}")
    if len(set(map(repr, values))) != len(values):
        raise ValueError(f"sweep: repeated values for {option}: {values}")
    if not seeds:
        raise ValueError("sweep: no seeds given")
    for reserved in ("seeds", "model", option if option in ("lr", "init") else None):
        if reserved in settings:
            raise ValueError(f"sweep: {reserved} is set by the sweep itself")
    started = time.perf_counter()
    histories, models = {}, {}
    k = len(seeds)
    if option == "lr":
        lrs = np.repeat(np.asarray(values, dtype=np.float64), k)
        model, history = train(x, y, seeds * len(values), lr=lrs, **settings)
        for i, v in enumerate(values):
            positions = np.arange(i * k, (i + 1) * k)
            histories[v], models[v] = history.select(positions), (model, positions)
        fits = 1
    elif option == "init":
        sizes = list(settings.get("sizes", DEFAULTS["sizes"]))
        act = settings.get("activation", "sigmoid")
        out = settings.get("output", "sigmoid")
        model = build(sizes, seeds * len(values), act, out, init=values[0])
        for i, v in enumerate(values):
            for j, seed in enumerate(seeds):
                single = nn.mlp(sizes, activation=act, output=out, init=v, rng=seed)
                for stacked, p in zip(model.parameters(), single.parameters()):
                    stacked.data[i * k + j] = p.data
        options = {key: val for key, val in settings.items() if key not in ("sizes", "activation", "output")}
        model, history = train(x, y, seeds * len(values), model=model, **options)
        for i, v in enumerate(values):
            positions = np.arange(i * k, (i + 1) * k)
            histories[v], models[v] = history.select(positions), (model, positions)
        fits = 1
    else:
        for v in values:
            options = dict(settings)
            if option == "hidden":
                depth = len(options.get("sizes", (2, 4, 4, 1))) - 2
                sizes = list(options.get("sizes", (2, 4, 4, 1)))
                options["sizes"] = [sizes[0]] + [v] * depth + [sizes[-1]]
            else:
                options[option] = v
            model, history = train(x, y, seeds, **options)
            histories[v], models[v] = history, (model, np.arange(k))
        fits = len(values)
    shown = {key: val for key, val in settings.items() if key != "validation"}
    return Sweep(option, values, seeds, name, histories, models, shown,
                 time.perf_counter() - started, fits)


# --------------------------------------------------------------------------- statistics

def summarize(history):
    """Statistics over the seeds (models axis) of one History.

    Keys: models; diverged (how many models' loss became nan/inf) and diverged_epochs;
    over the models that did not diverge (None if all did): final_accuracy (array),
    final_accuracy_mean / _std / _min / _max, final_loss_mean / _std (History.final_*: the
    trained models after the last update),
    final_val_accuracy_mean / _std (None without validation); reached (how many models
    were at 100% training accuracy at some epoch), perfect_at_end (how many of the trained
    models, as fit returned them, classify every training point), epochs_to_perfect (first-100% epochs of those that reached
    it), epochs_to_perfect_median / _mean / _max (None if none reached);
    loss_increase_rate: the mean over the non-diverged models of the fraction of epochs
    whose loss rose above the previous epoch's (0 for a monotone descent, about 0.5 for
    a loss that oscillates); epochs. A single-model History counts as one model.
    """
    loss, m = history.loss, history.models
    first, div = history.first_perfect_epoch, history.diverged_epoch
    ok = div == NEVER
    out = dict(models=m, diverged=int(np.sum(~ok)), diverged_epochs=div[~ok], epochs=history.epochs,
               final_accuracy=np.array([]), final_accuracy_mean=None, final_accuracy_std=None,
               final_accuracy_min=None, final_accuracy_max=None,
               final_loss_mean=None, final_loss_std=None,
               final_val_accuracy_mean=None, final_val_accuracy_std=None,
               reached=int(np.sum(first != NEVER)), perfect_at_end=0,
               epochs_to_perfect=first[first != NEVER],
               epochs_to_perfect_median=None, epochs_to_perfect_mean=None, epochs_to_perfect_max=None,
               loss_increase_rate=None)
    reached = first[first != NEVER]
    if reached.size:
        out.update(epochs_to_perfect_median=float(np.median(reached)),
                   epochs_to_perfect_mean=float(np.mean(reached)),
                   epochs_to_perfect_max=int(reached.max()))
    if not ok.any():
        return out
    final_acc, final_loss = history.final_accuracies[ok], history.final_losses[ok]
    out.update(final_accuracy=final_acc,
               final_accuracy_mean=float(final_acc.mean()), final_accuracy_std=float(final_acc.std()),
               final_accuracy_min=float(final_acc.min()), final_accuracy_max=float(final_acc.max()),
               final_loss_mean=float(final_loss.mean()), final_loss_std=float(final_loss.std()),
               perfect_at_end=int(np.sum(final_acc == 1.0)),
               loss_increase_rate=float((np.diff(loss[:, ok], axis=0) > 0).mean()) if len(loss) > 1 else 0.0)
    if history.val_accuracy.size:
        final_val = history.final_val_accuracies[ok]
        out.update(final_val_accuracy_mean=float(final_val.mean()),
                   final_val_accuracy_std=float(final_val.std()))
    return out


def _cell(value):
    """A swept value as table text: 0.1 -> '0.1', 1.0 -> '1', None (batch size) -> 'full'."""
    if value is None:
        return "full"
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(value)


def sci(value, digits=1):
    """A number in LaTeX maths for Markdown prose: 3.2e-10 -> '$3.2 \\times 10^{-10}$'.

    digits + 1 significant digits; numbers from 0.01 to 9999 are written out
    (0.0134 -> '$0.013$' with digits=1, '$0.0134$' with digits=2).
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return f"${value:g}$"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10 ** exponent
    if round(mantissa, digits) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    if -2 <= exponent <= 3:
        return f"${value:.{max(digits - exponent, 0)}f}$"
    return f"${mantissa:.{digits}f} \\times 10^{{{exponent}}}$"


def loss_text(value):
    """A loss value as the report writes it, in tables and prose alike: three significant
    digits, values below 0.1 in scientific notation (0.245 -> '$0.245$', 0.0134 ->
    '$1.34 \\times 10^{-2}$'); 'n/a' for None, nan or inf."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    value = float(f"{float(value):.3g}")          # rounded first: 0.09999 counts as 0.100
    if value == 0:
        return "$0$"
    if 0.1 <= abs(value) < 1000:
        return sci(value, 2)
    exponent = math.floor(math.log10(abs(value)))
    return f"${value / 10 ** exponent:.2f} \\times 10^{{{exponent}}}$"


def count(value):
    """A whole number as the report writes counts in prose and tables: 1185 -> '1,185'.

    (Epoch numbers in training logs stay raw, as the TA's format prints them.)
    """
    return f"{int(round(float(value))):,}"


def percent(value, digits=1):
    """A fraction as the report writes percentages: 0.996 -> '99.6%', 1 -> '100.0%'."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{100 * float(value):.{digits}f}%"


def mean_std(mean, std, percent=True, digits=1):
    """'99.5 ± 1.0%' (percent) or '0.0123 ± 0.0040'; just '100.0%' when std rounds to 0."""
    if mean is None:
        return "n/a"
    if percent:
        if round(100 * std, digits) == 0:
            return f"{100 * mean:.{digits}f}%"
        return f"{100 * mean:.{digits}f} ± {100 * std:.{digits}f}%"
    return f"{mean:.3g} ± {std:.2g}"


# --------------------------------------------------------------------------- tables

# The PDF's tables: text width 16 cm (455 pt), set in \small (10 pt) Latin Modern, with
# \tabcolsep = 6 pt on both sides of every inner column border.
TEXT_WIDTH_PT, TABLE_FONT_PT, TABCOLSEP_PT = 455.0, 10.0, 6.0

# Advance widths in em of Latin Modern Roman (cmr10 metrics); other characters count 0.5.
_EM = dict.fromkeys("0123456789", 0.5)
_EM.update(zip("abcdefghijklmnopqrstuvwxyz",
               (0.5, 0.556, 0.444, 0.556, 0.444, 0.306, 0.5, 0.556, 0.278, 0.306, 0.528, 0.278,
                0.833, 0.556, 0.5, 0.556, 0.528, 0.392, 0.394, 0.389, 0.556, 0.528, 0.722, 0.528,
                0.528, 0.444)))
_EM.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               (0.75, 0.708, 0.722, 0.764, 0.681, 0.653, 0.785, 0.75, 0.361, 0.514, 0.778, 0.625,
                0.917, 0.75, 0.778, 0.681, 0.778, 0.736, 0.556, 0.722, 0.75, 0.75, 1.028, 0.75,
                0.75, 0.611)))
_EM.update({" ": 0.333, ".": 0.278, ",": 0.278, ":": 0.278, ";": 0.278, "%": 0.833,
            "±": 0.778, "×": 0.778, "—": 1.0, "–": 0.5, "-": 0.333, "/": 0.5, "(": 0.389,
            ")": 0.389, "[": 0.278, "]": 0.278, "→": 1.0, "=": 0.778, "+": 0.778, "<": 0.778,
            ">": 0.778, "'": 0.278, "′": 0.3, "σ": 0.6, "η": 0.5, "≈": 0.778, "≤": 0.778,
            "≥": 0.778, "!": 0.278, "?": 0.472, "*": 0.5, "&": 0.778})
_MATH_EM = {r"\times": 1.222, r"\pm": 1.222, r"\to": 1.278, r"\cdot": 0.5}   # with the spaces


def text_width(text):
    """Roughly how wide a Markdown table cell is set, in em of the table's font.

    Counts Latin Modern's character widths; code (`...`) at 0.525 em per character,
    **bold** 10% wider, and in $...$ maths binary operators with their spaces,
    scripts (^{...}, _{...}) at 70% and other commands as one symbol.
    """
    text, total = str(text), 0.0
    for part in re.split(r"(`[^`]*`|\$[^$]*\$)", text):
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            total += 0.525 * (len(part) - 2)
        elif part.startswith("$") and part.endswith("$") and len(part) > 1:
            total += _math_width(part[1:-1])
        else:
            bold = part.count("**") >= 2
            plain = part.replace("**", "").replace("\\", "")
            total += sum(_EM.get(ch, 0.5) for ch in plain) * (1.1 if bold else 1.0)
    return total


def _math_width(tex, scale=1.0):
    total, i = 0.0, 0
    while i < len(tex):
        ch = tex[i]
        if ch in "^_":
            i += 1
            if i < len(tex) and tex[i] == "{":
                depth, j = 1, i + 1
                while j < len(tex) and depth:
                    depth += {"{": 1, "}": -1}.get(tex[j], 0)
                    j += 1
                total += _math_width(tex[i + 1:j - 1], scale * 0.7) + 0.1 * scale
                i = j
            else:
                total += _math_width(tex[i:i + 1], scale * 0.7)
                i += 1
            continue
        if ch == "\\":
            match = re.match(r"\\[a-zA-Z]+|\\.", tex[i:])
            command = match.group(0)
            total += scale * _MATH_EM.get(command, 0 if command in (r"\,", r"\ ", r"\left", r"\right")
                                          else 0.6)
            i += len(command)
            continue
        if ch in "{} ":
            i += 1
            continue
        total += scale * (1.222 if ch in "+=<>" else 0.778 if ch == "-" else _EM.get(ch, 0.5))
        i += 1
    return total


def _header_width(header):
    """Width of a header set on at most two lines (split at the best space)."""
    words = str(header).split()
    if len(words) < 2:
        return text_width(header)
    return min(max(text_width(" ".join(words[:k])), text_width(" ".join(words[k:])))
               for k in range(1, len(words)))


def column_widths(headers, rows):
    """The width (em) each column needs: its widest cell, and its header on at most two lines."""
    return [max([_header_width(h)] + [text_width(row[j]) for row in rows])
            for j, h in enumerate(headers)]


def table_room(columns):
    """The width (em) a table of that many columns has for its cells on the PDF page."""
    return (TEXT_WIDTH_PT - 2 * (columns - 1) * TABCOLSEP_PT) / TABLE_FONT_PT


DASHES_PER_EM = 6


def markdown_table(headers, rows, align=None):
    """A pipe table: headers [str], rows [[cell, ...]]; align a string of 'l', 'r', 'c' per column.

    When a line of a pipe table is longer than 72 characters, pandoc sets the table across
    the full text width and gives each column a share proportional to the dashes of its
    separator. The dashes are therefore DASHES_PER_EM per em of the column's widest cell
    (text_width; a header may take two lines), so every column gets the room its contents
    need and no cell wraps, as long as the contents fit the page (table_fits).
    """
    align = align or "l" + "r" * (len(headers) - 1)
    if len(align) != len(headers) or any(len(row) != len(headers) for row in rows):
        raise ValueError("markdown_table: every row and align need one entry per header")
    rule = []
    for a, w in zip(align, column_widths(headers, rows)):
        dashes = "-" * max(math.ceil(DASHES_PER_EM * w), 3)
        rule.append({"l": ":" + dashes, "r": dashes + ":", "c": ":" + dashes + ":"}[a])
    lines = ["| " + " | ".join(map(str, headers)) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)


def parse_pipe_tables(markdown):
    """[(headers, rows)] of every pipe table in a Markdown text (cells stripped)."""
    tables, block = [], []
    for line in str(markdown).splitlines() + [""]:
        if line.strip().startswith("|"):
            block.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        if len(block) >= 2 and set("".join(block[1])) <= set(":- "):
            tables.append((block[0], block[2:]))
        block = []
    return tables


def table_fits(headers, rows):
    """(fits, needed, room): whether the cells fit the page's width with no wrapping.

    needed adds 1/DASHES_PER_EM em per column for the rounding of the separator's dashes
    (a column of width w gets at least w when the dashes in all add up to at most
    DASHES_PER_EM times the room).
    """
    needed = sum(max(w, 3 / DASHES_PER_EM) for w in column_widths(headers, rows)) \
        + len(headers) / DASHES_PER_EM
    room = table_room(len(headers))
    return needed <= room, needed, room


def summary_table(rows, value_header="value", validation=False, extra=None, oscillation=True,
                  loss_header="loss", first_epoch=True):
    """Markdown table of summarize() rows (each with a "value" key), one row each.

    Columns: the value; extra ({header: [cell per row]}); accuracy after the last epoch
    (mean ± std over seeds); loss (mean, loss_text; headed loss_header); the mean
    validation accuracy (if validation); how many seeds reached 100% training accuracy; the first
    epoch they did (median and range; if first_epoch); the share of epochs whose loss rose
    (if oscillation); and, if any model diverged, how many did.
    """
    extra = extra or {}
    headers = [value_header, *extra, "accuracy", loss_header]
    if validation:
        headers.append("validation")
    headers += ["at 100%"] + (["first epoch at 100%"] if first_epoch else []) \
        + (["loss rose"] if oscillation else [])
    if any(r["diverged"] for r in rows):
        headers.append("diverged")
    table = []
    for i, r in enumerate(rows):
        epochs = r["epochs_to_perfect"]
        if epochs.size:
            span = f"{count(epochs.min())}–{count(epochs.max())}" if epochs.size > 1 else count(epochs[0])
            reach = f"{count(r['epochs_to_perfect_median'])} ({span})" if epochs.size > 1 else span
        else:
            reach = "never"
        row = [_cell(r["value"]), *(str(cells[i]) for cells in extra.values()),
               mean_std(r["final_accuracy_mean"], r["final_accuracy_std"]),
               loss_text(r["final_loss_mean"])]
        if validation:
            row.append(percent(r["final_val_accuracy_mean"]))
        rose = percent(r["loss_increase_rate"])
        row += [f"{r['reached']}/{r['models']}"] + ([reach] if first_epoch else []) \
            + ([rose] if oscillation else [])
        if "diverged" in headers:
            row.append(f"{r['diverged']}/{r['models']}")
        table.append(row)
    return markdown_table(headers, table)


# --------------------------------------------------------------------------- linear models

def best_linear_accuracy(x, y):
    """The highest accuracy any straight line (half-plane classifier) reaches on 2-D points.

    x: (N, 2), y: (N, 1) or (N,) binary labels. Exact: the side of each point can only
    change where the line's normal turns past a direction perpendicular to the difference
    of two points, so every direction just beside those critical angles, with every
    threshold between sorted projections and both orientations, covers all labellings
    a line can produce.
    """
    x = np.asarray(x, dtype=np.float64)
    labels = np.asarray(y).reshape(-1).astype(int)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) != len(labels):
        raise ValueError(f"best_linear_accuracy: expected x (N, 2) and N labels, got {x.shape}, {labels.shape}")
    n = len(x)
    diffs = x[:, None, :] - x[None, :, :]
    angles = np.arctan2(diffs[..., 1], diffs[..., 0])[np.triu_indices(n, 1)] + np.pi / 2
    eps = 1e-7
    candidates = np.concatenate([angles - eps, angles + eps, [0.0, np.pi / 2]])
    best = max(labels.mean(), 1 - labels.mean())   # a line with every point on one side
    for theta in candidates:
        proj = x @ np.array([math.cos(theta), math.sin(theta)])
        order = np.argsort(proj, kind="stable")
        ones_before = np.concatenate([[0], np.cumsum(labels[order])])     # label 1 among the k lowest
        k = np.arange(n + 1)
        # predict 0 for the k lowest, 1 above: correct = zeros below + ones above
        correct = (k - ones_before) + (labels.sum() - ones_before)
        best = max(best, correct.max() / n, (n - correct).max() / n)
    return float(best)


def collapse_linear(model, model_index=None):
    """(W, b) with model(x) == x @ W + b, for a network of Linear layers and Identity activations.

    A composition of affine maps is one affine map: W = W1 W2 W3,
    b = b1 W2 W3 + b2 W3 + b3. model_index picks one model of a stack.
    W: (in, out), b: (out,). Raises ValueError if any layer is not Linear or Identity.
    """
    w_total, b_total = None, None
    for layer in model.layers:
        if isinstance(layer, nn.Identity):
            continue
        if not isinstance(layer, nn.Linear):
            raise ValueError(f"collapse_linear: {type(layer).__name__} is not linear; "
                             "only Linear layers and Identity activations collapse")
        w = layer.weight.data if model_index is None or layer.models is None else layer.weight.data[model_index]
        if layer.bias is None:
            b = np.zeros(w.shape[-1])
        else:
            b = layer.bias.data if model_index is None or layer.models is None else layer.bias.data[model_index]
        if w.ndim != 2:
            raise ValueError("collapse_linear: the model is stacked; pass model_index")
        if w_total is None:
            w_total, b_total = w.copy(), b.copy()
        else:
            w_total, b_total = w_total @ w, b_total @ w + b
    if w_total is None:
        raise ValueError("collapse_linear: the model has no Linear layer")
    return w_total, b_total


# --------------------------------------------------------------------------- architecture

def architecture_rows(model):
    """[(index, layer, output shape note, weight shape, bias shape, parameters)] per module.

    Shapes are those of one model (the models axis, if any, is left out).
    """
    rows = []
    for i, layer in enumerate(model.layers):
        if isinstance(layer, nn.Linear):
            w = layer.weight.data.shape[-2:]
            b = layer.bias.data.shape[-1:] if layer.bias is not None else None
            count = int(np.prod(w)) + (int(np.prod(b)) if b else 0)
            rows.append((i, f"Linear({layer.in_features} → {layer.out_features})",
                         f"(N, {layer.out_features})", w, b, count))
        else:
            rows.append((i, type(layer).__name__, "same as input", None, None, 0))
    return rows


def architecture_table(model):
    """Markdown table of architecture_rows(model) with a total row."""
    rows = architecture_rows(model)

    def shape(s):
        return "—" if s is None else "(" + ", ".join(map(str, s)) + (",)" if len(s) == 1 else ")")

    body = [[i, name, out, shape(w), shape(b), count] for i, name, out, w, b, count in rows]
    body.append(["", "**total**", "", "", "", f"**{sum(r[-1] for r in rows)}**"])
    return markdown_table(["#", "layer", "output", "W", "b", "parameters"], body, align="rllllr")


# --------------------------------------------------------------------------- initializers

# lab1.nn.INITIALIZERS in formulas (tests check each scale against the library's):
# U(±a) is uniform on (-a, a); N(0, s^2) normal with variance s^2; fan_in, fan_out are
# the layer's input and output sizes.
INIT_FORMULAS = {
    "uniform": r"$U(\pm 1/\sqrt{\text{fan}_\text{in}})$",
    "normal": r"$\mathcal{N}(0, 1)$",
    "xavier_uniform": r"$U(\pm\sqrt{6/(\text{fan}_\text{in} + \text{fan}_\text{out})})$",
    "xavier_normal": r"$\mathcal{N}(0,\, 2/(\text{fan}_\text{in} + \text{fan}_\text{out}))$",
    "he_uniform": r"$U(\pm\sqrt{6/\text{fan}_\text{in}})$",
    "he_normal": r"$\mathcal{N}(0,\, 2/\text{fan}_\text{in})$",
}


def init_formula(name):
    """The distribution of initializer name's weights in LaTeX, e.g. '$\\mathcal{N}(0, 1)$'.

    Biases start at 0, except where nn.INITIALIZERS[name][2] is True ("uniform": drawn
    like the weights, as torch does).
    """
    check_choice("init", name, tuple(nn.INITIALIZERS))
    return INIT_FORMULAS[name]


# --------------------------------------------------------------------------- report plumbing

def figures_dir(start=None):
    """The repository's figures/ folder, found from start (default: the working directory).

    Walks up from start to the first folder holding both pyproject.toml and lab1/ (the
    repository root; notebooks run with the working directory notebooks/), and falls
    back to start/figures outside a checkout. The folder is created.
    """
    start = Path.cwd() if start is None else Path(start)
    for folder in (start, *start.resolve().parents):
        if (folder / "pyproject.toml").is_file() and (folder / "lab1").is_dir():
            path = folder / "figures"
            break
    else:
        path = start / "figures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_listing(obj, width=80, header=True):
    """The source code of obj, dedented, for a report listing at most ~width columns wide.

    A trailing comment of a too-long line moves onto its own line above it, and a block
    of comment lines with a too-long line is re-wrapped; code itself is never changed.
    header: start with a comment naming it, e.g. '# MSELoss.backward (lab1/nn/losses.py)'.
    """
    lines = []
    if header:
        module = getattr(inspect.getmodule(obj), "__name__", "")
        lines.append(f"# {obj.__qualname__} ({module.replace('.', '/')}.py)")
    for line in textwrap.dedent(inspect.getsource(obj)).rstrip().splitlines():
        match = re.match(r"^(\s*)([^#'\"]*?\S)\s+(#.*)$", line)
        if len(line) > width and match:
            lines += [match.group(1) + match.group(3), match.group(1) + match.group(2)]
        else:
            lines.append(line)
    out, i = [], 0
    while i < len(lines):
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        j = i
        while j < len(lines) and lines[j].startswith(indent + "#"):
            j += 1
        block = lines[i:j]
        if block and max(map(len, block)) > width:
            text = " ".join(line.strip().lstrip("#").strip() for line in block)
            out += textwrap.wrap(text, width=width, initial_indent=indent + "# ",
                                 subsequent_indent=indent + "# ")
            i = j
        elif block:
            out += block
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def sigmoid_saturation(model, x, threshold=0.01, layer="hidden"):
    """Fraction of sigmoid outputs whose derivative sigma (1 - sigma) is below threshold.

    Near 1, back-propagated signals through these units vanish (the unit is saturated).
    layer: "hidden" (every Sigmoid but the last module), "output" (the last module, a
    Sigmoid) or "all". Counted over points and units. x: (N, in).
    Returns a float, or (M,) for stacked models.
    """
    check_choice("layer", layer, ("hidden", "output", "all"))
    h, values = np.asarray(x, dtype=np.float64), []
    layers = list(model.layers)
    for i, module in enumerate(layers):
        h = module.forward(h)
        last = i == len(layers) - 1
        wanted = layer == "all" or (layer == "output") == last
        if isinstance(module, nn.Sigmoid) and wanted:
            flat = h.reshape(h.shape[:-2] + (-1,)) if h.ndim == 3 else h.reshape(-1)
            values.append(flat * (1.0 - flat) < threshold)
    if not values:
        raise ValueError(f"sigmoid_saturation: the model has no {layer} Sigmoid layer")
    saturated = np.concatenate(values, axis=-1)
    return saturated.mean(axis=-1) if saturated.ndim == 2 else float(saturated.mean())


__all__ = [
    "DATASETS", "Dataset", "Sweep", "load_dataset", "seeds", "datasets_for",
    "check_choice", "check_int", "check_float", "check_list",
    "build", "train", "sweep", "summarize", "summary_table", "mean_std",
    "markdown_table", "best_linear_accuracy", "collapse_linear",
    "architecture_rows", "architecture_table", "DEFAULTS", "check_bool", "check_epochs",
    "figures_dir", "source_listing", "sigmoid_saturation", "sci", "loss_text", "percent", "count",
    "text_width", "column_widths", "table_room", "table_fits", "parse_pipe_tables",
    "init_formula", "INIT_FORMULAS",
]
