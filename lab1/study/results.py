"""Results as data: what an executed notebook measured, readable without executing anything.

Each report notebook collects its runs in a ``Results`` and, in its last cell (tagged
``remove_cell``, so the PDF leaves it out), displays them as one output of MIME type
``application/vnd.lab1.results+json`` (MIME_TYPE). When the notebook is given a
``figures_dir``, the same document is also written there as ``<notebook>.results.json``.
``python -m lab1 batch`` / ``collect`` read it back (``read_notebook``) and flatten it
into one long CSV table (``long_rows``).

The document (schema "lab1.results/1"):

    {
      "schema": "lab1.results/1",
      "notebook": "03_learning_rate",        # the notebook's file name without .ipynb
      "parameters": {...},                   # every parameter in effect, after validation
                                             # (the reference setting merged with overrides,
                                             # and the notebook's own: dataset, lrs, quick...)
      "runs": [                              # one entry per trained network (setting x seed)
        {
          "study": "lr",                     # what the run belongs to: a swept option, or
                                             # "reference", "robustness", "optimizer", ...
          "dataset": "xor",                  # "xor", "linear", "uniform", "digits", ...
          "setting": {"lr": 0.1},            # what differs from the parameters for this run
          "seed": 0,                         # seed of the initial weights
          "epochs": 5000,                    # epochs trained
          "train_accuracy": 1.0, "train_loss": 0.0012,   # the model as returned
          "val_accuracy": null, "val_loss": null,        # null without validation data
          "test_accuracy": null, "test_loss": null,      # null without a test set
          "first_perfect_epoch": 1185,       # first epoch at 100% training accuracy; null: never
          "diverged": false,                 # loss became nan or inf
          "diverged_epoch": null,            # the epoch it did; null: never
          "stop_reason": "completed"         # completed | perfect | patience | diverged | interrupted
        }, ...
      ]
    }

Numbers are plain JSON numbers; nan and inf (a diverged run's loss) are written as null.
"""
import json
import math
from pathlib import Path

import numpy as np

from ..train import NEVER

SCHEMA = "lab1.results/1"
MIME_TYPE = "application/vnd.lab1.results+json"
METRICS = ("train_accuracy", "train_loss", "val_accuracy", "val_loss", "test_accuracy",
           "test_loss", "first_perfect_epoch", "diverged", "diverged_epoch")


def plain(value):
    """value as JSON-ready Python: NumPy scalars and arrays unwrapped, nan/inf -> None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _epoch(value):
    value = int(value)
    return None if value == NEVER else value


class Results:
    """The runs of one notebook, in the documented schema (see the module docstring)."""

    def __init__(self, notebook, parameters):
        self.notebook = notebook
        self.parameters = plain(parameters)
        self.runs = []

    def add(self, history, study, dataset, seeds, setting=None, test=None):
        """Add one run per model of history (a stacked History, or one model's).

        seeds: the seed of each model, in model order. setting: {name: value} of what
        differs from the notebook's parameters for these runs. test: None, or
        (losses, accuracies), each a number or (M,) array, measured on a test set.
        """
        models = history.models
        seeds = list(np.atleast_1d(seeds))
        if len(seeds) != models:
            raise ValueError(f"Results.add: {len(seeds)} seeds for {models} models")
        test_loss, test_acc = (np.broadcast_to(np.asarray(t, dtype=float), (models,))
                               for t in (test if test is not None else (np.nan, np.nan)))
        val = history.final_val_accuracies.size > 0
        for i, seed in enumerate(seeds):
            diverged_epoch = _epoch(history.diverged_epoch[i])
            self.runs.append(plain(dict(
                study=study, dataset=dataset, setting=dict(setting or {}), seed=seed,
                epochs=history.epochs, train_accuracy=history.final_accuracies[i],
                train_loss=history.final_losses[i],
                val_accuracy=history.final_val_accuracies[i] if val else None,
                val_loss=history.final_val_losses[i] if val else None,
                test_accuracy=test_acc[i], test_loss=test_loss[i],
                first_perfect_epoch=_epoch(history.first_perfect_epoch[i]),
                diverged=diverged_epoch is not None, diverged_epoch=diverged_epoch,
                stop_reason=str(history.stop_reasons[i]))))

    def add_scores(self, study, dataset, seed, epochs, scores, setting=None):
        """Add one run measured outside a History (e.g. a digits model evaluated per split).
        scores: {metric: value} with metric names of METRICS; the others are None."""
        unknown = set(scores) - set(METRICS)
        if unknown:
            raise ValueError(f"Results.add_scores: unknown metric {sorted(unknown)[0]!r}")
        run = dict(study=study, dataset=dataset, setting=dict(setting or {}), seed=seed, epochs=epochs,
                   **{metric: None for metric in METRICS}, stop_reason="completed")
        run.update(diverged=False, **scores)
        self.runs.append(plain(run))

    def add_sweep(self, sweep, study=None, dataset=None, setting=None):
        """Add every value of a sweeps.Sweep: setting {sweep.option: value} (plus setting)."""
        for value in sweep.values:
            self.add(sweep.histories[value], study or sweep.option, dataset or sweep.dataset,
                     sweep.seeds, dict(setting or {}, **{sweep.option: value}))

    def document(self):
        """The JSON-ready document of the module docstring."""
        return dict(schema=SCHEMA, notebook=self.notebook, parameters=self.parameters,
                    runs=list(self.runs))

    def publish(self, folder=None):
        """Display the document as MIME_TYPE (with a one-line text/plain), and write it to
        folder/<notebook>.results.json when folder is given."""
        from IPython.display import display   # Jupyter only

        doc = self.document()
        if folder is not None:
            write(doc, Path(folder) / f"{self.notebook}.results.json")
        display({MIME_TYPE: doc, "text/plain": f"<results of {self.notebook}: {len(self.runs)} runs>"},
                raw=True)


def write(document, path):
    """Write a results document as indented JSON (nan/inf already None)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return path


def read_notebook(path):
    """The results document an executed notebook displayed, or None if it has none."""
    return document_of(json.loads(Path(path).read_text(encoding="utf-8")))


def document_of(notebook):
    """The results document in an executed notebook (a dict, as JSON loads it), or None."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME_TYPE in data:
                return data[MIME_TYPE]
    return None


def long_rows(document, run_parameters=None):
    """The document as long-format rows: one per run and metric.

    Each row: the run_parameters (e.g. a batch run's grid values) as columns, then
    notebook, study, data (the run's data set), setting (the run's own setting as
    name=value;...), seed, metric and value. Booleans become 0/1 and missing values ''.
    """
    rows = []
    for run in document["runs"]:
        setting = ";".join(f"{k}={_text(v)}" for k, v in run["setting"].items())
        for metric in METRICS:
            value = run.get(metric)
            rows.append(dict(run_parameters or {}, notebook=document["notebook"], study=run["study"],
                             data=run["dataset"], setting=setting, seed=run["seed"],
                             metric=metric, value="" if value is None else _text(value)))
    return rows


def _text(value):
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
