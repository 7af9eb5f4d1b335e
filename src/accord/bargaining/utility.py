"""Actors' utilities over packages, red lines, and the no-deal (continued war) payoff over time.

A *package* fixes a value on every issue. Actor i's utility of package p is

    u_i(p) = 1 − Σ_k ŝ_ik · L(|p_k − x_ik| / W_k)                 [Enelow1984, ch. 2; Achen2006]

with x_ik its position, ŝ_ik its salience normalised to sum to one over the issues it cares
about, W_k the issue's scale width and L the loss shape: ``linear`` (L(d) = d, city-block
spatial preferences) or ``quadratic`` (L(d) = d², the usual Euclidean-quadratic form, under which
[Achen2006] derives the salience-weighted compromise as a bargaining outcome). So u = 1 at the
actor's ideal package and 0 at the
far end of every scale it cares about; an actor without a stance on an issue has ŝ_ik = 0 there
(it does not care about it).

Red lines are hard limits: a red line r_ik is the worst value i accepts, so values beyond it,
on the side away from x_ik, are unacceptable (a red line equal to the position accepts only it).
A red line that follows the front (``Stance.red_line_follows_front``: "no withdrawal from any of
the territory we hold") moves with the status quo, r_ik(t) = r_ik + sq_k(t) − sq_k(0), within
the scale and never past x_ik; every month of the analysis then has its own red lines.

No deal at month t is the continued war ([Fearon1995]: war is costly, so a bargaining range
exists unless information or commitment problems close it; [Zartman2000]: a "mutually hurting
stalemate" ripens a conflict; [Fisher1981]: the no-agreement alternative, BATNA):

    sq_k(t) = clip(sq_k + δ_k · t)          status quo of issue k, drifting δ_k per month
    d_i(t)  = u_i(sq(t)) − c_i · Σ_{τ=1..t} (1 + γ_i)^{τ−1} (1 + ρ)^{−τ}

with c_i the actor's cost per month (utility), γ_i the monthly growth of that cost
(``no_deal.cost_growth_per_month``; none: 0; above 0 where economic strain mounts, below 0
where endurance rises), ρ the monthly discount rate (``war``; none: ρ = 0) and t whole
months; an actor's fixed ``no_deal.utility`` replaces u_i(sq(t)) (its costs still accrue).
No deal is the status-quo package, the best alternative to a negotiated agreement
([Fisher1981]) and each party's reservation value ([Raiffa1982]). Capabilities trend by
(1 + g_i)^t (used to weight the asymmetric Nash solution at month t).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from accord.scenario import Problem, Scenario, ScenarioError

__all__ = [
    "Loss",
    "actor_matrices",
    "capabilities_at",
    "follow_front",
    "follows_front",
    "front_drifts",
    "issue_bounds",
    "no_deal_utility",
    "package_utility",
    "red_line_ok",
    "status_quo",
    "war_cost_months",
]

Loss = Literal["linear", "quadratic"]


def follows_front(scenario: Scenario) -> np.ndarray:
    """(n, m) bool: the red lines that move with the front (``Stance.red_line_follows_front``)."""
    out = np.zeros((len(scenario.actors), len(scenario.issues)), dtype=bool)
    for i, a in enumerate(scenario.actors):
        for k, issue in enumerate(scenario.issues):
            st = a.stances.get(issue.id)
            out[i, k] = st is not None and st.red_line is not None and st.red_line_follows_front
    return out


def front_drifts(scenario: Scenario) -> np.ndarray:
    """(m,) bool: the issues whose status quo may move (a ``war.drift_per_month`` entry that is
    not zero or is uncertain)."""
    drift = scenario.war.drift_per_month if scenario.war is not None else {}
    return np.array(
        [
            i.id in drift and (drift[i.id].value != 0 or drift[i.id].uncertainty is not None)
            for i in scenario.issues
        ],
        dtype=bool,
    )


def follow_front(
    red: np.ndarray,
    position: np.ndarray,
    shift: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> np.ndarray:
    """Red lines moved with the front: r_ik(t) = r_ik + (sq_k(t) − sq_k(0)), within the scale
    and never past the actor's own position (the side of a red line is fixed by the scenario, as
    :mod:`accord.scenario.arrays` states); a red line at the position stays there. Arrays
    broadcast: one scenario (n, m) or every draw (D, n, m) alike."""
    moved = np.clip(red + shift, lo, hi)  # [Zartman2000] the red line tracks the ground held
    return np.where(
        red < position,
        np.minimum(moved, position),
        np.where(red > position, np.maximum(moved, position), red),
    )


def actor_matrices(scenario: Scenario, month: float = 0.0) -> dict[str, np.ndarray]:
    """Positions, normalised saliences (ŝ, rows sum to 1), red lines at ``month`` (NaN = none;
    those that follow the front moved by its drift, :func:`follow_front`), widths, bounds."""
    m = scenario.matrices()
    sal = m["salience"]
    tot = sal.sum(axis=1, keepdims=True)
    shat = np.where(tot > 0, sal / np.where(tot > 0, tot, 1.0), 0.0)
    lo = np.array([i.scale.min for i in scenario.issues])
    hi = np.array([i.scale.max for i in scenario.issues])
    position = np.nan_to_num(m["position"], nan=0.0)
    red = m["red_line"]
    follows = follows_front(scenario) if month else None
    if follows is not None and follows.any():
        shift = status_quo(scenario, month) - status_quo(scenario, 0.0)
        red = np.where(follows, follow_front(red, position, shift[None, :], lo, hi), red)
    return {
        "position": position,
        "shat": shat,
        "red_line": red,
        "width": hi - lo,
        "min": lo,
        "max": hi,
        "capability": np.array([a.capability.value for a in scenario.actors]),
    }


def _loss(dist: np.ndarray, loss: str) -> np.ndarray:
    if loss == "linear":
        return dist  # [Enelow1984] city-block
    if loss == "quadratic":
        return dist * dist  # [Enelow1984] quadratic
    raise ValueError(f"loss must be 'linear' or 'quadratic', got {loss!r}")


def issue_loss(
    values: np.ndarray, position: np.ndarray, shat: np.ndarray, width: float, loss: str = "linear"
) -> np.ndarray:
    """One issue's share of an actor's loss from a value: ŝ_ik L(|v − x_ik| / W_k), the term that
    package utilities, no-deal utilities and the Monte Carlo's kernel all sum over issues
    ([Enelow1984]; arrays broadcast, so one package or every draw's grid alike)."""
    return _loss(np.abs(values - position) / width, loss) * shat


def package_utility(
    scenario: Scenario,
    packages: np.ndarray,
    *,
    loss: Loss = "linear",
    mats: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """(P, n) utilities of packages (P, m) for every actor.

    Accumulated issue by issue, so memory stays at (P, n) whatever the number of issues.
    """
    mats = mats or actor_matrices(scenario)
    p = np.atleast_2d(np.asarray(packages, dtype=float))
    pos, shat, width = mats["position"], mats["shat"], mats["width"]
    if p.shape[1] != pos.shape[1]:
        raise ValueError(
            f"packages must have one value per issue ({pos.shape[1]}), got {p.shape[1]}"
        )
    total = np.zeros((p.shape[0], pos.shape[0]))
    for k in range(pos.shape[1]):
        cares = shat[:, k] > 0  # no stance: no loss
        if not cares.any():
            continue
        # Σ_k ŝ_ik L(d_ik), d in 0..1, (P, n_k)
        total[:, cares] += issue_loss(
            p[:, k, None], pos[None, cares, k], shat[cares, k], width[k], loss
        )
    return np.clip(1.0 - total, 0.0, 1.0)  # clip rounding only


def issue_bounds(
    scenario: Scenario,
    *,
    mats: dict[str, np.ndarray] | None = None,
    ignore: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi), each (m,): the values of each issue that break none of the red lines.

    Red lines bound each issue separately, so the packages within every red line form a box;
    ``lo > hi`` on some issue means the red lines on it are incompatible.
    """
    mats = mats or actor_matrices(scenario)
    red, pos = mats["red_line"], mats["position"]
    if ignore is not None:
        red = np.where(np.asarray(ignore, dtype=bool)[:, None], np.nan, red)
    has = ~np.isnan(red)
    lower = np.where(has & (red <= pos), red, -np.inf).max(axis=0)  # acceptable: p ≥ red
    upper = np.where(has & (red >= pos), red, np.inf).min(axis=0)  # acceptable: p ≤ red
    return np.maximum(mats["min"], lower), np.minimum(mats["max"], upper)


def red_line_ok(
    scenario: Scenario,
    packages: np.ndarray,
    *,
    mats: dict[str, np.ndarray] | None = None,
    ignore: np.ndarray | None = None,
) -> np.ndarray:
    """(P,) whether a package breaks no red line; ``ignore`` (n,) bool drops actors' red lines."""
    mats = mats or actor_matrices(scenario)
    p = np.atleast_2d(np.asarray(packages, dtype=float))
    red, pos = mats["red_line"], mats["position"]
    if ignore is not None:
        red = np.where(ignore[:, None], np.nan, red)
    has = ~np.isnan(red)
    below = has & (red < pos)  # acceptable: p ≥ red
    above = has & (red > pos)  # acceptable: p ≤ red
    equal = has & (red == pos)
    tol = 1e-9 * mats["width"]
    ok = np.ones(p.shape[0], dtype=bool)
    for i, k in zip(*np.nonzero(below), strict=True):
        ok &= p[:, k] >= red[i, k] - tol[k]
    for i, k in zip(*np.nonzero(above), strict=True):
        ok &= p[:, k] <= red[i, k] + tol[k]
    for i, k in zip(*np.nonzero(equal), strict=True):
        ok &= np.abs(p[:, k] - red[i, k]) <= tol[k]
    return ok


def status_quo(scenario: Scenario, month: float = 0.0) -> np.ndarray:
    """(m,) the no-deal package at ``month``: each issue's status quo moved by its drift."""
    missing = [k for k, i in enumerate(scenario.issues) if i.status_quo is None]
    if missing:
        raise ScenarioError(
            [
                Problem(
                    "<scenario>",
                    f"issues[{k}].status_quo",
                    "is needed by the bargaining analysis (where the issue stands with no deal)",
                    fix="add status_quo to every issue",
                )
                for k in missing
            ]
        )
    sq = np.array([float(i.status_quo.value) for i in scenario.issues if i.status_quo is not None])
    if scenario.war is not None:
        for k, issue in enumerate(scenario.issues):
            q = scenario.war.drift_per_month.get(issue.id)
            if q is not None:
                sq[k] = np.clip(sq[k] + q.value * month, issue.scale.min, issue.scale.max)
    return sq


def war_cost_months(months: Any, rate: Any, growth: Any = 0.0) -> np.ndarray:
    """Σ_{τ=1..t} (1 + γ)^{τ−1} (1 + ρ)^{−τ} for t = floor(months): the months of war cost,
    each grown by γ since the first and discounted by ρ ([Fearon1995] costs of war), by the
    closed form of the geometric sum (q = (1 + γ)/(1 + ρ): (1 − q^t) / ((1 + ρ)(1 − q)); within
    1e-6 of q = 1, where that form cancels, its Taylor series in q − 1 to second order).
    Broadcasts over its arguments; γ = ρ = 0 gives t."""
    t = np.floor(np.asarray(months, dtype=float))
    r = np.asarray(rate, dtype=float)
    g = np.nan_to_num(np.asarray(growth, dtype=float))
    q = (1.0 + g) / (1.0 + r)
    e = q - 1.0
    near = np.abs(e) < 1e-6  # the closed form cancels there: its Taylor series instead
    safe = np.where(near, 0.5, q)
    closed = (1.0 - safe**t) / ((1.0 + r) * (1.0 - safe))  # geometric sum, q ≠ 1
    # Σ_{k<t} q^k = t + e t(t−1)/2 + e² t(t−1)(t−2)/6 + O(e³ t⁴)
    series = (t + e * t * (t - 1) / 2 + e * e * t * (t - 1) * (t - 2) / 6) / (1.0 + r)
    return np.where(t <= 0, 0.0, np.where(near, series, closed))


def no_deal_utility(
    scenario: Scenario,
    month: float = 0.0,
    *,
    loss: Loss = "linear",
    mats: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """(n,) each actor's utility of continued war at ``month`` (see the module docstring)."""
    mats = mats or actor_matrices(scenario)
    base = package_utility(scenario, status_quo(scenario, month)[None, :], loss=loss, mats=mats)[0]
    rate = 0.0
    if scenario.war is not None and scenario.war.discount_rate_per_month is not None:
        rate = scenario.war.discount_rate_per_month.value
    out = base.copy()
    for i, a in enumerate(scenario.actors):
        nd = a.no_deal
        if nd is None:
            continue
        if nd.utility is not None:
            out[i] = nd.utility.value
        if nd.cost_per_month is not None:
            g = nd.cost_growth_per_month.value if nd.cost_growth_per_month is not None else 0.0
            months = float(war_cost_months(month, rate, g))
            out[i] -= nd.cost_per_month.value * months  # [Fearon1995] costs of war
    return out


def capabilities_at(scenario: Scenario, month: float = 0.0) -> np.ndarray:
    """(n,) capabilities after ``month`` months of their trends: c_i (1 + g_i)^t."""
    caps = np.array([a.capability.value for a in scenario.actors], dtype=float)
    for i, a in enumerate(scenario.actors):
        if a.no_deal is not None and a.no_deal.capability_trend_per_month is not None:
            caps[i] *= (1 + a.no_deal.capability_trend_per_month.value) ** month
    return caps
