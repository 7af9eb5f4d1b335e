"""The bargaining analysis on every draw: does a zone of agreement exist, and the Nash package.

The bargaining analysis (utilities over packages, no-deal utilities, the zone of possible
agreement and the Nash bargaining solution [Nash1950]) on a batch of
:class:`~accord.scenario.arrays.ScenarioArrays` (one scenario is the one-draw case), returning
per-draw arrays ``zopa`` (bool, D), ``nash`` (D, issues; NaN where no zone exists) and
``opens`` (the first month of ``months`` with a zone). The Monte Carlo engine, the summaries
(P(zone), the Nash package's quantiles, red-line breaches by the Nash package), the Parquet
columns (``bg:zopa``, ``bg:nash:<issue>``) and the sensitivity outputs consume these arrays.

**Each draw has its own package grid**, the one :func:`accord.bargaining.build_space` builds on
that draw's scenario: the labelled points, scale ends and evenly spaced points every draw shares,
and the draw's own red lines, positions and status quo (:func:`~accord.bargaining.space.
draw_values`); the choice between the fine and the coarse grid is the base scenario's. So a
draw's zone and Nash package are the same alone (``analyse(draws.scenario_at(d))``) and in a
batch, and a zone between two drawn red lines is found even where no shared grid point falls
inside it. Utilities, red lines and no-deal payoffs are evaluated per draw, vectorised in
chunks of draws. Scenarios without a status quo on every issue yield no bargaining outputs.

Red lines bound each issue on its own and the utility is separable by issue, which the kernel
uses twice. A value of issue k that breaks some party's red line in every draw of a block is
dropped before any package is formed, and a draw with no feasible value on some issue has no
zone at all (most draws of a scenario with tight red lines end there). And the total loss
Σ_k ŝ_ik |p_k − x_ik| / W_k is built by outer sums of the per-issue terms (one (draws, actors,
values_k) array per issue), accumulated issue by issue in the order
:func:`accord.bargaining.utility.package_utility` uses, so utilities, the zone and the Nash
package are bit-identical to the bargaining module's own functions run on each draw
(``tests/test_bargaining_arrays.py``).

**Red lines that follow the front** (``Stance.red_line_follows_front``) move with each draw's
drifting status quo (:func:`accord.bargaining.utility.follow_front`), so the opening scan then
rebuilds each month's grid, feasibility and utilities for the draws that have no zone yet;
without them the packages and their utilities are fixed and only the no-deal payoffs move.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .space import draw_values, own_values
from .utility import follow_front, follows_front, front_drifts, issue_loss, war_cost_months

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


@dataclass(frozen=True)
class _Kernel:
    """What every block of draws shares: the base scenario's grid parts and the draws' arrays."""

    draws: ScenarioArrays
    shared: tuple[np.ndarray, ...]  # per issue: the values no draw changes
    discrete: np.ndarray  # (m,) bool
    fine: bool
    parties: np.ndarray  # (n,) bool
    width: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    pos: np.ndarray  # (D, n, m) positions, 0 where absent
    raw_pos: np.ndarray  # (D, n, m) NaN where absent
    shat: np.ndarray
    side: np.ndarray  # (n, m)
    has_red: np.ndarray  # (D, n, m) red lines that bind (parties and ratifiers)
    follows: np.ndarray  # (n, m) red lines that follow the front
    budget: int

    def red_at(self, rows: np.ndarray, month: float) -> np.ndarray:
        """(c, n, m) the draws' red lines at ``month`` (those that follow the front moved)."""
        red = self.draws.red_line[rows]
        if not month or not self.follows.any():
            return red
        sq = self.draws.status_quo[rows]
        shift = np.clip(sq + self.draws.drift[rows] * month, self.lo, self.hi) - sq
        moved = follow_front(red, self.pos[rows], shift[:, None, :], self.lo, self.hi)
        return np.where(self.follows[None], moved, red)

    def values(self, rows: np.ndarray, red: np.ndarray) -> list[np.ndarray]:
        """Per issue (c, G_k): each draw's candidate values (its build_space grid, padded)."""
        out = []
        for k, shared in enumerate(self.shared):
            if self.discrete[k]:
                out.append(np.broadcast_to(shared, (len(rows), shared.size)))
                continue
            own = own_values(
                self.raw_pos[rows, :, k],
                red[:, :, k],
                self.draws.status_quo[rows, k],
                fine=self.fine,
            )
            out.append(draw_values(shared, own))
        return out

    def feasible(self, rows: np.ndarray, red: np.ndarray, vals: list[np.ndarray]) -> list:
        """Per issue (c, G_k): which of each draw's values break none of its binding red lines."""
        out = []
        for k, g in enumerate(vals):
            r = red[:, :, k][:, :, None]  # (c, n, 1)
            tol = 1e-9 * self.width[k]
            s = self.side[None, :, k, None]
            gk = g[:, None, :]
            bad = self.has_red[rows, :, k][:, :, None] & (
                ((s < 0) & (gk < r - tol))
                | ((s > 0) & (gk > r + tol))
                | ((s == 0) & (np.abs(gk - r) > tol))
            )
            out.append(~bad.any(axis=1))
        return out


def _no_deal(k: _Kernel, rows: np.ndarray, month: float, disc: np.ndarray | None) -> np.ndarray:
    """(c, n) each actor's no-deal utility at ``month`` on the draws ``rows``, accumulated issue
    by issue like :func:`accord.bargaining.utility.package_utility` (see no_deal_utility)."""
    draws = k.draws
    sq = draws.status_quo[rows]
    if month:
        sq = np.clip(sq + draws.drift[rows] * month, k.lo, k.hi)
    dsq = np.zeros((len(rows), k.pos.shape[1]))
    for j in range(sq.shape[1]):
        dsq += issue_loss(sq[:, None, j], k.pos[rows, :, j], k.shat[rows, :, j], k.width[j])
    dsq = np.clip(1.0 - dsq, 0.0, 1.0)
    fixed = draws.no_deal_utility[rows]
    dnd = np.where(np.isnan(fixed), dsq, fixed)
    if disc is not None:
        dnd = dnd - np.nan_to_num(draws.no_deal_cost[rows]) * disc
    return dnd


@dataclass
class _Block:
    """The packages of a block of draws: utilities (c, p, P'), feasibility (c, P'), and how
    package indices map back to each draw's values."""

    rows: np.ndarray
    up: np.ndarray
    feas: np.ndarray
    shape: tuple[int, ...]
    keep: list[np.ndarray]
    vals: list[np.ndarray]


def _feasibility(k: _Kernel, rows: np.ndarray, month: float) -> tuple[list, list]:
    """Per issue, each draw's candidate values at ``month`` and which break no red line."""
    red = k.red_at(rows, month)
    vals = k.values(rows, red)
    return vals, k.feasible(rows, red, vals)


def _blocks(k: _Kernel, rows: np.ndarray, month: float, feasibility=None):
    """The packages of the draws ``rows`` at ``month``, in blocks that fit the memory budget;
    draws with no feasible value on some issue (no zone, whatever the payoffs) are left out.
    ``feasibility``: :func:`_feasibility` of these rows and month, when already known."""
    vals, okv = feasibility if feasibility is not None else _feasibility(k, rows, month)
    alive = np.logical_and.reduce([o.any(axis=1) for o in okv])
    live = np.flatnonzero(alive)
    n = k.pos.shape[1]
    size = np.prod([o[live].sum(axis=1) for o in okv], axis=0) if len(live) else np.ones(0)
    i = 0
    while i < len(live):
        step = max(1, k.budget // max(1, int(size[i]) * n))
        sel = live[i : i + step]
        while True:
            keep = [np.flatnonzero(o[sel].any(axis=0)) for o in okv]
            if len(sel) == 1 or np.prod([len(x) for x in keep]) * n * len(sel) <= k.budget:
                break
            sel = sel[: max(1, len(sel) // 2)]
        i += len(sel)
        loss = []
        for j, g in enumerate(vals):
            gk = g[sel][:, keep[j]]
            r = rows[sel]
            loss.append(
                issue_loss(gk[:, None, :], k.pos[r, :, j, None], k.shat[r, :, j, None], k.width[j])
            )
        ok_axes = [o[sel][:, kp] for o, kp in zip(okv, keep, strict=True)]
        u, feas, shape = _package_utilities(loss, ok_axes, len(sel), n)
        yield _Block(rows[sel], u[:, k.parties, :], feas, shape, keep, [v[sel] for v in vals])


def _package_utilities(loss, ok_axes, c, n):
    """(c, n, P') utilities and (c, P') feasibility of the block's packages, by outer sums issue
    by issue (the order of package_utility's accumulation, so bit-identical to it)."""
    m = len(loss)
    shape = tuple(x.shape[-1] for x in loss)
    total = loss[0]
    feas = ok_axes[0]
    for j in range(1, m):
        total = total[..., None] + loss[j].reshape((c, n) + (1,) * j + (shape[j],))
        feas = feas[..., None] & ok_axes[j].reshape((c,) + (1,) * j + (shape[j],))
    return np.clip(1.0 - total.reshape(c, n, -1), 0.0, 1.0), feas.reshape(c, -1), tuple(shape)


def _kernel(draws: ScenarioArrays, resolution: int, budget: int) -> _Kernel:
    from .space import build_space, shared_values

    scn = draws.scenario
    fine = not build_space(scn, resolution=resolution).coarse
    sal = np.where(draws.mask, draws.salience, 0.0)
    tot = sal.sum(axis=2, keepdims=True)
    n, m = draws.position.shape[1:]
    red = draws.red_line
    return _Kernel(
        draws=draws,
        shared=tuple(shared_values(scn, j, resolution, fine=fine) for j in range(m)),
        discrete=np.array([i.scale.discrete for i in scn.issues], dtype=bool),
        fine=fine,
        parties=np.array([a.party for a in scn.actors], dtype=bool),
        width=np.array([i.scale.max - i.scale.min for i in scn.issues], dtype=float),
        lo=np.array([i.scale.min for i in scn.issues], dtype=float),
        hi=np.array([i.scale.max for i in scn.issues], dtype=float),
        pos=np.nan_to_num(draws.position),
        raw_pos=np.where(draws.mask, draws.position, np.nan),
        shat=np.where(tot > 0, sal / np.where(tot > 0, tot, 1.0), 0.0),  # [Enelow1984] ŝ
        side=np.broadcast_to(np.asarray(draws.red_side), (n, m)),
        has_red=~np.isnan(red) & scn.red_line_holders()[None, :, None],  # parties, ratifiers
        follows=follows_front(scn) & front_drifts(scn)[None, :],
        budget=budget,
    )


def analyse_arrays(
    draws: ScenarioArrays,
    *,
    budget: int = 4_000_000,
    months: tuple[int, ...] = (0,),
    resolution: int = 11,
) -> dict[str, np.ndarray]:
    """``{"zopa": (D,) bool, "nash": (D, m), "opens": (D,)}`` or ``{}`` without status quos.

    ``zopa`` and ``nash`` at month 0; ``opens`` the first of ``months`` at which a zone exists
    (NaN if none by the last), with each month's no-deal utilities as
    :func:`accord.bargaining.utility.no_deal_utility` computes them (status quo drift, war
    costs discounted) and each month's red lines on that draw's numbers.
    """
    scn = draws.scenario
    if any(i.status_quo is None for i in scn.issues):
        log.info("no status quo on some issue: no bargaining outputs on draws")
        return {}
    k = _kernel(draws, resolution, budget)
    D, m = draws.n_draws, len(scn.issues)
    disc_all = _discounted(
        np.array(months), np.broadcast_to(draws.discount_rate, (D,)), draws.no_deal_growth
    )
    zopa = np.zeros(D, dtype=bool)
    nash = np.full((D, m), np.nan)
    opens = np.full(D, np.nan)
    moving = bool(k.follows.any())
    everyone = np.arange(D)
    now = _feasibility(k, everyone, 0.0)
    for b in _blocks(k, everyone, 0.0, now):
        gain = b.up - _no_deal(k, b.rows, 0.0, None)[:, k.parties, None]  # (c, p, P')
        ok = b.feas & (gain > 0).all(axis=1)
        has = ok.any(axis=1)
        zopa[b.rows] = has
        _nash(ok, gain, has, b, nash)
        if not moving:  # the packages stay; only the no-deal payoffs move
            for t, month in enumerate(months):
                live = np.isnan(opens[b.rows])
                if not live.any():
                    break
                disc = disc_all[b.rows, :, t] if month else None
                d = _no_deal(k, b.rows, float(month), disc)[:, k.parties]
                hit = (b.feas & (b.up > d[:, :, None]).all(axis=1)).any(axis=1) & live
                opens[b.rows[hit]] = month
    if moving:
        # issues whose red lines stay put: a draw with no feasible value there never has a zone
        still = np.asarray(~k.follows.any(axis=0), dtype=bool)
        can = np.logical_and.reduce(
            [o.any(axis=1) for j, o in enumerate(now[1]) if still[j]] or [np.ones(D, dtype=bool)]
        )
        for t, month in enumerate(months):
            if month == 0:  # month 0's zone is the one just found
                opens[zopa & np.isnan(opens)] = 0
                continue
            live = np.flatnonzero(np.isnan(opens) & can)
            if not len(live):
                break
            for b in _blocks(k, live, float(month)):
                disc = disc_all[b.rows, :, t] if month else None
                d = _no_deal(k, b.rows, float(month), disc)[:, k.parties]
                hit = (b.feas & (b.up > d[:, :, None]).all(axis=1)).any(axis=1)
                opens[b.rows[hit]] = month
    return {"zopa": zopa, "nash": nash, "opens": opens}


def _nash(ok, gain, has, b: _Block, nash) -> None:
    """The Nash package ([Nash1950]: the largest Σ log gains) of every draw with a zone."""
    for j in np.flatnonzero(has):
        cand = np.flatnonzero(ok[j])
        g = gain[j][:, cand]
        score = np.log(g[0])
        for q in range(1, g.shape[0]):
            score = score + np.log(g[q])  # [Nash1950] Σ log gains
        best = np.unravel_index(cand[int(np.argmax(score))], b.shape)
        nash[b.rows[j]] = [b.vals[i][j, b.keep[i][best[i]]] for i in range(len(b.vals))]
