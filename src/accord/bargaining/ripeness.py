"""Ripeness: the first month at which a zone of agreement opens as the war goes on.

A conflict is ripe for settlement when the parties perceive a "mutually hurting stalemate"
([Zartman2000]): continued war has become worse than some deal for every party. Month by month
the no-deal utilities d_i(t) move (costs of war accumulate, the battlefield line drifts; see
:mod:`accord.bargaining.utility`), while the packages and their utilities stay fixed, so the scan
evaluates each month's zone on the same package grid. ``d(t)`` need not fall for every actor (a
side the line moves towards gains from waiting), so every month is checked; nothing is assumed
monotone.

Red lines that follow the front (``Stance.red_line_follows_front``) move with the status quo, so
then each month has its own red lines and its own package grid (they are among the candidate
values): the scan builds the month's packages within every red line
(:func:`accord.bargaining.space.build_space` with ``feasible_only``) and the month's continuous
problem, instead of re-reading the fixed grid.

On the continuous scales the zone at month t exists exactly when the largest minimum gain
max_x min_i (u_i(x) − d_i(t)) is positive (:func:`accord.bargaining.refine.max_min_gain`), which
the scan also computes; it opens no later than on the grid, because the grid is a subset of the
continuous packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.scenario import Scenario

from .refine import ContinuousProblem, continuous_problem, max_min_gain
from .space import PackageSpace, build_space
from .utility import Loss, follows_front, no_deal_utility

__all__ = [
    "RipenessPoint",
    "front_moves",
    "month_space",
    "no_deal_path",
    "scan",
    "zone_sizes",
]

#: Above this many discrete-option combinations the continuous scan is skipped (each month costs
#: one linear program per combination).
MAX_PROGRAMS_SCANNED = 32


@dataclass(frozen=True)
class RipenessPoint:
    """One month of the scan."""

    month: int
    zopa_size: int  # grid packages every party prefers to no deal
    no_deal: dict[str, float]
    max_min_gain: float | None = (
        None  # continuous: > 0 exactly when a zone exists on the real scales
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "zopa_size": self.zopa_size,
            "max_min_gain": None if self.max_min_gain is None else round(self.max_min_gain, 6),
        }


def month_space(space: PackageSpace, month: int, *, resolution: int = 11) -> PackageSpace:
    """The packages within every red line at ``month`` (red lines that follow the front have moved
    with it), on that month's grid, coarse as ``space`` is."""
    return build_space(
        space.scenario,
        resolution=resolution,
        month=month,
        loss=space.loss,
        feasible_only=True,
        coarse=space.coarse,
    )


def no_deal_path(
    space: PackageSpace,
    months: int,
    *,
    loss: Loss = "linear",
    mats: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """(months + 1, n) no-deal utilities d_i(t) for t = 0..months."""
    return np.stack(
        [no_deal_utility(space.scenario, t, loss=loss, mats=mats) for t in range(months + 1)]
    )


def zone_sizes(space: PackageSpace, path: np.ndarray, *, chunk: int = 1_000_000) -> np.ndarray:
    """(T,) how many feasible packages every party strictly prefers to no deal, for each row of
    ``path`` (T, n)."""
    pt = space.parties
    d = path[:, pt]
    u = space.utility[space.feasible][:, pt]
    u = u[(u > d.min(axis=0)).all(axis=1)]  # packages that beat no deal in some month
    sizes = np.zeros(len(path), dtype=np.int64)
    for t in range(len(path)):
        for c0 in range(0, len(u), chunk):
            sizes[t] += int((u[c0 : c0 + chunk] > d[t]).all(axis=1).sum())
    return sizes


def front_moves(scenario: Scenario) -> bool:
    """Whether some red line follows a front that moves (a drift on its issue)."""
    follows = np.asarray(follows_front(scenario).any(axis=0), dtype=bool)
    if not follows.any() or scenario.war is None:
        return False
    drift = scenario.war.drift_per_month
    return any(
        follows[k] and issue.id in drift and drift[issue.id].value != 0
        for k, issue in enumerate(scenario.issues)
    )


def scan(
    space: PackageSpace,
    months: int,
    *,
    loss: Loss = "linear",
    mats: dict[str, np.ndarray] | None = None,
    problem: ContinuousProblem | None = None,
    resolution: int = 11,
) -> tuple[tuple[RipenessPoint, ...], np.ndarray]:
    """The month-by-month timeline and the no-deal path (months + 1, n).

    With ``problem`` the continuous max–min gain is computed for every month up to the first month
    it turns positive (unless ``problem`` has more than ``MAX_PROGRAMS_SCANNED`` programs). Where
    red lines follow a moving front, each month's grid (at ``resolution``, coarse as ``space``
    is) and continuous problem are built at that month.
    """
    path = no_deal_path(space, months, loss=loss, mats=mats)
    scn = space.scenario
    moving = front_moves(scn)
    if moving:
        sizes = np.array(
            [
                zone_sizes(month_space(space, t, resolution=resolution), path[t : t + 1])[0]
                for t in range(months + 1)
            ]
        )
    else:
        sizes = zone_sizes(space, path)
    cont: list[float | None] = [None] * (months + 1)
    if problem is not None and len(problem.programs) <= MAX_PROGRAMS_SCANNED:
        for t in range(months + 1):
            prob = (
                continuous_problem(scn, loss=loss, parties=problem.parties, month=t)
                if moving and t
                else problem
            )
            v, _ = max_min_gain(prob, path[t])
            cont[t] = float(v)
            if v > 0:
                break
    ids = space.scenario.actor_ids
    points = tuple(
        RipenessPoint(t, int(sizes[t]), dict(zip(ids, map(float, path[t]), strict=True)), cont[t])
        for t in range(months + 1)
    )
    return points, path
