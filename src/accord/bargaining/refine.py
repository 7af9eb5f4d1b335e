"""Continuous optima: how far the grid's solutions lie from the best package on the real scales.

Within every party's red lines the candidate packages form a box (red lines bound each issue
separately, :func:`~accord.bargaining.utility.issue_bounds`), and each utility
u_i(x) = 1 − Σ_k ŝ_ik L(|x_k − x_ik| / W_k) is concave in x for both loss shapes. So on the
continuous issues, with the discrete ones fixed at one of their options:

- the egalitarian value  max_x min_i (u_i(x) − d_i)                         [Kalai1977]
- the ideal point        a_i = max_x u_i(x)  s.t. u_j(x) ≥ d_j for all j   [Kalai1975]
- Kalai–Smorodinsky      max_x min_i (u_i(x) − d_i) / (a_i − d_i)           [Kalai1975]
- Nash                   max_x Σ_i w_i log(u_i(x) − d_i)                    [Nash1950; Kalai1977]

are concave programs: a local optimum is the global one. The linear loss |x_k − x_ik| is made
smooth by the usual epigraph variables t_ik ≥ ±(x_k − x_ik) [Boyd2004, sec. 4.3]. With the linear
loss the max–min, ideal-point and Kalai–Smorodinsky programs are then linear programs, solved
exactly by HiGHS [Huangfu2018] through scipy's ``linprog``; Nash (and every program under the
quadratic loss) is smooth with linear constraints and solved by sequential least squares
programming (SLSQP, [Kraft1988]) from the max–min package, never ending worse than it. Discrete
issues are enumerated (every combination of their
options that breaks no red line, up to ``MAX_COMBINATIONS``) and the best combination kept.

The max–min value also decides whether a zone of agreement exists on the continuous scales: it
does exactly when the egalitarian value is positive (some package gives every party more than
no deal), which the ripeness scan uses to find the month a zone opens between grid points.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
from scipy.optimize import linprog, minimize

from accord.scenario import Scenario

from .utility import Loss, actor_matrices, issue_bounds, red_line_ok

__all__ = [
    "MAX_COMBINATIONS",
    "ContinuousProblem",
    "continuous_problem",
    "discrete_combinations",
    "ideal_point",
    "kalai_smorodinsky_continuous",
    "max_min_gain",
    "nash_continuous",
]

log = logging.getLogger(__name__)

#: Most combinations of discrete options enumerated; beyond it the discrete issues stay at the
#: grid solution's options.
MAX_COMBINATIONS = 256
_FTOL = 1e-12  # SLSQP tolerance on the objective
_MAXITER = 500


@dataclass(frozen=True)
class _Program:
    """One combination of discrete options: u(z) over z = (x on the continuous issues, t)."""

    base: np.ndarray  # (n,) 1 − loss on the fixed (discrete) issues
    cont: np.ndarray  # (c,) indices of the continuous issues
    pos: np.ndarray  # (n, c) positions on them
    coef: np.ndarray  # (n, c) ŝ_ik / W_k (linear) or ŝ_ik / W_k² (quadratic)
    lo: np.ndarray  # (c,) box from the red lines
    hi: np.ndarray
    loss: str
    pairs: tuple[
        np.ndarray, np.ndarray
    ]  # (actor, continuous issue) with coef > 0 (linear: t variables)
    fixed: np.ndarray  # (m,) the package's values on the discrete issues (NaN on continuous ones)

    @property
    def nx(self) -> int:
        return len(self.cont)

    @property
    def nz(self) -> int:
        return self.nx + (len(self.pairs[0]) if self.loss == "linear" else 0)

    def start(self, x: np.ndarray) -> np.ndarray:
        x = np.clip(x, self.lo, self.hi)
        if self.loss != "linear":
            return x
        i, k = self.pairs
        return np.concatenate([x, np.abs(x[k] - self.pos[i, k])])

    def u_at(self, x: np.ndarray) -> np.ndarray:
        """(n,) exact utilities of the package with values ``x`` on the continuous issues."""
        dist = np.abs(x[None, :] - self.pos)
        return self.base - (self.coef * (dist if self.loss == "linear" else dist * dist)).sum(
            axis=1
        )

    def u(self, z: np.ndarray) -> np.ndarray:
        """(n,) utilities through the epigraph variables (a lower bound of :meth:`u_at` when a t has
        slack).
        """
        x = z[: self.nx]
        if self.loss == "linear":
            i, k = self.pairs
            return self.base - np.bincount(
                i, self.coef[i, k] * z[self.nx :], minlength=len(self.base)
            )
        return self.base - (self.coef * (x[None, :] - self.pos) ** 2).sum(axis=1)

    def du(self, z: np.ndarray) -> np.ndarray:
        """(n, nz) Jacobian of u."""
        out = np.zeros((len(self.base), self.nz))
        if self.loss == "linear":
            i, k = self.pairs
            out[i, self.nx + np.arange(len(i))] = -self.coef[i, k]
        else:
            out[:, : self.nx] = -2 * self.coef * (z[None, : self.nx] - self.pos)
        return out

    def linear_constraints(self, extra: int) -> list[dict]:
        """t_j ≥ x_k − x_ik and t_j ≥ x_ik − x_k (linear loss only), as SLSQP inequality dicts."""
        if self.loss != "linear" or not len(self.pairs[0]):
            return []
        i, k = self.pairs
        npairs = len(i)
        G = np.zeros((2 * npairs, self.nz + extra))
        rows = np.arange(npairs)
        G[rows, self.nx + rows] = 1.0
        G[rows, k] = -1.0
        G[npairs + rows, self.nx + rows] = 1.0
        G[npairs + rows, k] = 1.0
        h = np.concatenate([-self.pos[i, k], self.pos[i, k]])
        return [{"type": "ineq", "fun": lambda z, G=G, h=h: G @ z - h, "jac": lambda z, G=G: G}]

    def bounds(self, extra: int) -> list[tuple[float | None, float | None]]:
        b = list(zip(self.lo.tolist(), self.hi.tolist(), strict=True))
        b += [(0.0, None)] * (self.nz - self.nx)
        return b + [(None, None)] * extra

    def package(self, z: np.ndarray) -> np.ndarray:
        out = self.fixed.copy()
        out[self.cont] = np.clip(z[: self.nx], self.lo, self.hi)
        return out


@dataclass(frozen=True)
class ContinuousProblem:
    """The continuous package space of a scenario within the parties' red lines."""

    scenario: Scenario
    programs: tuple[_Program, ...]  # one per admissible combination of discrete options
    parties: np.ndarray  # (n,) bool
    loss: str

    @property
    def empty(self) -> bool:
        return not self.programs


def discrete_combinations(scenario: Scenario) -> int:
    """How many combinations of discrete options the scenario's discrete issues have."""
    return int(
        np.prod([len(i.scale.labels) for i in scenario.issues if i.scale.discrete], dtype=float)
    )


def continuous_problem(
    scenario: Scenario,
    *,
    loss: Loss = "linear",
    parties: np.ndarray | None = None,
    discrete_at: np.ndarray | None = None,
    max_combinations: int = MAX_COMBINATIONS,
    month: float = 0.0,
) -> ContinuousProblem:
    """Set up the programs; ``discrete_at`` (m,) fixes the discrete issues when there are more
    than ``max_combinations`` combinations of their options; red lines at ``month`` (those that
    follow the front have moved with it)."""
    mats = actor_matrices(scenario, month)
    n, m = mats["shat"].shape
    parties = np.ones(n, dtype=bool) if parties is None else np.asarray(parties, dtype=bool)
    holders = parties | scenario.red_line_holders()  # ratifiers' red lines bind too
    lo, hi = issue_bounds(scenario, mats=mats, ignore=~holders)
    disc = np.array([i.scale.discrete for i in scenario.issues], dtype=bool)
    cont = np.flatnonzero(~disc)
    if (lo[cont] > hi[cont]).any():
        return ContinuousProblem(scenario, (), parties, loss)
    options = [
        np.array(sorted(scenario.issues[k].scale.labels), dtype=float) for k in np.flatnonzero(disc)
    ]
    n_comb = int(np.prod([len(o) for o in options])) if options else 1
    if n_comb > max_combinations:
        if discrete_at is None:
            raise ValueError(
                f"{n_comb} combinations of discrete options exceed {max_combinations}; "
                "pass discrete_at"
            )
        log.info("%d discrete combinations: discrete issues fixed at the grid solution", n_comb)
        options = [np.array([discrete_at[k]]) for k in np.flatnonzero(disc)]
    pos, shat, width = mats["position"], mats["shat"], mats["width"]
    power = 1 if loss == "linear" else 2
    coef = shat[:, cont] / width[cont] ** power
    pairs = np.nonzero(coef > 0) if loss == "linear" else (np.zeros(0, int), np.zeros(0, int))
    programs = []
    for combo in itertools.product(*options):
        fixed = np.full(m, np.nan)
        fixed[disc] = combo
        if disc.any():
            probe = np.where(disc, fixed, np.clip(pos.mean(axis=0), lo, hi))
            if not red_line_ok(scenario, probe[None, :], mats=mats, ignore=~holders)[0]:
                continue
        base = np.ones(n)
        for k in np.flatnonzero(disc):
            dist = np.abs(fixed[k] - pos[:, k]) / width[k]
            base -= shat[:, k] * (dist if loss == "linear" else dist * dist)
        programs.append(
            _Program(
                base,
                cont,
                pos[:, cont],
                coef,
                lo[cont],
                hi[cont],
                loss,
                (pairs[0], pairs[1]),
                fixed,
            )
        )
    return ContinuousProblem(scenario, tuple(programs), parties, loss)


def _solve(fun, jac, z0, constraints, bounds):
    if not len(z0):  # every issue discrete: nothing to move
        return SimpleNamespace(x=np.asarray(z0, dtype=float), success=True)
    res = minimize(
        fun,
        z0,
        jac=jac,
        method="SLSQP",
        constraints=constraints,
        bounds=bounds,
        options={"ftol": _FTOL, "maxiter": _MAXITER},
    )  # [Kraft1988]
    if not res.success:
        log.debug("SLSQP: %s", res.message)
    return res


def _lp(
    prog: _Program, d: np.ndarray, span: np.ndarray, parties: np.ndarray, target: int | None = None
) -> np.ndarray | None:
    """Linear loss, an LP over z = (x, t, s) solved by HiGHS: max s s.t. (u_i − d_i)/span_i ≥ s
    for the parties; with ``target``, s = 0 and the objective is max u_target. Returns x, or None
    when infeasible (only possible with a target)."""
    idx = np.flatnonzero(parties)
    i, k = prog.pairs
    npairs, nx = len(i), prog.nx
    nv = nx + npairs + 1
    c = np.zeros(nv)
    bounds = prog.bounds(1)
    if target is None:
        c[-1] = -1.0  # maximise s
    else:
        sel = i == target
        c[nx + np.flatnonzero(sel)] = prog.coef[target, k[sel]]  # minimise the target's loss
        bounds[-1] = (0.0, 0.0)
    A_u = np.zeros((len(idx), nv))  # Σ_k coef t/span + s ≤ (base − d)/span
    for row, a in enumerate(idx):
        sel = i == a
        A_u[row, nx + np.flatnonzero(sel)] = prog.coef[a, k[sel]] / span[a]
    A_u[:, -1] = 1.0
    b_u = ((prog.base - d) / span)[idx]
    rows = np.arange(npairs)
    A_t = np.zeros((2 * npairs, nv))  # ±(x_k − x_ik) ≤ t
    A_t[rows, k] = 1.0
    A_t[rows, nx + rows] = -1.0
    A_t[npairs + rows, k] = -1.0
    A_t[npairs + rows, nx + rows] = -1.0
    b_t = np.concatenate([prog.pos[i, k], -prog.pos[i, k]])
    res = linprog(
        c,
        A_ub=np.vstack([A_u, A_t]),
        b_ub=np.concatenate([b_u, b_t]),
        bounds=bounds,
        method="highs",
    )  # [Huangfu2018]
    if res.status == 2 and target is not None:
        return None
    if res.status != 0:  # max–min is always feasible and bounded
        raise RuntimeError(f"linear program failed: {res.message}")
    return np.clip(res.x[:nx], prog.lo, prog.hi)


def _max_min(
    prog: _Program, d: np.ndarray, span: np.ndarray, parties: np.ndarray, x0: np.ndarray
) -> tuple[float, np.ndarray]:
    """max s  s.t.  (u_i − d_i)/span_i ≥ s for the parties: (value, x on the continuous issues)."""
    idx = np.flatnonzero(parties)
    if prog.loss == "linear":
        x = _lp(prog, d, span, parties)
        assert x is not None  # without a target the max–min LP is always solved
        return float(((prog.u_at(x) - d) / span)[idx].min()), x
    idx = np.flatnonzero(parties)
    z0 = prog.start(x0)
    s0 = float(((prog.u(z0) - d) / span)[idx].min())
    z0 = np.concatenate([z0, [s0]])

    def cons(z):
        return ((prog.u(z[:-1]) - d) / span)[idx] - z[-1]

    def cons_jac(z):
        J = np.zeros((len(idx), len(z)))
        J[:, :-1] = (prog.du(z[:-1]) / span[:, None])[idx]
        J[:, -1] = -1.0
        return J

    grad = np.zeros(len(z0))
    grad[-1] = -1.0
    res = _solve(
        lambda z: -z[-1],
        lambda z: grad,
        z0,
        [{"type": "ineq", "fun": cons, "jac": cons_jac}],
        prog.bounds(1),
    )
    x = np.clip(res.x[: prog.nx], prog.lo, prog.hi)
    value = float(((prog.u_at(x) - d) / span)[idx].min())  # the value the package really gets
    if value < s0:  # never worse than the start
        return s0, z0[: prog.nx]
    return value, x


def _x0(prog: _Program, start: np.ndarray | None) -> np.ndarray:
    if start is not None:
        return np.asarray(start, dtype=float)[prog.cont]
    return np.clip(prog.pos.mean(axis=0), prog.lo, prog.hi)


def max_min_gain(
    problem: ContinuousProblem,
    d: np.ndarray,
    *,
    span: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> tuple[float, np.ndarray | None]:
    """max over packages of min over parties of (u_i − d_i)/span_i, and the package; (−inf, None)
    when the red lines leave no package. Positive exactly when a zone of agreement exists."""
    d = np.asarray(d, dtype=float)
    span = np.ones_like(d) if span is None else np.asarray(span, dtype=float)
    best, best_pkg = -np.inf, None
    for prog in problem.programs:
        v, x = _max_min(prog, d, span, problem.parties, _x0(prog, start))
        if v > best:
            best, best_pkg = v, prog.package(x)
    return best, best_pkg


def ideal_point(problem: ContinuousProblem, d: np.ndarray) -> np.ndarray:
    """(n,) a_i = the best u_i among packages giving every party at least d [Kalai1975]; NaN for
    non-parties and when no such package exists."""
    d = np.asarray(d, dtype=float)
    n = len(d)
    idx = np.flatnonzero(problem.parties)
    out = np.full(n, np.nan)
    for prog in problem.programs:
        v, x0 = _max_min(prog, d, np.ones(n), problem.parties, _x0(prog, None))
        if v < -1e-12:
            continue
        for i in idx:
            if prog.loss == "linear":
                x = _lp(prog, d, np.ones(n), problem.parties, target=int(i))
                x = x0 if x is None else x
            else:
                z0 = prog.start(x0)
                res = _solve(
                    lambda z, i=i, prog=prog: -prog.u(z)[i],
                    lambda z, i=i, prog=prog: -prog.du(z)[i],
                    z0,
                    [
                        {
                            "type": "ineq",
                            "fun": lambda z, prog=prog: (prog.u(z) - d)[idx],
                            "jac": lambda z, prog=prog: prog.du(z)[idx],
                        }
                    ],
                    prog.bounds(0),
                )
                x = np.clip(res.x[: prog.nx], prog.lo, prog.hi)
                if (prog.u_at(x) - d)[idx].min() < -1e-9:
                    x = x0
            val = float(prog.u_at(x)[i])
            out[i] = val if np.isnan(out[i]) else max(out[i], val)
    return out


def nash_continuous(
    problem: ContinuousProblem,
    d: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    start: np.ndarray | None = None,
) -> tuple[float, np.ndarray | None]:
    """max Σ_parties w_i log(u_i − d_i) over the continuous packages: (value, package), or
    (−inf, None) when no package gives every party more than d [Nash1950; Kalai1977; Roth1979].
    Starts from the max–min package, so the result is never worse than it."""
    d = np.asarray(d, dtype=float)
    n = len(d)
    idx = np.flatnonzero(problem.parties)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    best, best_pkg = -np.inf, None

    for prog in problem.programs:
        v, x0 = _max_min(prog, d, np.ones(n), problem.parties, _x0(prog, start))
        if v <= 0:
            continue

        def score(x, prog=prog):
            return float((w[idx] * np.log((prog.u_at(x) - d)[idx])).sum())  # [Nash1950]

        def fun(z, prog=prog):
            return -float((w[idx] * np.log(np.maximum((prog.u(z) - d)[idx], 1e-300))).sum())

        def jac(z, prog=prog):
            g = np.maximum((prog.u(z) - d)[idx], 1e-300)
            return -((w[idx] / g)[:, None] * prog.du(z)[idx]).sum(axis=0)

        floor = 1e-3 * v  # keep every gain positive so the logarithm exists
        res = _solve(
            fun,
            jac,
            prog.start(x0),
            [
                {
                    "type": "ineq",
                    "fun": lambda z, prog=prog, floor=floor: (prog.u(z) - d)[idx] - floor,
                    "jac": lambda z, prog=prog: prog.du(z)[idx],
                }
            ]
            + prog.linear_constraints(0),
            prog.bounds(0),
        )
        x = np.clip(res.x[: prog.nx], prog.lo, prog.hi)
        if not (prog.u_at(x) - d)[idx].min() > 0 or score(x) < score(x0):
            x = x0
        val = score(x)
        if val > best:
            best, best_pkg = val, prog.package(x)
    return best, best_pkg


def kalai_smorodinsky_continuous(
    problem: ContinuousProblem, d: np.ndarray, *, start: np.ndarray | None = None
) -> tuple[float, np.ndarray | None, np.ndarray]:
    """max min_i (u_i − d_i)/(a_i − d_i) with a the continuous ideal point [Kalai1975]:
    (value, package, ideal point)."""
    d = np.asarray(d, dtype=float)
    ideal = ideal_point(problem, d)
    span = np.where(problem.parties & (ideal - d > 0), ideal - d, 1.0)
    value, pkg = max_min_gain(problem, d, span=span, start=start)
    return value, pkg, ideal
