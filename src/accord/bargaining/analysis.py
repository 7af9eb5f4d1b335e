"""The bargaining analysis: zone of agreement, frontier, solutions, blocking red lines, ripeness."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from accord.scenario import Scenario

from .frontier import pareto_mask
from .solutions import egalitarian, kalai_smorodinsky, nash
from .space import PackageSpace, build_space
from .utility import Loss, actor_matrices, capabilities_at, no_deal_utility, red_line_ok

__all__ = ["Package", "Relaxation", "RipenessPoint", "BargainResult", "analyse"]


@dataclass(frozen=True)
class Package:
    """A deal: a value per issue (with its scale label), each actor's utility and gain over no deal."""

    values: dict[str, float]
    labels: dict[str, str]
    utility: dict[str, float]
    gain: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"values": self.values, "labels": self.labels,
                "utility": {k: round(v, 6) for k, v in self.utility.items()},
                "gain": {k: round(v, 6) for k, v in self.gain.items()}}


@dataclass(frozen=True)
class Relaxation:
    """The smallest change that opens the zone: whose constraints, and by how much."""

    actors: tuple[str, ...]
    kind: str                      # "no_deal" (accept less than its no-deal payoff) or "red_line"
    size: float                    # utility points (no_deal) or scale points (red_line), summed
    moves: dict[str, Any]
    package: Package


@dataclass(frozen=True)
class RipenessPoint:
    month: int
    zopa_size: int
    no_deal: dict[str, float]


@dataclass(frozen=True)
class BargainResult:
    scenario: Scenario
    space: PackageSpace
    zopa_size: int
    frontier: tuple[Package, ...]
    solutions: dict[str, Package | None]
    blocking_red_lines: tuple[str, ...]
    blocking_no_deal: tuple[str, ...]
    relaxation: Relaxation | None
    timeline: tuple[RipenessPoint, ...]
    opens_at: int | None
    package_at_opening: Package | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def zone_exists(self) -> bool:
        return self.zopa_size > 0

    def to_dict(self) -> dict[str, Any]:
        sol = {k: (None if v is None else v.to_dict()) for k, v in self.solutions.items()}
        return {
            "scenario": self.scenario.metadata.title,
            "packages": int(len(self.space.packages)),
            "grid": {i.id: [float(v) for v in g] for i, g in zip(self.scenario.issues, self.space.grids, strict=True)},
            "coarse_grid": self.space.coarse,
            "loss": self.space.loss,
            "no_deal": dict(zip(self.scenario.actor_ids, map(float, self.space.no_deal), strict=True)),
            "zone_exists": self.zone_exists,
            "zopa_size": self.zopa_size,
            "frontier_size": len(self.frontier),
            "solutions": sol,
            "blocking_red_lines": list(self.blocking_red_lines),
            "blocking_no_deal": list(self.blocking_no_deal),
            "relaxation": None if self.relaxation is None else {
                "actors": list(self.relaxation.actors), "kind": self.relaxation.kind,
                "size": self.relaxation.size, "moves": self.relaxation.moves,
                "package": self.relaxation.package.to_dict()},
            "ripeness": {"opens_at_month": self.opens_at,
                         "package": None if self.package_at_opening is None else self.package_at_opening.to_dict(),
                         "timeline": [{"month": p.month, "zopa_size": p.zopa_size} for p in self.timeline]},
            "notes": list(self.notes),
        }


def _package(space: PackageSpace, idx: int, d: np.ndarray) -> Package:
    scn = space.scenario
    vals = {i.id: float(v) for i, v in zip(scn.issues, space.packages[idx], strict=True)}
    labels = {i.id: i.scale.describe(v) for i, v in zip(scn.issues, space.packages[idx], strict=True)}
    u = space.utility[idx]
    return Package(vals, labels, dict(zip(scn.actor_ids, map(float, u), strict=True)),
                   dict(zip(scn.actor_ids, map(float, u - d), strict=True)))


def _solutions(space: PackageSpace, d: np.ndarray, caps: np.ndarray, rows: np.ndarray) -> dict[str, Package | None]:
    """The solutions among the parties (non-parties' utilities are reported, not bargained over)."""
    pt = space.parties
    u, dp, cp = space.utility[rows][:, pt], d[pt], caps[pt]
    out: dict[str, Package | None] = {}
    w = cp / cp.sum() * len(cp) if cp.sum() > 0 else None
    for name, idx in (("nash", nash(u, dp)), ("nash_weighted", nash(u, dp, w)),
                      ("kalai_smorodinsky", kalai_smorodinsky(u, dp)), ("egalitarian", egalitarian(u, dp))):
        out[name] = None if idx is None else _package(space, int(rows[idx]), d)
    return out


def _relax(space: PackageSpace, d: np.ndarray, mats, max_actors: int | None = None) -> Relaxation | None:
    """Fewest actors first, then the smallest move, that opens the zone."""
    scn = space.scenario
    n = len(scn.actors)
    u, p = space.utility, space.packages
    red, pos, width = mats["red_line"], mats["position"], mats["width"]
    pt = space.parties

    def violation(i: int) -> np.ndarray:                   # scale points beyond i's red lines, summed
        v = np.zeros(len(p))
        for k in range(p.shape[1]):
            r = red[i, k]
            if np.isnan(r):
                continue
            if r < pos[i, k]:
                v += np.clip(r - p[:, k], 0, None)
            elif r > pos[i, k]:
                v += np.clip(p[:, k] - r, 0, None)
            else:
                v += np.abs(p[:, k] - r)
        return v

    best: Relaxation | None = None
    for size in range(1, (max_actors or n) + 1):
        for group in combinations(np.flatnonzero(pt).tolist(), size):
            g = np.zeros(n, dtype=bool)
            g[list(group)] = True
            rest = pt & ~g
            others_ok = red_line_ok(scn, p, mats=mats, ignore=g | ~pt) & (u[:, rest] > d[rest]).all(axis=1)
            if not others_ok.any():
                continue
            # (a) the group accepts less than its no-deal payoff (its red lines still hold)
            cand = others_ok & red_line_ok(scn, p, mats=mats, ignore=~g)
            if cand.any():
                shortfall = np.clip(d[g][None, :] - u[:, g], 0, None).sum(axis=1) + 0.0
                idx = int(np.flatnonzero(cand)[np.argmin(shortfall[cand])])
                moves = {scn.actor_ids[i]: round(float(max(0.0, d[i] - u[idx, i])), 6) for i in group}
                r = Relaxation(tuple(scn.actor_ids[i] for i in group), "no_deal", float(shortfall[idx]), moves,
                               _package(space, idx, d))
                if best is None or (best.kind == "no_deal" and r.size < best.size):
                    best = r
            # (b) the group moves its red lines (its no-deal payoff still holds)
            cand = others_ok & (u[:, g] > d[g]).all(axis=1)
            if cand.any():
                viol = sum(violation(i) / width.mean() * 100 for i in group)
                idx = int(np.flatnonzero(cand)[np.argmin(viol[cand])])
                moves = {}
                for i in group:
                    for k in range(p.shape[1]):
                        r0 = red[i, k]
                        if np.isnan(r0):
                            continue
                        beyond = (p[idx, k] < r0 <= pos[i, k]) or (p[idx, k] > r0 >= pos[i, k])
                        if beyond or (r0 == pos[i, k] and p[idx, k] != r0):
                            moves.setdefault(scn.actor_ids[i], {})[scn.issue_ids[k]] = {
                                "from": float(r0), "to": float(p[idx, k])}
                r = Relaxation(tuple(scn.actor_ids[i] for i in group), "red_line", float(viol[idx]), moves,
                               _package(space, idx, d))
                if best is None:
                    best = r
        if best is not None:
            return best
    return best


def analyse(scenario: Scenario, *, months: int = 120, resolution: int = 11, loss: Loss = "linear",
            max_frontier: int = 50) -> BargainResult:
    """The whole bargaining analysis at month 0, plus the ripeness scan over ``months``."""
    space = build_space(scenario, resolution=resolution, month=0, loss=loss)
    mats = actor_matrices(scenario)
    d = space.no_deal
    zopa = space.zopa
    rows = np.flatnonzero(zopa)
    caps = capabilities_at(scenario, 0)
    frontier: tuple[Package, ...] = ()
    if len(rows):
        fmask = pareto_mask(space.utility[rows])
        front_rows = rows[fmask]
        order = np.argsort(-(space.utility[front_rows] - d).min(axis=1))[:max_frontier]
        frontier = tuple(_package(space, int(r), d) for r in front_rows[order])
    solutions = _solutions(space, d, caps, rows) if len(rows) else {
        k: None for k in ("nash", "nash_weighted", "kalai_smorodinsky", "egalitarian")}
    blocking_red, blocking_nd, relax = [], [], None
    pt = space.parties
    if not len(rows):
        u = space.utility
        part = (u[:, pt] > d[pt]).all(axis=1)
        for i, a in enumerate(scenario.actors):
            if not pt[i]:
                continue
            g = np.zeros(len(scenario.actors), dtype=bool)
            g[i] = True
            if not np.isnan(mats["red_line"][i]).all() and \
                    (red_line_ok(scenario, space.packages, mats=mats, ignore=g | ~pt) & part).any():
                blocking_red.append(a.id)
            rest = pt & ~g
            if (space.feasible & (u[:, rest] > d[rest]).all(axis=1)).any():
                blocking_nd.append(a.id)
        relax = _relax(space, d, mats)
    timeline, opens_at, at_open = [], None, None
    for t in range(months + 1):
        dt = no_deal_utility(scenario, t, loss=loss, mats=mats)
        z = space.feasible & (space.utility[:, pt] > dt[pt]).all(axis=1)
        timeline.append(RipenessPoint(t, int(z.sum()), dict(zip(scenario.actor_ids, map(float, dt), strict=True))))
        if opens_at is None and z.any():
            opens_at = t
            zr = np.flatnonzero(z)
            idx = nash(space.utility[zr][:, pt], dt[pt])
            at_open = None if idx is None else _package(space, int(zr[idx]), dt)
    notes = []
    if space.coarse:
        notes.append("the fine grid was too large; packages use labelled points, red lines, status quo and scale ends")
    return BargainResult(scenario, space, int(zopa.sum()), frontier, solutions, tuple(blocking_red),
                         tuple(blocking_nd), relax, tuple(timeline), opens_at, at_open, tuple(notes))
