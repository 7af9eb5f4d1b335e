"""KTAB's SMP equations, each written once on arrays with any leading batch axes ``(..., n)``.

A single run is the case of no (or a one-long) leading axis; many Monte Carlo draws, many
queues of bargains or many problems of one turn are leading axes of the same call. Every line
that carries an equation names its place in KTAB's source ([KTAB], ``kmodel.cpp``,
``smp.cpp``, ``smpbcn.cpp``) or in [Wise2015].

Sums over options (the PCEs, the mean utility of a bargain) are taken in order
(:func:`ordered_sum`) and sums over voters in voter order (:func:`coalitions`), so that a problem's
numbers never depend on which other problems share its batch, on padding or on masked-out
options: a run alone and the same run inside a batch are bit-identical.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from .constants import (
    COALITION_FLOOR,
    HALF_TOLERANCE,
    INTERP_MIN_WEIGHT,
    INTERP_ROUND,
    MARKOV_INCENTIVE_EPS,
    MARKOV_INCENTIVE_TOL,
    MARKOV_MAX_ITER,
    MARKOV_UNIFORM_TOL,
    ODD_VOTING_RULES,
    OPTIONS,
    VOTE_BINARY_TOL,
    VOTE_NOISE,
    VOTE_PROPBIN_SHARE,
    VOTE_PROPCBC_SHARE,
    VP_BINARY_MIN,
    VP_BINARY_THRESHOLD,
)

__all__ = [
    "ordered_sum",
    "lower_triangle",
    "diagonal_mask",
    "vote",
    "victory_weights",
    "victory_matrix",
    "coalitions",
    "pce",
    "pce_from_victory",
    "scalar_pce",
    "big_r",
    "estimated_r",
    "util",
    "util_parts",
    "util_from_parts",
    "distances",
    "round4",
    "interpolate",
    "forecast_position",
]

Array = np.ndarray


def ordered_sum(a: Array, axis: int = -1) -> Array:
    """The sum along ``axis`` taken strictly in order (a running sum): exact zeros, wherever
    they sit, never change it, unlike numpy's pairwise ``sum``."""
    if axis != -1:
        a = np.moveaxis(a, axis, -1)
    k = a.shape[-1]
    if k > 32 or a.size < 256 * k:
        return np.cumsum(a, axis=-1)[..., -1]
    acc = a[..., 0].copy()
    for j in range(1, k):  # short axes: a loop of adds is cheaper than a running sum
        acc += a[..., j]
    return acc


@lru_cache(maxsize=64)
def lower_triangle(n: int) -> Array:
    """(n, n) bool, True below the diagonal (i > j): the pairs KTAB evaluates once (read-only)."""
    out = np.tri(n, k=-1, dtype=bool)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=64)
def diagonal_mask(n: int) -> Array:
    """(n, n) bool identity (read-only)."""
    out = np.eye(n, dtype=bool)
    out.flags.writeable = False
    return out


def _fit(a: Any, shape: tuple[int, ...], dtype: Any = float) -> Array:
    """``a`` as an array of ``shape`` (broadcast only when it is not already)."""
    a = np.asarray(a, dtype=dtype)
    return a if a.shape == shape else np.broadcast_to(a, shape)


def _check(name: str, value: str) -> None:
    if value not in OPTIONS[name]:
        raise ValueError(f"{name} must be one of {OPTIONS[name]}, got {value!r}")


def _step(du: Any) -> Array:
    """KTAB's binary vote, du / 1e-8 clipped to ±1, with differences below rounding noise
    (``VOTE_NOISE``) counted as none: two equal utilities computed in another order (a scale
    flipped, actors listed otherwise) then cast no vote rather than up to 2 % of a whole one,
    which a coalition of otherwise tied options turns into a certain win."""
    du = np.asarray(du)
    return np.where(np.abs(du) < VOTE_NOISE, 0.0, np.clip(du / VOTE_BINARY_TOL, -1.0, 1.0))


def vote(rule: str, weight: Any, du: Any) -> Array:
    """Influence of ``weight`` for a utility difference ``du`` ([KTAB] ``Model::vote``)."""
    if rule == "Proportional":
        return weight * du  # [KTAB] Model::vote (Proportional)
    if rule == "Binary":
        return weight * _step(du)  # [KTAB] Model::vote (Binary)
    if rule == "PropBin":  # [KTAB] Model::vote (PropBin)
        return weight * ((1 - VOTE_PROPBIN_SHARE) * du + VOTE_PROPBIN_SHARE * _step(du))
    if rule == "PropCbc":  # [KTAB] Model::vote (PropCbc)
        return weight * ((1 - VOTE_PROPCBC_SHARE) * du + VOTE_PROPCBC_SHARE * du * du * du)
    if rule == "Cubic":
        return weight * (du * du * du)  # [KTAB] Model::vote (Cubic)
    if rule == "ASymProsp":  # [KTAB] Model::vote (ASymProsp): gains count 2/3
        return np.where(du < 0, weight * du, np.where(du > 0, (2.0 * weight * du) / 3.0, 0.0))
    raise ValueError(f"voting_rule must be one of {OPTIONS['voting_rule']}, got {rule!r}")


def victory_weights(model: str, s1: Array, s2: Array) -> tuple[Array, Array]:
    """The weights (x1, x2) with P(s1 beats s2) = x1 / (x1 + x2) ([KTAB] ``Model::vProb``).

    Linear: strengths; Square, Quartic, Octic: their 2nd, 4th, 8th powers; Binary: a strength
    ratio of 1.10 wins for certain (loser's weight 1e-6), linear in between.
    """
    if model == "Linear":
        return s1, s2  # [KTAB] Model::vProb (Linear)
    if model == "Square":
        return s1 * s1, s2 * s2  # [KTAB] Model::vProb (Square)
    if model == "Quartic":
        return (s1 * s1) ** 2, (s2 * s2) ** 2  # [KTAB] Model::vProb (Quartic)
    if model == "Octic":
        return ((s1 * s1) ** 2) ** 2, ((s2 * s2) ** 2) ** 2  # [KTAB] Model::vProb (Octic)
    if model == "Binary":
        t = VP_BINARY_THRESHOLD
        p12 = ((s1 / (s1 + s2)) * (t + 1.0) - 1.0) / (t - 1.0)  # [KTAB] Model::vProb (Binary)
        first, second = s1 >= t * s2, s2 >= t * s1
        x1 = np.where(first, 1.0, np.where(second, VP_BINARY_MIN, p12))
        x2 = np.where(first, VP_BINARY_MIN, np.where(second, 1.0, 1.0 - p12))
        return x1, x2
    raise ValueError(f"victory_model must be one of {OPTIONS['victory_model']}, got {model!r}")


def victory_matrix(c: Array, model: str) -> Array:
    """pv[..., i, j] = P(option i beats j) from coalitions, 0.5 on the diagonal
    ([KTAB] ``Model::vProb``).

    As KTAB, each pair is evaluated once (i > j) and gives both pv[i, j] and pv[j, i].
    """
    n = c.shape[-1]
    x1, x2 = victory_weights(model, c, np.swapaxes(c, -1, -2))
    if model != "Binary":  # x2[i, j] = x1[j, i]: every entry is its pair's one evaluation
        return np.where(diagonal_mask(n), 0.5, x1 / (x1 + x2))  # [KTAB] Model::vProb
    lower = lower_triangle(n)
    p = np.where(lower, x1 / (x1 + x2), 0.0)  # [KTAB] Model::vProb: x1 / (x1 + x2)
    p = p + np.swapaxes(np.where(lower, x2 / (x1 + x2), 0.0), -1, -2)
    return np.where(diagonal_mask(n), 0.5, p)


def _carry(acc: Array | None, v: Array) -> Array:
    """``acc`` plus the sum of ``v`` (problems, voters, ...) over its voters, strictly in order,
    into ``acc`` (a new array the first time; ``v`` is overwritten)."""
    if acc is None:
        return v.sum(axis=1)
    if v.shape[1] == 1:
        return np.add(acc, v[:, 0], out=acc)
    v[:, 0] += acc
    return np.sum(v, axis=1, out=acc)


def coalitions(u: Array, w: Any, rule: str, *, unit: Any = 1.0, chunk: int = 1 << 16) -> Array:
    """Coalition strengths C[..., i, j] supporting option i over j ([KTAB] ``Model::coalitions``).

    ``u`` is (..., actors, options), ``w`` broadcasts to (..., actors) (a weight of 0 takes an
    actor out), ``unit`` to the leading axes. KTAB evaluates each pair once, for j < i, from
    the vote v_k(i, j): its positive part joins C[i, j], its negative part C[j, i]; every entry
    starts at 1e-8 × ``unit`` (the diagonal stays there). The votes are summed in voter order
    (blocks of voters carry the running sum forward), so a pair's strength does not depend on
    the other options or problems of the call.
    """
    u = np.asarray(u, dtype=float)
    *lead, n_act, n_opt = u.shape
    lead_t = tuple(lead)
    size = int(np.prod(lead_t, dtype=np.int64))
    uf = u.reshape(size, n_act, n_opt)
    wf = _fit(w, (*lead_t, n_act)).reshape(size, n_act)
    floor = COALITION_FLOOR * _fit(unit, lead_t).reshape(size)
    odd = rule in ODD_VOTING_RULES  # v(j, i) = −v(i, j) exactly: C[j, i] is C[i, j]'s mirror
    lower = lower_triangle(n_opt)
    out = np.empty((size, n_opt, n_opt))
    per = n_opt * n_opt
    block = min(n_act, max(1, chunk // per))  # voters per block
    rows = max(1, chunk // (block * per))  # problems per block
    buf = np.empty((min(rows, size), block, n_opt, n_opt))  # reused: no fresh pages per block
    aux = np.empty_like(buf) if odd else buf
    for r0 in range(0, size, rows):
        ub, wb = uf[r0 : r0 + rows], wf[r0 : r0 + rows]
        pos = low = None  # Σ max(v, 0) and Σ min(v, 0) = −Σ max(−v, 0), exactly
        for a in range(0, n_act, block):
            uk = ub[:, a : a + block, :]
            du = buf[: len(uk), : uk.shape[1]]
            np.copyto(du, uk[:, :, :, None])  # then one contiguous pass: faster than u_i − u_j
            du -= uk[:, :, None, :]
            wk = wb[:, a : a + block, None, None]
            if rule == "Proportional":
                v = np.multiply(wk, du, out=du)  # [KTAB] Model::coalitions
            else:
                v = vote(rule, wk, du)  # [KTAB] Model::coalitions
            if not odd:
                low = _carry(low, np.minimum(v, 0.0))
                pos = _carry(pos, np.maximum(v, 0.0, out=v))
            else:  # 2 max(v, 0) = v + |v| exactly, cheaper than numpy's NaN-aware maximum
                pos = _carry(pos, np.add(v, np.abs(v, out=aux[: len(uk), : uk.shape[1]]), out=v))
        assert pos is not None
        if odd:
            pos *= 0.5  # halving is exact: the sum of max(v, 0) bit for bit
        # for an odd rule −Σ min(v_ji, 0) = Σ max(v_ij, 0) bit for bit: C is pos throughout
        if odd or low is None:
            cb = pos
        else:
            cb = np.where(lower, pos, -np.swapaxes(low, -1, -2))
        out[r0 : r0 + rows] = (
            floor[r0 : r0 + rows, None, None] + cb
        )  # [KTAB] coalitions: 1e-8 floor
    return out.reshape(*lead_t, n_opt, n_opt)


def _conditional(log_pv: Array, present: Array) -> Array:
    """``Model::condPCE``: P_i ∝ Π_j pv_ij over the options present, computed in logs."""
    if present.all():  # the same numbers without the masks
        logp = ordered_sum(log_pv)  # [KTAB] condPCE
        p = np.exp(logp - logp.max(axis=-1, keepdims=True))
        return p / ordered_sum(p)[..., None]
    logp = ordered_sum(np.where(present[..., None, :], log_pv, 0.0))  # [KTAB] condPCE
    logp = np.where(present, logp, -np.inf)
    logp = logp - logp.max(axis=-1, keepdims=True)
    p = np.where(present, np.exp(logp), 0.0)
    return p / ordered_sum(p)[..., None]


def _markov_uniform(pv: Array, present: Array) -> Array:
    """``Model::markovUniformPCE``: q_i = Σ_j pv_ij (p_i + p_j) / n, p ← (p + q)/2 to a fixed
    point."""
    n = present.sum(axis=-1, keepdims=True).astype(float)
    pvm = np.where(present[..., :, None] & present[..., None, :], pv, 0.0)
    p = np.where(present, 1.0 / n, 0.0)
    active = np.ones(pv.shape[:-2] + (1,), dtype=bool)  # each problem stops on its own
    for _ in range(MARKOV_MAX_ITER):
        q = ordered_sum(pvm * (p[..., :, None] + p[..., None, :])) / n  # [KTAB] markovUniformPCE
        change = np.abs(q - p).max(axis=-1, keepdims=True)
        p = np.where(active, (p + q) / 2.0, p)
        active &= change > MARKOV_UNIFORM_TOL
        if not active.any():
            return p
    raise RuntimeError(
        "MarkovUniform PCE did not converge in 1000 iterations (KTAB throws here too)"
    )


def _markov_incentive(c: Array, pv: Array, present: Array, unit: Any) -> Array:
    """``Model::markovIncentivePCE``: challenges in proportion to strength × victory chance."""
    n = pv.shape[-1]
    both = present[..., :, None] & present[..., None, :]
    eps = MARKOV_INCENTIVE_EPS * np.asarray(unit, dtype=float)[..., None, None] * diagonal_mask(n)
    inc = np.where(both, c * pv + eps, 0.0)  # [KTAB] markovIncentivePCE: c_ij pv_ij (+ eps)
    col = np.moveaxis(ordered_sum(inc, axis=-2)[..., None], -1, -2)
    chlg = inc / np.where(col > 0, col, 1.0)  # chlg[i, j] = P(j is challenged by i)
    pvm = np.where(both, pv, 0.0)
    n_p = present.sum(axis=-1, keepdims=True).astype(float)
    p = np.where(present, 1.0 / n_p, 0.0)
    active = np.ones(pv.shape[:-2] + (1,), dtype=bool)
    for _ in range(MARKOV_MAX_ITER):
        ct = p[..., :, None] * np.swapaxes(chlg, -1, -2)  # ct[i, j] = p_i chlg[j, i]
        q = ordered_sum(pvm * (ct + np.swapaxes(ct, -1, -2)))  # [KTAB] markovIncentivePCE
        change = np.abs(q - p).max(axis=-1, keepdims=True)
        p = np.where(active, (p + q) / 2.0, p)
        active &= change > MARKOV_INCENTIVE_TOL
        if not active.any():
            return p
    raise RuntimeError(
        "MarkovIncentive PCE did not converge in 1000 iterations (KTAB throws here too)"
    )


def pce(
    c: Array,
    victory_model: str,
    pce_model: str,
    *,
    unit: Any = 1.0,
    present: Array | None = None,
) -> Array:
    """Probabilities of the options from coalition strengths ([KTAB] ``Model::probCE2``).

    ``present`` (broadcasting to (..., options)) leaves options out: they get probability 0
    and take part in no contest, so the others' numbers are those of the election without them.
    """
    _check("pce_model", pce_model)
    pv = victory_matrix(c, victory_model)  # [KTAB] Model::vProb
    return pce_from_victory(pv, c, pce_model, unit=unit, present=present)


def pce_from_victory(
    pv: Array,
    c: Array | None,
    pce_model: str,
    *,
    unit: Any = 1.0,
    present: Array | None = None,
    log_pv: Array | None = None,
) -> Array:
    """:func:`pce` from the victory probabilities ``pv`` (and, for MarkovIncentive, the
    coalitions ``c``; for Conditional ``log_pv`` may be given instead of ``pv``)."""
    _check("pce_model", pce_model)
    ref = pv if log_pv is None else log_pv
    mask = _fit(True if present is None else present, ref.shape[:-1], bool)
    if pce_model == "Conditional":  # [KTAB] Model::condPCE
        return _conditional(np.log(pv) if log_pv is None else log_pv, mask)
    if pce_model == "MarkovUniform":
        return _markov_uniform(pv, mask)  # [KTAB] Model::markovUniformPCE
    assert c is not None
    return _markov_incentive(c, pv, mask, unit)  # [KTAB] Model::markovIncentivePCE


def scalar_pce(
    u: Array,
    w: Any,
    rule: str,
    victory_model: str,
    pce_model: str,
    *,
    unit: Any = 1.0,
    present: Array | None = None,
) -> Array:
    """Option probabilities when actors (weights ``w``) vote with utilities ``u``
    ([KTAB] ``Model::scalarPCE``)."""
    c = coalitions(u, w, rule, unit=unit)  # [KTAB] Model::scalarPCE
    return pce(c, victory_model, pce_model, unit=unit, present=present)


def big_r(p: Array, rng_mode: str, present: Array | None = None) -> Array:
    """Risk attitudes from position probabilities ([KTAB] ``Model::bigRfromProb``), per problem
    along the last axis; actors not ``present`` get 0.

    When every probability is equal KTAB divides by zero (and then stops with an error); accord
    returns risk neutrality (R = 0) instead.
    """
    _check("big_r_range", rng_mode)
    p = np.asarray(p, dtype=float)
    mask = _fit(True if present is None else present, p.shape, bool)
    every = bool(mask.all())
    lo = (p if every else np.where(mask, p, np.inf)).min(axis=-1, keepdims=True)
    hi = (p if every else np.where(mask, p, -np.inf)).max(axis=-1, keepdims=True)
    ok = hi - lo > 0.0
    span = np.where(ok, hi - lo, 1.0)
    if rng_mode == "Mid":  # R in [-1/2, 1]
        r = (3 * p - (hi + 2 * lo)) / (2 * span)  # [KTAB] Model::bigRfromProb (Mid)
    elif rng_mode == "Min":  # R in [0, 1]
        r = (p - lo) / span  # [KTAB] Model::bigRfromProb (Min)
    else:  # R in [-1, 1]
        r = (2 * p - (hi + lo)) / span  # [KTAB] Model::bigRfromProb (Max)
    return np.where(ok if every else ok & mask, r, 0.0)


def estimated_r(r: Array, adjust: str) -> Array:
    """rhat[..., h, i]: h's estimate of i's risk attitude ([KTAB] ``Model::estNRA``)."""
    rh, ri = r[..., :, None], r[..., None, :]
    if adjust == "OneThird":
        return ((2.0 * rh) + ri) / 3.0 + 0.0 * ri  # [KTAB] Model::estNRA (OneThird)
    if adjust == "None":
        return rh + 0.0 * ri  # [KTAB] Model::estNRA (None)
    if adjust == "Half":
        return (rh + ri) / 2  # [KTAB] Model::estNRA (Half)
    if adjust == "TwoThirds":
        return (rh + (2.0 * ri)) / 3.0  # [KTAB] Model::estNRA (TwoThirds)
    if adjust == "Full":
        return ri + 0.0 * rh  # [KTAB] Model::estNRA (Full)
    raise ValueError(f"big_r_adjust must be one of {OPTIONS['big_r_adjust']}, got {adjust!r}")


def util(d: Any, r: Any) -> Array:
    """u = (1 − d)(1 + d R) for d ≤ 1, (1 − d)(1 + R) beyond ([KTAB] ``SMPModel::bsUtil``)."""
    return (1 - d) * (1 + np.where(d <= 1, d, 1.0) * r)  # [KTAB] SMPModel::bsUtil


def util_parts(d: Array) -> tuple[Array, Array]:
    """The two factors of :func:`util` that do not depend on R: (1 − d, min(d, 1))."""
    return 1 - d, np.where(d <= 1, d, 1.0)  # [KTAB] SMPModel::bsUtil


def util_from_parts(far: Array, near: Array, r: Any) -> Array:
    """:func:`util` from :func:`util_parts`, bit for bit: (1 − d)(1 + min(d, 1) R)."""
    return far * (1 + near * r)  # [KTAB] SMPModel::bsUtil


def distances(ideal: Array, sal: Array, pos: Array, *, chunk: int = 1 << 15) -> Array:
    """d[..., i, j]: salience-weighted distance from i's ideal to position j ([KTAB] ``bvDiff``).

    An actor without salience (absent under a shock) is at distance 0 from everything. Large
    batches are taken in blocks of leading rows (the numbers do not depend on it).
    """
    den = (sal * sal).sum(axis=-1)
    den = np.where(den > 0, den, 1.0)[..., None]
    n, p, m = ideal.shape[-2], pos.shape[-2], ideal.shape[-1]
    lead = ideal.shape[:-2]
    rows = max(1, chunk // (n * p * m))
    if not lead or rows >= lead[0] or sal.shape != ideal.shape:
        diff = (ideal[..., :, None, :] - pos[..., None, :, :]) * sal[..., :, None, :]
        return np.sqrt((diff * diff).sum(axis=-1) / den)  # [KTAB] SMPModel::bvDiff
    pos = _fit(pos, (*lead, p, m))
    out = np.empty((*lead, n, p))
    for r in range(0, lead[0], rows):
        out[r : r + rows] = distances(ideal[r : r + rows], sal[r : r + rows], pos[r : r + rows],
                                      chunk=chunk)  # fmt: skip
    return out


def round4(x: Array) -> Array:
    """``interpBrgnSnPm``'s rounding to 4 decimals, (int)(0.5 + x·1e4) / 1e4, except at an exact
    half (within float noise, ``HALF_TOLERANCE`` grid steps), which goes towards the centre 0.5:
    KTAB's half-up takes 0.45125 to 0.4513 but its mirror 0.54875 to 0.5488, so a run and its
    mirror image could part by one grid step; towards the centre they cannot (below 0.5 it is
    KTAB's rule)."""
    y = x * INTERP_ROUND
    fl = np.floor(y)
    half = np.abs(y - fl - 0.5) < HALF_TOLERANCE
    centre = np.where(y < 0.5 * INTERP_ROUND, fl + 1.0, fl)  # a half: towards 0.5
    return np.where(half, centre, np.trunc(0.5 + y)) / INTERP_ROUND  # [KTAB] interpBrgnSnPm


def interpolate(
    t_i: Array, s_i: Array, p_i: Any, t_j: Array, s_j: Array, p_j: Any, how: str
) -> tuple[Array, Array]:
    """Bargain positions (b_i, b_j) per dimension ([KTAB] ``SMPActor::interpolateBrgn``).

    ``S1P1``/``S2P2``: weights w = s^a p^b, b_i = round4(((w_i + ε) t_i + w_j t_j)/(w_i + ε + w_j)),
    b_j likewise with ε on j's side. ``S2PMax``: each moves towards the other by the excess of
    the other's probability, weighted by squared saliences (no rounding).
    """
    p_i = np.asarray(p_i)[..., None]
    p_j = np.asarray(p_j)[..., None]
    if how in ("S1P1", "S2P2"):
        if how == "S2P2":  # [KTAB] SMPActor::interpBrgnSnPm (n = 2, m = 2)
            wi, wj = (s_i * s_i) * (p_i * p_i), (s_j * s_j) * (p_j * p_j)
        else:  # [KTAB] SMPActor::interpBrgnSnPm (n = 1, m = 1)
            wi, wj = s_i * p_i, s_j * p_j
        den = wi + INTERP_MIN_WEIGHT + wj
        return (
            round4(((wi + INTERP_MIN_WEIGHT) * t_i + wj * t_j) / den),  # [KTAB] interpBrgnSnPm
            round4((wi * t_i + (INTERP_MIN_WEIGHT + wj) * t_j) / den),
        )
    if how == "S2PMax":  # [KTAB] SMPActor::interpBrgnS2PMax
        di = np.where(p_j > p_i, p_j - p_i, 0.0)
        dj = np.where(p_i > p_j, p_i - p_j, 0.0)
        si2, sj2 = s_i * s_i, s_j * s_j
        dik = (di * sj2) / ((di * sj2) + INTERP_MIN_WEIGHT + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + INTERP_MIN_WEIGHT + ((1 - dj) * sj2))
        return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)
    raise ValueError(f"interpolation must be one of {OPTIONS['interpolation']}, got {how!r}")


def forecast_position(x: Array, p: Array, rule: str) -> tuple[Array, Array]:
    """The forecast (..., m) from positions (..., n, m) and the winning probability of each
    unique position (..., n; 0 for the others), with the probability behind it (NaN for
    weighted_mean).

    "most_probable": the first most probable unique position in canonical order (KTAB's
    ``ndxMaxAbs``); "weighted_mean": the probability-weighted mean of the unique positions.
    """
    if rule == "most_probable":
        best = np.argmax(p, axis=-1)
        at = np.take_along_axis(x, best[..., None, None], axis=-2)[..., 0, :]
        return at, np.take_along_axis(p, best[..., None], axis=-1)[..., 0]
    if rule == "weighted_mean":
        w = p / ordered_sum(p)[..., None]
        return ordered_sum(w[..., :, None] * x, axis=-2), np.full(p.shape[:-1], np.nan)
    raise ValueError(f"forecast_rule must be one of {OPTIONS['forecast_rule']}, got {rule!r}")
