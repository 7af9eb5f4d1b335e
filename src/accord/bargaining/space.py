"""The package grid: the finite set of candidate deals the analysis searches exactly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.scenario import Scenario

from .utility import Loss, actor_matrices, no_deal_utility, package_utility, red_line_ok

__all__ = ["PackageSpace", "build_space", "issue_grid"]

MAX_PACKAGES = 2_000_000


def issue_grid(scenario: Scenario, k: int, resolution: int, *, fine: bool = True) -> np.ndarray:
    """Candidate values of issue k: the labelled points, every red line, the scale's ends and,
    when ``fine``, ``resolution`` evenly spaced points and the actors' positions. A discrete
    issue (``scale.discrete``) has its labelled options only."""
    issue = scenario.issues[k]
    sc = issue.scale
    pts = set(sc.labels)
    if sc.discrete:
        return np.array(sorted(pts), dtype=float)
    pts |= {sc.min, sc.max}
    for a in scenario.actors:
        st = a.stances.get(issue.id)
        if st is None:
            continue
        if st.red_line is not None:
            pts.add(st.red_line.value)
        if fine:
            pts.add(st.position.value)
    if issue.status_quo is not None:
        pts.add(issue.status_quo.value)
    if fine and resolution > 1:
        pts |= set(np.linspace(sc.min, sc.max, resolution).tolist())
    return np.array(sorted(pts), dtype=float)


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
    """
    m = len(scenario.issues)
    grids = [issue_grid(scenario, k, resolution, fine=True) for k in range(m)]
    coarse = False
    if np.prod([len(g) for g in grids], dtype=float) > max_packages:
        grids = [issue_grid(scenario, k, resolution, fine=False) for k in range(m)]
        coarse = True
    if np.prod([len(g) for g in grids], dtype=float) > max_packages:
        raise ValueError(
            f"{np.prod([len(g) for g in grids], dtype=float):.0f} packages exceed max_packages "
            f"({max_packages}); mark some issues discrete or remove labelled points"
        )
    mesh = np.meshgrid(*grids, indexing="ij")
    packages = np.stack([g.ravel() for g in mesh], axis=1)
    mats = actor_matrices(scenario)
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
