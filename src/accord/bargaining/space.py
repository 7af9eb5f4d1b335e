"""The package grid: the finite set of candidate deals the analysis searches exactly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.scenario import Scenario

from .utility import (
    Loss,
    actor_matrices,
    issue_bounds,
    no_deal_utility,
    package_utility,
    red_line_ok,
)

__all__ = [
    "PackageSpace",
    "build_space",
    "draw_values",
    "issue_grid",
    "own_values",
    "shared_values",
]

MAX_PACKAGES = 2_000_000


def shared_values(scenario: Scenario, k: int, resolution: int, *, fine: bool = True) -> np.ndarray:
    """The candidate values of issue k that no draw changes, sorted: the labelled points, the
    scale's ends and, when ``fine``, ``resolution`` evenly spaced points (a discrete issue: its
    labelled options only)."""
    sc = scenario.issues[k].scale
    pts = set(sc.labels)
    if not sc.discrete:
        pts |= {sc.min, sc.max}
        if fine and resolution > 1:
            pts |= set(np.linspace(sc.min, sc.max, resolution).tolist())
    return np.array(sorted(pts), dtype=float)


def draw_values(shared: np.ndarray, per_draw: np.ndarray) -> np.ndarray:
    """(D, G) every draw's candidate values of one issue: ``shared`` (S,) with the draw's own
    values ``per_draw`` (D, E; NaN = none), sorted and without repeats; rows of fewer distinct
    values end in copies of their largest, which add no package the row does not already have.
    One draw's row with those copies removed is :func:`issue_grid`."""
    d = per_draw.shape[0]
    vals = np.concatenate([np.broadcast_to(shared, (d, shared.size)), per_draw], axis=1)
    vals = np.sort(np.where(np.isnan(vals), np.inf, vals), axis=1)
    if vals.shape[1] > 1:
        rep = np.zeros(vals.shape, dtype=bool)
        rep[:, 1:] = vals[:, 1:] == vals[:, :-1]
        vals = np.sort(np.where(rep, np.inf, vals), axis=1)
    top = np.where(np.isfinite(vals), vals, -np.inf).max(axis=1, keepdims=True)
    return np.where(np.isfinite(vals), vals, top)


def own_values(
    position: np.ndarray, red_line: np.ndarray, status_quo: np.ndarray, *, fine: bool
) -> np.ndarray:
    """(D, E) the values of one issue that come from the actors and the facts: every red line,
    the status quo and, when ``fine``, every position (NaN = none), from (D, n) and (D,)."""
    cols = [red_line, status_quo[:, None]]
    if fine:
        cols.insert(0, position)
    return np.concatenate(cols, axis=1)


def issue_grid(
    scenario: Scenario,
    k: int,
    resolution: int,
    *,
    fine: bool = True,
    mats: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Candidate values of issue k: the labelled points, every red line (at the month of
    ``mats``), the status quo, the scale's ends and, when ``fine``, ``resolution`` evenly spaced
    points and the actors' positions. A discrete issue (``scale.discrete``) has its labelled
    options only. The one-draw case of :func:`draw_values`, which the Monte Carlo uses."""
    issue = scenario.issues[k]
    shared = shared_values(scenario, k, resolution, fine=fine)
    if issue.scale.discrete:
        return shared
    mats = mats or actor_matrices(scenario)
    has = np.array([issue.id in a.stances for a in scenario.actors], dtype=bool)
    pos = np.where(has, mats["position"][:, k], np.nan)
    sq = np.array([np.nan if issue.status_quo is None else float(issue.status_quo.value)])
    row = draw_values(shared, own_values(pos[None], mats["red_line"][None, :, k], sq, fine=fine))[0]
    return row[: int(np.searchsorted(row, row[-1])) + 1]


@dataclass(frozen=True)
class PackageSpace:
    """Every candidate package with each actor's utility, red-line feasibility and no-deal
    payoff."""

    scenario: Scenario
    packages: np.ndarray  # (P, m) issue values
    utility: np.ndarray  # (P, n) in 0..1
    feasible: np.ndarray  # (P,) breaks no red line
    no_deal: np.ndarray  # (n,) at `month`
    month: float
    loss: Loss
    grids: tuple[np.ndarray, ...]
    coarse: bool
    parties: np.ndarray  # (n,) actors whose consent a deal needs (`Actor.party`)

    @property
    def actor_ids(self) -> list[str]:
        return self.scenario.actor_ids

    def grid_text(self) -> str:
        """The resolution used, in words, with the rule that chose it (:func:`build_space`)."""
        per = ", ".join(
            f"{i.name or i.id} {len(g)}"
            for i, g in zip(self.scenario.issues, self.grids, strict=True)
        )
        which = (
            "the fine grid would have held more than "
            f"{MAX_PACKAGES:,} packages, so every continuous issue is searched on its labelled "
            "terms, red lines, status quo and scale ends only"
            if self.coarse
            else "every continuous issue on evenly spaced points plus its labelled terms, the "
            "actors' positions and red lines and the status quo"
        )
        return (
            f"{len(self.packages):,} packages searched ({per} values per issue): {which}; "
            "the continuous refinement then searches the values in between."
        )

    @property
    def issue_ids(self) -> list[str]:
        return self.scenario.issue_ids

    @property
    def zopa(self) -> np.ndarray:
        """(P,) the zone of possible agreement: feasible packages every party strictly prefers to
        no deal (non-parties, ``Actor.party = False``, are not asked)."""
        return self.feasible & (self.utility[:, self.parties] > self.no_deal[self.parties]).all(
            axis=1
        )


def build_space(
    scenario: Scenario,
    *,
    resolution: int = 11,
    month: float = 0.0,
    loss: Loss = "linear",
    max_packages: int = MAX_PACKAGES,
    feasible_only: bool = False,
    coarse: bool | None = None,
) -> PackageSpace:
    """All packages on the issue grids (their Cartesian product), with utilities, red-line
    feasibility (the parties' red lines) and the no-deal utilities at ``month``.

    The fine grid of a continuous issue holds ``resolution`` evenly spaced points from the
    scale's min to its max, every labelled point, every actor's position and red line and the
    status quo; a discrete issue holds its labelled options only. If the product of the fine
    grids exceeds ``max_packages``, every continuous issue falls back to its labelled points, red
    lines, status quo and scale ends (``coarse=True``), so the deal terms the analyst wrote down
    are always candidates (the continuous refinement in :mod:`accord.bargaining.refine` then
    covers the values in between). ``grids`` records the values used on each issue.

    Red lines are those of ``month`` (red lines that follow the front have moved with it, and
    the grid holds them there). ``coarse`` forces the choice of grid; ``feasible_only`` keeps
    only the values within every red line on each issue (red lines bound issues one by one), so
    the packages are exactly the feasible ones: what a month of the ripeness scan needs.
    """
    m = len(scenario.issues)
    mats = actor_matrices(scenario, month)
    grids = []
    if not coarse:
        grids = [issue_grid(scenario, k, resolution, fine=True, mats=mats) for k in range(m)]
    if coarse is None:
        coarse = bool(np.prod([len(g) for g in grids], dtype=float) > max_packages)
    if coarse:
        grids = [issue_grid(scenario, k, resolution, fine=False, mats=mats) for k in range(m)]
    if feasible_only:
        lo, hi = issue_bounds(scenario, mats=mats, ignore=~scenario.red_line_holders())
        tol = 1e-9 * mats["width"]
        grids = [g[(g >= lo[k] - tol[k]) & (g <= hi[k] + tol[k])] for k, g in enumerate(grids)]
    if np.prod([len(g) for g in grids], dtype=float) > max_packages:
        raise ValueError(
            f"{np.prod([len(g) for g in grids], dtype=float):.0f} packages exceed max_packages "
            f"({max_packages}); mark some issues discrete or remove labelled points"
        )
    mesh = np.meshgrid(*grids, indexing="ij")
    packages = np.stack([g.ravel() for g in mesh], axis=1)
    parties = np.array([a.party for a in scenario.actors], dtype=bool)
    return PackageSpace(
        scenario,
        packages,
        package_utility(scenario, packages, loss=loss, mats=mats),
        red_line_ok(scenario, packages, mats=mats, ignore=~scenario.red_line_holders()),
        no_deal_utility(scenario, month, loss=loss, mats=mats),
        month,
        loss,
        tuple(grids),
        coarse,
        parties,
    )
