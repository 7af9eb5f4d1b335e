"""The outcome space the protocols negotiate over: packages, utilities, red lines, no deal.

An :class:`OutcomeSpace` is plain arrays: ``utility`` (P, n) — or (R, P, n), one matrix per run
— in each actor's utility, ``no_deal`` (n,) or (R, n), and ``acceptable`` (P, n), whether a
package respects the actor's own red lines. When the packages' issue values and the red lines
are known (``packages``, ``red_line``, ``red_side``) the actors can also hold beliefs about each
other's red lines (:mod:`accord.process.beliefs`). Build one from plain arrays
for tests and benchmarks, or from a scenario through the bargaining analysis
(:func:`from_scenario`, which calls :func:`accord.bargaining.build_space`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from accord.scenario import Scenario

__all__ = ["OutcomeSpace", "from_package_space", "from_scenario"]


@dataclass(frozen=True)
class OutcomeSpace:
    """Packages with each actor's utility, red lines and no-deal payoff (all arrays)."""

    utility: np.ndarray  # (P, n) or (R, P, n)
    no_deal: np.ndarray  # (n,) or (R, n)
    acceptable: np.ndarray | None = None  # (P, n) bool: within the actor's own red lines
    packages: np.ndarray | None = None  # (P, m) issue values
    red_line: np.ndarray | None = None  # (n, m) NaN = none
    red_side: np.ndarray | None = None  # (n, m): -1 accepts p >= r, +1 accepts p <= r, 0 only r
    width: np.ndarray | None = None  # (m,) scale widths (for tolerances)
    scale_min: np.ndarray | None = None  # (m,)
    scale_max: np.ndarray | None = None  # (m,)
    actor_ids: tuple[str, ...] = ()
    issue_ids: tuple[str, ...] = ()
    grid_index: tuple[np.ndarray, ...] = field(
        default=(), repr=False
    )  # per issue: (P,) index into grids
    grids: tuple[np.ndarray, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        u = np.asarray(self.utility, dtype=float)
        if u.ndim not in (2, 3):
            raise ValueError(f"utility must be (P, n) or (R, P, n), got shape {u.shape}")
        object.__setattr__(self, "utility", u)
        n = u.shape[-1]
        d = np.asarray(self.no_deal, dtype=float)
        if d.shape[-1] != n or d.ndim not in (1, 2):
            raise ValueError(f"no_deal must be (n,) or (R, n) with n = {n}, got shape {d.shape}")
        object.__setattr__(self, "no_deal", d)
        P = u.shape[-2]
        if self.acceptable is None:
            object.__setattr__(self, "acceptable", np.ones((P, n), dtype=bool))
        elif np.shape(self.acceptable) != (P, n):
            raise ValueError(
                f"acceptable must be (P, n) = {(P, n)}, got {np.shape(self.acceptable)}"
            )
        if not self.actor_ids:
            object.__setattr__(self, "actor_ids", tuple(f"a{i}" for i in range(n)))
        if self.packages is not None and not self.grids:
            pk = np.asarray(self.packages, dtype=float)
            grids = tuple(np.unique(pk[:, k]) for k in range(pk.shape[1]))
            idx = tuple(np.searchsorted(g, pk[:, k]) for k, g in enumerate(grids))
            object.__setattr__(self, "grids", grids)
            object.__setattr__(self, "grid_index", idx)

    @property
    def mesh(self) -> bool:
        """Whether the packages are the full Cartesian product of the issue grids in C order
        (as :func:`accord.bargaining.build_space` makes them)."""
        if not self.grids:
            return False
        cached = self.__dict__.get("_mesh")
        if cached is None:
            shape = tuple(len(g) for g in self.grids)
            cached = int(np.prod(shape)) == self.n_packages and all(
                np.array_equal(idx, np.indices(shape)[k].ravel())
                for k, idx in enumerate(self.grid_index)
            )
            object.__setattr__(self, "_mesh", cached)
        return cached

    @property
    def n_packages(self) -> int:
        return self.utility.shape[-2]

    @property
    def n_actors(self) -> int:
        return self.utility.shape[-1]

    @property
    def has_red_lines(self) -> bool:
        return self.red_line is not None and bool(np.any(~np.isnan(self.red_line)))

    def select(self, actors: np.ndarray | list[int]) -> OutcomeSpace:
        """The same space restricted to some actors (columns), e.g. the parties."""
        a = np.asarray(actors, dtype=int)
        return OutcomeSpace(
            self.utility[..., a],
            self.no_deal[..., a],
            None if self.acceptable is None else self.acceptable[:, a],
            self.packages,
            None if self.red_line is None else self.red_line[a],
            None if self.red_side is None else self.red_side[a],
            self.width,
            self.scale_min,
            self.scale_max,
            tuple(self.actor_ids[i] for i in a),
            self.issue_ids,
            self.grid_index,
            self.grids,
        )


def from_package_space(space) -> OutcomeSpace:
    """Wrap :class:`accord.bargaining.PackageSpace` (every actor, scenario order); red lines
    are those of the space's month (red lines that follow the front have moved with it)."""
    from accord.bargaining.utility import actor_matrices, red_line_ok

    scn: Scenario = space.scenario
    mats = actor_matrices(scn, space.month)
    n = len(scn.actors)
    # a ratifier (``Actor.ratifies``) is not at the table, but nothing beyond its red lines can
    # be agreed: those packages are not on the table at all
    ratifiers = np.array([a.ratifies for a in scn.actors], dtype=bool)
    keep = red_line_ok(scn, space.packages, mats=mats, ignore=~ratifiers)
    packages, utility = space.packages[keep], space.utility[keep]
    own = np.empty((len(packages), n), dtype=bool)
    for i in range(n):
        ignore = np.ones(n, dtype=bool)
        ignore[i] = False
        own[:, i] = red_line_ok(scn, packages, mats=mats, ignore=ignore)
    red, pos = mats["red_line"], mats["position"]
    side = np.where(np.isnan(red), np.nan, np.sign(red - pos))  # -1: red below position (p >= r ok)
    return OutcomeSpace(
        utility,
        space.no_deal,
        own,
        packages,
        red,
        side,
        mats["width"],
        mats["min"],
        mats["max"],
        tuple(scn.actor_ids),
        tuple(scn.issue_ids),
    )


def from_scenario(
    scenario: Scenario,
    *,
    month: float = 0.0,
    resolution: int = 11,
    loss: Literal["linear", "quadratic"] = "linear",
) -> OutcomeSpace:
    """The bargaining analysis's package grid for ``scenario`` as an outcome space."""
    from accord.bargaining import build_space

    return from_package_space(build_space(scenario, resolution=resolution, month=month, loss=loss))
