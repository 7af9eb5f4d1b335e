"""The bargaining analysis on every draw: does a zone of agreement exist, and the Nash package.

The bargaining analysis (utilities over packages, no-deal utilities, the zone of possible
agreement and the Nash bargaining solution [Nash1950]) on a batch of
:class:`~accord.scenario.arrays.ScenarioArrays` (one scenario is the one-draw case), returning
per-draw arrays ``zopa`` (bool, D) and
``nash`` (D, issues; NaN where no zone exists). The Monte Carlo engine, the summaries
(P(zone), the Nash package's quantiles, red-line breaches by the Nash package), the Parquet
columns (``bg:zopa``, ``bg:nash:<issue>``) and the sensitivity outputs already consume these
arrays.

All draws share the base scenario's package grid (labelled points, red lines, status quo and
scale ends, or the fine grid when it is small enough: :func:`accord.bargaining.build_space`);
utilities, red lines and no-deal payoffs are evaluated per draw at month 0, vectorised in chunks
of draws. Scenarios without a status quo on every issue yield no bargaining outputs (logged).

The grid is a Cartesian product and both the utility and the red lines are separable by issue,
which the kernel uses twice. Red lines bound each issue on its own, so a value of issue k that
breaks some party's red line in every draw of a chunk is dropped from the chunk's grid before
any package is formed. And the total loss Σ_k ŝ_ik |p_k − x_ik| / W_k is built by outer sums of
the per-issue terms (one (draws, actors, values_k) array per issue), accumulated issue by issue
in the order :func:`accord.bargaining.utility.package_utility` uses, so the utilities, the zone
and the Nash package are bit-identical to applying the bargaining module's own functions to each
draw (``tests/test_bargain_batch.py``), at about 1/80 of the cost of evaluating every package
in full (0.15 ms against 11 ms per draw, 400 draws of the default scenario).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from .utility import issue_loss, war_cost_months

if TYPE_CHECKING:
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["RIPENESS_MONTHS", "analyse_arrays"]

log = logging.getLogger(__name__)


#: Months at which the Monte Carlo looks for a zone of agreement on every draw (quarterly over
#: ten years: the opening month is known to the quarter, and P(zone by t) read off at t).
RIPENESS_MONTHS: tuple[int, ...] = tuple(range(0, 121, 3))


def _discounted(months: np.ndarray, rate: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """(D, n, T) the months of war cost of every draw's actors, each month's cost grown by the
    actor's γ and discounted by ρ (:func:`accord.bargaining.utility.war_cost_months`)."""
    t = np.asarray(months, dtype=float)[None, None, :]
    r = np.asarray(rate, dtype=float).reshape(-1, 1, 1)
    g = np.asarray(growth, dtype=float)[:, :, None]
    return war_cost_months(t, r, g)  # [Fearon1995] costs of war


def _no_deal(
    draws: ScenarioArrays,
    sl: slice,
    shat: np.ndarray,
    pos: np.ndarray,
    width: np.ndarray,
    month: float,
    disc: np.ndarray | None,
) -> np.ndarray:
    """(c, n) each actor's no-deal utility at ``month`` on the draws of ``sl``, accumulated issue
    by issue like :func:`accord.bargaining.utility.package_utility` (see no_deal_utility)."""
    scn = draws.scenario
    sq = draws.status_quo[sl]
    if month:
        lo = np.array([i.scale.min for i in scn.issues])
        hi = np.array([i.scale.max for i in scn.issues])
        sq = np.clip(sq + draws.drift[sl] * month, lo, hi)
    c, n = sq.shape[0], pos.shape[1]
    dsq = np.zeros((c, n))
    for k in range(sq.shape[1]):
        dsq += issue_loss(sq[:, None, k], pos[sl, :, k], shat[sl, :, k], width[k])
    dsq = np.clip(1.0 - dsq, 0.0, 1.0)
    fixed = draws.no_deal_utility[sl]
    dnd = np.where(np.isnan(fixed), dsq, fixed)
    if disc is not None:
        dnd = dnd - np.nan_to_num(draws.no_deal_cost[sl]) * disc
    return dnd


def _feasible_values(draws, sl, grids, red, side, has_red, width, pos, shat):
    """Per issue: the grid values feasible in some draw of the chunk, each draw's feasibility
    of them, and each actor's loss on them (red lines bound each issue on its own)."""
    keep, loss, ok_axes = [], [], []
    for k, g in enumerate(grids):
        r = red[sl, :, k][:, :, None]  # (c, n, 1)
        tol = 1e-9 * width[k]
        s = side[None, :, k, None]
        bad = has_red[sl, :, k][:, :, None] & (
            ((s < 0) & (g < r - tol))
            | ((s > 0) & (g > r + tol))
            | ((s == 0) & (np.abs(g - r) > tol))
        )
        okv = ~bad.any(axis=1)  # (c, G_k)
        kv = okv.any(axis=0)
        keep.append(np.flatnonzero(kv))
        ok_axes.append(okv[:, kv])
        gk = g[kv]
        loss.append(
            issue_loss(gk[None, None, :], pos[sl, :, k, None], shat[sl, :, k, None], width[k])
        )
    return keep, loss, ok_axes


def _package_utilities(loss, ok_axes, c, n):
    """(c, n, P') utilities and (c, P') feasibility of the chunk's packages, by outer sums issue
    by issue (the order of package_utility's accumulation, so bit-identical to it)."""
    m = len(loss)
    shape = tuple(x.shape[-1] for x in loss)
    total = loss[0]
    feas = ok_axes[0]
    for k in range(1, m):
        total = total[..., None] + loss[k].reshape((c, n) + (1,) * k + (shape[k],))
        feas = feas[..., None] & ok_axes[k].reshape((c,) + (1,) * k + (shape[k],))
    return np.clip(1.0 - total.reshape(c, n, -1), 0.0, 1.0), feas.reshape(c, -1), shape


def analyse_arrays(
    draws: ScenarioArrays, *, budget: int = 4_000_000, months: tuple[int, ...] = (0,)
) -> dict[str, np.ndarray]:
    """``{"zopa": (D,) bool, "nash": (D, m), "opens": (D,)}`` or ``{}`` without status quos.

    ``zopa`` and ``nash`` at month 0; ``opens`` the first of ``months`` at which a zone exists
    (NaN if none by the last), with each month's no-deal utilities as
    :func:`accord.bargaining.utility.no_deal_utility` computes them (status quo drift, war
    costs discounted) on that draw's numbers.
    """
    from .space import build_space

    scn = draws.scenario
    if any(i.status_quo is None for i in scn.issues):
        log.info("no status quo on some issue: no bargaining outputs on draws")
        return {}
    grids = build_space(scn).grids
    parties = np.array([a.party for a in scn.actors], dtype=bool)
    width = np.array([i.scale.max - i.scale.min for i in scn.issues], dtype=float)
    D, n, m = draws.position.shape
    pos = np.nan_to_num(draws.position)
    sal = np.where(draws.mask, draws.salience, 0.0)
    tot = sal.sum(axis=2, keepdims=True)
    shat = np.where(tot > 0, sal / np.where(tot > 0, tot, 1.0), 0.0)  # [Enelow1984] ŝ
    red = draws.red_line
    side = np.broadcast_to(np.asarray(draws.red_side), (n, m))
    has_red = ~np.isnan(red) & scn.red_line_holders()[None, :, None]  # parties and ratifiers
    disc_all = _discounted(
        np.array(months), np.broadcast_to(draws.discount_rate, (D,)), draws.no_deal_growth
    )
    zopa = np.zeros(D, dtype=bool)
    nash = np.full((D, m), np.nan)
    opens = np.full(D, np.nan)
    P = int(np.prod([len(g) for g in grids]))
    step = max(1, min(D, budget // max(1, P * n)))
    for d0 in range(0, D, step):
        sl = slice(d0, min(D, d0 + step))
        c = sl.stop - sl.start
        keep, loss, ok_axes = _feasible_values(
            draws, sl, grids, red, side, has_red, width, pos, shat
        )
        if any(len(kv) == 0 for kv in keep):
            continue  # no feasible package at all
        u, feas, shape = _package_utilities(loss, ok_axes, c, n)
        up = u[:, parties, :]
        dnd = _no_deal(draws, sl, shat, pos, width, 0.0, None)
        gain = up - dnd[:, parties, None]  # (c, p, P')
        ok = feas & (gain > 0).all(axis=1)
        has = ok.any(axis=1)
        zopa[sl] = has
        _nash(ok, gain, has, shape, grids, keep, nash, sl.start)
        _opening(draws, sl, months, disc_all, up, feas, parties, shat, pos, width, opens)
    return {"zopa": zopa, "nash": nash, "opens": opens}


def _nash(ok, gain, has, shape, grids, keep, nash, start) -> None:
    """The Nash package ([Nash1950]: the largest Σ log gains) of every draw with a zone."""
    m = len(grids)
    for j in np.flatnonzero(has):
        cand = np.flatnonzero(ok[j])
        g = gain[j][:, cand]
        score = np.log(g[0])
        for q in range(1, g.shape[0]):
            score = score + np.log(g[q])  # [Nash1950] Σ log gains
        best = np.unravel_index(cand[int(np.argmax(score))], shape)
        nash[start + j] = [grids[k][keep[k][best[k]]] for k in range(m)]


def _opening(draws, sl, months, disc_all, up, feas, parties, shat, pos, width, opens) -> None:
    """The first of ``months`` at which each draw of ``sl`` has a zone (left NaN if none)."""
    open_ = np.zeros(sl.stop - sl.start, dtype=bool)
    for t, month in enumerate(months):
        live = ~open_
        if not live.any():
            break
        disc = disc_all[sl, :, t] if month else None
        d = _no_deal(draws, sl, shat, pos, width, float(month), disc)[:, parties]
        has = (feas & (up > d[:, :, None]).all(axis=1)).any(axis=1) & live
        opens[sl.start + np.flatnonzero(has)] = month
        open_ |= has
