"""lab1: a NumPy-only neural network library for "Lab 1: back-propagation"."""
from . import data, metrics, nn, optim
from .train import History, evaluate, fit

__all__ = ["data", "metrics", "nn", "optim", "fit", "evaluate", "History"]
__version__ = "0.1.0"
