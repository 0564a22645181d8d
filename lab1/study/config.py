"""Parameter validation and the setting in effect: the reference merged with overrides.

    from lab1.study import config
    s = config.setting(hidden=8, activation="tanh", lr=0.5)   # None values: the reference
    s.sizes             # (2, 8, 8, 1)
    s.epochs["xor"]     # 5000
    s.network()         # keywords for sweeps.train / sweeps.sweep

Every check raises ValueError naming the parameter and what it accepts, so a notebook
run with a bad value stops with one clear line.
"""
import ast
import math
from dataclasses import dataclass, fields

import numpy as np

from .. import nn, optim
from .setting import NAMES, REFERENCE

DATASETS = ("xor", "linear")
OUTPUTS = ("sigmoid", "identity")
# losses of a one-unit output; bce reads probabilities, so it needs the sigmoid output
LOSSES = ("mse", "bce")


def check_choice(name, value, choices):
    """value if it is one of choices, else ValueError naming the parameter and the choices."""
    if not isinstance(value, (str, int, float, type(None))) or value not in choices:
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


def datasets_for(choice):
    """['xor'], ['linear'] or ['xor', 'linear'] for a notebook's dataset parameter."""
    check_choice("dataset", choice, DATASETS + ("both",))
    return list(DATASETS) if choice == "both" else [choice]


# --------------------------------------------------------------------------- the setting

@dataclass(frozen=True)
class Setting:
    """The reference setting in effect (see lab1/study/setting.py for every name).

    hidden: tuple of hidden widths; epochs: {data set: epochs}; the rest as REFERENCE.
    """
    hidden: tuple
    activation: str
    output: str
    loss: str
    init: str
    optimizer: str
    lr: float
    momentum: float
    epochs: dict
    results_epochs: int
    seeds: int
    data_seed: int

    @property
    def sizes(self):
        """(2, *hidden, 1): the layer sizes of the reference network."""
        return (2, *self.hidden, 1)

    @property
    def layers_text(self):
        """'2 → 4 → 4 → 1'."""
        return " → ".join(map(str, self.sizes))

    def optimizer_options(self):
        """Keywords of the optimizer's constructor beyond lr (momentum for SGD)."""
        return {"momentum": self.momentum} if self.optimizer == "sgd" else {}

    def network(self, without=(), **changes):
        """Keywords of sweeps.train / sweeps.sweep for this setting: changes override, and the
        names in without are left out (e.g. the option a sweep varies)."""
        options = dict(sizes=self.sizes, activation=self.activation, output=self.output,
                       init=self.init, loss=self.loss, optimizer=self.optimizer, lr=self.lr,
                       optimizer_options=self.optimizer_options())
        options.update(changes)
        return {k: v for k, v in options.items() if k not in without}

    def make_optimizer(self, parameters):
        """The setting's optimizer (by name, with lr and momentum) over parameters."""
        return optim.make(self.optimizer, parameters, self.lr, **self.optimizer_options())

    def as_dict(self):
        """{name: value} with lists for tuples (JSON-ready)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["hidden"] = list(self.hidden)
        out["epochs"] = dict(self.epochs)
        return out


def _hidden(value):
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError("parameter hidden needs at least one width; got []")
        return tuple(check_int(f"hidden[{i}]", v) for i, v in enumerate(value))
    width = check_int("hidden", value)
    return (width,) * len(REFERENCE["hidden"])


def _epochs(value):
    if isinstance(value, dict):
        unknown = set(value) - set(DATASETS)
        if unknown:
            raise ValueError(f"parameter epochs has unknown data set {sorted(unknown)[0]!r}; "
                             f"data sets are {', '.join(DATASETS)}")
        merged = dict(REFERENCE["epochs"], **value)
        return {name: check_int(f"epochs[{name!r}]", merged[name]) for name in DATASETS}
    count = check_int("epochs", value)
    return dict.fromkeys(DATASETS, count)


_CHECKS = dict(
    hidden=_hidden,
    activation=lambda v: check_choice("activation", v, tuple(sorted(nn.ACTIVATIONS))),
    output=lambda v: check_choice("output", v, OUTPUTS),
    loss=lambda v: check_choice("loss", v, LOSSES),
    init=lambda v: check_choice("init", v, tuple(sorted(nn.INITIALIZERS))),
    optimizer=lambda v: check_choice("optimizer", v, tuple(sorted(optim.OPTIMIZERS))),
    lr=lambda v: check_float("lr", v),
    momentum=lambda v: check_float("momentum", v, low_open=False),
    epochs=_epochs,
    results_epochs=lambda v: check_int("results_epochs", v),
    seeds=lambda v: check_int("seeds", v),
    data_seed=lambda v: check_int("data_seed", v, minimum=0),
)


def setting(**overrides):
    """The Setting with overrides merged over setting.REFERENCE; None means "the reference".

    Every name and value is validated: an unknown name or a bad value raises one
    ValueError naming it. epochs given as one int also sets results_epochs (unless that
    is given too), so "epochs=300" shortens every training of the report.
    """
    unknown = sorted(set(overrides) - set(NAMES))
    if unknown:
        raise ValueError(f"unknown setting {', '.join(unknown)}; the reference setting's "
                         f"names are {', '.join(NAMES)}")
    given = {k: v for k, v in overrides.items() if v is not None}
    if isinstance(given.get("epochs"), (int, np.integer)) and not isinstance(given["epochs"], bool):
        given.setdefault("results_epochs", given["epochs"])
    values = {name: _CHECKS[name](given.get(name, REFERENCE[name])) for name in NAMES}
    if values["loss"] == "bce" and values["output"] != "sigmoid":
        raise ValueError("parameter loss 'bce' needs output 'sigmoid' (it reads probabilities); "
                         f"got output {values['output']!r}")
    return Setting(**values)


REFERENCE_SETTING = setting()
