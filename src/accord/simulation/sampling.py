"""Monte Carlo draws of a scenario's uncertain inputs, as :class:`ScenarioArrays`.

Sampling is by inverse transform: each draw ``d`` has its own stream
(:func:`accord.rng.draw_seed`), which gives one uniform number per input; the input's value is
the quantile function of its distribution at that number
(:meth:`accord.scenario.arrays.UncertainInput.ppf`). So a draw's values depend only on
``(seed, d)``, never on how draws are split among workers, and the same transform maps SALib's
unit-hypercube samples to inputs for the Sobol analysis ([Saltelli2010]).
"""

from __future__ import annotations

import numpy as np

from accord.rng import draw_seed, draw_uniforms
from accord.scenario import Scenario
from accord.scenario.arrays import (
    DEFAULT_BETA_CONCENTRATION,
    DEFAULT_SD_SHARE,
    InputKind,
    ScenarioArrays,
    UncertainInput,
    inputs_at,
    nominal,
    uncertain_inputs,
)
from accord.scenario.uncertainty import correlate, correlation_groups

#: The Monte Carlo's name for a batch of drawn arrays (the same type a single forecast uses).
Draws = ScenarioArrays

__all__ = [
    "DEFAULT_BETA_CONCENTRATION",
    "DEFAULT_SD_SHARE",
    "Draws",
    "InputKind",
    "ScenarioArrays",
    "UncertainInput",
    "draw_seed",
    "draw_uniforms",
    "inputs_at",
    "nominal",
    "sample",
    "uncertain_inputs",
]


def sample(
    scenario: Scenario,
    index: np.ndarray | int,
    *,
    seed: int | None,
    inputs: list[UncertainInput] | None = None,
) -> ScenarioArrays:
    """Draws number ``index`` (an int N means 0..N−1) of every uncertain input.

    Each draw uses only its own stream (:func:`draw_seed`), so ``sample(s, [5], seed=1)`` equals
    row 5 of ``sample(s, 10, seed=1)`` bit for bit.
    """
    idx = (
        np.arange(index, dtype=np.int64)
        if isinstance(index, int | np.integer)
        else np.asarray(index, dtype=np.int64)
    )
    if inputs is None:
        inputs = uncertain_inputs(scenario)
    groups = correlation_groups(scenario, inputs)
    # one more uniform per group, after the inputs' own: without groups the draws are unchanged
    u = draw_uniforms(seed, idx, len(inputs) + len(groups))
    if groups:
        u = correlate(u[:, : len(inputs)], groups, u[:, len(inputs) :])
    values = np.empty_like(u)
    for j, inp in enumerate(inputs):
        values[:, j] = inp.ppf(u[:, j])
    return inputs_at(scenario, inputs, values, idx, seed)
