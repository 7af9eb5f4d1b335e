"""Random streams: the one place where seeds become generators, for every layer.

Every public entry point takes ``seed`` or ``rng`` (never both, never a global state), as
Mesa's models do. A Monte Carlo draw ``d`` has its own stream, ``SeedSequence(seed,
spawn_key=(d,))`` (exactly the ``d``-th child of ``SeedSequence(seed).spawn(N)``), and a
model inside a draw its own sub-stream, named by :func:`model_stream`; so a draw's numbers
never depend on how draws are split among workers or on the order in which models run.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["as_generator", "draw_generator", "draw_seed", "draw_uniforms", "model_stream"]


def as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A generator from a seed, an existing generator, or a fixed default seed of 0."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


def model_stream(name: str) -> int:
    """The sub-stream number of a model inside a draw: stable, independent of model order."""
    return zlib.crc32(name.encode())


def draw_seed(seed: int | None, d: int) -> np.random.SeedSequence:
    """Draw ``d``'s seed sequence: the d-th child of ``SeedSequence(seed).spawn(N)``."""
    return np.random.SeedSequence(seed, spawn_key=(int(d),))


def draw_generator(seed: int | None, d: int, stream: int) -> np.random.Generator:
    """A generator for draw ``d`` and a named sub-stream of it (e.g. a model's)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(d), int(stream))))


def draw_uniforms(seed: int | None, index: np.ndarray, k: int) -> np.ndarray:
    """(len(index), k) uniforms; row r from draw ``index[r]``'s own stream only."""
    out = np.empty((len(index), k))
    for r, d in enumerate(np.asarray(index, dtype=np.int64)):
        out[r] = np.random.Generator(np.random.PCG64(draw_seed(seed, int(d)))).random(k)
    return out
