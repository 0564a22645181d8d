"""Finals: what the claims read about one setting, the per-seed results of its trained models.

Built from a History (``Finals.of``), from the run records of a results document
(``Finals.of_runs``, so a batch run's JSON can be re-checked), or by hand in tests.
"""
from dataclasses import dataclass

import numpy as np

from ..train import NEVER


@dataclass(frozen=True)
class Finals:
    """The per-seed finals of one setting (the models as returned, after the last update).

    accuracy, loss: (M,) training accuracy and loss, nan for a diverged model;
    val_accuracy, test_accuracy: (M,) or None without that data; first_perfect: (M,) int,
    the first epoch at 100% training accuracy or NEVER (-1); diverged: (M,) bool;
    loss_rose: (M,) share of epochs whose loss rose above the previous epoch's (nan for a
    diverged model) or None; epochs: epochs trained.
    """
    accuracy: np.ndarray
    first_perfect: np.ndarray
    diverged: np.ndarray = None
    loss: np.ndarray = None
    val_accuracy: np.ndarray = None
    test_accuracy: np.ndarray = None
    loss_rose: np.ndarray = None
    epochs: int = None

    def __post_init__(self):
        acc = np.atleast_1d(np.asarray(self.accuracy, dtype=np.float64))
        fields = dict(accuracy=acc, first_perfect=np.atleast_1d(np.asarray(self.first_perfect, dtype=int)))
        fields["diverged"] = (~np.isfinite(acc) if self.diverged is None
                              else np.atleast_1d(np.asarray(self.diverged, dtype=bool)))
        for name in ("loss", "val_accuracy", "test_accuracy", "loss_rose"):
            value = getattr(self, name)
            if value is not None:
                fields[name] = np.atleast_1d(np.asarray(value, dtype=np.float64))
        for name, value in fields.items():
            if len(value) != len(acc):
                raise ValueError(f"Finals: {name} has {len(value)} entries for {len(acc)} seeds")
            object.__setattr__(self, name, value)

    @classmethod
    def of(cls, history):
        """Finals of a lab1.train.History (any number of models): its final_* values (the
        models as returned), first_perfect_epoch, diverged_epoch, and the share of epochs
        whose loss rose (computed on the loss curve, (epochs, M))."""
        loss = np.asarray(history.loss, dtype=np.float64)
        diverged = np.asarray(history.diverged_epoch) != NEVER
        with np.errstate(invalid="ignore"):
            rose = (np.diff(loss, axis=0) > 0).mean(axis=0) if len(loss) > 1 else np.zeros(loss.shape[1])
        val = np.asarray(history.final_val_accuracies, dtype=np.float64)
        return cls(accuracy=history.final_accuracies, first_perfect=history.first_perfect_epoch,
                   diverged=diverged, loss=history.final_losses,
                   val_accuracy=val if val.size and not np.isnan(val).all() else None,
                   loss_rose=np.where(diverged, np.nan, rose), epochs=int(history.epochs))

    @classmethod
    def of_runs(cls, runs):
        """Finals of run records of the results document (lab1.study.results: one dict per
        seed with train_accuracy, train_loss, val_accuracy, test_accuracy, first_perfect_epoch,
        diverged, epochs; null for nan or never), so a batch run's JSON can be re-checked."""
        runs = list(runs)
        if not runs:
            raise ValueError("Finals.of_runs: no runs given")

        def column(key, optional=True):
            values = [r.get(key) for r in runs]
            if optional and all(v is None for v in values):
                return None                      # e.g. no validation data
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        return cls(accuracy=column("train_accuracy", optional=False), loss=column("train_loss", optional=False),
                   val_accuracy=column("val_accuracy"), test_accuracy=column("test_accuracy"),
                   first_perfect=[NEVER if r.get("first_perfect_epoch") is None else r["first_perfect_epoch"]
                                  for r in runs],
                   diverged=[bool(r.get("diverged")) for r in runs],
                   epochs=max(int(r["epochs"]) for r in runs))

    @property
    def seeds(self):
        return len(self.accuracy)

    @property
    def reached(self):
        """How many seeds were at 100% training accuracy at some epoch."""
        return int(np.sum(self.first_perfect > 0))

    @property
    def diverged_count(self):
        return int(np.sum(self.diverged))

    def mean(self, values=None):
        """Mean over the seeds that did not diverge (None if all did)."""
        values = self.accuracy if values is None else values
        kept = values[~self.diverged]
        return float(np.mean(kept)) if kept.size else None

    def std(self, values=None):
        """Population standard deviation over the seeds that did not diverge."""
        values = self.accuracy if values is None else values
        kept = values[~self.diverged]
        return float(np.std(kept)) if kept.size else None

    def median_first(self):
        """Median first epoch at 100% of the seeds that got there (None if none did)."""
        reached = self.first_perfect[self.first_perfect > 0]
        return float(np.median(reached)) if reached.size else None
