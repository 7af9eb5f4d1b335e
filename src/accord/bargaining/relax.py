"""When no deal beats continued war for everyone: which red lines block it, and the smallest change
that opens the zone of possible agreement.

A red line r_ik is the worst value actor i accepts on issue k. On the package grid, each package
violates a known set of red lines by known distances, so both questions are exact on the grid:

- **blocking red lines**: dropping the red line (i, k) alone opens the zone when some package
  gives every party more than no deal and violates no red line other than (i, k); dropping all of
  actor i's red lines opens it when the only red lines violated are i's ([Fisher1981]: a party's
  "bottom line" can keep it from a deal better than its alternative).
- **smallest relaxation**, fewest actors first ([Raiffa1982, ch. 4]: the zone of agreement opens
  when reservation values move), of two kinds:
  * ``red_line``: a group moves red lines; the size is the total distance the red lines move, in
    fractions of each issue's scale width (so issues on different scales compare); the package is
    the one that needs the smallest move, with every party still better off than no deal;
  * ``no_deal``: a group accepts less than its no-deal utility; the size is the total shortfall
    in utility; every red line still holds.
  The reported relaxation is the one with fewer actors (red lines first on a tie: moving a
  stated limit is a concession on terms, accepting less than war is not).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from .package import Package, make_package
from .space import PackageSpace

__all__ = [
    "BlockingRedLine",
    "Relaxation",
    "blocking_red_lines",
    "red_line_violations",
    "smallest_relaxations",
]


@dataclass(frozen=True)
class BlockingRedLine:
    """One red line and whether dropping it alone opens the zone."""

    actor: str
    issue: str
    red_line: float
    opens_zone: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "issue": self.issue,
            "red_line": self.red_line,
            "opens_zone": self.opens_zone,
        }


@dataclass(frozen=True)
class Relaxation:
    """The smallest change that opens the zone: whose constraints, and by how much."""

    actors: tuple[str, ...]
    kind: str  # "red_line" (move red lines) or "no_deal" (accept less than no deal)
    size: float  # scale-width fractions (red_line) or utility (no_deal), summed
    moves: dict[str, Any]  # red_line: {actor: {issue: {"from", "to"}}}; no_deal: {actor: shortfall}
    package: Package

    def to_dict(self) -> dict[str, Any]:
        return {
            "actors": list(self.actors),
            "kind": self.kind,
            "size": round(self.size, 6),
            "moves": self.moves,
            "package": self.package.to_dict(),
        }


def red_line_violations(
    space: PackageSpace, mats: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The parties' red lines as (lines (L, 2) of (actor, issue), beyond (P, L)): how far each
    package lies beyond each red line, in scale points (0 = acceptable)."""
    red, pos = mats["red_line"], mats["position"]
    has = ~np.isnan(red) & space.parties[:, None]
    lines = np.argwhere(has)
    p = space.packages
    beyond = np.zeros((len(p), len(lines)))
    tol = 1e-9 * mats["width"]
    for j, (i, k) in enumerate(lines):
        r, x = red[i, k], pos[i, k]
        if r < x:
            beyond[:, j] = np.clip(r - p[:, k], 0, None)
        elif r > x:
            beyond[:, j] = np.clip(p[:, k] - r, 0, None)
        else:
            beyond[:, j] = np.abs(p[:, k] - r)
        beyond[beyond[:, j] <= tol[k], j] = 0.0
    return lines, beyond


def _better(space: PackageSpace, d: np.ndarray, who: np.ndarray) -> np.ndarray:
    """(P,) every actor in ``who`` strictly prefers the package to no deal."""
    if not who.any():
        return np.ones(len(space.packages), dtype=bool)
    return (space.utility[:, who] > d[who]).all(axis=1)


def blocking_red_lines(
    space: PackageSpace, d: np.ndarray, mats: dict[str, np.ndarray]
) -> tuple[tuple[BlockingRedLine, ...], tuple[str, ...], tuple[str, ...]]:
    """(every party's red line and whether dropping it alone opens the zone, the actors whose red
    lines dropped together open it, the actors whose accepting less than no deal alone opens it)."""
    scn = space.scenario
    lines, beyond = red_line_violations(space, mats)
    violated = beyond > 0
    better = _better(space, d, space.parties)
    nviol = violated.sum(axis=1)
    per_line = []
    for j, (i, k) in enumerate(lines):
        opens = bool((better & (nviol - violated[:, j] == 0)).any())
        per_line.append(
            BlockingRedLine(
                scn.actor_ids[i], scn.issue_ids[k], float(mats["red_line"][i, k]), opens
            )
        )
    by_actor, by_no_deal = [], []
    for i in np.flatnonzero(space.parties):
        own = lines[:, 0] == i
        if own.any() and (better & ~violated[:, ~own].any(axis=1)).any():
            by_actor.append(scn.actor_ids[i])
        rest = space.parties.copy()
        rest[i] = False
        if (space.feasible & _better(space, d, rest)).any():
            by_no_deal.append(scn.actor_ids[i])
    return tuple(per_line), tuple(by_actor), tuple(by_no_deal)


def smallest_relaxations(
    space: PackageSpace,
    d: np.ndarray,
    mats: dict[str, np.ndarray],
    *,
    max_actors: int | None = None,
) -> dict[str, Relaxation | None]:
    """``{"red_line": ..., "no_deal": ...}``: for each kind, the fewest actors and then the
    smallest move that opens the zone on the grid (None when no group of parties can)."""
    scn = space.scenario
    lines, beyond = red_line_violations(space, mats)
    width = mats["width"]
    frac = beyond / width[lines[:, 1]] if len(lines) else beyond  # scale-width fractions
    parties = np.flatnonzero(space.parties)
    u = space.utility
    out: dict[str, Relaxation | None] = {"red_line": None, "no_deal": None}
    for size in range(1, (max_actors or len(parties)) + 1):
        best: dict[str, tuple[float, int, tuple[int, ...]]] = {}
        for group in combinations(parties.tolist(), size):
            g = np.zeros(len(scn.actors), dtype=bool)
            g[list(group)] = True
            rest = space.parties & ~g
            others = _better(space, d, rest)
            own = np.isin(lines[:, 0], group) if len(lines) else np.zeros(0, dtype=bool)
            others_lines_ok = ~(beyond[:, ~own] > 0).any(axis=1)
            if out["red_line"] is None:
                cand = others & others_lines_ok & _better(space, d, g)
                if cand.any():
                    move = frac[:, own].sum(axis=1)
                    idx = int(np.flatnonzero(cand)[np.argmin(move[cand])])
                    if "red_line" not in best or move[idx] < best["red_line"][0] - 1e-12:
                        best["red_line"] = (float(move[idx]), idx, group)
            if out["no_deal"] is None:
                cand = others & space.feasible
                if cand.any():
                    short = np.clip(d[g][None, :] - u[:, g], 0, None).sum(axis=1)
                    idx = int(np.flatnonzero(cand)[np.argmin(short[cand])])
                    if "no_deal" not in best or short[idx] < best["no_deal"][0] - 1e-12:
                        best["no_deal"] = (float(short[idx]), idx, group)
        for kind, (sz, idx, group) in best.items():
            pkg = make_package(scn, space.packages[idx], u[idx], d)
            if kind == "red_line":
                moves: dict[str, Any] = {}
                for j, (i, k) in enumerate(lines):
                    if i in group and beyond[idx, j] > 0:
                        moves.setdefault(scn.actor_ids[i], {})[scn.issue_ids[k]] = {
                            "from": float(mats["red_line"][i, k]),
                            "to": float(space.packages[idx, k]),
                        }
            else:
                moves = {
                    scn.actor_ids[i]: round(float(max(0.0, d[i] - u[idx, i])), 6) for i in group
                }
            out[kind] = Relaxation(tuple(scn.actor_ids[i] for i in group), kind, sz, moves, pkg)
        if out["red_line"] is not None and out["no_deal"] is not None:
            break
    return out


def preferred(relaxations: dict[str, Relaxation | None]) -> Relaxation | None:
    """The reported relaxation: fewer actors first, red lines before no-deal payoffs on a tie."""
    found = [r for r in (relaxations.get("red_line"), relaxations.get("no_deal")) if r is not None]
    return min(found, key=lambda r: len(r.actors)) if found else None
