"""The back-propagation playground (ipywidgets + matplotlib; not network code): app.py.

    from lab1.playground import Playground
    Playground()
"""
from .app import CLASSES, DATASETS, Playground, load_dataset

__all__ = ["CLASSES", "DATASETS", "Playground", "load_dataset"]
