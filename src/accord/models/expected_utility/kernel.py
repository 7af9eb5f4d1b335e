"""The expected-utility kernel on arrays shaped (..., n): votes, probabilities of success,
risk exponents, expected utilities and the rounds of offers ([Scholz2011]; see the package
docstring for the variants and their sources)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import jit
from ..median import weighted_median
from .votes import (
    SortedPairs,
    pair_abs_sum,
    sorted_pairs,
    unsort_pairs,
    vote_sums,
    vote_sums_direct,
)

__all__ = [
    "run_expected_utility",
    "EUResult",
    "Schedule",
    "risk_exponents",
    "success_probability",
    "expected_utilities",
]

_EPS = 1e-12

#: Up to this many actors the votes are summed directly as one n³ array (cheapest there, and
#: the path of the reference tests); above it by the sorted form of :func:`vote_sums`.
SMALL_N = 24

#: Up to this many elements the small cases' votes are one n³ array, above it summed voter by
#: voter (the same result, bit for bit; the loop's cost per call only pays on batches).
_ONE_ARRAY = 1 << 15


@dataclass(frozen=True)
class Schedule:
    """Changes inside a run: per-round capability, salience and presence, each (rounds, ..., n).

    Round k (1-based) uses row k − 1; a missing array keeps the initial values. An inactive
    actor casts no vote, makes and receives no offers, and is left out of the median.
    """

    capability: np.ndarray | None = None
    salience: np.ndarray | None = None
    active: np.ndarray | None = None
    initial_active: np.ndarray | None = None  # (..., n): who is present at round 0


@dataclass(frozen=True)
class EUResult:
    """Positions (rounds+1, ..., n), medians (rounds+1, ...), risk exponents (rounds, ..., n),
    and per round the kind of offer each actor accepted (0 none, 1 conflict, 2 compromise,
    3 capitulation) and from whom (-1 none)."""

    positions: np.ndarray
    medians: np.ndarray
    risk: np.ndarray
    kind: np.ndarray
    proposer: np.ndarray
    eu_own: np.ndarray
    eu_proposer: np.ndarray


def _same(x):
    return np.abs(x[..., :, None] - x[..., None, :]) <= 1e-12


def success_probability(
    x,
    w,
    r,
    delta,
    *,
    rule: str = "scholz",
    chunk: int = 64,
    d=None,
    same=None,
    unit: bool | None = None,
    pairs: SortedPairs | None = None,
) -> np.ndarray:
    """P[..., i, j]: probability that i prevails over j with third parties' votes.

    Votes v_k(i, j) = c_k s_k [(|x_k − x_j|/Δ)^{r_k} − (|x_k − x_i|/Δ)^{r_k}]  # [Scholz2011, eq. 1]

    Up to ``SMALL_N`` actors the votes are summed directly; above, by the exact sorted form
    (:func:`.votes.vote_sums`) on ``pairs`` (the round's sorted layout, made here if absent).
    """
    if unit is None:
        unit = bool(np.all(r == 1.0))
    if same is None:
        same = _same(x)
    n = x.shape[-1]
    if n > SMALL_N:
        if pairs is None:
            pairs = sorted_pairs(x, np.asarray(delta, dtype=float))
        ws = np.take_along_axis(w, pairs.order, axis=-1)
        if unit:
            ys = pairs.dist
        else:
            rs = np.take_along_axis(np.broadcast_to(r, x.shape), pairs.order, axis=-1)
            ys = pairs.dist ** rs[..., :, None]  # y[k, a] = d_ka^{r_k}, sorted
        pos, net = vote_sums(pairs, ws, ys)
        tot = 2.0 * pos - net  # |v| = 2 max(0, v) − v
        P = unsort_pairs(_finish_probability(ws, ys, pos, tot, net, rule), pairs)
        return np.where(same, 0.0, P)
    if d is None:
        d = np.abs(x[..., :, None] - x[..., None, :]) / delta[..., None, None]  # d[k, a]
    y = d if unit else d ** r[..., :, None]  # y[k, a] = d_ka^{r_k}
    if rule == "scholz":  # small cases: one n³ array is cheapest
        wy = w[..., :, None] * y  # c_k s_k d_ka^{r_k}
        pos = _positive_votes(wy)
        # v is antisymmetric in (a, b), so Σ_k Σ_a Σ_b |v_k(a, b)| = 2 Σ max(0, v)  [Scholz2011,
        # code]
        denom = 2.0 * pos.sum(axis=(-2, -1))[..., None, None]
        P = pos / np.where(denom > 0, denom, np.inf)  # no votes at all: P = 0 (pos is 0 too)
        return np.where(same, 0.0, P)
    pos, tot, net = vote_sums_direct(w, y, chunk=chunk)
    return np.where(same, 0.0, _finish_probability(w, y, pos, tot, net, rule))


def _positive_votes(wy: np.ndarray) -> np.ndarray:
    """Σ_k max(0, v_k(a, b)) with v_k(a, b) = wy_kb − wy_ka: one n³ array for a single small
    case, else voter by voter into (..., n, n) buffers that stay in cache (the same additions in
    the same order into an array of the same memory layout, so the same bits)."""
    n = wy.shape[-1]
    if wy.size * n <= _ONE_ARRAY:
        v = wy[..., :, None, :] - wy[..., :, :, None]  # [Scholz2011, eq. 1]
        return np.maximum(v, 0.0, out=v).sum(axis=-3)
    pos = np.zeros_like(wy)  # wy's memory layout, which the later sums' order depends on
    v = np.empty_like(wy)
    for k in range(n):
        np.subtract(wy[..., k, None, :], wy[..., k, :, None], out=v)  # [Scholz2011, eq. 1]
        pos += np.maximum(v, 0.0, out=v)
    return pos


def _finish_probability(w, y, pos, tot, net, rule):
    if rule == "scholz":
        denom = (w * pair_abs_sum(y)).sum(axis=-1)[..., None, None]  # Σ_k Σ_a Σ_b |v_k(a,b)|
        return np.where(denom > 0, pos / np.where(denom > 0, denom, 1.0), 0.0)  # [Scholz2011,
        # code]
    if rule == "bdm":
        return np.where(tot > 0, pos / np.where(tot > 0, tot, 1.0), 0.0)  # [BDM1985, eq. 2]
    if rule == "dmasad":
        return np.where(tot > 0, np.clip(net, 0, None) / np.where(tot > 0, tot, 1.0), 0.0)
    raise ValueError(f"probability must be 'scholz', 'bdm' or 'dmasad', got {rule!r}")


def _utilities(dist, r):
    """U^s, U^f, U^sq for distance dist/Δ and exponent r  # [Scholz2011, eqs. 3-7] (Q = 1)."""
    us = 2 - 4 * (0.5 - 0.5 * dist) ** r  # [Scholz2011, eq. 3] success
    uf = 2 - 4 * (0.5 + 0.5 * dist) ** r  # [Scholz2011, eq. 4] failure
    usq = 2 - 4 * 0.5**r  # [Scholz2011, eq. 7] status quo
    return us, uf, usq


def expected_utilities(P, dist, s, r_row):
    """EU[..., i, j] of i challenging j, utilities with exponent r_row[..., i]:
    s_j[P U^s + (1 − P) U^f] + (1 − s_j) U^s − U^sq   # [Scholz2011, eq. 8] with Q = 1."""
    us, uf, usq = _utilities(dist, r_row[..., :, None])
    sj = s[..., None, :]
    return sj * (P * us + (1 - P) * uf) + (1 - sj) * us - usq


def risk_exponents(x, w, s, delta, d=None, same=None, pairs=None) -> np.ndarray:
    """r_i from how attractive i is as a target ([BDM1985]; [Scholz2011, eqs. 9-10]).

    S_i = Σ_{j≠i} EU_j(Δx_ji) with r = 1; R_i = (2S_i − S_max − S_min)/(S_max − S_min);
    r_i = (1 − R_i/3)/(1 + R_i/3). All equal S (everyone converged) gives r = 1.
    """
    dist = np.abs(x[..., :, None] - x[..., None, :]) / delta[..., None, None] if d is None else d
    P1 = success_probability(x, w, 1.0, delta, d=dist, same=same, unit=True, pairs=pairs)
    h = 0.5 * dist
    us, uf = 2 - 4 * (0.5 - h), 2 - 4 * (0.5 + h)  # [Scholz2011, eqs. 3-4], r = 1; U^sq = 0 (eq. 7)
    # s_j[P U^s + (1 − P) U^f] + (1 − s_j) U^s − U^sq = U^s − s_j (1 − P)(U^s − U^f)   [Scholz2011,
    # eq. 8], r = 1
    E1 = us - s[..., None, :] * (1 - P1) * (us - uf)
    S = E1.sum(axis=-2) - np.diagonal(E1, axis1=-2, axis2=-1)  # S_i = Σ_{j≠i} EU_j(challenge i)
    smax, smin = S.max(axis=-1, keepdims=True), S.min(axis=-1, keepdims=True)
    span = smax - smin
    R = (2 * S - smax - smin) / np.where(
        span > _EPS, span, np.inf
    )  # [Scholz2011, eq. 9]; all S equal: R = 0
    return (1 - R / 3) / (1 + R / 3)  # [Scholz2011, eq. 10]


#: Two positions closer than this share of the scale's range are one position for the offers of
#: the invariant default. Between such positions the expected utilities are of the order of the
#: squared distance, below the rounding noise of their sums over voters, and an offer's two
#: utilities (2.8889264e-10 against 2.8889213e-10 on the first default scenario) compared one way
#: in one actor order and the other way in another.
NEAR = 1e-9


def _rows(a: np.ndarray) -> np.ndarray:
    """A schedule's row in C order, as the initial inputs (the sums' order follows the layout)."""
    return np.ascontiguousarray(a, dtype=float)


def _pick(a: np.ndarray, idx: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """a[..., i, idx[..., i]] (``rows``: a cached ``arange`` for the one-case layout)"""
    if a.ndim == 2:
        return a[np.arange(a.shape[0]) if rows is None else rows, idx]
    return np.take_along_axis(a, idx[..., None], axis=-1)[..., 0]


def _symmetric_pick(key, kmin, x_new, w, delta_nn):
    """The offer an actor accepts among the closest ones, by a rule that respects both the order
    of the actors and the direction of the scale: ties (within 1e-9 of Δ) go to the proposer
    with the largest weight c·s; offers still tied that would move the actor to different
    positions (equally close, equally weighty, on opposite sides) cancel out and the actor
    stays; offers tied within the tolerance move the actor to the middle of their positions (so
    that which of them is listed first never matters). Returns (a chosen proposer, for the
    trace; the position moved to; whether the offers cancelled)."""
    tol = 1e-9 * delta_nn  # (..., 1, 1)
    tie = (key <= kmin + tol) & np.isfinite(key)
    wj = np.broadcast_to(w[..., None, :], key.shape)
    wt = np.where(tie, wj, -np.inf)
    wmax = wt.max(axis=-1, keepdims=True)
    tie &= wj >= wmax - 1e-12 * np.maximum(np.abs(wmax), 1.0)
    xt_lo = np.where(tie, x_new, np.inf).min(axis=-1)
    xt_hi = np.where(tie, x_new, -np.inf).max(axis=-1)
    cancel = np.isfinite(xt_lo) & (xt_hi - xt_lo > tol[..., 0])  # tol[..., 0]: (..., 1)
    found = np.isfinite(xt_lo)
    middle = np.where(
        found, 0.5 * (np.where(found, xt_lo, 0.0) + np.where(found, xt_hi, 0.0)), np.nan
    )
    return np.argmax(tie, axis=-1), middle, cancel


def run_expected_utility(
    position,
    capability,
    salience,
    *,
    rounds: int = 10,
    delta: float | np.ndarray | None = None,
    probability: str = "scholz",
    vote_risk: str = "own",
    capitulation: str = "replication",
    offer_rule: str = "scholz",
    schedule: Schedule | None = None,
) -> EUResult:
    """Run the model on arrays shaped (..., n); every leading axis is an independent case."""
    x = np.array(position, dtype=float)
    # C order whatever the callers' layout: the order of numpy's sums over pairwise arrays
    # follows their memory layout, and a case must give the same bits alone and in a batch
    c0 = np.ascontiguousarray(np.broadcast_to(np.asarray(capability, dtype=float), x.shape))
    s0 = np.ascontiguousarray(np.broadcast_to(np.asarray(salience, dtype=float), x.shape))
    if delta is None:
        delta = x.max(axis=-1) - x.min(axis=-1)  # range of the initial positions
    delta = np.broadcast_to(np.asarray(delta, dtype=float), x.shape[:-1]).copy()
    delta[delta <= 0] = 1.0
    if (
        schedule is None
        and probability == "scholz"
        and offer_rule == "closest"
        and capitulation in ("replication", "corrected")
        and x.ndim == 2
        and x.shape[0] >= jit.MIN_CASES
        and 1 <= x.shape[-1] <= SMALL_N
        and jit.enabled()
    ):
        return _run_compiled(x, c0, s0, delta, rounds, vote_risk == "own", capitulation)
    pos = [x.copy()]
    act0 = np.ones(x.shape, dtype=bool)
    if schedule is not None and schedule.initial_active is not None:
        act0 = np.broadcast_to(np.asarray(schedule.initial_active, dtype=bool), x.shape)
    med = [weighted_median(x, np.where(act0, c0 * s0, 0.0))]
    risks, kinds, props, eu_own_all, eu_prop_all = [], [], [], [], []
    w_positive = bool(np.any(c0 * s0 > 0))  # without a schedule the weights never change
    delta_nn = delta[..., None, None]
    rows = np.arange(x.shape[0]) if x.ndim == 1 else None
    for t in range(rounds):
        c = c0 if schedule is None or schedule.capability is None else _rows(schedule.capability[t])
        s = s0 if schedule is None or schedule.salience is None else _rows(schedule.salience[t])
        active = None if schedule is None else schedule.active
        everyone = active is None
        act = act0 if active is None else active[t].astype(bool)
        w = c * s if everyone else np.where(act, c * s, 0.0)
        gap = np.abs(x[..., :, None] - x[..., None, :])
        dist = gap / delta_nn
        same = gap <= 1e-12
        pairs = sorted_pairs(x, delta) if x.shape[-1] > SMALL_N else None
        r = risk_exponents(x, w, s, delta, d=dist, same=same, pairs=pairs)
        if not everyone:
            r = np.where(act, r, 1.0)
        rv = r if vote_risk == "own" else np.ones_like(r)
        P = success_probability(
            x,
            w,
            rv,
            delta,
            rule=probability,
            d=dist,
            same=same,
            unit=vote_risk != "own",
            pairs=pairs,
        )
        us, uf, usq = _utilities(dist, r[..., :, None])  # receiver i's exponent on row i
        # s[P U^s + (1 − P) U^f] + (1 − s) U^s − U^sq = (U^s − U^sq) − s (1 − P)(U^s − U^f)
        a_, b_ = us - usq, us - uf
        eu_ij = a_ - s[..., None, :] * (1 - P) * b_  # [Scholz2011, eq. 8] i challenges j
        # proposer j's EU of challenging i, as receiver i perceives it (i's exponent)  [Scholz2011,
        # sec. 3]
        eu_ji = a_ - s[..., :, None] * (1 - np.swapaxes(P, -1, -2)) * b_
        # the invariant default makes no offer between positions closer than NEAR of the range
        # (their expected utilities are then below rounding noise and compare either way
        # depending on the actors' order); the replication variant keeps Scholz's exact rule
        near = gap <= NEAR * delta_nn if offer_rule == "closest" else same
        valid = ~near & (eu_ji > 0)
        if not everyone:
            valid &= act[..., :, None] & act[..., None, :]
        conflict = valid & (eu_ij > 0) & (eu_ji > eu_ij)  # i expects to lose
        comp = valid & (eu_ij < 0) & (eu_ji > np.abs(eu_ij))
        if capitulation == "corrected":
            capit = valid & (eu_ij < 0) & (np.abs(eu_ij) > eu_ji)
        elif capitulation == "replication":
            capit = np.False_  # no capitulations
        else:
            raise ValueError(
                f"capitulation must be 'replication' or 'corrected', got {capitulation!r}"
            )
        xi, xj = x[..., :, None], x[..., None, :]
        ratio = np.abs(eu_ij) / np.where(eu_ji > 0, eu_ji, 1.0)
        x_comp = xi + (xj - xi) * ratio  # [Scholz2011, eq. 11] compromise
        x_new = np.where(comp, x_comp, xj)
        big = np.inf
        if offer_rule == "scholz":
            # lexicographic: any conflict beats any compromise beats any capitulation; within a tier
            # conflicts and capitulations go to the closest proposer, compromises to the smallest
            # |EU|-weighted mean of the two positions ([Scholz2011] replication)
            aeu = np.abs(eu_ij)
            wavg = (xi * aeu + xj * eu_ji) / np.where(aeu + eu_ji > 0, aeu + eu_ji, 1.0)
            within = np.where(comp, wavg, np.abs(xj - xi))
            tier = np.where(conflict, 0.0, np.where(comp, 1.0, np.where(capit, 2.0, np.inf)))
            best_tier = tier.min(axis=-1, keepdims=True)
            key = np.where(tier == best_tier, within, big)
        elif offer_rule == "closest":
            any_offer = conflict | comp | capit
            key = np.where(any_offer, np.abs(x_new - xi), big)
        else:
            raise ValueError(f"offer_rule must be 'scholz' or 'closest', got {offer_rule!r}")
        kmin = key.min(axis=-1, keepdims=True)
        has = np.isfinite(kmin[..., 0])
        if offer_rule == "scholz":
            # ties go to the proposer whose position is lowest, then the first listed ([Scholz2011]
            # replication; this rule depends on which end of the scale is called 0)
            tie = (key <= kmin + 1e-12) & np.isfinite(key)
            pick = np.argmin(np.where(tie, xj, np.inf), axis=-1)
        else:
            pick, middle, cancel = _symmetric_pick(key, kmin, x_new, w, delta_nn)
            has &= ~cancel
        chosen_x = _pick(x_new, pick, rows) if offer_rule == "scholz" else middle
        kind = np.where(conflict, 1, np.where(comp, 2, np.where(capit, 3, 0)))
        chosen_kind = np.where(has, _pick(kind, pick, rows), 0)
        x = np.where(has, chosen_x, x)
        pos.append(x.copy())
        wpos = w_positive if schedule is None else bool(np.any(w > 0))
        med.append(weighted_median(x, w) if wpos else weighted_median(x, np.ones_like(w)))
        risks.append(r)
        kinds.append(chosen_kind)
        props.append(np.where(has, pick, -1))
        eu_own_all.append(_pick(eu_ij, pick, rows))
        eu_prop_all.append(_pick(eu_ji, pick, rows))
    return EUResult(
        np.stack(pos),
        np.stack(med),
        np.stack(risks) if risks else np.zeros((0,) + x.shape),
        np.stack(kinds) if kinds else np.zeros((0,) + x.shape, int),
        np.stack(props) if props else np.zeros((0,) + x.shape, int),
        np.stack(eu_own_all) if eu_own_all else np.zeros((0,) + x.shape),
        np.stack(eu_prop_all) if eu_prop_all else np.zeros((0,) + x.shape),
    )


def _run_compiled(x, c0, s0, delta, rounds, own_risk, capitulation) -> EUResult:
    """:func:`run_expected_utility` without a schedule, rule ``scholz``, offers ``closest``,
    at most ``SMALL_N`` actors, through the compiled round (:mod:`._compiled`): the same
    numbers bit for bit, numpy's ``pow`` between the round's two kernels."""
    from ._compiled import offer_round, risk_round

    risk_k, offer_k = jit.compiled(risk_round), jit.compiled(offer_round)
    assert risk_k is not None and offer_k is not None
    B, n = x.shape
    w = np.ascontiguousarray(c0 * s0)
    s = np.ascontiguousarray(s0)
    unit = w if bool(np.any(w > 0)) else np.ones_like(w)  # the median's weights
    gap, dist = np.empty((B, n, n)), np.empty((B, n, n))
    r = np.empty((B, n))
    shape = (rounds, B, n)
    pos, med = np.empty((rounds + 1, B, n)), np.empty((rounds + 1, B))
    risks, eu_own, eu_prop = np.empty(shape), np.empty(shape), np.empty(shape)
    kinds, props = np.empty(shape, dtype=np.int64), np.empty(shape, dtype=np.int64)
    pos[0] = x
    med[0] = weighted_median(x, w)
    corrected = capitulation == "corrected"
    r_rows, near, far = np.empty((B, n, n)), np.empty((B, n, n)), np.empty((B, n, n))
    y = np.empty((B, n, n)) if own_risk else dist
    pu, pf, pq = np.empty((B, n, n)), np.empty((B, n, n)), np.empty((B, n))
    for t in range(rounds):
        risk_k(pos[t], w, s, delta, gap, dist, r, r_rows, near, far)
        # numpy's pow, on contiguous exponents: the reference's bits (tests/test_bdm_compiled.py)
        if own_risk:
            np.power(dist, r_rows, out=y)  # d_ka^{r_k}
        np.power(near, r_rows, out=pu)  # (½ − ½ d)^r   [Scholz2011, eq. 3]
        np.power(far, r_rows, out=pf)  # (½ + ½ d)^r   [Scholz2011, eq. 4]
        np.power(0.5, r, out=pq)  # ½^r   [Scholz2011, eq. 7]
        offer_k(
            pos[t], w, s, delta, gap, y, pu, pf, pq, corrected,
            pos[t + 1], kinds[t], props[t], eu_own[t], eu_prop[t],
        )  # fmt: skip
        risks[t] = r
        med[t + 1] = weighted_median(pos[t + 1], unit)
    return EUResult(pos, med, risks, kinds, props, eu_own, eu_prop)
