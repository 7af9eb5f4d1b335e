"""The bargaining analysis on every draw: does a zone of agreement exist, and the Nash package.

Wraps :mod:`accord.bargaining` (utilities over packages, no-deal utilities, the zone of
possible agreement and the Nash bargaining solution [Nash1950]) for a batch of
:class:`~accord.simulation.sampling.Draws`. Returns per-draw arrays: ``zopa`` (bool, D) and
``nash`` (D, issues; NaN where no zone exists).
"""

from __future__ import annotations

import logging

import numpy as np

from .sampling import Draws

__all__ = ["analyse", "available"]

log = logging.getLogger(__name__)


def available() -> bool:
    """Whether :mod:`accord.bargaining` provides what this wrapper needs."""
    try:
        import accord.bargaining as bg
    except ImportError:
        return False
    return all(hasattr(bg, name) for name in ("build_space", "no_deal_utility"))


def analyse(draws: Draws) -> dict[str, np.ndarray]:
    """``{"zopa": (D,) bool, "nash": (D, m)}``, or ``{}`` when the analysis is unavailable."""
    if not available():
        log.info("accord.bargaining is not available: Monte Carlo runs without the bargaining analysis")
        return {}
    raise NotImplementedError
