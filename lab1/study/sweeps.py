"""Many seeds in one stacked fit: data sets, training, and sweeps over one option.

Every statement the report makes about a hyper-parameter rests on several seeds, and
the models axis makes that cheap: ``nn.mlp(..., rng=[s0, ..., s_{M-1}], models=M)``
trains M independent networks at once, each exactly as it would train alone.

    from lab1.study import sweeps
    data = sweeps.load_dataset("xor")
    runs = sweeps.sweep(data, "lr", [0.1, 1.0, 10.0], seeds=sweeps.seeds(5), epochs=5000)
    runs.histories[1.0]          # History with arrays (epochs, 5): the 5 seeds at lr 1
    runs.summary()               # one dict of statistics per learning rate
    print(runs.table())          # the same as a Markdown pipe table

``sweep`` over "lr" runs ONE fit of len(values) * len(seeds) models (per-model learning
rates); over anything that changes the network ("hidden", "activation", "init", "loss",
"batch_size", ...) it runs one stacked fit per value. NumPy and the standard library only.
"""
import time
from dataclasses import dataclass

import numpy as np

from .. import data as _data
from .. import nn, optim
from ..train import fit
from .config import DATASETS, check_choice, check_int
from .formatting import value_text
from .setting import REFERENCE
from .summaries import summarize, summary_table

REFERENCE_SIZES = (2, *REFERENCE["hidden"], 1)


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

def build(sizes=REFERENCE_SIZES, seeds=(0,), activation="sigmoid", output="sigmoid", init="normal",
          bias=True):
    """A stack of len(seeds) networks; model m is exactly nn.mlp(sizes, ..., rng=seeds[m])."""
    seeds = list(seeds)
    return nn.mlp(list(sizes), activation=activation, output=output, init=init, bias=bias,
                  rng=seeds, models=len(seeds))


def train(x, y, seeds, sizes=REFERENCE_SIZES, lr=1.0, activation="sigmoid", output="sigmoid",
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
        return f"{short} = {value_text(value)}"

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
        sizes = list(settings.get("sizes", REFERENCE_SIZES))
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
                depth = len(options.get("sizes", REFERENCE_SIZES)) - 2
                sizes = list(options.get("sizes", REFERENCE_SIZES))
                options["sizes"] = [sizes[0]] + [v] * depth + [sizes[-1]]
            else:
                options[option] = v
            model, history = train(x, y, seeds, **options)
            histories[v], models[v] = history, (model, np.arange(k))
        fits = len(values)
    shown = {key: val for key, val in settings.items() if key != "validation"}
    return Sweep(option, values, seeds, name, histories, models, shown,
                 time.perf_counter() - started, fits)

