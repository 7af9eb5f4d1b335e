"""The bargaining analysis on every draw: does a zone of agreement exist, and the Nash package.

Meant to wrap :mod:`accord.bargaining` (utilities over packages, no-deal utilities, the zone of
possible agreement and the Nash bargaining solution [Nash1950]) for a batch of
:class:`~accord.simulation.sampling.Draws`, returning per-draw arrays ``zopa`` (bool, D) and
``nash`` (D, issues; NaN where no zone exists). The Monte Carlo engine, the summaries
(P(zone), the Nash package's quantiles, red-line breaches by the Nash package), the Parquet
columns (``bg:zopa``, ``bg:nash:<issue>``) and the sensitivity outputs already consume these
arrays.

Status: :mod:`accord.bargaining` did not exist yet when this module was written, so
:func:`analyse` returns ``{}`` (no bargaining outputs) and says so in the log; runs record
``bargaining`` in their manifest either way. Wiring it up means filling :func:`analyse` from
``build_space`` / ``no_deal_utility`` / the Nash solution once their signatures are fixed.
"""

from __future__ import annotations

import logging

import numpy as np

from .sampling import Draws

__all__ = ["analyse", "available"]

log = logging.getLogger(__name__)
_warned = False


def available() -> bool:
    """Whether bargaining outputs are computed on draws (False until the wrapper is wired)."""
    return False


def analyse(draws: Draws) -> dict[str, np.ndarray]:
    """``{"zopa": (D,) bool, "nash": (D, m)}``, or ``{}`` while the analysis is unavailable."""
    global _warned
    if not _warned:
        log.info("the bargaining analysis is not wired into the Monte Carlo yet: "
                 "no P(zone of agreement) or Nash package on draws")
        _warned = True
    return {}
