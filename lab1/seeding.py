"""Turning ``rng=`` arguments into NumPy Generators, one per stacked model when asked."""
import numpy as np


def as_generator(rng=None):
    """A seed (int >= 0), a Generator, or None (fresh entropy) -> np.random.Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"rng: a seed must be >= 0, got {rng}")
        return np.random.default_rng(int(rng))
    raise ValueError(f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__} {rng!r}")


def model_generators(rng, models):
    """One Generator per stacked model (M = models).

    rng: a sequence of M seeds/Generators: model m draws from the m-th, so a stack
    reproduces M separate runs with those seeds, and ``[seed] * M`` gives every model
    the same start. A single seed/Generator/None: M independent streams spawned from it
    (M different starts, reproducible from the one seed, not equal to seeds 0..M-1).
    """
    if isinstance(rng, (list, tuple, np.ndarray)):
        if len(rng) != models:
            raise ValueError(f"rng: got {len(rng)} seeds for models={models}")
        return [as_generator(r) for r in rng]
    gen = as_generator(rng)
    # Generator.spawn needs NumPy >= 1.25; spawning its SeedSequence is the same streams
    seed_seq = getattr(gen.bit_generator, "seed_seq", None) or gen.bit_generator._seed_seq
    return [np.random.Generator(type(gen.bit_generator)(child)) for child in seed_seq.spawn(models)]
