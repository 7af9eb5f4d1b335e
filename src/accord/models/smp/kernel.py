"""One SMP turn for D runs at once (the only implementation of a turn; a single run is D = 1).

Every array has a leading draw axis: positions and ideals (D, n, m), saliences (D, n, m),
capabilities and presence (D, n), the capability unit (D,). Actors absent under a shock are
masked: they neither vote, challenge, are challenged nor count among the positions. Queues of
bargains of different lengths are resolved in groups of equal length over all draws (KTAB's
``updateBestBrgnPositions`` per actor), so no election is padded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ...jit import MIN_CASES
from ._compiled import MAX_AXIS, bargains_s2p2, best_targets, kernel
from ._compiled_pce import QUEUES, STATE
from ._compiled_report import report_arrays
from .challenges import best_challenges, pair_challenges
from .constants import (
    MIN_SIGNIFICANT_GAIN,
    OPTIONS,
    POSITION_TOLERANCE,
    POSITION_TOLERANCE_SLACK,
)
from .equations import (
    big_r,
    coalitions,
    diagonal_mask,
    distances,
    estimated_r,
    interpolate,
    lower_triangle,
    ordered_sum,
    pce_from_victory,
    scalar_pce,
    util,
    victory_matrix,
)

__all__ = ["SMPOptions", "Turn", "Report", "utilities", "report", "turn", "unique_positions"]

Array = np.ndarray


@dataclass(frozen=True)
class SMPOptions:
    """KTAB's options of one run (see :class:`accord.models.smp.SMP`) and the challenge layout."""

    voting_rule: str = "Proportional"
    victory_model: str = "Linear"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    third_party: str = "SemiCommit"
    big_r_range: str = "Mid"
    big_r_adjust: str = "OneThird"
    interpolation: str = "S2P2"
    bargain_model: str = "InitOnlyInterp"
    kernel: str = "blocked"

    def __post_init__(self) -> None:
        for name in OPTIONS:
            if name != "forecast_rule" and getattr(self, name) not in OPTIONS[name]:
                raise ValueError(
                    f"{name} must be one of {OPTIONS[name]}, got {getattr(self, name)!r}"
                )
        if self.kernel not in ("blocked", "pairs"):
            raise ValueError(f"kernel must be 'blocked' or 'pairs', got {self.kernel!r}")

    @property
    def stochastic(self) -> bool:
        return self.state_transitions == "Stochastic"


def utilities(
    x: Array, ideal: Array, sal: Array, cap: Array, act: Array, unit: Array, o: SMPOptions
) -> tuple[Array, Array, Array]:
    """Distances (D, n, n), R (D, n) and estimated R (D, h, i) ([KTAB] ``SMPState::setAllAUtil``):
    a risk-neutral PCE over the positions present, capabilities as weights."""
    if _compiled_elections(o, x) and (o.big_r_range, o.big_r_adjust) == ("Mid", "OneThird"):
        k_pv, k_shift, k_risk = (kernel(f) for f in STATE)
        if k_pv is not None:  # the same numbers, compiled; log and exp in numpy
            n_draws, n, _ = x.shape
            d, pv, t = np.empty((n_draws, n, n)), np.empty((n_draws, n, n)), np.empty((n_draws, n))
            k_pv(x, ideal, sal, cap, act, unit, d, pv)
            k_shift(np.log(pv), act, t)  # [KTAB] setAllAUtil: PCE
            r, rhat = np.empty((n_draws, n)), np.empty((n_draws, n, n))
            k_risk(np.exp(t), act, r, rhat)  # [KTAB] Model::bigRfromProb, Model::estNRA
            return d, r, rhat
    d = distances(ideal, sal, x)  # [KTAB] SMPModel::bvDiff
    u0 = util(d, np.zeros(d.shape[:-1] + (1,)))  # [KTAB] setAllAUtil: risk-neutral utilities
    w = np.where(act, cap, 0.0)
    rule, vm, pm = o.voting_rule, o.victory_model, o.pce_model
    p = scalar_pce(u0, w, rule, vm, pm, unit=unit, present=act)  # [KTAB] setAllAUtil: PCE
    r = big_r(p, o.big_r_range, act)  # [KTAB] Model::bigRfromProb
    return d, r, estimated_r(r, o.big_r_adjust)  # [KTAB] Model::estNRA


def _compiled_elections(o: SMPOptions, x: Array) -> bool:
    """Whether the compiled elections (``_compiled_pce``) cover these options and this
    batch: Proportional votes, Linear victory, the Conditional PCE, at least ``MIN_CASES``
    draws, at most ``MAX_AXIS`` actors and dimensions."""
    rules = (o.voting_rule, o.victory_model, o.pce_model)
    small = max(x.shape[1:]) <= MAX_AXIS
    return rules == ("Proportional", "Linear", "Conditional") and len(x) >= MIN_CASES and small


def unique_positions(x: Array, act: Array) -> tuple[Array, Array]:
    """KTAB's unique positions (``State::setUENdx``) as a mask (D, n), and for every actor the
    unique position its probability is read from (``State::posProb``: the *last* equivalent).

    Scanning actors in order, a position is new unless within ``POSITION_TOLERANCE`` of an
    earlier unique one (a distance equal to it up to rounding is not within, whichever end of
    the scale is 0: ``POSITION_TOLERANCE_SLACK``); absent actors are never unique.
    """
    n = x.shape[-2]
    dist = np.sqrt(((x[..., :, None, :] - x[..., None, :, :]) ** 2).sum(axis=-1))
    close = (dist < POSITION_TOLERANCE - POSITION_TOLERANCE_SLACK) & act[..., None, :]  # posTol
    earlier = close & lower_triangle(n)
    need = earlier.any(axis=-1)
    uniq = act & ~need  # nothing present before it is close: unique
    for a in np.flatnonzero(need.any(axis=tuple(range(need.ndim - 1)))).tolist():
        uniq[..., a] = act[..., a] & ~(earlier[..., a, :a] & uniq[..., :a]).any(axis=-1)
    eq = close & uniq[..., None, :]
    last = n - 1 - np.argmax(eq[..., ::-1], axis=-1)
    return uniq, last


def _compact(mask: Array) -> tuple[Array, Array]:
    """Indices (D, K) of the True entries of ``mask`` (D, n) in order, padded; and validity."""
    count = mask.sum(axis=-1)
    width = max(1, int(count.max(initial=0)))
    idx = np.argsort(~mask, axis=-1, kind="stable")[..., :width]
    return idx, np.arange(width) < count[..., None]


@dataclass
class Report:
    """KTAB's reported probabilities of a state ([KTAB] ``showVPHistory``, ``pDist(-1)``)."""

    win_probability: Array  # (D, n): of each actor's position (0 if absent)
    unique: Array  # (D, n) bool: the unique positions
    unique_probability: Array  # (D, n): their PCE probabilities, 0 elsewhere


def report(
    x: Array, d: Array, rhat: Array, cap: Array, act: Array, unit: Array, o: SMPOptions
) -> Report:
    """A PCE over the unique positions, each actor judging by its own utilities, capabilities
    as weights ([KTAB] ``pDist(-1)``)."""
    if _compiled_elections(o, x) and (out := report_arrays(x, d, rhat, cap, act, unit)):
        return Report(*out)  # the same numbers, compiled
    u_own = util(d, np.diagonal(rhat, axis1=-2, axis2=-1)[..., None])  # aUtil[a](a, c)
    uniq, last = unique_positions(x, act)
    idx, valid = _compact(uniq)
    u = np.take_along_axis(u_own, idx[..., None, :], axis=-1)
    w = np.where(act, cap, 0.0)
    rule, vm, pm = o.voting_rule, o.victory_model, o.pce_model
    p = scalar_pce(u, w, rule, vm, pm, unit=unit, present=valid)  # [KTAB] pDist(-1)
    full = np.zeros(uniq.shape)
    np.put_along_axis(full, idx, np.where(valid, p, 0.0), axis=-1)
    full = np.where(uniq, full, 0.0)
    win = np.where(act, np.take_along_axis(full, last, axis=-1), 0.0)
    return Report(win, uniq, full)


@dataclass
class Turn:
    """What one turn did, per draw: the new positions and, for the trace, the bargains.

    Bargain slots are numbered in KTAB's creation order: slot s = i × B + b is the b-th bargain
    of initiator i (B = 2 for InitRcvrInterp, else 1), valid where i made a challenge.
    """

    new: Array  # (D, n, m)
    target: Array  # (D, n): whom each actor challenges
    active: Array  # (D, n): whether it challenges anyone
    gain: Array  # (D, n): its expected gain
    probability: Array  # (D, n): its estimate of P(win)
    per_initiator: int  # B
    slot_initiator_position: Array  # (D, S, m)
    slot_receiver_position: Array  # (D, S, m)
    chosen: Array  # (D, n): the slot each actor adopts, -1 for its status quo
    chosen_probability: Array  # (D, n): that option's probability in its queue


def _bargains(
    x: Array,
    sal: Array,
    s_sum: Array,
    cap: Array,
    act: Array,
    unit: Array,
    d: Array,
    rhat: Array,
    target: Array,
    p_iij: Array,
    o: SMPOptions,
) -> tuple[Array, Array, int]:
    """Slot positions (D, S, m) of both sides ([KTAB] ``SMPActor::interpolateBrgn``,
    ``SMPBargnModel``)."""
    how = o.interpolation
    if o.bargain_model == "InitOnlyInterp" and how == "S2P2" and len(x) >= MIN_CASES:
        k = kernel(bargains_s2p2)  # the same numbers, compiled
        if k is not None:
            b_ii, b_ij = np.empty(x.shape), np.empty(x.shape)
            k(x, sal, target, p_iij, b_ii, b_ij)
            return b_ii, b_ij, 1
    rows = np.arange(x.shape[0])[:, None]
    x_t, s_t = x[rows, target], sal[rows, target]
    b_ii, b_ij = interpolate(x, sal, p_iij, x_t, s_t, 1 - p_iij, how)  # [KTAB] interpolateBrgn
    if o.bargain_model == "InitOnlyInterp":
        return b_ii, b_ij, 1
    # KTAB passes get<1>(probEduChlg(j, i, i, j)) -- j's estimate of i's expected gain, where
    # its comment says "probability" -- as pjiJ (smpbcn.cpp); accord follows the code.
    nn = np.broadcast_to(np.arange(x.shape[1]), target.shape)
    _, p_jij = pair_challenges(
        target, nn, nn, target, d, rhat, s_sum, cap, act, unit, o.voting_rule, o.third_party
    )
    b_ji, b_jj = interpolate(x, sal, p_jij, x_t, s_t, 1 - p_jij, how)
    if o.bargain_model == "InitRcvrInterp":  # [KTAB] SMPBargnModel::InitRcvrInterp
        pos_i = np.stack([b_ii, b_ji], axis=2).reshape(x.shape[0], -1, x.shape[2])
        pos_r = np.stack([b_ij, b_jj], axis=2).reshape(x.shape[0], -1, x.shape[2])
        return pos_i, pos_r, 2
    # PWCompInterp; KTAB weighs both sides with the initiator's capability: c_i S_i and c_i S_j
    wi = (cap * s_sum)[..., None]
    wj = (cap * s_sum[rows, target])[..., None]
    pos_i = (wi * b_ii + wj * b_ji) / (wi + wj)  # [KTAB] SMPBargnModel::PWCompInterp
    pos_r = (wi * b_ij + wj * b_jj) / (wi + wj)
    return pos_i, pos_r, 1


def _choose(p: Array, last: Array, u: Array | None) -> Array:
    """The option adopted from probabilities (P, L): the first most probable ([KTAB]
    ``ndxMaxAbs``) or, with draws ``u`` (P,), the first whose cumulative probability reaches
    the draw ([KTAB] ``PRNG::probSel``); ``last`` (P,) is each queue's last option."""
    if u is None:
        return np.argmax(p, axis=-1)
    below = (np.cumsum(p, axis=-1) < u[:, None]).sum(axis=-1)
    return np.minimum(below, last)


def _queues(
    member: Array, count: Array, opts: Array, w: Array, unit: Array, o: SMPOptions
) -> Iterator[tuple[Array, Array, Array, Array]]:
    """Every queue's option probabilities ([KTAB] ``updateBestBrgnPositions``, ``scalarPCE``):
    yields (draws, holders, bargain slots (P, L - 1), probabilities (P, L) with the status quo
    first) for the holders with a bargain.

    Two layouts give the same numbers bit for bit (each pair's coalition is computed alike,
    and sums over options run in order), whichever is cheaper: one coalition matrix per draw
    over all its options, gathered per queue; or the queues of equal length in groups.
    """
    n_draws, n, n_opt = opts.shape
    rule, vm, pm = o.voting_rule, o.victory_model, o.pce_model
    tally = np.bincount(count.ravel())
    sizes = np.flatnonzero(tally[1:]) + 1  # queue lengths present (bargains per queue)
    if not len(sizes):
        return
    counts = tally[sizes]
    grouped = int((counts * n * (sizes + 1) ** 2).sum()) + 40_000 * len(sizes)
    if n_draws * n * n_opt * n_opt <= grouped:
        c = coalitions(opts, w, rule, unit=unit)  # [KTAB] Model::coalitions, all options at once
        pv = victory_matrix(c, vm)  # [KTAB] Model::vProb
        width = int(sizes.max())
        pd, pk = np.nonzero(count > 0)
        slots = np.argsort(~member[pd, pk], axis=-1, kind="stable")[:, :width]  # creation order
        q = np.concatenate([np.zeros((len(pd), 1), dtype=int), slots + 1], axis=-1)
        at = (pd[:, None, None] * n_opt + q[:, :, None]) * n_opt + q[:, None, :]  # flat index

        def gather(a: Array) -> Array:
            return np.take(a.reshape(-1), at)

        valid = np.arange(width + 1) < count[pd, pk][:, None] + 1
        if pm == "Conditional":
            p = pce_from_victory(pv, None, pm, present=valid, log_pv=gather(np.log(pv)))
        else:
            p = pce_from_victory(gather(pv), gather(c), pm, unit=unit[pd], present=valid)
        yield pd, pk, slots, p  # [KTAB] Model::scalarPCE
        return
    for size in sizes:
        pd, pk = np.nonzero(count == size)
        slots = np.argsort(~member[pd, pk], axis=-1, kind="stable")[:, :size]  # creation order
        q = np.concatenate([np.zeros((len(pd), 1), dtype=int), slots + 1], axis=-1)
        u_q = opts[pd[:, None, None], np.arange(n)[None, :, None], q[:, None, :]]
        yield pd, pk, slots, scalar_pce(u_q, w[pd], rule, vm, pm, unit=unit[pd])  # scalarPCE


@dataclass
class _Slots:
    """The bargains of a turn on their slots: both sides' positions (D, S, m), the initiator
    (S,), the receiver (D, S) and whether the slot holds a bargain (D, S)."""

    pos_i: Array
    pos_r: Array
    init: Array
    rcvr: Array
    ok: Array


def _resolve(
    x: Array,
    ideal: Array,
    sal: Array,
    cap: Array,
    act: Array,
    unit: Array,
    util_state: tuple[Array, Array, Array],
    slots_: _Slots,
    o: SMPOptions,
    u: Array | None,
) -> tuple[Array, Array, Array]:
    """Each actor's choice among its status quo and its bargains
    ([KTAB] ``updateBestBrgnPositions``).

    The value of an option to actor a is the mean of a's own utilities of all positions once
    the option is implemented (the status quo: the positions as they are); a PCE with
    capabilities as weights gives the option probabilities.
    """
    n_draws, n, _ = x.shape
    d, r, rhat = util_state
    pos_i, pos_r, s_init, s_rcvr, s_ok = (
        slots_.pos_i, slots_.pos_r, slots_.init, slots_.rcvr, slots_.ok
    )  # fmt: skip
    if _compiled_elections(o, x) and kernel(QUEUES[0]) is not None:
        return _resolve_compiled(x, ideal, sal, cap, act, unit, util_state, slots_, u)
    n_p = act.sum(axis=-1)[:, None].astype(float)
    u_own = util(d, np.diagonal(rhat, axis1=-2, axis2=-1)[..., None])  # aUtil[a](a, c)
    total = ordered_sum(np.where(act[:, None, :], u_own, 0.0))  # (D, a)
    sq_value = total / n_p  # [KTAB] updateBestBrgnPositions: the status quo's mean utility
    both = util(distances(ideal, sal, np.concatenate([pos_i, pos_r], axis=1)), r[..., None])
    ui, ur = both[..., : pos_i.shape[1]], both[..., pos_i.shape[1] :]  # (D, a, S) each side
    u_init = u_own[:, :, s_init]
    u_rcvr = u_own[
        np.arange(n_draws)[:, None, None], np.arange(n)[None, :, None], s_rcvr[:, None, :]
    ]
    value = (total[..., None] - u_init - u_rcvr + ui + ur) / n_p[..., None]  # mean after it
    opts = np.concatenate([sq_value[..., None], value], axis=-1)  # (D, a, 1 + S)
    nn = np.arange(n)[None, :, None]
    member = s_ok[:, None, :] & ((s_init[None, None, :] == nn) | (s_rcvr[:, None, :] == nn))
    count = member.sum(axis=-1)
    new = x.copy()
    chosen = np.full((n_draws, n), -1)
    chosen_p = np.zeros((n_draws, n))
    w = np.where(act, cap, 0.0)
    for pd, pk, slots, p in _queues(member, count, opts, w, unit, o):
        m = _choose(p, count[pd, pk], None if u is None else u[pd, pk])
        moves = m > 0
        pd, pk, m, p = pd[moves], pk[moves], m[moves], p[moves]
        s = slots[moves, m - 1]
        own = s_init[s] == pk
        new[pd, pk] = np.where(own[:, None], pos_i[pd, s], pos_r[pd, s])
        chosen[pd, pk] = s
        chosen_p[pd, pk] = p[np.arange(len(m)), m]
    return new, chosen, chosen_p


def _resolve_compiled(
    x: Array,
    ideal: Array,
    sal: Array,
    cap: Array,
    act: Array,
    unit: Array,
    util_state: tuple[Array, Array, Array],
    sl: _Slots,
    u: Array | None,
) -> tuple[Array, Array, Array]:
    """:func:`_resolve` compiled for Proportional, Linear, Conditional (the same numbers):
    option values, then every queue's victory matrix, ``np.log``, shifted log-probabilities,
    ``np.exp``, the choice ([KTAB] ``updateBestBrgnPositions``)."""
    k_values, k_pv, k_shift, k_adopt = (kernel(f) for f in QUEUES)
    (n_draws, n, _), n_slots = x.shape, sl.pos_i.shape[1]
    d, r, rhat = util_state
    opts = np.empty((n_draws, n, 1 + n_slots))
    count = np.empty((n_draws, n), dtype=np.int64)
    held = np.empty((n_draws, n, n_slots), dtype=np.int64)
    sizes = np.zeros(3, dtype=np.int64)
    args = (ideal, sal, act, d, r, rhat, sl.pos_i, sl.pos_r, sl.init, sl.rcvr, sl.ok)
    k_values(*args, opts, count, held, sizes)  # [KTAB] updateBestBrgnPositions: option values
    new, chosen, chosen_p = x.copy(), np.full((n_draws, n), -1), np.zeros((n_draws, n))
    n_q, n_pv, n_p = (int(v) for v in sizes)
    if n_q:
        qd, qk, pv_at, p_at = (np.empty(n_q, dtype=np.int64) for _ in range(4))
        pv, t = np.empty(n_pv), np.empty(n_p)
        k_pv(opts, count, held, cap, act, unit, qd, qk, pv_at, p_at, pv)  # [KTAB] coalitions
        k_shift(np.log(pv), qd, qk, count, pv_at, p_at, t)  # [KTAB] Model::condPCE
        draws = np.zeros((1, 1)) if u is None else u
        k_adopt(np.exp(t), qd, qk, count, p_at, held, sl.init, sl.pos_i, sl.pos_r, draws,
                u is not None, new, chosen, chosen_p)  # fmt: skip
    return new, chosen, chosen_p


def turn(
    x: Array,
    ideal: Array,
    sal: Array,
    cap: Array,
    act: Array,
    unit: Array,
    d: Array,
    r: Array,
    rhat: Array,
    o: SMPOptions,
    draws: Array | None = None,
) -> Turn:
    """One turn of challenges, bargains and their resolution ([KTAB] ``SMPState::doBCN``).

    ``draws`` (D, n): uniform numbers for the stochastic choice (the present actors' in order).
    """
    n_draws, n, _ = x.shape
    s_sum = sal.sum(axis=-1)
    rule, tpc = o.voting_rule, o.third_party
    if o.kernel == "pairs":  # one (h, k, i, j) = (i, i, i, j) evaluation per pair
        ii, jj = np.nonzero(~diagonal_mask(n))
        ii_d, jj_d = (
            np.broadcast_to(ii, (n_draws, len(ii))),
            np.broadcast_to(jj, (n_draws, len(jj))),
        )
        pr, g = pair_challenges(ii_d, ii_d, ii_d, jj_d, d, rhat, s_sum, cap, act, unit, rule, tpc)
        prob, gain = np.zeros((n_draws, n, n)), np.full((n_draws, n, n), -np.inf)
        prob[:, ii, jj] = pr
        ok_pair = act[:, ii] & act[:, jj]
        gain[:, ii, jj] = np.where(ok_pair, g, -np.inf)
    else:
        prob, gain = best_challenges(d, rhat, s_sum, cap, act, unit, rule, tpc)
    k_targets = kernel(best_targets) if n_draws >= MIN_CASES else None
    if k_targets is not None:  # the same choice, compiled
        active, target = np.empty((n_draws, n), dtype=bool), np.empty((n_draws, n), dtype=np.int64)
        p_iij, g_t = np.empty((n_draws, n)), np.empty((n_draws, n))
        k_targets(prob, gain, active, target, p_iij, g_t)
    else:
        ok = gain > MIN_SIGNIFICANT_GAIN  # [KTAB] SMPState::bestChallenge
        active = np.asarray(ok.any(axis=-1))
        # the first maximum: KTAB's '>' scan
        target = np.argmax(np.where(ok, gain, -np.inf), axis=-1)
        at = (np.arange(n_draws)[:, None], np.arange(n)[None, :], target)
        p_iij, g_t = prob[at], gain[at]
    pos_i, pos_r, per = _bargains(x, sal, s_sum, cap, act, unit, d, rhat, target, p_iij, o)
    s_init = np.repeat(np.arange(n), per)
    s_rcvr = np.repeat(target, per, axis=-1)
    s_ok = np.repeat(active, per, axis=-1)
    slots = _Slots(pos_i, pos_r, s_init, s_rcvr, s_ok)
    new, chosen, chosen_p = _resolve(x, ideal, sal, cap, act, unit, (d, r, rhat), slots, o, draws)
    return Turn(new, target, active, g_t, p_iij, per, pos_i, pos_r, chosen, chosen_p)
