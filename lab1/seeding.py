"""Turning ``rng=`` arguments into NumPy Generators, one per stacked model when asked."""
import numpy as np


def as_generator(rng=None):
    """A seed (int), a Generator, or None (fresh entropy) -> np.random.Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise ValueError(f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}")


def model_generators(rng, models):
    """One Generator per stacked model.

    rng: a sequence of M seeds/Generators (model m draws from the m-th, so a stack
    reproduces M separate runs with those seeds), or a single seed/Generator/None
    (then M streams are spawned from it).
    """
    if isinstance(rng, (list, tuple, np.ndarray)):
        if len(rng) != models:
            raise ValueError(f"rng: got {len(rng)} seeds for models={models}")
        return [as_generator(r) for r in rng]
    return list(as_generator(rng).spawn(models))
