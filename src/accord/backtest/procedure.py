"""Backtest models that need what only DEU data carry: the legislative procedure and voting
rule of a proposal, and the reference point.

- ``deu:procedure``, the procedure-aware compromise: the capability × salience weighted mean
  of positions ([Achen2006, eq. 1]) with capabilities that depend on the legislative
  procedure and the Council's voting rule, as the EU-power literature argues
  ([ThomsonHosli2006]; [Thomson2011]; [Leinaweaver2014]): member states weighted by their QMV
  votes of the treaty period under QMV and equally under unanimity; the Commission's and the
  Parliament's shares of the total fitted per procedure (COD, co-decision; CNS, consultation)
  on the *training* proposals only, by a grid search minimising the training MAE.
- ``deu:nash_reference``, the (asymmetric) Nash bargaining solution ([Nash1950];
  [Kalai1977]; [Roth1979]) over the actors' linear-loss utilities with the reference point as
  the disagreement point, the bargaining powers being the saliences (the "saliency" Nash
  bargaining solution evaluated on EU legislation by [Schneider2010]; [Achen2006] discusses the
  Nash solution and the status quo). Nothing is fitted.
- ``deu:nash_procedure``, the same Nash solution with the fitted procedure-aware capabilities
  × salience as bargaining powers (actors with no power, such as a Parliament fitted at 0
  under consultation, drop out of the bargain).

Each model forecasts every issue of a :class:`~accord.backtest.deu.DeuData` from parameters
fitted on a given set of training proposals; :func:`~accord.backtest.run.backtest` and
:func:`~accord.backtest.rolling.rolling_backtest` call them per split or fold, so they are
scored on the same issues as every registered model. They are refitted on every split or fold,
so they stay backtest models; the registered ``procedure`` model
(:class:`accord.models.procedure.ProcedureCompromise`) is the same compromise on any scenario
with a ``procedure:``, with shares fitted once (on the proposals before 2000). The Nash models
also need the reference point, which a scenario does not carry.

The DEU file has a voting-rule column (``counvte``: ``QMV``, ``Unan``, and once ``QMV(10)``,
read as QMV); a proposal without one is taken as QMV. From November 2014 the Council's QMV
weights are the Lisbon population shares of :mod:`~accord.backtest.capabilities`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .capabilities import council_votes
from .deu import UNANIMITY, DeuData, DeuProposal

__all__ = [
    "DEU_MODELS",
    "PROCEDURES",
    "check_deu_models",
    "ProcedureWeights",
    "council_weights",
    "deu_model_forecasts",
    "fit_procedure_weights",
    "nash_reference_point",
    "procedure_capabilities",
    "procedure_forecasts",
]

#: The DEU-specific backtest models (scored as ``deu:<name>``) and what they are.
DEU_MODELS = {
    "procedure": "compromise with Council weights by voting rule and Commission/Parliament "
    "shares per procedure, fitted on the training proposals [ThomsonHosli2006]",
    "nash_reference": "Nash bargaining solution, linear-loss utilities, the reference point "
    "as the disagreement point, salience as bargaining power [Nash1950]; [Schneider2010]",
    "nash_procedure": "the same Nash solution with the fitted procedure-aware capabilities × "
    "salience as bargaining power",
}
#: The procedures fitted separately; any other procedure (or none) gets the pooled fit.
PROCEDURES = ("COD", "CNS")
#: Grid step of the fitted shares (the Commission's c and the Parliament's e, c + e < 1).
GRID_STEP = 0.05
#: Nash solutions closer than this to the disagreement set's width count as degenerate.
_NASH_XTOL = 1e-10


def council_weights(prop: DeuProposal) -> dict[str, float]:
    """Member states' shares of the Council (summing to 1) under the proposal's voting rule.

    QMV: the votes of the treaty period of its introduction date (EU12, EU15, Nice, Lisbon
    population), [ThomsonHosli2006]; unanimity: every member state of that period equally
    (each can veto, [Thomson2011]).
    """
    votes = council_votes(prop.introduced)
    if prop.voting_rule.strip() in UNANIMITY:
        votes = {a: 1.0 for a in votes}
    total = float(sum(votes.values()))
    return {a: float(v) / total for a, v in votes.items()}


@dataclass(frozen=True)
class ProcedureWeights:
    """The Commission's and the Parliament's shares of the total capability per procedure
    (the Council has the rest), fitted on ``n_train`` training issues with ``train_mae``.
    ``pooled`` is the one pair fitted on every training issue, used for a procedure with no
    training issue."""

    commission: dict[str, float]
    parliament: dict[str, float]
    train_mae: dict[str, float]
    n_train: dict[str, int]
    pooled: tuple[float, float] = (0.0, 0.0)
    step: float = GRID_STEP

    def shares(self, procedure: str) -> tuple[float, float]:
        if procedure in self.commission:
            return self.commission[procedure], self.parliament[procedure]
        return self.pooled

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def procedure_capabilities(prop: DeuProposal, weights: ProcedureWeights) -> dict[str, float]:
    """Every actor's capability on ``prop``: the Commission c, the Parliament e, member state i
    (1 − c − e) · its Council share ([ThomsonHosli2006]; shares fitted per procedure)."""
    c, e = weights.shares(prop.procedure)
    caps = {a: (1.0 - c - e) * v for a, v in council_weights(prop).items()}
    caps["com"], caps["ep"] = c, e
    return caps


@dataclass(frozen=True)
class _Terms:
    """Per issue with a stance, the pieces of the weighted mean that do not depend on (c, e):
    Σ w·s·x and Σ w·s for the Commission, the Parliament and the Council (w its shares)."""

    keys: list[tuple[str, str]] = field(default_factory=list)
    procedure: list[str] = field(default_factory=list)
    outcome: list[float] = field(default_factory=list)
    num: list[tuple[float, float, float]] = field(default_factory=list)
    den: list[tuple[float, float, float]] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)


def _terms(data: DeuData) -> _Terms:
    t = _Terms()
    for prop in data.proposals:
        council = council_weights(prop)
        for iss in prop.issues:
            if not iss.position:
                continue
            num, den = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
            for a, x in iss.position.items():
                s = iss.salience[a]
                k, w = (0, 1.0) if a == "com" else (1, 1.0) if a == "ep" else (2, council.get(a, 0))
                num[k] += w * s * x
                den[k] += w * s
            t.keys.append((prop.proposal_id, iss.issue_id))
            t.procedure.append(prop.procedure)
            t.outcome.append(np.nan if iss.outcome is None else iss.outcome)
            t.num.append((num[0], num[1], num[2]))
            t.den.append((den[0], den[1], den[2]))
            t.plain.append(float(np.mean(list(iss.position.values()))))
    return t


def _grid(step: float) -> np.ndarray:
    """(G, 3) rows (c, e, 1 − c − e) with c, e multiples of ``step`` and c + e < 1, ordered
    by c then e (the first minimum of the training MAE wins a tie)."""
    k = int(round(1.0 / step))
    rows = [(i / k, j / k) for i in range(k) for j in range(k - i)]
    ce = np.array(rows, dtype=float)
    return np.column_stack([ce, 1.0 - ce.sum(axis=1)])


def _weighted_mean(shares: np.ndarray, num: np.ndarray, den: np.ndarray, plain: np.ndarray):
    """(G, n) forecasts Σ w·s·x / Σ w·s [Achen2006, eq. 1] for every row of ``shares``; the
    plain mean of positions where every weight is zero (as the compromise model does)."""
    top, bottom = shares @ num.T, shares @ den.T
    safe = np.where(bottom > 0, bottom, 1.0)
    return np.where(bottom > 0, top / safe, plain[None, :])


def fit_procedure_weights(
    data: DeuData, train: Collection[str], *, step: float = GRID_STEP
) -> ProcedureWeights:
    """Fit the Commission's and the Parliament's shares per procedure on the issues with an
    outcome of the proposals in ``train`` only (the outcomes of every other proposal are never
    read).

    Grid search: for each procedure P, the (c, e) on the grid of ``step`` (c, e ≥ 0,
    c + e < 1) minimising the training MAE of the procedure-aware compromise on P's issues;
    an issue's forecast depends only on its own procedure's pair, so the per-procedure minima
    together minimise the total training MAE. Ties go to the smallest c, then e.
    """
    if not 0 < step <= 0.5 or abs(round(1 / step) * step - 1) > 1e-9:
        raise ValueError(f"step must divide 1 and be in (0, 0.5]; got {step!r}")
    train = set(train)
    t = _terms(data)
    fit = np.array(
        [k[0] in train and not np.isnan(y) for k, y in zip(t.keys, t.outcome, strict=True)],
        dtype=bool,
    )
    grid = _grid(step)
    proc = np.array(t.procedure, dtype=object)
    num, den = np.array(t.num).reshape(-1, 3), np.array(t.den).reshape(-1, 3)
    plain, y = np.array(t.plain), np.array(t.outcome)

    def best(mask: np.ndarray) -> tuple[float, float, float]:
        if not mask.any():
            return 0.0, 0.0, float("nan")
        pred = _weighted_mean(grid, num[mask], den[mask], plain[mask])
        mae = np.abs(pred - y[mask][None, :]).mean(axis=1)  # training MAE per grid point
        g = int(np.argmin(mae))
        return float(grid[g, 0]), float(grid[g, 1]), float(mae[g])

    com, ep, train_mae, n_train = {}, {}, {}, {}
    for p in PROCEDURES:
        mask = fit & (proc == p)
        if mask.any():
            com[p], ep[p], train_mae[p] = best(mask)
            n_train[p] = int(mask.sum())
    c, e, train_mae["pooled"] = best(fit)
    n_train["pooled"] = int(fit.sum())
    return ProcedureWeights(com, ep, train_mae, n_train, (c, e), step)


def procedure_forecasts(data: DeuData, weights: ProcedureWeights) -> dict[tuple[str, str], float]:
    """The procedure-aware compromise on every issue with a stance, from fitted ``weights``."""
    t = _terms(data)
    out = {}
    for key, p, num, den, plain in zip(t.keys, t.procedure, t.num, t.den, t.plain, strict=True):
        c, e = weights.shares(p)
        shares = np.array([[c, e, 1.0 - c - e]])
        value = _weighted_mean(shares, np.array([num]), np.array([den]), np.array([plain]))
        out[key] = float(value[0, 0])
    return out


def nash_reference_point(
    position: Sequence[float] | np.ndarray,
    power: Sequence[float] | np.ndarray,
    reference: float,
) -> float:
    """The asymmetric Nash bargaining solution on one issue with the reference point r as the
    disagreement point ([Nash1950]; [Kalai1977]; [Roth1979]).

    Actor i's utility is the linear loss u_i(x) = −s_i |x − x_i| (any s_i > 0: a utility's
    scale does not change a Nash solution), its disagreement utility u_i(r), its gain
    g_i(x) = s_i (|r − x_i| − |x − x_i|). Steps:

    1. actors with zero bargaining power drop out (they are indifferent);
    2. the bargaining set is where every gain is ≥ 0: [max_i (x_i − |r − x_i|),
       min_i (x_i + |r − x_i|)], an interval containing r; it is {r} as soon as an actor sits
       at r or two actors lie on opposite sides of it, and then the solution is r;
    3. otherwise maximise Σ_i w_i log g_i(x) (concave: logs of positive concave functions) on
       that interval by bounded Brent search, then polish: on the linear piece of the gains
       (between neighbouring ideal points) that holds Brent's point, the best of its ends and
       the root of the derivative Σ_i w_i g_i'(x) / g_i(x) inside it.

    With two actors at 0 < a < b, r = 0 and powers w_1, w_2 the solution is
    clip(2a·w_2/(w_1 + w_2), a, min(b, 2a)): the actor nearer the status quo gets its ideal
    unless the other is the stronger.
    """
    x = np.asarray(position, dtype=float)
    w = np.asarray(power, dtype=float)
    if x.shape != w.shape or x.ndim != 1:
        raise ValueError(f"position and power must be 1-d of one shape; got {x.shape}, {w.shape}")
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError(f"power must be finite and non-negative; got {w.tolist()}")
    keep = w > 0
    x, w = x[keep], w[keep]
    if x.size == 0:
        return float(reference)
    reach = np.abs(reference - x)  # |r − x_i|: how far i would move from its ideal at no deal
    low, high = float(np.max(x - reach)), float(np.min(x + reach))
    if high - low <= _NASH_XTOL:
        return float(reference)

    def minus_log_nash(v: float) -> float:
        gain = reach - np.abs(v - x)  # [Nash1950] g_i = u_i(x) − u_i(r), per unit of s_i
        if (gain <= 0).any():
            return float("inf")
        return -float(np.sum(w * np.log(gain)))  # [Roth1979] asymmetric Nash product, in logs

    res = minimize_scalar(
        minus_log_nash, bounds=(low, high), method="bounded", options={"xatol": _NASH_XTOL}
    )
    knots = np.unique(np.concatenate([[low, high], x[(x > low) & (x < high)]]))
    j = int(np.clip(np.searchsorted(knots, res.x), 1, len(knots) - 1))
    a, b = float(knots[j - 1]), float(knots[j])
    candidates = [*(k for k in (a, b) if low < k < high), float(res.x)]
    slope = np.where((a + b) / 2 > x, -1.0, 1.0)  # g_i' on the piece (a, b)

    def derivative(v: float) -> float:
        return float(np.sum(w * slope / (reach - np.abs(v - x))))

    inner = (a + (b - a) * 1e-12, b - (b - a) * 1e-12)
    if derivative(inner[0]) > 0 > derivative(inner[1]):
        candidates.insert(0, float(brentq(derivative, *inner, xtol=1e-14)))
    return min(candidates, key=minus_log_nash)  # a tie goes to the exact root, then a knot


def _nash_forecasts(
    data: DeuData, weights: ProcedureWeights | None
) -> dict[tuple[str, str], float]:
    """The Nash solution on every issue with a reference point; bargaining power = salience
    (× the procedure-aware capability when ``weights`` are given)."""
    out = {}
    for prop in data.proposals:
        caps = None if weights is None else procedure_capabilities(prop, weights)
        for iss in prop.issues:
            if iss.reference_point is None or not iss.position:
                continue
            actors = list(iss.position)
            power = [iss.salience[a] * (1.0 if caps is None else caps.get(a, 0.0)) for a in actors]
            out[(prop.proposal_id, iss.issue_id)] = nash_reference_point(
                [iss.position[a] for a in actors], power, iss.reference_point
            )
    return out


def check_deu_models(names: Sequence[str]) -> None:
    """Raise with the house template unless ``names`` are distinct :data:`DEU_MODELS` names."""
    if (
        isinstance(names, str)
        or any(n not in DEU_MODELS for n in names)
        or len(set(names)) != len(names)
    ):
        raise ValueError(
            f"deu_models must be distinct names among {sorted(DEU_MODELS)}; got {names!r}"
        )


def deu_model_forecasts(
    name: str, data: DeuData, train: Collection[str], *, nash_cache: dict | None = None
) -> tuple[dict[tuple[str, str], float], dict[str, Any]]:
    """Fit DEU model ``name`` on the proposals in ``train`` and forecast every issue:
    ``({(proposal, issue): value}, fitted parameters)``. An issue the model cannot forecast
    (no reference point for the Nash models) is absent. ``nash_cache`` (a dict the caller
    keeps) saves recomputing the unfitted ``nash_reference``."""
    if name not in DEU_MODELS:
        raise ValueError(f"DEU model must be one of {sorted(DEU_MODELS)}; got {name!r}")
    if name == "nash_reference":
        if nash_cache is None:
            return _nash_forecasts(data, None), {}
        if "nash_reference" not in nash_cache:
            nash_cache["nash_reference"] = _nash_forecasts(data, None)
        return nash_cache["nash_reference"], {}
    weights = fit_procedure_weights(data, train)
    if name == "procedure":
        return procedure_forecasts(data, weights), weights.to_dict()
    return _nash_forecasts(data, weights), weights.to_dict()
