"""The independent oracle for accord.models.smp: the former one-run SMP, kept as it was.

This is a plain copy of ``src/accord/models/smp.py`` as it stood before the model became the
subpackage ``accord.models.smp`` (whose batched lock-step kernel is now the only implementation
of a turn). Only the relative imports are made absolute, and ``SMP.forecast_arrays`` runs draw by
draw
(the former batch module is not copied). It is not used by accord; tests compare
the subpackage with it on KTAB's examples, random cases, every option, Monte Carlo draws and
shocks (tests/test_smp_oracle.py). Do not "fix" it to agree with the subpackage: it is the
reference the subpackage is held to.

The original module docstring follows.

KTAB's Spatial Model of Politics (SMP): challenges, bargains and probabilistic Condorcet elections.

The model of [Wise2015] as KAPSARC's toolkit implements it ([KTAB], ``examples/smp/libsrc``
``smp.cpp``, ``smpbcn.cpp`` and the kernel ``KTAB/kmodel/libsrc/kmodel.cpp``), written anew
with numpy: every quantity of one turn is computed for all actors at once by broadcasting,
and the work KTAB does only to fill its logs and databases (the utilities of every challenge
from every actor's perspective, O(n⁴) a turn) is not done at all.

One turn (``SMPState::stepBCN``):

1. Utilities ([KTAB] ``SMPState::setAllAUtil``). The salience-weighted distance from actor
   i's ideal to actor j's position is d_ij = sqrt(Σ_k (s_ik (ideal_ik − x_jk))² / Σ_k s_ik²)
   (``SMPModel::bvDiff``); the utility is u = (1 − d)(1 + d·R) (``bsUtil``). The risk
   attitudes R come from a probabilistic Condorcet election (PCE) over all positions with
   risk-neutral utilities and capabilities as weights, mapped to R by ``bigRfromProb``;
   actor h's estimate of i's R follows ``estNRA``. The result is one utility matrix per
   perspective h.
2. Challenges (``probEduChlg``, ``bestChallenge``). From i's own perspective, the expected
   gain of i challenging j, with principals voting with weight salience-sum × capability and
   third parties joining as ``Actor::vProbLittle`` and ``thirdPartyVoteSU`` say. Each actor
   targets the j with the largest gain if it exceeds 1e-5 (first in canonical order on ties).
3. Bargains (``SMPActor::interpolateBrgn``): the initiator proposes positions interpolated
   per dimension with weights (salience^a × probability^b), rounded to 4 decimals; the
   bargain is queued for both actors.
4. Resolution (``updateBestBrgnPositions``): each actor's queue holds its status quo and
   every bargain involving it; the value of a bargain to an actor is the mean utility of all
   positions after it; a PCE over the queue (capabilities as weights) gives probabilities;
   the most probable bargain (deterministic) or a drawn one (stochastic) is adopted.
5. Ideals move towards positions (``newIdeals``); with KTAB's identity accommodation matrix
   the ideals equal the positions.
6. Stop (``smpStopFn``, ``configExec``): after at least ``min_turns`` and at most
   ``max_turns`` turns, when the total movement of the last turn is below ``stop_ratio``
   times that of the first (+1e-4).

The winning probability of each actor's position per turn is KTAB's reported one
(``SMPModel::showVPHistory`` → ``pDist(-1)``): a PCE over the unique positions (tolerance 1e-3
on 0..1), each actor judging by its own utilities, capabilities as weights.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from accord.models.base import (
    IssueForecast,
    IssueTrace,
    Model,
    ModelForecast,
    ModelTags,
    TraceEvent,
    as_generator,
)
from accord.models.params import Param
from accord.rng import model_stream

if TYPE_CHECKING:
    from accord.scenario import Scenario
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["SMP", "SMPRun", "SMPBargain", "run_smp", "smp_inputs", "KTAB_DEFAULTS", "OPTIONS"]

log = logging.getLogger(__name__)

# -- named constants, each with its place in KTAB's source -------------------------------------
#: ``Model::vote``: the binary response saturates at a utility difference of 1e-8.
VOTE_BINARY_TOL = 1e-8
#: ``Model::vote``: weight of the binary part in PropBin.
VOTE_PROPBIN_SHARE = 0.2
#: ``Model::vote``: weight of the cubic part in PropCbc.
VOTE_PROPCBC_SHARE = 0.5
#: ``Model::vote``: ASymProsp scales gains (positive differences) by 2/3 ("prospect theory").
VOTE_ASYM_GAIN = 2.0 / 3.0
#: ``Model::coalitions``: every coalition starts with this strength.
COALITION_FLOOR = 1e-8
#: ``SMPState::probEduChlg``: the principals' coalitions start with this strength.
CHALLENGE_FLOOR = 1e-10
#: ``Model::vProb`` (Binary): a strength ratio of 1.10 wins for certain.
VP_BINARY_THRESHOLD = 1.10
#: ``Model::vProb`` (Binary): the loser's weight.
VP_BINARY_MIN = 1e-6
#: ``Model::markovIncentivePCE``: support of staying put, and convergence tolerance.
MARKOV_INCENTIVE_EPS = 1e-10
MARKOV_INCENTIVE_TOL = 1e-8
#: ``Model::markovUniformPCE``: convergence tolerance.
MARKOV_UNIFORM_TOL = 1e-6
#: both Markov PCEs give up after this many iterations (KTAB throws).
MARKOV_MAX_ITER = 1000
#: ``SMPState::bestChallenge``: smallest expected gain worth a challenge.
MIN_SIGNIFICANT_GAIN = 1e-5
#: ``SMPActor::interpBrgnSnPm``: weight added to the initiator's side (avoids 0/0).
INTERP_MIN_WEIGHT = 1e-6
#: ``interpBrgnSnPm``: bargains are rounded to 4 decimals on 0..1.
INTERP_ROUND = 1e4
#: ``SMPModel::posTol``: positions closer than this (Euclidean, on 0..1) are one position.
POSITION_TOLERANCE = 1e-3
#: accord's rule for distances equal to the tolerance up to rounding: distinct (see
#: accord.models.smp.constants.POSITION_TOLERANCE_SLACK).
POSITION_TOLERANCE_SLACK = 1e-9
# : KTAB's floors (1e-8, 1e-10) are absolute, sized for capabilities of about 100
# (``SMPActor::randomize``
#: draws 10..200); accord multiplies them by mean capability / 100, so the unit of capability
#: does not matter. The results on KTAB's examples are unchanged (tests/test_smp.py).
CAPABILITY_UNIT = 100.0

#: Every option with its allowed values; the first value is KTAB's default
#: (``kmodel.h`` ``Model`` members, ``smp.h`` ``SMPModel`` members).
OPTIONS: dict[str, tuple[str, ...]] = {
    "voting_rule": ("Proportional", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"),
    "victory_model": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "pce_model": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "state_transitions": ("Deterministic", "Stochastic"),
    "third_party": ("SemiCommit", "NoCommit", "FullCommit"),
    "big_r_range": ("Mid", "Min", "Max"),
    "big_r_adjust": ("OneThird", "None", "Half", "TwoThirds", "Full"),
    "interpolation": ("S2P2", "S1P1", "S2PMax"),
    "bargain_model": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
    "forecast_rule": ("most_probable", "weighted_mean"),
}
KTAB_DEFAULTS: dict[str, str] = {k: v[0] for k, v in OPTIONS.items() if k != "forecast_rule"}


# -- KTAB's kernel functions, vectorised ---------------------------------------------------------
def vote(rule: str, weight: np.ndarray | float, du: np.ndarray) -> np.ndarray:
    """Influence an actor of ``weight`` exerts for a utility difference ``du`` ([KTAB]
    ``Model::vote``).
    """
    if rule == "Proportional":
        return weight * du
    # accord counts differences below 1e-12 as no vote (accord.models.smp.equations._step)
    step = np.where(np.abs(du) < 1e-12, 0.0, np.clip(du / VOTE_BINARY_TOL, -1.0, 1.0))
    if rule == "Binary":
        return weight * step
    if rule == "PropBin":
        return weight * ((1 - VOTE_PROPBIN_SHARE) * du + VOTE_PROPBIN_SHARE * step)
    if rule == "PropCbc":
        return weight * ((1 - VOTE_PROPCBC_SHARE) * du + VOTE_PROPCBC_SHARE * du * du * du)
    if rule == "Cubic":
        return weight * (du * du * du)
    if rule == "ASymProsp":
        return np.where(du < 0, weight * du, np.where(du > 0, (2.0 * weight * du) / 3.0, 0.0))
    raise ValueError(f"voting_rule must be one of {OPTIONS['voting_rule']}, got {rule!r}")


def victory_weights(model: str, s1: np.ndarray, s2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weights (x1, x2) with P(s1 beats s2) = x1 / (x1 + x2) ([KTAB] ``Model::vProb``).

    Linear: strengths; Square, Quartic, Octic: their 2nd, 4th, 8th powers; Binary: a strength
    ratio of 1.10 wins for certain (loser's weight 1e-6), linear in between.
    """
    if model == "Linear":
        return s1, s2
    if model == "Square":
        return s1 * s1, s2 * s2
    if model == "Quartic":
        return (s1 * s1) ** 2, (s2 * s2) ** 2
    if model == "Octic":
        return ((s1 * s1) ** 2) ** 2, ((s2 * s2) ** 2) ** 2
    if model == "Binary":
        t = VP_BINARY_THRESHOLD
        p12 = ((s1 / (s1 + s2)) * (t + 1.0) - 1.0) / (t - 1.0)
        first, second = s1 >= t * s2, s2 >= t * s1
        x1 = np.where(first, 1.0, np.where(second, VP_BINARY_MIN, p12))
        x2 = np.where(first, VP_BINARY_MIN, np.where(second, 1.0, 1.0 - p12))
        return x1, x2
    raise ValueError(f"victory_model must be one of {OPTIONS['victory_model']}, got {model!r}")


def victory_matrix(c: np.ndarray, model: str) -> np.ndarray:
    """pv[..., i, j] = P(option i beats j) from coalitions, 0.5 on the diagonal ([KTAB]
    ``Model::vProb``).

    As KTAB, each pair is evaluated once (i > j) and gives both pv[i, j] and pv[j, i].
    """
    n = c.shape[-1]
    x1, x2 = victory_weights(model, c, np.swapaxes(c, -1, -2))
    lower = np.tri(n, k=-1, dtype=bool)
    p = np.where(lower, x1 / (x1 + x2), 0.0)
    p = p + np.swapaxes(np.where(lower, x2 / (x1 + x2), 0.0), -1, -2)
    return np.where(np.eye(n, dtype=bool), 0.5, p)


def coalitions(
    u: np.ndarray, w: np.ndarray, rule: str, *, unit: float = 1.0, chunk: int = 200_000
) -> np.ndarray:
    """Coalition strengths C[..., i, j] supporting option i over j ([KTAB] ``Model::coalitions``).

    ``u`` is (..., actors, options), ``w`` (..., actors). KTAB evaluates each pair once, for
    j < i, from the vote v_k(i, j): its positive part joins C[i, j], its negative part C[j, i];
    every entry starts at 1e-8 × ``unit`` (the diagonal stays there).
    """
    *lead, n_act, n_opt = u.shape
    pos = np.zeros((*lead, n_opt, n_opt))
    neg = np.zeros((*lead, n_opt, n_opt))
    step = max(1, chunk // max(1, n_opt * n_opt * int(np.prod(lead, dtype=np.int64))))
    for a in range(0, n_act, step):
        uk = u[..., a : a + step, :]
        v = vote(rule, w[..., a : a + step, None, None], uk[..., :, None] - uk[..., None, :])
        pos += np.maximum(v, 0.0).sum(axis=-3)
        neg += np.maximum(-v, 0.0).sum(axis=-3)
    lower = np.tri(n_opt, k=-1, dtype=bool)
    return COALITION_FLOOR * unit + np.where(lower, pos, np.swapaxes(neg, -1, -2))


def pce(c: np.ndarray, victory_model: str, pce_model: str, *, unit: float = 1.0) -> np.ndarray:
    """Probabilities of the options from coalition strengths ([KTAB] ``Model::probCE2``)."""
    pv = victory_matrix(c, victory_model)
    if pce_model == "Conditional":  # ``condPCE``: P_i ∝ Π_j pv_ij, computed in logs
        logp = np.log(pv).sum(axis=-1)
        logp -= logp.max(axis=-1, keepdims=True)
        p = np.exp(logp)
        return p / p.sum(axis=-1, keepdims=True)
    if pce_model == "MarkovUniform":
        return _markov_uniform(pv)
    if pce_model == "MarkovIncentive":
        return _markov_incentive(c, pv, unit)
    raise ValueError(f"pce_model must be one of {OPTIONS['pce_model']}, got {pce_model!r}")


def _markov_uniform(pv: np.ndarray) -> np.ndarray:
    """``Model::markovUniformPCE``: q_i = Σ_j pv_ij (p_i + p_j) / n, p ← (p + q)/2 to a fixed
    point."""
    n = pv.shape[-1]
    p = np.full(pv.shape[:-1], 1.0 / n)
    active = np.ones(pv.shape[:-2] + (1,), dtype=bool)  # each problem of a batch stops on its own
    for _ in range(MARKOV_MAX_ITER):
        q = (pv * (p[..., :, None] + p[..., None, :])).sum(axis=-1) / n
        change = np.abs(q - p).max(axis=-1, keepdims=True)
        p = np.where(active, (p + q) / 2.0, p)
        active &= change > MARKOV_UNIFORM_TOL
        if not active.any():
            return p
    raise RuntimeError(
        "MarkovUniform PCE did not converge in 1000 iterations (KTAB throws here too)"
    )


def _markov_incentive(c: np.ndarray, pv: np.ndarray, unit: float) -> np.ndarray:
    """``Model::markovIncentivePCE``: challenges chosen in proportion to strength × victory
    chance."""
    n = pv.shape[-1]
    inc = c * pv + MARKOV_INCENTIVE_EPS * unit * np.eye(n)
    chlg = inc / inc.sum(axis=-2, keepdims=True)  # chlg[i, j] = P(j is challenged by i)
    p = np.full(pv.shape[:-1], 1.0 / n)
    active = np.ones(pv.shape[:-2] + (1,), dtype=bool)
    for _ in range(MARKOV_MAX_ITER):
        ct = p[..., :, None] * np.swapaxes(chlg, -1, -2)  # ct[i, j] = p_i chlg[j, i]
        q = (pv * (ct + np.swapaxes(ct, -1, -2))).sum(axis=-1)
        change = np.abs(q - p).max(axis=-1, keepdims=True)
        p = np.where(active, (p + q) / 2.0, p)
        active &= change > MARKOV_INCENTIVE_TOL
        if not active.any():
            return p
    raise RuntimeError(
        "MarkovIncentive PCE did not converge in 1000 iterations (KTAB throws here too)"
    )


def scalar_pce(
    u: np.ndarray,
    w: np.ndarray,
    rule: str,
    victory_model: str,
    pce_model: str,
    *,
    unit: float = 1.0,
) -> np.ndarray:
    """Option probabilities when actors (weights ``w``) vote with utilities ``u`` ([KTAB]
    ``Model::scalarPCE``).
    """
    return pce(coalitions(u, w, rule, unit=unit), victory_model, pce_model, unit=unit)


def big_r(p: np.ndarray, rng_mode: str) -> np.ndarray:
    """Risk attitudes from position probabilities ([KTAB] ``Model::bigRfromProb``).

    When every probability is equal KTAB divides by zero (and then stops with an error); accord
    returns risk neutrality (R = 0) instead.
    """
    lo, hi = p.min(), p.max()
    if hi - lo <= 0.0:
        return np.zeros_like(p)
    if rng_mode == "Mid":  # R in [-1/2, 1]
        return (3 * p - (hi + 2 * lo)) / (2 * (hi - lo))
    if rng_mode == "Min":  # R in [0, 1]
        return (p - lo) / (hi - lo)
    if rng_mode == "Max":  # R in [-1, 1]
        return (2 * p - (hi + lo)) / (hi - lo)
    raise ValueError(f"big_r_range must be one of {OPTIONS['big_r_range']}, got {rng_mode!r}")


def estimated_r(r: np.ndarray, adjust: str) -> np.ndarray:
    """rhat[h, i]: h's estimate of i's risk attitude ([KTAB] ``Model::estNRA``)."""
    rh, ri = r[:, None], r[None, :]
    if adjust == "OneThird":
        return ((2.0 * rh) + ri) / 3.0 + 0.0 * ri
    if adjust == "None":
        return rh + 0.0 * ri
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "TwoThirds":
        return (rh + (2.0 * ri)) / 3.0
    if adjust == "Full":
        return ri + 0.0 * rh
    raise ValueError(f"big_r_adjust must be one of {OPTIONS['big_r_adjust']}, got {adjust!r}")


def util(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """u = (1 − d)(1 + d R) for d ≤ 1, (1 − d)(1 + R) beyond ([KTAB] ``SMPModel::bsUtil``)."""
    return (1 - d) * (1 + np.where(d <= 1, d, 1.0) * r)


def distances(ideal: np.ndarray, sal: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """d[i, j]: salience-weighted distance from i's ideal to position j ([KTAB] ``bvDiff``)."""
    diff = (ideal[:, None, :] - pos[None, :, :]) * sal[:, None, :]
    return np.sqrt((diff * diff).sum(axis=-1) / (sal * sal).sum(axis=-1)[:, None])


def round4(x: np.ndarray) -> np.ndarray:
    """``interpBrgnSnPm``'s rounding to 4 decimals: (int)(0.5 + x·1e4) / 1e4."""
    return np.trunc(0.5 + x * INTERP_ROUND) / INTERP_ROUND


def interpolate(
    t_i: np.ndarray,
    s_i: np.ndarray,
    p_i: np.ndarray,
    t_j: np.ndarray,
    s_j: np.ndarray,
    p_j: np.ndarray,
    how: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Bargain positions (b_i, b_j) per dimension ([KTAB] ``SMPActor::interpolateBrgn``).

    ``S1P1``/``S2P2``: weights w = s^a p^b, b_i = round4(((w_i + ε) t_i + w_j t_j)/(w_i + ε + w_j)),
    b_j likewise with ε on j's side. ``S2PMax``: each moves towards the other by the excess of
    the other's probability, weighted by squared saliences (no rounding).
    """
    p_i = np.asarray(p_i)[..., None]
    p_j = np.asarray(p_j)[..., None]
    if how in ("S1P1", "S2P2"):
        if how == "S2P2":
            wi, wj = (s_i * s_i) * (p_i * p_i), (s_j * s_j) * (p_j * p_j)
        else:
            wi, wj = s_i * p_i, s_j * p_j
        den = wi + INTERP_MIN_WEIGHT + wj
        return (
            round4(((wi + INTERP_MIN_WEIGHT) * t_i + wj * t_j) / den),
            round4((wi * t_i + (INTERP_MIN_WEIGHT + wj) * t_j) / den),
        )
    if how == "S2PMax":
        di = np.where(p_j > p_i, p_j - p_i, 0.0)
        dj = np.where(p_i > p_j, p_i - p_j, 0.0)
        si2, sj2 = s_i * s_i, s_j * s_j
        dik = (di * sj2) / ((di * sj2) + INTERP_MIN_WEIGHT + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + INTERP_MIN_WEIGHT + ((1 - dj) * sj2))
        return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)
    raise ValueError(f"interpolation must be one of {OPTIONS['interpolation']}, got {how!r}")


# -- the state of one turn -----------------------------------------------------------------------
@dataclass(frozen=True)
class SMPBargain:
    """A bargain proposed in one turn (indices in the run's actor order, positions on 0..1)."""

    turn: int
    initiator: int
    receiver: int
    initiator_position: np.ndarray
    receiver_position: np.ndarray
    gain: float
    probability: float
    perspective: str = "initiator"


@dataclass
class SMPRun:
    """A whole run: states 0..T of positions (on 0..1), probabilities, risk attitudes and
    bargains."""

    actor_ids: tuple[str, ...]
    dims: tuple[str, ...]
    positions: np.ndarray  # (T+1, n, m) on 0..1
    ideals: np.ndarray  # (T+1, n, m)
    win_probability: np.ndarray  # (T+1, n): probability of each actor's position (KTAB's report)
    risk: np.ndarray  # (T+1, n): R per state
    bargains: list[list[SMPBargain]] = field(default_factory=list)  # proposed, per turn 1..T
    adopted: list[dict[int, SMPBargain]] = field(
        default_factory=list
    )  # per turn 1..T: actor -> bargain
    queue_probability: list[dict[int, float]] = field(
        default_factory=list
    )  # per turn: actor -> P(its choice)
    unique: list[np.ndarray] = field(
        default_factory=list
    )  # per state: indices of the unique positions
    unique_probability: list[np.ndarray] = field(
        default_factory=list
    )  # per state: their PCE probabilities

    @property
    def turns(self) -> int:
        return self.positions.shape[0] - 1


@dataclass(frozen=True)
class _Opts:
    voting_rule: str
    victory_model: str
    pce_model: str
    third_party: str
    big_r_range: str
    big_r_adjust: str
    interpolation: str
    bargain_model: str
    stochastic: bool
    unit: float  # capability unit: KTAB's absolute floors are multiplied by it
    kernel: str = "blocked"


def _utilities(x: np.ndarray, ideal: np.ndarray, sal: np.ndarray, cap: np.ndarray, o: _Opts):
    """Distances, R and estimated R (``setAllAUtil``): the risk-neutral PCE over all positions."""
    d = distances(ideal, sal, x)
    u0 = util(d, np.zeros((len(x), 1)))
    p = scalar_pce(u0, cap, o.voting_rule, o.victory_model, o.pce_model, unit=o.unit)
    r = big_r(p, o.big_r_range)
    rhat = estimated_r(r, o.big_r_adjust)
    return d, r, rhat


def _challenges(h, k, i, j, d, rhat, s_sum, cap, o: _Opts, *, chunk: int = 150_000):
    """h's estimate of P(i beats j) and of k's expected gain from i challenging j ([KTAB]
    ``probEduChlg``).

    Vectorised over the pairs given as index arrays; the third-party sums run over the last axis.
    U_h[a, b] = bsUtil(d[a, b], rhat[h, a]).
    """
    n = d.shape[0]
    w = s_sum * cap
    ph = np.empty(len(h))
    gain = np.empty(len(h))
    diag_d = np.diag(d)
    nn = np.arange(n)
    step = max(1, chunk // n)
    for a in range(0, len(h), step):
        hh, kk, ii, jj = h[a : a + step], k[a : a + step], i[a : a + step], j[a : a + step]
        uii = util(d[ii, ii], rhat[hh, ii])
        uij = util(d[ii, jj], rhat[hh, ii])
        uji = util(d[jj, ii], rhat[hh, jj])
        ujj = util(d[jj, jj], rhat[hh, jj])
        uki = util(d[kk, ii], rhat[hh, kk])
        ukj = util(d[kk, jj], rhat[hh, kk])
        ci = vote(o.voting_rule, w[ii], uii - uij)
        cj = vote(o.voting_rule, w[jj], uji - ujj)
        floor = CHALLENGE_FLOOR * o.unit
        chij0 = (floor + np.maximum(ci, 0.0)) + np.maximum(cj, 0.0)
        chji0 = (floor - np.minimum(ci, 0.0)) - np.minimum(cj, 0.0)
        rh = rhat[hh]  # (P, n): h's estimate of each third party's R
        uni = util(d[:, ii].T, rh)
        unj = util(d[:, jj].T, rh)
        unn = util(diag_d[None, :], rh)
        vk = _third_party_votes(uni, unj, unn, w[None, :], chij0[:, None], chji0[:, None], o)
        third = (nn[None, :] != ii[:, None]) & (nn[None, :] != jj[:, None])
        vk = np.where(third, vk, 0.0)
        chij = chij0 + np.maximum(vk, 0.0).sum(axis=1)
        chji = chji0 - np.minimum(vk, 0.0).sum(axis=1)
        phij = chij / (chij + chji)
        phji = chji / (chij + chji)
        eu_vict = uki + uki
        eu_contest = phij * eu_vict + phji * (ukj + ukj)
        sj = s_sum[jj]
        eu_chlg = (1 - sj) * eu_vict + sj * eu_contest
        ph[a : a + step] = phij
        gain[a : a + step] = eu_chlg - (uki + ukj)
    return ph, gain


def _third_party_votes(uni, unj, unn, w_n, chij0, chji0, o: _Opts):
    """Votes of third parties n on (i : j) ([KTAB] ``Actor::vProbLittle``, ``thirdPartyVoteSU``).

    Each third party estimates P(i wins with its support) from the principals' coalitions and
    its own vote alone, then votes on the difference between the values it expects from
    joining i and from joining j, which depend on the commitment model. ``unj`` is the large
    array; the others broadcast against it. Written with in-place operations (this is the
    model's hot loop), in KTAB's order of evaluation.
    """
    cn = vote(o.voting_rule, w_n, uni - unj)
    cni = np.maximum(cn, 0.0)
    cni += chij0
    cnj = np.minimum(cn, 0.0, out=cn)
    np.subtract(chji0, cnj, out=cnj)
    pin = np.divide(cni, cni + cnj, out=cni)
    pjn = np.subtract(1.0, pin, out=cnj)
    if (
        o.third_party == "SemiCommit"
    ):  # u_ik>j = 2u_ni + u_nn, u_j>ik = 3u_nj, u_i>jk = 3u_ni, u_jk>i = 2u_nj + u_nn
        a1, a3 = uni + uni + unn, uni + uni + uni
        a2 = unj + unj
        a2 += unj
        a4 = unj + unj
        a4 += unn
    elif o.third_party == "FullCommit":
        a1 = a3 = uni + uni + uni
        a2 = unj + unj
        a2 += unj
        a4 = a2
    elif o.third_party == "NoCommit":
        a1 = a3 = uni + uni + unn
        a2 = unj + unj
        a2 += unn
        a4 = a2
    else:
        raise ValueError(
            f"third_party must be one of {OPTIONS['third_party']}, got {o.third_party!r}"
        )
    u_ik_j = pin * a1
    u_ik_j += np.multiply(pjn, a2, out=a2 if a2 is not a4 else None)
    u_i_jk = np.multiply(pin, a3, out=pin)
    u_i_jk += np.multiply(pjn, a4, out=a4 if a4 is not a2 else None)
    u_ik_j -= u_i_jk
    return vote(o.voting_rule, w_n, u_ik_j)


def _best_challenges(d, rhat, s_sum, cap, o: _Opts, *, chunk: int = 150_000):
    """Every actor's own estimate of every challenge it could make: P(i beats j) and i's gain.

    The same computation as :func:`_challenges` with h = k = i for all pairs, arranged as
    (initiator, target, third party) blocks so that utilities that depend only on the
    initiator's perspective are computed once.
    """
    n = d.shape[0]
    w = s_sum * cap
    diag_d = np.diag(d)
    prob = np.zeros((n, n))
    gain = np.full((n, n), -np.inf)
    nn = np.arange(n)
    step = max(1, chunk // (n * n))
    for a in range(0, n, step):
        ii = nn[a : a + step]
        b = len(ii)
        rows = np.arange(b)
        rh = rhat[ii]  # (b, n): i's estimate of everyone's R
        u_at_i = util(d[:, ii].T, rh)  # U_i[a, i]
        u_own = util(diag_d[None, :], rh)  # U_i[a, a]
        u_by_j = util(d.T[None, :, :], rh[:, None, :])  # [i, j, a] = U_i[a, j]
        uii = u_at_i[rows, ii][:, None]
        uij = u_by_j[rows, :, ii]  # (b, j): U_i[i, j]
        uji = u_at_i  # U_i[j, i]
        ujj = u_own
        ci = vote(o.voting_rule, w[ii][:, None], uii - uij)
        cj = vote(o.voting_rule, w[None, :], uji - ujj)
        floor = CHALLENGE_FLOOR * o.unit
        chij0 = (floor + np.maximum(ci, 0.0)) + np.maximum(cj, 0.0)
        chji0 = (floor - np.minimum(ci, 0.0)) - np.minimum(cj, 0.0)
        vk = _third_party_votes(
            u_at_i[:, None, :],
            u_by_j,
            u_own[:, None, :],
            w[None, None, :],
            chij0[:, :, None],
            chji0[:, :, None],
            o,
        )
        third = (nn[None, None, :] != ii[:, None, None]) & (nn[None, None, :] != nn[None, :, None])
        vk = np.where(third, vk, 0.0)
        chij = chij0 + np.maximum(vk, 0.0).sum(axis=2)
        chji = chji0 - np.minimum(vk, 0.0).sum(axis=2)
        phij = chij / (chij + chji)
        phji = chji / (chij + chji)
        eu_vict = uii + uii
        sj = s_sum[None, :]
        eu_chlg = (1 - sj) * eu_vict + sj * (phij * eu_vict + phji * (uij + uij))
        g = eu_chlg - (uii + uij)
        g[rows, ii] = -np.inf
        prob[ii] = phij
        gain[ii] = g
    return prob, gain


def _unique(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's unique positions (``State::setUENdx``) and the one each actor's probability is
    read from.

    Scanning actors in order, a position is new unless within ``POSITION_TOLERANCE`` of an
    earlier unique one. ``State::posProb`` reads an actor's probability from the *last* unique
    position equivalent to it.
    """
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1))
    close = dist < POSITION_TOLERANCE - POSITION_TOLERANCE_SLACK
    uniq: list[int] = []
    for a in range(len(x)):
        if not any(close[a, b] for b in uniq):
            uniq.append(a)
    u = np.array(uniq)
    eq = close[:, u]  # actor × unique
    last = eq.shape[1] - 1 - np.argmax(eq[:, ::-1], axis=1)
    return u, last


def _state_report(x, d, rhat, cap, o: _Opts):
    """KTAB's reported probabilities (``pDist(-1)``): unique positions, own-perspective
    utilities."""
    u_own = util(d, np.diag(rhat)[:, None])
    uniq, which = _unique(x)
    p = scalar_pce(u_own[:, uniq], cap, o.voting_rule, o.victory_model, o.pce_model, unit=o.unit)
    return p[which], uniq, p


def _resolve(x, ideal, sal, cap, d, r, rhat, queues, bargains, o: _Opts, draws):
    """Each actor's choice among its status quo and its bargains ([KTAB]
    ``updateBestBrgnPositions``).

    The value of an option to actor a is the mean of a's own utilities of all positions once
    the option is implemented (the status quo: the positions as they are); a PCE with
    capabilities as weights gives the option probabilities. Actors whose queues have the same
    length are resolved together in one batch.
    """
    n = len(x)
    u_own = util(d, np.diag(rhat)[:, None])  # aUtil[a](a, n): own estimate, own R
    total = u_own.sum(axis=1)
    sq_value = total / n
    if bargains:
        b_init = np.array([b.initiator for b in bargains], dtype=int)
        b_rcvr = np.array([b.receiver for b in bargains], dtype=int)
        ui = util(
            distances(ideal, sal, np.array([b.initiator_position for b in bargains])), r[:, None]
        )
        ur = util(
            distances(ideal, sal, np.array([b.receiver_position for b in bargains])), r[:, None]
        )
        rows = np.arange(n)[:, None]
        value = (
            total[:, None] - u_own[rows, b_init[None, :]] - u_own[rows, b_rcvr[None, :]] + ui + ur
        ) / n
    new = x.copy()
    chosen: dict[int, SMPBargain] = {}
    chosen_p: dict[int, float] = {}
    by_size: dict[int, list[int]] = {}
    for k, qk in enumerate(queues):
        if qk:
            by_size.setdefault(len(qk), []).append(k)
    for size, actors in sorted(by_size.items()):
        q = np.array([queues[k] for k in actors])  # (K, size) bargain indices
        u = np.concatenate(
            [
                np.broadcast_to(sq_value[None, :, None], (len(actors), n, 1)),
                np.transpose(value[:, q], (1, 0, 2)),
            ],
            axis=2,
        )
        p = scalar_pce(
            u,
            np.broadcast_to(cap, (len(actors), n)),
            o.voting_rule,
            o.victory_model,
            o.pce_model,
            unit=o.unit,
        )
        for row, k in enumerate(actors):
            if (
                o.stochastic
            ):  # ``PRNG::probSel``: the first option whose cumulative probability reaches the draw
                m = min(int(np.searchsorted(np.cumsum(p[row]), draws[k], side="left")), size)
            else:  # ``ndxMaxAbs``: the first most probable option
                m = int(np.argmax(p[row]))
            if m == 0:
                continue
            b = bargains[q[row, m - 1]]
            new[k] = b.initiator_position if b.initiator == k else b.receiver_position
            chosen[k] = b
            chosen_p[k] = float(p[row, m])
    return new, chosen, chosen_p


def _turn(turn, x, ideal, sal, s_sum, cap, d, r, rhat, o: _Opts, rng):
    """One turn of challenges, bargains and their resolution ([KTAB] ``SMPState::doBCN``)."""
    n = len(x)
    if o.kernel == "pairs":  # straightforward: one (h, k, i, j) = (i, i, i, j) evaluation per pair
        ii, jj = np.nonzero(~np.eye(n, dtype=bool))
        prob, gain = _challenges(ii, ii, ii, jj, d, rhat, s_sum, cap, o)
        prob_m, gain_m = np.zeros((n, n)), np.full((n, n), -np.inf)
        prob_m[ii, jj], gain_m[ii, jj] = prob, gain
    else:
        prob_m, gain_m = _best_challenges(d, rhat, s_sum, cap, o)
    ok = gain_m > MIN_SIGNIFICANT_GAIN
    inits = np.nonzero(ok.any(axis=1))[0]
    targets = np.argmax(np.where(ok, gain_m, -np.inf), axis=1)[
        inits
    ]  # first maximum, as KTAB's strict '>' scan
    bargains: list[SMPBargain] = []
    queues: list[list[int]] = [[] for _ in range(n)]
    if len(inits):
        p_iij = prob_m[inits, targets]
        b_ii, b_ij = interpolate(
            x[inits], sal[inits], p_iij, x[targets], sal[targets], 1 - p_iij, o.interpolation
        )
        if o.bargain_model != "InitOnlyInterp":
            # KTAB passes get<1>(probEduChlg(j, i, i, j)) -- j's estimate of i's expected gain,
            # where its comment says "probability" -- as pjiJ (smpbcn.cpp); accord follows the code.
            _, p_jij = _challenges(targets, inits, inits, targets, d, rhat, s_sum, cap, o)
            b_ji, b_jj = interpolate(
                x[inits], sal[inits], p_jij, x[targets], sal[targets], 1 - p_jij, o.interpolation
            )
        for row, (a, b) in enumerate(zip(inits.tolist(), targets.tolist(), strict=True)):
            g, pr = float(gain_m[a, b]), float(p_iij[row])
            if o.bargain_model == "InitOnlyInterp":
                made = [SMPBargain(turn, a, b, b_ii[row], b_ij[row], g, pr)]
            elif o.bargain_model == "InitRcvrInterp":
                made = [
                    SMPBargain(turn, a, b, b_ii[row], b_ij[row], g, pr),
                    SMPBargain(turn, a, b, b_ji[row], b_jj[row], g, pr, "receiver"),
                ]
            # PWCompInterp; KTAB weighs both sides with the initiator's capability: c_i S_i and c_i
            # S_j
            else:
                wi, wj = cap[a] * s_sum[a], cap[a] * s_sum[b]
                made = [
                    SMPBargain(
                        turn,
                        a,
                        b,
                        (wi * b_ii[row] + wj * b_ji[row]) / (wi + wj),
                        (wi * b_ij[row] + wj * b_jj[row]) / (wi + wj),
                        g,
                        pr,
                        "compromise",
                    )
                ]
            for bg in made:
                queues[a].append(len(bargains))
                queues[b].append(len(bargains))
                bargains.append(bg)
    draws = rng.random(n) if o.stochastic else None
    new, chosen, chosen_p = _resolve(x, ideal, sal, cap, d, r, rhat, queues, bargains, o, draws)
    return new, bargains, chosen, chosen_p


#: Shocks inside a run: turn -> (present actors (n,), saliences (n, m), capabilities (n,)).
TurnStates = Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _turn_present(turn, x, ideal, sal, cap, act, o: _Opts, rng):
    """One turn among the actors present (shocks): the others keep their positions."""
    idx = np.flatnonzero(act)
    xs, ids_, ss, cs = x[idx], ideal[idx], sal[idx], cap[idx]
    d, r, rhat = _utilities(xs, ids_, ss, cs, o)
    new_s, bargains, chosen, chosen_p = _turn(
        turn, xs, ids_, ss, ss.sum(axis=1), cs, d, r, rhat, o, rng
    )
    new = x.copy()
    new[idx] = new_s
    back = [
        replace(b, initiator=int(idx[b.initiator]), receiver=int(idx[b.receiver])) for b in bargains
    ]
    where = {id(b): k for k, b in enumerate(bargains)}
    adopted = {int(idx[a]): back[where[id(b)]] for a, b in chosen.items()}
    return new, back, adopted, {int(idx[a]): p for a, p in chosen_p.items()}


def _present_report(x, ideal, sal, cap, act, o: _Opts):
    """Risk attitudes and KTAB's reported probabilities among the actors present; the absent
    have R 0, probability 0 and are never among the unique positions."""
    idx = np.flatnonzero(act)
    d, r_s, rhat = _utilities(x[idx], ideal[idx], sal[idx], cap[idx], o)
    prob_s, uniq_s, p_u = _state_report(x[idx], d, rhat, cap[idx], o)
    r = np.zeros(len(x))
    r[idx] = r_s
    prob = np.zeros(len(x))
    prob[idx] = prob_s
    return r, prob, idx[uniq_s], p_u


def run_smp(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    accommodation: np.ndarray | None = None,
    voting_rule: str = "Proportional",
    victory_model: str = "Linear",
    pce_model: str = "Conditional",
    state_transitions: str = "Deterministic",
    third_party: str = "SemiCommit",
    big_r_range: str = "Mid",
    big_r_adjust: str = "OneThird",
    interpolation: str = "S2P2",
    bargain_model: str = "InitOnlyInterp",
    min_turns: int = 2,
    max_turns: int = 100,
    stop_ratio: float = 0.02,
    min_significant_delta: float = 1e-4,
    rng: np.random.Generator | int | None = None,
    kernel: str = "blocked",
    states: TurnStates | None = None,
) -> SMPRun:
    """Run the SMP on arrays: positions (actors × dimensions, on 0..1), saliences (rows summing
    to at most 1), capabilities (> 0). Returns every state; see :class:`SMP` for the options.

    ``kernel`` chooses how the challenges are computed, not what: "blocked" (default) by
    initiator blocks with shared per-perspective utilities; "pairs" one evaluation per (i, j)
    pair, as KTAB's ``probEduChlg`` -- slower, kept as the straightforward check of the other
    (benchmarks/bench_smp.py). Both give the same numbers.

    ``states`` (shocks): a function of the turn t (0 = the start) giving who is present, the
    saliences and the capabilities in force; absent actors neither challenge nor are
    challenged nor vote, and keep their positions. Without it nothing changes between turns.
    """
    if kernel not in ("blocked", "pairs"):
        raise ValueError(f"kernel must be 'blocked' or 'pairs', got {kernel!r}")
    x = np.array(positions, dtype=float)
    sal = np.array(saliences, dtype=float)
    cap = np.array(capabilities, dtype=float)
    n, m = x.shape
    _check_arrays(x, sal, cap)
    for name, value in (
        ("voting_rule", voting_rule),
        ("victory_model", victory_model),
        ("pce_model", pce_model),
        ("state_transitions", state_transitions),
        ("third_party", third_party),
        ("big_r_range", big_r_range),
        ("big_r_adjust", big_r_adjust),
        ("interpolation", interpolation),
        ("bargain_model", bargain_model),
    ):
        if value not in OPTIONS[name]:
            raise ValueError(f"{name} must be one of {OPTIONS[name]}, got {value!r}")
    if not (
        isinstance(min_turns, int | np.integer)
        and isinstance(max_turns, int | np.integer)
        and 1 <= min_turns <= max_turns
    ):
        raise ValueError(
            f"min_turns and max_turns must be integers with 1 <= min_turns <= max_turns, "
            f"got {min_turns!r} and {max_turns!r}"
        )
    if not stop_ratio >= 0:
        raise ValueError(f"stop_ratio must be zero or more, got {stop_ratio!r}")
    o = _Opts(
        voting_rule,
        victory_model,
        pce_model,
        third_party,
        big_r_range,
        big_r_adjust,
        interpolation,
        bargain_model,
        state_transitions == "Stochastic",
        float(cap.mean()) / CAPABILITY_UNIT,
        kernel,
    )
    acc = None if accommodation is None else np.asarray(accommodation, dtype=float)
    if acc is not None:
        if (
            acc.shape != (n, n)
            or np.any(acc < 0)
            or np.any(acc > 1)
            or np.any(acc.sum(axis=1) > 1 + 1e-10)
        ):
            raise ValueError(
                "accommodation must be an actors × actors matrix with entries in 0..1 and row sums "
                "of at most 1 (KTAB ``SMPState::newIdeals``)"
            )
        if np.array_equal(acc, np.eye(n)):
            acc = None
    gen = as_generator(rng)
    s_sum = sal.sum(axis=1)
    ideal = x.copy()
    act = np.ones(n, dtype=bool)
    if states is not None:
        act, sal, cap = states(0)
        s_sum = sal.sum(axis=1)
    if states is None:
        d, r, rhat = _utilities(x, ideal, sal, cap, o)
        prob, uniq, p_u = _state_report(x, d, rhat, cap, o)
    else:
        r, prob, uniq, p_u = _present_report(x, ideal, sal, cap, act, o)
    xs, ideals, probs, risks = [x], [ideal], [prob], [r]
    run = SMPRun(
        (),
        (),
        np.empty(0),
        np.empty(0),
        np.empty(0),
        np.empty(0),
        unique=[uniq],
        unique_probability=[p_u],
    )
    d01 = None
    turn = 0
    while True:
        turn += 1
        if states is None:
            new, bargains, chosen, chosen_p = _turn(
                turn, x, ideal, sal, s_sum, cap, d, r, rhat, o, gen
            )
        else:
            act, sal, cap = states(turn)
            new, bargains, chosen, chosen_p = _turn_present(turn, x, ideal, sal, cap, act, o, gen)
        if acc is None:
            new_ideal = new.copy()
        else:  # [KTAB] ``newIdeals``: ideal <- A pos + (1 - row sum) ideal
            new_ideal = acc @ new + np.clip(1.0 - acc.sum(axis=1), 0.0, 1.0)[:, None] * ideal
        x, ideal = new, new_ideal
        if states is None:
            d, r, rhat = _utilities(x, ideal, sal, cap, o)
            prob, uniq, p_u = _state_report(x, d, rhat, cap, o)
        else:
            r, prob, uniq, p_u = _present_report(x, ideal, sal, cap, act, o)
        run.unique.append(uniq)
        run.unique_probability.append(p_u)
        xs.append(x)
        ideals.append(ideal)
        probs.append(prob)
        risks.append(r)
        run.bargains.append(bargains)
        run.adopted.append(chosen)
        run.queue_probability.append(chosen_p)
        moved = float(
            np.sqrt(((xs[-1] - xs[-2]) ** 2).sum(axis=1)).sum()
        )  # ``SMPModel::stateDist``
        if d01 is None:
            d01 = moved + min_significant_delta
        log.debug(
            "turn %d: %d bargains, %d actors moved, movement %.3g",
            turn,
            len(bargains),
            len(chosen),
            moved,
        )
        if turn >= max_turns or (turn >= min_turns and moved / d01 < stop_ratio):
            break
    run.positions = np.array(xs)
    run.ideals = np.array(ideals)
    run.win_probability = np.array(probs)
    run.risk = np.array(risks)
    return run


def _check_arrays(x: np.ndarray, sal: np.ndarray, cap: np.ndarray) -> None:
    if x.ndim != 2 or sal.shape != x.shape or cap.shape != (x.shape[0],):
        raise ValueError(
            f"positions and saliences must be actors × dimensions and capabilities one per "
            f"actor, got shapes {x.shape}, {sal.shape}, {cap.shape}"
        )
    if x.shape[0] < 2 or x.shape[1] < 1:
        raise ValueError(f"the SMP needs at least 2 actors and 1 dimension, got {x.shape}")
    if not (np.all(np.isfinite(x)) and np.all((x >= 0) & (x <= 1))):
        raise ValueError("positions must lie in 0..1")
    if not (np.all(np.isfinite(sal)) and np.all(sal >= 0) and np.all(sal.sum(axis=1) <= 1 + 1e-9)):
        raise ValueError("saliences must be zero or more with row sums of at most 1 (KTAB's rule)")
    if np.any(sal.sum(axis=1) <= 0):
        raise ValueError(
            "every actor needs a positive salience on some dimension (KTAB's ``bvDiff``)"
        )
    if not (np.all(np.isfinite(cap)) and np.all(cap > 0)):
        raise ValueError(
            "capabilities must be positive (KTAB's ``Model::vote`` refuses zero weights)"
        )


# -- from a scenario and back ----------------------------------------------------------------------
@dataclass(frozen=True)
class SMPInputs:
    """A scenario as the SMP sees it, in the run's canonical actor order."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: np.ndarray  # actors × issues, on 0..1
    saliences: np.ndarray  # actors × issues, rows summing to at most 1
    capabilities: np.ndarray
    has_stance: np.ndarray  # actors × issues, bool
    low: np.ndarray  # per issue: scale minimum
    span: np.ndarray  # per issue: scale width
    accommodation: np.ndarray | None
    order: np.ndarray  # canonical index -> index in scenario.actors

    def to_issue(self, k: int | np.ndarray, v: Any) -> Any:
        """Values on 0..1 back to issue k's own scale."""
        return self.low[k] + np.asarray(v) * self.span[k]


def canonical_order(scenario: Scenario) -> np.ndarray:
    """The order in which the SMP takes the actors (it decides ties: KTAB's scans take the first).

    KTAB takes its input file's order; accord's KTAB importers record it in
    ``extensions["ktab"]["actor_order"]``, which is used when it names exactly the scenario's
    actors. Otherwise actors are taken by ascending id, so that the order in which a scenario
    lists its actors never changes a result.
    """
    ids = scenario.actor_ids
    recorded = (scenario.extensions.get("ktab") or {}).get("actor_order")
    if (
        isinstance(recorded, list | tuple)
        and sorted(map(str, recorded)) == sorted(ids)
        and len(set(ids)) == len(ids)
    ):
        where = {a: i for i, a in enumerate(ids)}
        return np.array([where[str(a)] for a in recorded], dtype=int)
    return np.array(sorted(range(len(ids)), key=lambda i: ids[i]), dtype=int)


def smp_inputs(scenario: Scenario) -> SMPInputs:
    """Positions on 0..1 per issue scale, KTAB-style saliences and capabilities, canonical order.

    - Every issue is one dimension, mapped to 0..1 from its scale (KTAB divides 0..100 by 100).
    - Saliences: KTAB reads 0..100, divides by 100 and refuses totals above 100 per actor
      (``SMPModel::csvRead``). accord's saliences are 0..1 per issue; an actor whose total
      exceeds 1 has its saliences divided by their total (as ``SMPActor::randomize`` builds
      them); totals up to 1 are kept, so KTAB files give KTAB's numbers.
    - An actor without a stance on an issue has salience 0 there, and its position there is
      the capability-weighted mean of the positions of those with a stance (it does not care,
      and others judge it as standing at the centre of opinion).
    - Capability: the actor's capability (KTAB has one per actor).
    - Accommodation (``IdealAdjustment`` of KTAB's XML): ``extensions["ktab"]["ideal_adjustment"]``,
      a list of ``{"actor", "reference", "adjust"}``; the identity matrix otherwise.
    """
    order = canonical_order(scenario)
    actors = [scenario.actors[i] for i in order]
    ids = tuple(a.id for a in actors)
    issues = scenario.issues
    n, m = len(actors), len(issues)
    low = np.array([iss.scale.min for iss in issues], dtype=float)
    span = np.array([iss.scale.max - iss.scale.min for iss in issues], dtype=float)
    pos = np.full((n, m), np.nan)
    sal = np.zeros((n, m))
    cap = np.array([float(a.capability.value) for a in actors])
    for i, a in enumerate(actors):
        for k, iss in enumerate(issues):
            st = a.stances.get(iss.id)
            if st is not None:
                pos[i, k] = (st.position.value - low[k]) / span[k]
                sal[i, k] = st.salience.value
    has = ~np.isnan(pos)
    for k in range(m):
        if not has[:, k].all():
            w = cap[has[:, k]]
            fill = float(np.average(pos[has[:, k], k], weights=w)) if w.sum() > 0 else 0.5
            pos[~has[:, k], k] = fill
    pos = np.clip(pos, 0.0, 1.0)
    bad = [ids[i] for i in range(n) if not cap[i] > 0]
    if bad:
        raise ValueError(
            f"the SMP needs a positive capability for every actor (KTAB ``Model::vote``); "
            f"zero or less for {bad}"
        )
    total = sal.sum(axis=1)
    bad = [ids[i] for i in range(n) if not total[i] > 0]
    if bad:
        raise ValueError(
            f"the SMP needs a positive salience on some issue for every actor "
            f"(KTAB ``SMPModel::bvDiff``); none for {bad}"
        )
    sal = np.where(total[:, None] > 1.0, sal / total[:, None], sal)
    acc = None
    spec = (scenario.extensions.get("ktab") or {}).get("ideal_adjustment")
    if spec:
        where = {a: i for i, a in enumerate(ids)}
        acc = np.eye(n)
        for pair in spec:
            acc[where[pair["actor"]], where[pair["reference"]]] = float(pair["adjust"])
    return SMPInputs(ids, tuple(scenario.issue_ids), pos, sal, cap, has, low, span, acc, order)


class SMP(Model):
    """KTAB's Spatial Model of Politics ([Wise2015]; [KTAB]; applied in [Efird2016]).

    Actors with capabilities, positions and saliences on every issue (one dimension each)
    challenge one another, form bargains and adopt them turn by turn, as KTAB's ``smpc``
    does; see the module docstring for the steps, each tied to KTAB's source. With KTAB's
    default options, accord reproduces ``smpc``'s own output on KTAB's examples (every
    position of every actor at every turn, the number of turns and the reported winning
    probabilities; tests/test_smp.py).

    Parameters (keyword-only, stored unchanged; the first value is KTAB's default, see
    ``OPTIONS``; names as in KTAB's ``ModelParameters``):

    - ``voting_rule``: Proportional, Binary, PropBin, PropCbc, Cubic, ASymProsp (``Model::vote``).
    - ``victory_model``: Linear, Square, Quartic, Octic, Binary (``Model::vProb``).
    - ``pce_model``: Conditional, MarkovIncentive, MarkovUniform (``Model::probCE2``).
    - ``state_transitions``: Deterministic (each actor adopts its most probable bargain) or
      Stochastic (drawn with those probabilities from ``rng``; reproducible from its seed).
    - ``third_party``: SemiCommit, NoCommit, FullCommit (``Actor::thirdPartyVoteSU``).
    - ``big_r_range``: Mid (R in [-1/2, 1]), Min ([0, 1]), Max ([-1, 1]) (``bigRfromProb``).
    - ``big_r_adjust``: OneThird, None, Half, TwoThirds, Full: the weight of i's own R in h's
      estimate of it (``Model::estNRA``).
    - ``interpolation``: S2P2, S1P1, S2PMax (``SMPActor::interpolateBrgn``).
    - ``bargain_model``: InitOnlyInterp, InitRcvrInterp, PWCompInterp (``SMPBargnModel``).
    - ``min_turns`` (2), ``max_turns`` (100), ``stop_ratio`` (0.02): stop after at least
      ``min_turns`` when the last turn's movement is below ``stop_ratio`` × (the first turn's
      movement + 1e-4), or at ``max_turns`` (``SMPModel::configExec``, ``smpStopFn``).
    - ``forecast_rule``: "most_probable" (default): the forecast of an issue at a turn is the
      coordinate of the position with the highest winning probability (KTAB's reported PCE
      over unique positions; ties: first in canonical order); "weighted_mean": the
      probability-weighted mean of the unique positions.

    Ties are broken by KTAB's scans (first in order) over the canonical actor order (see
    :func:`canonical_order`). KTAB's absolute floors are scaled by mean capability / 100
    (``CAPABILITY_UNIT``).
    """

    name: ClassVar[str] = "smp"
    label: ClassVar[str] = "KTAB spatial model (SMP)"
    citation: ClassVar[str] = "[Wise2015]; [KTAB]"
    tags: ClassVar[ModelTags] = ModelTags(round_based=True, stochastic=True, multi_issue=True)
    PARAMS: ClassVar[tuple[Param, ...]] = tuple(
        Param(k, str, v[0], choices=v, source="[KTAB] ModelParameters")
        for k, v in OPTIONS.items()
        if k != "forecast_rule"
    ) + (
        Param("min_turns", int, 2, low=1, high=10_000, source="[KTAB] SMPModel::configExec"),
        Param("max_turns", int, 100, low=1, high=10_000, source="[KTAB] SMPModel::configExec"),
        Param("stop_ratio", float, 0.02, low=0.0, high=1.0, source="[KTAB] smpStopFn"),
        Param(
            "forecast_rule",
            str,
            "most_probable",
            choices=OPTIONS["forecast_rule"],
            help="the most probable position, or the probability-weighted mean",
        ),
    )

    def __init__(
        self,
        *,
        voting_rule: str = "Proportional",
        victory_model: str = "Linear",
        pce_model: str = "Conditional",
        state_transitions: str = "Deterministic",
        third_party: str = "SemiCommit",
        big_r_range: str = "Mid",
        big_r_adjust: str = "OneThird",
        interpolation: str = "S2P2",
        bargain_model: str = "InitOnlyInterp",
        min_turns: int = 2,
        max_turns: int = 100,
        stop_ratio: float = 0.02,
        forecast_rule: str = "most_probable",
    ):
        self.voting_rule = voting_rule
        self.victory_model = victory_model
        self.pce_model = pce_model
        self.state_transitions = state_transitions
        self.third_party = third_party
        self.big_r_range = big_r_range
        self.big_r_adjust = big_r_adjust
        self.interpolation = interpolation
        self.bargain_model = bargain_model
        self.min_turns = min_turns
        self.max_turns = max_turns
        self.stop_ratio = stop_ratio
        self.forecast_rule = forecast_rule
        self._check_params()
        if min_turns > max_turns:
            raise ValueError(
                f"min_turns must be at most max_turns; got {min_turns!r} > {max_turns!r}"
            )

    @classmethod
    def from_ktab_parameters(cls, params: dict[str, str], **overrides: Any) -> SMP:
        """An SMP with the options of a KTAB XML ``<ModelParameters>`` block (as the importer
        records
        them in ``extensions["ktab"]["model_parameters"]``)."""
        names = {
            "VictoryProbModel": "victory_model",
            "PCEModel": "pce_model",
            "StateTransitions": "state_transitions",
            "VotingRule": "voting_rule",
            "BigRAdjust": "big_r_adjust",
            "BigRRange": "big_r_range",
            "ThirdPartyCommit": "third_party",
            "InterVecBrgn": "interpolation",
            "BargnModel": "bargain_model",
        }
        aliases = {"Prop": "Proportional", "No": "None"}
        kw: dict[str, Any] = {names[k]: aliases.get(v, v) for k, v in params.items() if k in names}
        kw.update(overrides)
        return cls(**kw)

    def run(
        self,
        scenario: Scenario,
        *,
        rng: np.random.Generator | int | None = None,
        states: TurnStates | None = None,
    ) -> tuple[SMPRun, SMPInputs]:
        """The whole run on a scenario, in the canonical actor order, positions on 0..1."""
        inp = smp_inputs(scenario)
        params = {k: v for k, v in self.get_params().items() if k != "forecast_rule"}
        run = run_smp(
            inp.positions,
            inp.saliences,
            inp.capabilities,
            accommodation=inp.accommodation,
            rng=rng,
            states=states,
            **params,
        )
        run.actor_ids = inp.actor_ids
        run.dims = inp.issue_ids
        return run, inp

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """(D, issues) forecasts, one run per draw (the oracle's only change: the former
        ``smp_batch`` kernel is not copied, so every draw runs on its own, as the old
        fallback did)."""
        if arrays.schedule is not None:
            return self._shocked(arrays)
        return super().forecast_arrays(arrays, rng=rng)

    def _shocked(self, arrays: ScenarioArrays) -> np.ndarray:
        """Draw by draw with the shock schedule: each turn t uses the state of round t."""
        sched = arrays.schedule
        assert sched is not None
        last = min(self.max_turns, sched.last_round)
        out = np.empty((arrays.n_draws, len(arrays.scenario.issues)))
        for d in range(arrays.n_draws):
            per = sched.rounds(arrays.take(np.array([d])), last)
            scn = arrays.scenario_at(d)
            order = smp_inputs(scn).order

            def states(t: int, per: dict[str, np.ndarray] = per, order: np.ndarray = order):
                r = min(t, last)
                mask = per["mask"][r][order]
                sal = np.where(mask, per["salience"][0, r][order], 0.0)
                total = sal.sum(axis=1)
                sal = np.where(
                    total[:, None] > 1.0, sal / np.where(total > 0, total, 1.0)[:, None], sal
                )
                return mask.any(axis=1), sal, per["actor_capability"][0, r][order]

            run, inp = self.run(scn, rng=arrays.rng(d, model_stream(self.name)), states=states)
            fc, _ = self._forecast_path(run)
            out[d] = inp.to_issue(np.arange(len(inp.issue_ids)), fc[-1])
        return out

    def _forecast_path(self, run: SMPRun) -> tuple[np.ndarray, list[float | None]]:
        """The forecast (on 0..1) at every turn by the forecast rule, and its probability."""
        fc = np.empty((run.positions.shape[0], run.positions.shape[2]))
        fc_p: list[float | None] = []
        for t, x in enumerate(run.positions):
            uniq, p_u = run.unique[t], run.unique_probability[t]
            if self.forecast_rule == "most_probable":
                best = int(np.argmax(p_u))  # first most probable, canonical order
                fc[t] = x[uniq[best]]
                fc_p.append(float(p_u[best]))
            else:
                fc[t] = (p_u / p_u.sum()) @ x[uniq]
                fc_p.append(None)
        return fc, fc_p

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast:
        """Forecast every issue; the trace holds every actor's position at every turn.

        Details per issue: ``turns``; ``win_probability`` ({actor id: per-turn probability of
        its position winning}, KTAB's report); ``forecast_probability`` (per turn, the
        probability of the forecast position, or of nothing for weighted_mean); ``bargains``
        (bargains proposed per turn). One ``bargain`` event per actor and issue whenever an
        actor adopts a bargain that moves it there.
        """
        run, inp = self.run(scenario, rng=rng)
        ids = inp.actor_ids
        fc, fc_p = self._forecast_path(run)
        back = np.argsort(inp.order)  # scenario order -> canonical index
        scen_ids = scenario.actor_ids
        events: dict[str, list[TraceEvent]] = {iid: [] for iid in inp.issue_ids}
        for t, chosen in enumerate(run.adopted, start=1):
            before, after = run.positions[t - 1], run.positions[t]
            for a, b in sorted(chosen.items()):
                other = b.receiver if b.initiator == a else b.initiator
                for k, iid in enumerate(inp.issue_ids):
                    if before[a, k] != after[a, k] and inp.has_stance[a, k]:
                        events[iid].append(
                            TraceEvent(
                                round=t,
                                kind="bargain",
                                actor=ids[a],
                                issue=iid,
                                other=ids[other],
                                before=float(inp.to_issue(k, before[a, k])),
                                after=float(inp.to_issue(k, after[a, k])),
                                detail={
                                    "initiator": ids[b.initiator],
                                    "receiver": ids[b.receiver],
                                    "initiator_win_probability": b.probability,
                                    "expected_gain": b.gain,
                                    "adoption_probability": run.queue_probability[t - 1][a],
                                    "why": f"{ids[b.initiator]} challenged {ids[b.receiver]} "
                                    f"(P(win) {b.probability:.2f} by the initiator's estimate)",
                                },
                            )
                        )
        out = {}
        for k, issue in enumerate(scenario.issues):
            keep = [back[i] for i in range(len(scen_ids)) if inp.has_stance[back[i], k]]
            pos = inp.to_issue(k, run.positions[:, keep, k])
            trace = IssueTrace(
                tuple(ids[c] for c in keep), pos, inp.to_issue(k, fc[:, k]), tuple(events[issue.id])
            )
            details = {
                "turns": run.turns,
                "win_probability": {ids[c]: run.win_probability[:, c].tolist() for c in keep},
                "forecast_probability": fc_p,
                "bargains": [len(b) for b in run.bargains],
            }
            out[issue.id] = IssueForecast(issue.id, float(trace.forecast[-1]), trace, details)
        return ModelForecast(self.name, out, self.get_params())


def _draw_inputs(scenario: Scenario, draws: Any, order: np.ndarray, mask: np.ndarray):
    """Per-draw SMP inputs as :func:`smp_inputs` builds them, for every draw at once:
    positions (D, n, m) and saliences on 0..1, capabilities (D, n), canonical order, and
    whether each draw is valid (positive capabilities and some salience for every actor)."""
    low = np.array([iss.scale.min for iss in scenario.issues], dtype=float)
    span = np.array([iss.scale.max - iss.scale.min for iss in scenario.issues], dtype=float)
    has = mask[order]  # (n, m)
    pos = (np.asarray(draws.position, dtype=float)[:, order] - low) / span
    sal = np.where(has[None], np.asarray(draws.salience, dtype=float)[:, order], 0.0)
    cap = np.asarray(draws.actor_capability, dtype=float)[:, order]
    for k in range(pos.shape[2]):
        if not has[
            :, k
        ].all():  # no stance: the capability-weighted mean of those with one (smp_inputs)
            w = np.where(has[:, k], cap, 0.0)
            tot = w.sum(axis=1)
            mean = np.where(
                tot > 0,
                (np.where(has[:, k], pos[:, :, k], 0.0) * w).sum(axis=1)
                / np.where(tot > 0, tot, 1.0),
                0.5,
            )
            pos[:, :, k] = np.where(has[None, :, k], pos[:, :, k], mean[:, None])
    pos = np.clip(pos, 0.0, 1.0)
    total = sal.sum(axis=2)
    sal = np.where(total[:, :, None] > 1.0, sal / np.where(total > 0, total, 1.0)[:, :, None], sal)
    ok = (cap > 0).all(axis=1) & (total > 0).all(axis=1) & np.isfinite(pos).all(axis=(1, 2))
    return pos, sal, cap, ok
