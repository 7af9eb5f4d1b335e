"""The uncertain inputs of a scenario and their distributions.

Every :class:`~accord.scenario.Quantity` with an ``uncertainty`` is one *uncertain input*.
:func:`uncertain_inputs` lists them with their place in the scenario, the actor and issue they
belong to and their hard bounds; :func:`accord.simulation.sampling.sample` turns them into
:class:`~accord.scenario.arrays.ScenarioArrays`, arrays of shape
``(D, actors, issues)`` (position, salience, capability, red line) and ``(D, actors)`` /
``(D, issues)`` for the no-deal fields, the status quo and the war dynamics.

Sampling is by inverse transform: each draw ``d`` has its own stream, the generator seeded by
``SeedSequence(seed, spawn_key=(d,))`` — exactly the ``d``-th child of
``SeedSequence(seed).spawn(N)`` — which gives one uniform number per input; the input's value
is the quantile function of its distribution at that number. So a draw's values depend only on
``(seed, d)``, never on how draws are split among workers, and the same transform maps SALib's
unit-hypercube samples to inputs for the Sobol analysis ([Saltelli2010]).

Distributions (``Uncertainty.shape``), all confined to ``[low, high]``:

* ``uniform`` on ``[low, high]``;
* ``triangular`` with its mode at the quantity's value;
* ``truncnorm``: a normal centred on the value with standard deviation ``sd`` (default: a
  quarter of the range, :data:`DEFAULT_SD_SHARE`) truncated at low and high
  (``scipy.stats.truncnorm``);
* ``beta`` rescaled to ``[low, high]`` with its *mean* at the value and concentration
  ``κ = α + β`` (default :data:`DEFAULT_BETA_CONCENTRATION`, the PERT value), so
  ``α = κ·m``, ``β = κ·(1 − m)`` with ``m = (value − low)/(high − low)``
  (``scipy.stats.beta``). The value must lie strictly inside the range.
* ``panel``: the linear opinion pool of a panel of reviewers ([Stone1961]; [Clemen1999]),
  F(x) = Σ_j w_j F_j(x) / Σ_j w_j, each reviewer's F_j triangular on their own range with its
  mode at their value, w_j their weight (equal unless the analyst gives performance weights,
  e.g. from Cooke's classical model [Cooke1991]). Its quantile function is found by bisection
  on F (64 halvings: exact to the last bits of the range), so a draw is still one uniform
  number through the quantile function, and the team's disagreement is the number's
  uncertainty in the Monte Carlo, the sensitivity analysis and the brief.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .errors import Problem, ScenarioError
from .model import Quantity, Scenario

__all__ = [
    "DEFAULT_BETA_CONCENTRATION",
    "DEFAULT_SD_SHARE",
    "CorrelationGroup",
    "InputKind",
    "UncertainInput",
    "correlate",
    "correlation_groups",
    "red_side",
    "uncertain_inputs",
]

#: Default standard deviation of a truncated normal, as a share of (high − low): the range
#: then spans ±2 sd, the usual reading of an analyst's "plausible range" (see
#: ``Uncertainty`` in :mod:`accord.scenario.model`).
DEFAULT_SD_SHARE = 0.25
#: Default concentration α + β of the beta shape: 6, the PERT value ([Vose2008], the PERT
#: distribution), which with a centred value gives Beta(3, 3).
DEFAULT_BETA_CONCENTRATION = 6.0

InputKind = Literal[
    "capability",
    "position",
    "salience",
    "red_line",
    "stance_capability",
    "status_quo",
    "no_deal_cost",
    "no_deal_growth",
    "no_deal_trend",
    "no_deal_utility",
    "drift",
    "discount_rate",
]


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain number of a scenario: where it is, its distribution and its bounds."""

    place: str
    kind: InputKind
    value: float
    low: float
    high: float
    shape: str = "triangular"
    sd: float | None = None
    concentration: float | None = None
    actor: str | None = None
    issue: str | None = None
    bounds: tuple[float, float] = (-np.inf, np.inf)
    panel: tuple[tuple[float, float, float, float], ...] = ()  # (weight, low, mode, high)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The input's quantile function at ``u`` in [0, 1] (inverse-transform sampling)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        u = np.where(u < np.finfo(float).tiny, 0.0, u)  # subnormal probabilities: the low end
        lo, hi = self.low, self.high
        width = hi - lo
        if width <= 0:
            out = np.full(u.shape, self.value)
        elif self.shape == "uniform":
            out = lo + u * width
        elif self.shape == "triangular":
            c = (self.value - lo) / width
            # the closed form, as scipy.stats.triang computes it (bit for bit; tested), without
            # loading scipy into every worker
            out = np.where(u < c, np.sqrt(c * u), 1.0 - np.sqrt((1.0 - c) * (1.0 - u)))
            out = out * width + lo
        elif self.shape == "truncnorm":
            from scipy import stats  # loaded when such a draw is made, not when accord starts

            sd = np.float64(self.sd if self.sd is not None else DEFAULT_SD_SHARE * width)
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                a, b = (lo - self.value) / sd, (hi - self.value) / sd
            if not (np.isfinite(a) and np.isfinite(b)):  # sd too small to scale: the value
                out = np.full(u.shape, self.value)
            else:
                out = stats.truncnorm.ppf(u, a, b, loc=self.value, scale=sd)
        elif self.shape == "panel":
            out = pool_ppf(u, self.panel, lo, hi)
        elif self.shape == "beta":
            from scipy import stats

            kappa = (
                self.concentration if self.concentration is not None else DEFAULT_BETA_CONCENTRATION
            )
            m = (self.value - lo) / width
            out = stats.beta.ppf(u, kappa * m, kappa * (1.0 - m), loc=lo, scale=width)
        else:  # pragma: no cover - the scenario model admits only the shapes above
            raise ValueError(f"unknown uncertainty shape {self.shape!r}")
        # scipy's quantile functions can fail (NaN) at subnormal tail probabilities: those
        # are the range's ends
        out = np.where(np.isnan(out), np.where(u < 0.5, lo, hi), out)
        return np.clip(out, max(lo, self.bounds[0]), min(hi, self.bounds[1]))

    @property
    def label(self) -> str:
        """Short human name: ``RU salience on territory``."""
        what = self.kind.replace("_", " ")
        if self.actor and self.issue:
            return f"{self.actor} {what} on {self.issue}"
        if self.actor:
            return f"{self.actor} {what}"
        if self.issue:
            return f"{what} of {self.issue}"
        return what


def _triangular_cdf(x: np.ndarray, a: float, c: float, b: float) -> np.ndarray:
    """CDF of the triangular distribution on [a, b] with mode c (a point mass where a = b)."""
    if b <= a:
        return (x >= a).astype(float)
    left = np.where(c > a, (x - a) ** 2 / ((b - a) * max(c - a, 1e-300)), 0.0)
    right = np.where(b > c, 1.0 - (b - x) ** 2 / ((b - a) * max(b - c, 1e-300)), 1.0)
    return np.where(x < a, 0.0, np.where(x > b, 1.0, np.where(x <= c, left, right)))


def pool_ppf(
    u: np.ndarray, panel: tuple[tuple[float, float, float, float], ...], lo: float, hi: float
) -> np.ndarray:
    """Quantiles of the linear opinion pool of triangular views ``(weight, low, mode, high)``
    at ``u``: the smallest x in [lo, hi] with F(x) >= u, by bisection."""
    w = np.array([p[0] for p in panel], dtype=float)
    w = w / w.sum()

    def cdf(x: np.ndarray) -> np.ndarray:
        total = np.zeros_like(x)
        for wj, (_, a, c, b) in zip(w, panel, strict=True):
            total += wj * _triangular_cdf(x, a, c, b)  # [Stone1961] F = Σ w_j F_j
        return total

    left = np.full(u.shape, lo, dtype=float)
    right = np.full(u.shape, hi, dtype=float)
    for _ in range(64):
        mid = 0.5 * (left + right)
        below = cdf(mid) < u
        left = np.where(below, mid, left)
        right = np.where(below, right, mid)
    return right


def uncertain_inputs(scenario: Scenario, *, file: str = "<scenario>") -> list[UncertainInput]:
    """Every quantity of ``scenario`` that carries an ``uncertainty``, in a fixed order.

    Raises :class:`ScenarioError` for distributions that cannot be sampled (a beta whose value
    sits on a bound of its range).
    """
    out: list[UncertainInput] = []
    problems: list[Problem] = []
    issues = {iss.id: iss for iss in scenario.issues}

    def add(
        q: Quantity | None,
        place: str,
        kind: InputKind,
        actor=None,
        issue=None,
        bounds=(-np.inf, np.inf),
    ) -> None:
        if q is None or q.uncertainty is None:
            return
        u = q.uncertainty
        if u.shape == "beta" and u.high > u.low and not u.low < q.value < u.high:
            problems.append(
                Problem(
                    file,
                    f"{place}.uncertainty.shape",
                    "beta needs the value strictly inside (low, high)",
                    (u.low, q.value, u.high),
                    "use triangular or truncnorm, or widen the range",
                )
            )
            return
        out.append(
            UncertainInput(
                place,
                kind,
                float(q.value),
                float(u.low),
                float(u.high),
                u.shape,
                u.sd,
                u.concentration,
                actor,
                issue,
                bounds,
                tuple((v.weight, v.low, v.value, v.high) for v in u.panel or ()),
            )
        )

    for i, a in enumerate(scenario.actors):
        base = f"actors[{i}]"
        add(a.capability, f"{base}.capability", "capability", a.id, None, (0.0, np.inf))
        for issue_id, st in a.stances.items():
            sc = issues[issue_id].scale
            p = f"{base}.stances.{issue_id}"
            add(st.position, f"{p}.position", "position", a.id, issue_id, (sc.min, sc.max))
            add(st.salience, f"{p}.salience", "salience", a.id, issue_id, (0.0, 1.0))
            add(st.red_line, f"{p}.red_line", "red_line", a.id, issue_id, (sc.min, sc.max))
            add(
                st.capability, f"{p}.capability", "stance_capability", a.id, issue_id, (0.0, np.inf)
            )
        if a.no_deal is not None:
            nd = a.no_deal
            add(nd.cost_per_month, f"{base}.no_deal.cost_per_month", "no_deal_cost", a.id)
            add(
                nd.cost_growth_per_month,
                f"{base}.no_deal.cost_growth_per_month",
                "no_deal_growth",
                a.id,
                None,
                (-1.0, np.inf),
            )
            add(
                nd.capability_trend_per_month,
                f"{base}.no_deal.capability_trend_per_month",
                "no_deal_trend",
                a.id,
            )
            add(nd.utility, f"{base}.no_deal.utility", "no_deal_utility", a.id, None, (0.0, 1.0))
    for k, iss in enumerate(scenario.issues):
        add(
            iss.status_quo,
            f"issues[{k}].status_quo",
            "status_quo",
            None,
            iss.id,
            (iss.scale.min, iss.scale.max),
        )
    if scenario.war is not None:
        for issue_id, q in scenario.war.drift_per_month.items():
            add(q, f"war.drift_per_month.{issue_id}", "drift", None, issue_id)
        add(scenario.war.discount_rate_per_month, "war.discount_rate_per_month", "discount_rate")
    if problems:
        raise ScenarioError(problems)
    return out


def red_side(scenario: Scenario) -> np.ndarray:
    """(n, m) −1 for a red line below the actor's position, +1 above, 0 for none: the side is
    fixed by the scenario's values (where they are equal, by the midpoint of the red line's
    range)."""
    n, m = len(scenario.actors), len(scenario.issues)
    side = np.zeros((n, m))
    for i, a in enumerate(scenario.actors):
        for k, iss in enumerate(scenario.issues):
            st = a.stances.get(iss.id)
            if st is None or st.red_line is None:
                continue
            diff = st.red_line.value - st.position.value
            if diff == 0 and st.red_line.uncertainty is not None:
                u = st.red_line.uncertainty
                diff = 0.5 * (u.low + u.high) - st.position.value
            side[i, k] = np.sign(diff)
    return side


@dataclass(frozen=True)
class CorrelationGroup:
    """Inputs drawn together: correlation ``rho`` of their normal scores, and for each input
    (its column) whether its "soft" direction is up (a red line above the position softens
    upwards)."""

    actor: str
    rho: float
    members: tuple[tuple[int, bool], ...]


def correlation_groups(scenario: Scenario, inputs: list[UncertainInput]) -> list[CorrelationGroup]:
    """One group per actor with ``red_lines_move_together`` > 0 and two or more uncertain red
    lines, in actor order."""
    side = red_side(scenario)
    col = {inp.place: j for j, inp in enumerate(inputs)}
    out = []
    for i, a in enumerate(scenario.actors):
        q = a.red_lines_move_together
        if q is None or q.value <= 0:
            continue
        members = tuple(
            (col[f"actors[{i}].stances.{iss.id}.red_line"], bool(side[i, k] > 0))
            for k, iss in enumerate(scenario.issues)
            if f"actors[{i}].stances.{iss.id}.red_line" in col
        )
        if len(members) >= 2:
            out.append(CorrelationGroup(a.id, float(q.value), members))
    return out


def correlate(u: np.ndarray, groups: list[CorrelationGroup], extra: np.ndarray) -> np.ndarray:
    """The uniforms ``u`` (D, inputs) with each group's columns made dependent by a Gaussian
    copula ([Nelsen2006, sec. 2.3]): with z_j = Φ⁻¹ of the column's "softness" (u, or 1 − u
    where softening is upwards) and c = Φ⁻¹ of the group's own uniform in ``extra`` (D,
    groups), z_j' = √ρ c + √(1 − ρ) z_j, so every column stays uniform and any two members'
    normal scores correlate at ρ: an actor that softens on one issue tends to soften on all."""
    from scipy.stats import norm

    out = u.copy()
    eps = np.finfo(float).tiny
    for g, grp in enumerate(groups):
        c = norm.ppf(np.clip(extra[:, g], eps, 1 - 1e-16))
        r = grp.rho
        for j, up in grp.members:
            soft = 1.0 - u[:, j] if up else u[:, j]
            z = norm.ppf(np.clip(soft, eps, 1 - 1e-16))
            moved = norm.cdf(np.sqrt(r) * c + np.sqrt(1.0 - r) * z)  # [Nelsen2006] Gaussian copula
            out[:, j] = 1.0 - moved if up else moved
    return out
