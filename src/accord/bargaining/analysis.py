"""The bargaining analysis: zone of agreement, frontier, solutions, blocking red lines, ripeness.

Steps of :func:`analyse`:

1. build the package grid and each actor's utility and no-deal utility now
   (:func:`~accord.bargaining.space.build_space`);
2. the zone of possible agreement: packages within every party's red lines that every party
   strictly prefers to no deal ([Raiffa1982]; [Fearon1995]: costly war leaves such a range unless
   information or commitment problems close it);
3. its exact Pareto frontier ([Kung1975]) and the Nash [Nash1950], capability-weighted Nash
   [Kalai1977; Roth1979], Kalai–Smorodinsky [Kalai1975] and egalitarian [Kalai1977] packages on
   the grid, each refined on the continuous scales (:mod:`accord.bargaining.refine`) to say how
   close the grid comes to the continuous optimum;
4. when the zone is empty: which red lines block it and the smallest relaxation
   (:mod:`accord.bargaining.relax`);
5. ripeness: the first month a zone opens as war costs mount and the line moves
   (:mod:`accord.bargaining.ripeness`, [Zartman2000]), and the Nash packages then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.scenario import Scenario

from .frontier import pareto_mask
from .package import Package, make_package
from .refine import (
    MAX_COMBINATIONS,
    ContinuousProblem,
    continuous_problem,
    discrete_combinations,
    kalai_smorodinsky_continuous,
    max_min_gain,
    nash_continuous,
)
from .relax import BlockingRedLine, Relaxation, blocking_red_lines, preferred, smallest_relaxations
from .ripeness import RipenessPoint, front_moves, month_space, scan
from .solutions import egalitarian, kalai_smorodinsky, nash
from .space import PackageSpace, build_space
from .utility import Loss, actor_matrices, capabilities_at, issue_bounds, package_utility

__all__ = [
    "SOLUTIONS",
    "BargainResult",
    "BlockingRedLine",
    "ContinuousSolution",
    "Package",
    "Relaxation",
    "RipenessPoint",
    "analyse",
]

log = logging.getLogger(__name__)

#: The solutions reported, in order, with their titles.
SOLUTIONS = {
    "nash": "Nash bargaining solution",
    "nash_weighted": "Nash, weighted by capability",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "egalitarian": "Egalitarian",
}


@dataclass(frozen=True)
class ContinuousSolution:
    """A solution's optimum on the continuous scales against the grid's.

    ``objective`` is the solution's criterion (Nash: Σ w_i log(u_i − d_i); Kalai–Smorodinsky: the
    smallest gain relative to the continuous ideal point; egalitarian: the smallest gain), for the
    continuous package and for the grid package; ``distance`` is how far each issue's grid value
    lies from the continuous one, in scale points.
    """

    package: Package
    objective: float
    grid_objective: float
    distance: dict[str, float]

    @property
    def gap(self) -> float:
        """How much the continuous optimum improves the criterion over the grid (≥ 0 up to solver
        tolerance).
        """
        return self.objective - self.grid_objective

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package.to_dict(),
            "objective": round(self.objective, 6),
            "grid_objective": round(self.grid_objective, 6),
            "gap": round(self.gap, 6),
            "distance": {k: round(v, 6) for k, v in self.distance.items()},
        }


@dataclass(frozen=True)
class BargainResult:
    scenario: Scenario
    space: PackageSpace
    zopa_size: int
    frontier: tuple[Package, ...]
    solutions: dict[str, Package | None]
    blocking_red_lines: tuple[str, ...]  # actors whose red lines, dropped together, open the zone
    blocking_no_deal: tuple[str, ...]  # actors whose accepting less than no deal alone opens it
    relaxation: Relaxation | None  # the preferred of ``relaxations``
    timeline: tuple[RipenessPoint, ...]
    opens_at: int | None  # first month with a zone on the grid
    package_at_opening: Package | None  # the grid's Nash package then
    notes: tuple[str, ...] = field(default_factory=tuple)
    frontier_size: int = 0
    continuous: dict[str, ContinuousSolution | None] = field(default_factory=dict)
    max_min_gain: float | None = None  # continuous, now: > 0 exactly when a zone exists
    red_lines: tuple[
        BlockingRedLine, ...
    ] = ()  # every party's red line and whether dropping it opens the zone
    relaxations: dict[str, Relaxation | None] = field(default_factory=dict)
    opens_at_continuous: int | None = None  # first month with a zone on the continuous scales
    solutions_at_opening: dict[str, Package | None] = field(default_factory=dict)
    continuous_at_opening: Package | None = (
        None  # continuous Nash package at ``opens_at_continuous``
    )

    @property
    def zone_exists(self) -> bool:
        return self.zopa_size > 0

    def to_dict(self) -> dict[str, Any]:
        def pk(p: Package | None):
            return None if p is None else p.to_dict()

        return {
            "scenario": self.scenario.metadata.title,
            "packages": len(self.space.packages),
            "grid": {
                i.id: [float(v) for v in g]
                for i, g in zip(self.scenario.issues, self.space.grids, strict=True)
            },
            "coarse_grid": self.space.coarse,
            "loss": self.space.loss,
            "no_deal": dict(
                zip(self.scenario.actor_ids, map(float, self.space.no_deal), strict=True)
            ),
            "zone_exists": self.zone_exists,
            "zopa_size": self.zopa_size,
            "frontier_size": self.frontier_size,
            "frontier": [p.to_dict() for p in self.frontier],
            "solutions": {k: pk(v) for k, v in self.solutions.items()},
            "continuous": {
                k: (None if v is None else v.to_dict()) for k, v in self.continuous.items()
            },
            "max_min_gain": None if self.max_min_gain is None else round(self.max_min_gain, 6),
            "blocking_red_lines": list(self.blocking_red_lines),
            "blocking_no_deal": list(self.blocking_no_deal),
            "red_lines": [r.to_dict() for r in self.red_lines],
            "relaxation": None if self.relaxation is None else self.relaxation.to_dict(),
            "relaxations": {
                k: (None if v is None else v.to_dict()) for k, v in self.relaxations.items()
            },
            "ripeness": {
                "opens_at_month": self.opens_at,
                "package": pk(self.package_at_opening),
                "solutions": {k: pk(v) for k, v in self.solutions_at_opening.items()},
                "opens_at_month_continuous": self.opens_at_continuous,
                "package_continuous": pk(self.continuous_at_opening),
                "timeline": [p.to_dict() for p in self.timeline],
            },
            "notes": list(self.notes),
        }


def _weights(caps: np.ndarray) -> np.ndarray | None:
    """Capability weights of the parties, normalised to mean 1 (the Nash solution depends only on
    their ratios)."""
    return caps / caps.sum() * len(caps) if caps.sum() > 0 else None


def _grid_solutions(
    space: PackageSpace, d: np.ndarray, caps: np.ndarray, rows: np.ndarray
) -> dict[str, int | None]:
    """Row indices of the four solutions among ``rows`` (the parties bargain; others are
    reported)."""
    pt = space.parties
    u, dp = space.utility[rows][:, pt], d[pt]
    found = {
        "nash": nash(u, dp),
        "nash_weighted": nash(u, dp, _weights(caps[pt])),
        "kalai_smorodinsky": kalai_smorodinsky(u, dp),
        "egalitarian": egalitarian(u, dp),
    }
    return {k: None if v is None else int(rows[v]) for k, v in found.items()}


def _continuous(
    space: PackageSpace,
    problem: ContinuousProblem,
    d: np.ndarray,
    caps: np.ndarray,
    grid: dict[str, int | None],
) -> dict[str, ContinuousSolution | None]:
    """Each solution refined on the continuous scales, with the grid's value of the same
    criterion."""
    scn, pt = space.scenario, space.parties
    out: dict[str, ContinuousSolution | None] = {k: None for k in SOLUTIONS}
    w_full = np.ones(len(d))
    wts = _weights(caps[pt])
    if wts is not None:
        w_full[pt] = wts
    for name, row in grid.items():
        if row is None:
            continue
        start = space.packages[row]
        if name in ("nash", "nash_weighted"):
            w = w_full if name == "nash_weighted" else np.ones(len(d))
            _, pkg = nash_continuous(problem, d, w, start=start)

            def crit(u: np.ndarray, w: np.ndarray = w) -> float:
                return float((w[pt] * np.log(u[pt] - d[pt])).sum())  # [Nash1950]
        elif name == "kalai_smorodinsky":
            _, pkg, ideal = kalai_smorodinsky_continuous(problem, d, start=start)
            span = np.where(pt & (ideal - d > 0), ideal - d, 1.0)

            def crit(u: np.ndarray, w: np.ndarray = span) -> float:
                return float(((u - d) / w)[pt].min())  # [Kalai1975]
        else:
            _, pkg = max_min_gain(problem, d, start=start)

            def crit(u: np.ndarray, w: np.ndarray = w_full) -> float:
                return float((u - d)[pt].min())  # [Kalai1977]

        if pkg is None:
            continue
        u = package_utility(scn, pkg[None, :], loss=space.loss)[0]
        ug = space.utility[row]
        dist = {
            i.id: float(abs(a - b))
            for i, a, b in zip(scn.issues, pkg, space.packages[row], strict=True)
        }
        out[name] = ContinuousSolution(make_package(scn, pkg, u, d), crit(u), crit(ug), dist)
    return out


def _knife_edges(scenario: Scenario, mats: dict[str, np.ndarray], parties: np.ndarray) -> list[str]:
    """A note per issue on which the parties' red lines meet at one value: any zone of agreement
    then exists only on a set of measure zero, and uncertainty in those red lines closes it."""
    holders = parties | scenario.red_line_holders()
    lo, hi = issue_bounds(scenario, mats=mats, ignore=~holders)
    out = []
    for k, issue in enumerate(scenario.issues):
        tol = 1e-9 * (issue.scale.max - issue.scale.min)
        # a discrete issue's red lines meeting on one option leave that option: no knife edge
        if abs(hi[k] - lo[k]) <= tol and not issue.scale.discrete:
            who = [
                a.name or a.id
                for i, a in enumerate(scenario.actors)
                if holders[i] and abs(mats["red_line"][i, k] - lo[k]) <= tol
            ]
            out.append(
                f"on {issue.id} the red lines of {', '.join(who)} meet at the single value "
                f"{lo[k]:g}: a zone of agreement can exist only on this knife edge (a set of "
                "measure zero), and any uncertainty in these red lines closes it"
            )
    return out


def analyse(
    scenario: Scenario,
    *,
    months: int = 120,
    resolution: int = 11,
    loss: Loss = "linear",
    max_frontier: int = 50,
    refine: bool = True,
) -> BargainResult:
    """The whole bargaining analysis at month 0, plus the ripeness scan over ``months``.

    ``resolution`` is the number of evenly spaced grid points per continuous issue (see
    :func:`build_space` for when the grid falls back to its coarse form); ``max_frontier`` caps how
    many frontier packages are returned (those with the largest smallest gain first);
    ``refine`` adds the continuous optima and the continuous ripeness scan.
    """
    space = build_space(scenario, resolution=resolution, month=0, loss=loss)
    mats = actor_matrices(scenario)
    scn = scenario
    d = space.no_deal
    pt = space.parties
    rows = np.flatnonzero(space.zopa)
    caps = capabilities_at(scenario, 0)
    notes: list[str] = _knife_edges(scenario, mats, pt)
    problem = None
    if refine and discrete_combinations(scenario) > MAX_COMBINATIONS:
        notes.append(
            f"more than {MAX_COMBINATIONS} combinations of discrete options: no continuous "
            "refinement"
        )
    elif refine:
        problem = continuous_problem(scenario, loss=loss, parties=pt)
        if problem.empty:
            problem = None
            notes.append(
                "the parties' red lines leave no package on some issue; no continuous refinement"
            )

    frontier: tuple[Package, ...] = ()
    frontier_size = 0
    grid: dict[str, int | None] = {k: None for k in SOLUTIONS}
    if len(rows):
        front_rows = rows[pareto_mask(space.utility[rows][:, pt])]
        frontier_size = len(front_rows)
        order = np.argsort(-(space.utility[front_rows][:, pt] - d[pt]).min(axis=1), kind="stable")[
            :max_frontier
        ]
        frontier = tuple(
            make_package(scn, space.packages[r], space.utility[r], d) for r in front_rows[order]
        )
        grid = _grid_solutions(space, d, caps, rows)
    solutions = {
        k: None if r is None else make_package(scn, space.packages[r], space.utility[r], d)
        for k, r in grid.items()
    }
    continuous: dict[str, ContinuousSolution | None] = (
        _continuous(space, problem, d, caps, grid)
        if problem is not None
        else dict.fromkeys(SOLUTIONS)
    )
    mmg = None
    if problem is not None:
        mmg = float(max_min_gain(problem, d)[0])

    red_lines: tuple[BlockingRedLine, ...] = ()
    blocking_red: tuple[str, ...] = ()
    blocking_nd: tuple[str, ...] = ()
    relaxations: dict[str, Relaxation | None] = {"red_line": None, "no_deal": None}
    if not len(rows):
        red_lines, blocking_red, blocking_nd = blocking_red_lines(space, d, mats)
        relaxations = smallest_relaxations(space, d, mats)
        if relaxations["red_line"] is None and relaxations["no_deal"] is None:
            notes.append(
                "no group of parties opens the zone by moving red lines alone or by accepting less "
                "than no deal alone"
            )

    timeline, path = scan(
        space, months, loss=loss, mats=mats, problem=problem, resolution=resolution
    )
    moving = front_moves(scenario)  # red lines follow the front: each month has its own
    opens_at = next((p.month for p in timeline if p.zopa_size > 0), None)
    at_open: dict[str, Package | None] = {}
    if opens_at is not None:
        dt = path[opens_at]
        sp = month_space(space, opens_at, resolution=resolution) if moving else space
        zr = np.flatnonzero(sp.feasible & (sp.utility[:, pt] > dt[pt]).all(axis=1))
        at_grid = _grid_solutions(sp, dt, capabilities_at(scenario, opens_at), zr)
        at_open = {
            k: None if r is None else make_package(scn, sp.packages[r], sp.utility[r], dt)
            for k, r in at_grid.items()
        }
    opens_cont = next(
        (p.month for p in timeline if p.max_min_gain is not None and p.max_min_gain > 0), None
    )
    cont_open = None
    if opens_cont is not None and problem is not None:
        dt = path[opens_cont]
        if moving:
            problem = continuous_problem(scenario, loss=loss, parties=pt, month=opens_cont)
        _, pkg = nash_continuous(problem, dt)
        if pkg is not None:
            cont_open = make_package(scn, pkg, package_utility(scn, pkg[None, :], loss=loss)[0], dt)
    if space.coarse:
        notes.append(
            "the fine grid was too large; packages use labelled points, red lines, status quo and "
            "scale ends (the continuous refinement covers the values in between)"
        )
    return BargainResult(
        scn,
        space,
        len(rows),
        frontier,
        solutions,
        blocking_red,
        blocking_nd,
        preferred(relaxations),
        timeline,
        opens_at,
        at_open.get("nash"),
        tuple(notes),
        frontier_size,
        continuous,
        mmg,
        red_lines,
        relaxations,
        opens_cont,
        at_open,
        cont_open,
    )
