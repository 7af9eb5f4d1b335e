"""KTAB's SMP on many Monte Carlo draws at once: every turn advances all draws in lock-step.

The per-draw model (:mod:`accord.models.smp`, [Wise2015]; [KTAB]) vectorises one run over its
actors; on a small scenario most of its time goes into numpy's per-call overhead, so 10,000 draws
of the default scenario cost minutes. Here every quantity of a turn gets a leading draw axis:
utilities and the risk-neutral probabilistic Condorcet election (``setAllAUtil``), every actor's
best challenge with third-party votes (``probEduChlg``, ``bestChallenge``), the interpolated
bargains (``interpolateBrgn``), each actor's choice among its queue (``updateBestBrgnPositions``)
and the stopping rule (``smpStopFn``), each draw stopping on its own. Queues of different
lengths are laid out on a fixed set of slots (status quo, then one slot per possible initiator,
in KTAB's creation order) with absent slots masked, so the election among a queue's options is
the per-draw one: an option's probability depends only on the pairwise contests among the
options present, whose order is kept.

Scope: KTAB's default options (Proportional votes, Linear victory probability, Conditional PCE,
SemiCommit, Mid big-R range, OneThird estimates, S2P2 interpolation, InitOnlyInterp,
Deterministic) without ideal adjustment; :meth:`accord.models.smp.SMP.forecast_arrays` falls back
to one run per draw otherwise. The numbers equal the per-draw model's up to floating-point
summation order (sums over more than eight padded options group differently), which
``tests/test_smp_batch.py`` checks to 1e-9 on scenarios and random cases.
"""

from __future__ import annotations

import numpy as np

from .smp import (
    CAPABILITY_UNIT,
    CHALLENGE_FLOOR,
    COALITION_FLOOR,
    MIN_SIGNIFICANT_GAIN,
    POSITION_TOLERANCE,
    _Opts,
    _third_party_votes,
    interpolate,
    util,
)

__all__ = ["run_smp_batch", "DEFAULT_ONLY"]

#: The options this kernel implements (KTAB's defaults); anything else runs draw by draw.
DEFAULT_ONLY = {"voting_rule": "Proportional", "victory_model": "Linear", "pce_model": "Conditional",
                "state_transitions": "Deterministic", "third_party": "SemiCommit", "big_r_range": "Mid",
                "big_r_adjust": "OneThird", "interpolation": "S2P2", "bargain_model": "InitOnlyInterp"}

_OPTS = _Opts("Proportional", "Linear", "Conditional", "SemiCommit", "Mid", "OneThird", "S2P2",
              "InitOnlyInterp", False, 1.0)


def _distances(ideal: np.ndarray, sal: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """d[D, i, j] from i's ideal to position j ([KTAB] ``SMPModel::bvDiff``)."""
    diff = (ideal[:, :, None, :] - pos[:, None, :, :]) * sal[:, :, None, :]
    return np.sqrt((diff * diff).sum(axis=-1) / (sal * sal).sum(axis=-1)[:, :, None])


def _victory(u: np.ndarray, w: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """pv[D, a, b]: P(option a beats b) when voters ``w`` (D, voters) judge options by ``u``
    (D, voters, options) ([KTAB] ``Model::coalitions`` and ``Model::vProb``, Linear)."""
    v = w[:, :, None, None] * (u[:, :, :, None] - u[:, :, None, :])           # vote(Proportional)
    pos = np.maximum(v, 0.0).sum(axis=1)
    neg = np.maximum(-v, 0.0).sum(axis=1)
    n_opt = u.shape[-1]
    lower = np.tri(n_opt, k=-1, dtype=bool)                    # each pair once, as KTAB
    c = COALITION_FLOOR * unit[:, None, None] + np.where(lower, pos, np.swapaxes(neg, -1, -2))
    x1, x2 = c, np.swapaxes(c, -1, -2)
    pv = np.where(lower, x1 / (x1 + x2), 0.0)
    pv = pv + np.swapaxes(np.where(lower, x2 / (x1 + x2), 0.0), -1, -2)
    return np.where(np.eye(n_opt, dtype=bool), 0.5, pv)


def _conditional(pv: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Conditional PCE over the options present ([KTAB] ``condPCE``: P_i ∝ Π_j pv_ij, in logs).

    ``pv`` (D, options, options); ``present`` (D, K, options): K elections among subsets of the
    same options (an absent option has probability 0 and takes no part in any contest).
    """
    logp = np.where(present[:, :, None, :], np.log(pv)[:, None, :, :], 0.0).sum(axis=-1)
    logp = np.where(present, logp, -np.inf)
    logp -= logp.max(axis=-1, keepdims=True)
    p = np.where(present, np.exp(logp), 0.0)
    return p / p.sum(axis=-1, keepdims=True)


def _masked_pce(u: np.ndarray, w: np.ndarray, present: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Conditional PCE over the options present ([KTAB] ``Model::scalarPCE``); ``present`` (D, options)."""
    return _conditional(_victory(u, w, unit), present[:, None, :])[:, 0]


def _utilities(x, sal, cap, unit):
    """Distances, R and estimated R for every draw ([KTAB] ``SMPState::setAllAUtil``); ideals = positions."""
    d = _distances(x, sal, x)
    u0 = util(d, np.zeros(d.shape[:2] + (1,)))
    p = _masked_pce(u0, cap, np.ones(d.shape[:2], dtype=bool), unit)
    lo, hi = p.min(axis=-1, keepdims=True), p.max(axis=-1, keepdims=True)
    span = hi - lo
    # [KTAB] bigRfromProb (Mid): R in [-1/2, 1]; all equal: risk neutral (see smp.big_r)
    r = np.where(span > 0.0, (3 * p - (hi + 2 * lo)) / np.where(span > 0.0, 2 * span, 1.0), 0.0)
    rh, ri = r[:, :, None], r[:, None, :]
    rhat = ((2.0 * rh) + ri) / 3.0 + 0.0 * ri                                   # [KTAB] estNRA (OneThird)
    return d, r, rhat


def _best_challenges(d, rhat, s_sum, cap, unit):
    """Every actor's own estimate of P(i beats j) and of its gain ([KTAB] ``probEduChlg``)."""
    D, n, _ = d.shape
    w = s_sum * cap
    diag_d = np.diagonal(d, axis1=1, axis2=2)
    dt = np.swapaxes(d, 1, 2)
    u_at_i = util(dt, rhat)                                    # [D, i, a] = U_i[a, i]
    u_own = util(diag_d[:, None, :], rhat)                     # [D, i, a] = U_i[a, a]
    u_by_j = util(dt[:, None, :, :], rhat[:, :, None, :])      # [D, i, j, a] = U_i[a, j]
    uii = np.diagonal(u_at_i, axis1=1, axis2=2)[:, :, None]
    uij = np.swapaxes(np.diagonal(u_by_j, axis1=1, axis2=3), 1, 2)   # [D, i, j] = U_i[i, j]
    ci = w[:, :, None] * (uii - uij)                           # vote(Proportional)
    cj = w[:, None, :] * (u_at_i - u_own)
    floor = (CHALLENGE_FLOOR * unit)[:, None, None]
    chij0 = (floor + np.maximum(ci, 0.0)) + np.maximum(cj, 0.0)
    chji0 = (floor - np.minimum(ci, 0.0)) - np.minimum(cj, 0.0)
    vk = _third_party_votes(u_at_i[:, :, None, :], u_by_j, u_own[:, :, None, :], w[:, None, None, :],
                            chij0[..., None], chji0[..., None], _OPTS)
    nn = np.arange(n)
    third = (nn[None, None, :] != nn[:, None, None]) & (nn[None, None, :] != nn[None, :, None])
    vk = np.where(third[None], vk, 0.0)
    chij = chij0 + np.maximum(vk, 0.0).sum(axis=-1)
    chji = chji0 - np.minimum(vk, 0.0).sum(axis=-1)
    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    eu_vict = uii + uii
    sj = s_sum[:, None, :]
    eu_chlg = (1 - sj) * eu_vict + sj * (phij * eu_vict + phji * (uij + uij))
    g = eu_chlg - (uii + uij)
    g[:, nn, nn] = -np.inf
    return phij, g


def _turn(x, sal, s_sum, cap, unit, d, r, rhat):
    """One turn of every draw ([KTAB] ``SMPState::doBCN``); returns the new positions."""
    D, n, _ = x.shape
    prob, gain = _best_challenges(d, rhat, s_sum, cap, unit)
    ok = gain > MIN_SIGNIFICANT_GAIN
    active = ok.any(axis=-1)                                   # (D, i) initiators
    target = np.argmax(np.where(ok, gain, -np.inf), axis=-1)  # first maximum, as KTAB's scan
    rows = np.arange(D)[:, None]
    p_iij = np.take_along_axis(prob, target[..., None], axis=-1)[..., 0]
    x_t, s_t = x[rows, target], sal[rows, target]
    b_ii, b_ij = interpolate(x, sal, p_iij, x_t, s_t, 1 - p_iij, "S2P2")     # [KTAB] interpolateBrgn
    # [KTAB] updateBestBrgnPositions: the value of a bargain is the mean own utility after it
    u_own = util(d, np.diagonal(rhat, axis1=1, axis2=2)[:, :, None])      # [D, a, c]
    total = u_own.sum(axis=-1)
    sq_value = total / n
    ui = util(_distances(x, sal, b_ii), r[:, :, None])                    # [D, a, bargain i]
    ur = util(_distances(x, sal, b_ij), r[:, :, None])
    u_t = np.take_along_axis(u_own, np.broadcast_to(target[:, None, :], u_own.shape), axis=-1)
    value = (total[:, :, None] - u_own - u_t + ui + ur) / n               # [D, a, i]
    # queues: slot 0 the status quo, slot 1 + i the bargain initiated by i, for k = i or k = target(i)
    nn = np.arange(n)
    member = active[:, None, :] & ((nn[None, :, None] == nn[None, None, :]) | (target[:, None, :] == nn[None, :, None]))
    present = np.concatenate([np.ones((D, n, 1), dtype=bool), member], axis=-1)       # (D, k, 1 + n)
    opts = np.concatenate([np.broadcast_to(sq_value[:, :, None], (D, n, 1)), value], axis=-1)   # (D, a, 1 + n)
    # every actor's queue holds options of the same set, so the contests are computed once per draw
    p = _conditional(_victory(opts, cap, unit), present)       # (D, k, 1 + n)
    choice = np.argmax(p, axis=-1)                             # first most probable ([KTAB] ndxMaxAbs)
    moves = choice > 0
    i = np.maximum(choice - 1, 0)
    own = i == nn[None, :]
    pick_i = b_ii[rows, i]
    pick_j = b_ij[rows, i]
    new = np.where((moves & own)[..., None], pick_i, np.where((moves & ~own)[..., None], pick_j, x))
    return new


def _forecast_positions(x, sal, cap, unit, d, rhat) -> np.ndarray:
    """(D, m) the position of the most probable unique position ([KTAB] ``pDist(-1)``)."""
    D, n, _ = x.shape
    dist = np.sqrt(((x[:, :, None, :] - x[:, None, :, :]) ** 2).sum(axis=-1))
    close = dist < POSITION_TOLERANCE
    uniq = np.zeros((D, n), dtype=bool)
    for a in range(n):                                         # [KTAB] State::setUENdx, scanning in order
        uniq[:, a] = ~(close[:, a, :a] & uniq[:, :a]).any(axis=-1)
    u_own = util(d, np.diagonal(rhat, axis1=1, axis2=2)[:, :, None])
    p = _masked_pce(u_own, cap, uniq, unit)
    best = np.argmax(p, axis=-1)                               # first most probable, canonical order
    return x[np.arange(D), best]


def run_smp_batch(x: np.ndarray, sal: np.ndarray, cap: np.ndarray, *, min_turns: int = 2, max_turns: int = 100,
                  stop_ratio: float = 0.02, min_significant_delta: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """Run the SMP (KTAB's defaults) on D cases at once.

    ``x`` and ``sal`` (D, actors, dims) on 0..1 in the canonical actor order, ``cap`` (D, actors).
    Returns the forecast positions (D, dims) on 0..1 and the number of turns of each case.
    """
    x = np.array(x, dtype=float)
    sal = np.asarray(sal, dtype=float)
    cap = np.asarray(cap, dtype=float)
    D = x.shape[0]
    unit = cap.mean(axis=-1) / CAPABILITY_UNIT
    s_sum = sal.sum(axis=-1)
    d, r, rhat = _utilities(x, sal, cap, unit)
    turns = np.zeros(D, dtype=int)
    live = np.arange(D)
    d01 = np.zeros(D)
    turn = 0
    while len(live):
        turn += 1
        xs, ss, cs, us = x[live], sal[live], cap[live], unit[live]
        new = _turn(xs, ss, s_sum[live], cs, us, d[live], r[live], rhat[live])
        moved = np.sqrt(((new - xs) ** 2).sum(axis=-1)).sum(axis=-1)            # [KTAB] SMPModel::stateDist
        if turn == 1:
            d01[live] = moved + min_significant_delta
        x[live] = new
        dl, rl, rhl = _utilities(new, ss, cs, us)
        d[live], r[live], rhat[live] = dl, rl, rhl
        turns[live] = turn
        stop = np.full(len(live), turn >= max_turns) | ((turn >= min_turns) & (moved / d01[live] < stop_ratio))
        live = live[~stop]                                                          # [KTAB] smpStopFn
    return _forecast_positions(x, sal, cap, unit, d, rhat), turns
