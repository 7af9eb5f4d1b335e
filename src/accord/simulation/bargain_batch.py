"""The bargaining analysis on every draw: does a zone of agreement exist, and the Nash package.

Meant to wrap :mod:`accord.bargaining` (utilities over packages, no-deal utilities, the zone of
possible agreement and the Nash bargaining solution [Nash1950]) for a batch of
:class:`~accord.simulation.sampling.Draws`, returning per-draw arrays ``zopa`` (bool, D) and
``nash`` (D, issues; NaN where no zone exists). The Monte Carlo engine, the summaries
(P(zone), the Nash package's quantiles, red-line breaches by the Nash package), the Parquet
columns (``bg:zopa``, ``bg:nash:<issue>``) and the sensitivity outputs already consume these
arrays.

All draws share the base scenario's package grid (labelled points, red lines, status quo and
scale ends, or the fine grid when it is small enough: :func:`accord.bargaining.build_space`);
utilities, red lines and no-deal payoffs are evaluated per draw at month 0, vectorised in chunks
of draws. Scenarios without a status quo on every issue yield no bargaining outputs (logged).
"""

from __future__ import annotations

import logging

import numpy as np

from .sampling import Draws

__all__ = ["analyse", "available"]

log = logging.getLogger(__name__)
_warned = False


def available() -> bool:
    """Bargaining outputs are computed on draws whenever the scenario has status quos."""
    return True


def analyse(draws: Draws, *, budget: int = 20_000_000) -> dict[str, np.ndarray]:
    """``{"zopa": (D,) bool, "nash": (D, m)}`` at month 0, or ``{}`` without status quos."""
    from accord.bargaining import build_space

    scn = draws.scenario
    if any(i.status_quo is None for i in scn.issues):
        log.info("no status quo on some issue: no bargaining outputs on draws")
        return {}
    space = build_space(scn)
    pk = space.packages                                         # (P, m)
    parties = space.parties
    width = np.array([i.scale.max - i.scale.min for i in scn.issues])
    D, n, m = draws.position.shape
    pos = np.nan_to_num(draws.position)
    sal = np.where(draws.mask, draws.salience, 0.0)
    tot = sal.sum(axis=2, keepdims=True)
    shat = np.where(tot > 0, sal / np.where(tot > 0, tot, 1.0), 0.0)   # [Enelow1984] normalised saliences
    red, side = draws.red_line, np.asarray(draws.red_side)
    sq = draws.status_quo
    fixed = draws.no_deal_utility
    zopa = np.zeros(D, dtype=bool)
    nash = np.full((D, m), np.nan)
    step = max(1, budget // max(1, pk.shape[0] * n * m))
    for d0 in range(0, D, step):
        sl = slice(d0, min(D, d0 + step))
        dist = np.abs(pk[None, :, None, :] - pos[sl, None, :, :]) / width          # (c, P, n, m)
        u = 1.0 - (dist * shat[sl, None, :, :]).sum(axis=-1)                      # (c, P, n)
        dsq = 1.0 - (np.abs(sq[sl, None, :] - pos[sl]) / width * shat[sl]).sum(axis=-1)   # (c, n)
        dnd = np.where(np.isnan(fixed[sl]), dsq, fixed[sl])
        r = red[sl][:, None, :, :]
        p4 = pk[None, :, None, :]
        tol = 1e-9 * width
        below = (side == -1)[None, None] & (p4 < r - tol)
        above = (side == 1)[None, None] & (p4 > r + tol)
        bad = ((below | above) & parties[None, None, :, None]).any(axis=(-1, -2))  # (c, P)
        gain = u[:, :, parties] - dnd[:, None, parties]
        ok = ~bad & (gain > 0).all(axis=-1)
        score = np.where(ok, np.log(np.where(gain > 0, gain, 1.0)).sum(axis=-1), -np.inf)   # [Nash1950]
        best = score.argmax(axis=1)
        has = ok.any(axis=1)
        zopa[sl] = has
        nash[sl] = np.where(has[:, None], pk[best], np.nan)
    return {"zopa": zopa, "nash": nash}
