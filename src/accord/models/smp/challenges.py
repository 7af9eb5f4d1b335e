"""Who challenges whom: KTAB's ``probEduChlg`` gathered two ways over a leading draw axis.

:func:`challenge` and :func:`third_party_votes` are the challenge's equations, written once;
the two layouts only gather utilities for them:

- :func:`best_challenges` ("blocked", the default): every actor's own estimate of every
  challenge it could make (h = k = i), arranged as (draw, initiator, target, third party)
  blocks so that utilities from one initiator's perspective are computed once.
- :func:`pair_challenges` ("pairs"): one evaluation per (h, k, i, j) quadruple given as index
  arrays, as KTAB's ``probEduChlg(h, k, i, j)``; the straightforward check of the other, and
  the receiver's view of a bargain (``InitRcvrInterp``, ``PWCompInterp``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ...jit import MIN_CASES
from ._compiled import MAX_AXIS, best_challenges_semi, kernel
from .constants import CHALLENGE_FLOOR, OPTIONS
from .equations import util, util_from_parts, util_parts, vote

__all__ = [
    "third_party_votes",
    "ThirdParties",
    "semi_proportional_votes",
    "third_party_sums",
    "split_sums",
    "challenge",
    "best_challenges",
    "pair_challenges",
]

Array = np.ndarray


def third_party_votes(
    uni: Array,
    unj: Array,
    unn: Array,
    w_n: Array,
    chij0: Array,
    chji0: Array,
    rule: str,
    commit: str,
) -> Array:
    """Votes of third parties n on (i : j) ([KTAB] ``Actor::vProbLittle``, ``thirdPartyVoteSU``).

    Each third party estimates P(i wins with its support) from the principals' coalitions and
    its own vote alone, then votes on the difference between the values it expects from
    joining i and from joining j, which depend on the commitment model. ``unj`` is the large
    array; the others broadcast against it. Written with in-place operations (this is the
    model's hot loop), in KTAB's order of evaluation.
    """
    cn = vote(rule, w_n, uni - unj)  # [KTAB] Actor::vProbLittle: the third party's own vote
    cni = np.maximum(cn, 0.0)
    cni += chij0
    cnj = np.minimum(cn, 0.0, out=cn)
    np.subtract(chji0, cnj, out=cnj)
    pin = np.divide(cni, cni + cnj, out=cni)  # [KTAB] Actor::vProbLittle: P(i wins | n joins)
    pjn = np.subtract(1.0, pin, out=cnj)
    if commit == "SemiCommit":  # [KTAB] thirdPartyVoteSU: 2u_ni + u_nn, 3u_nj, 3u_ni, 2u_nj + u_nn
        a1, a3 = uni + uni + unn, uni + uni + uni
        a2 = unj + unj
        a2 += unj
        a4 = unj + unj
        a4 += unn
    elif commit == "FullCommit":  # [KTAB] thirdPartyVoteSU: 3u_ni, 3u_nj
        a1 = a3 = uni + uni + uni
        a2 = unj + unj
        a2 += unj
        a4 = a2
    elif commit == "NoCommit":  # [KTAB] thirdPartyVoteSU: 2u_ni + u_nn, 2u_nj + u_nn
        a1 = a3 = uni + uni + unn
        a2 = unj + unj
        a2 += unn
        a4 = a2
    else:
        raise ValueError(f"third_party must be one of {OPTIONS['third_party']}, got {commit!r}")
    u_ik_j = pin * a1  # [KTAB] thirdPartyVoteSU: expected value of joining i ...
    u_ik_j += np.multiply(pjn, a2, out=a2 if a2 is not a4 else None)
    u_i_jk = np.multiply(pin, a3, out=pin)  # ... and of joining j
    u_i_jk += np.multiply(pjn, a4, out=a4 if a4 is not a2 else None)
    u_ik_j -= u_i_jk
    return vote(rule, w_n, u_ik_j)  # [KTAB] thirdPartyVoteSU: vote on the difference


def semi_proportional_votes(
    cn: Array, g: Array, chij0: Array, chji0: Array, work: tuple[Array, Array] | None = None
) -> Array:
    """Twice :func:`third_party_votes` for Proportional votes and SemiCommit, in closed form.

    With c = w_n (u_ni − u_nj) (``cn``, the third party's own vote), g = w_n (u_nn − u_ni),
    Δ = χ_ij − χ_ji and S = χ_ij + χ_ji, P(i wins | n joins) is (χ_ij + max(c, 0)) / (S + |c|),
    and the vote w_n [p_in (u_nn − u_ni) + (1 − p_in)(u_nj − u_nn)] is
    (c (min(c, 0) − χ_ji) + g (c + Δ)) / (S + |c|): the same numbers up to rounding, in a
    third of the passes over the (…, j, n) array. Returned doubled, as
    (c (c − |c| − 2 χ_ji) + 2 g (c + Δ)) / (S + |c|), which needs no NaN-aware minimum (and
    doubling is exact). ``cn`` is overwritten; ``work``, two arrays of its shape, saves
    allocating (the result is the first).
    """
    num_out, t_out = (None, None) if work is None else work
    den = np.abs(cn, out=t_out)
    num = np.subtract(cn, den, out=num_out)  # 2 min(c, 0)
    num -= chji0 + chji0
    num *= cn
    t = np.add(cn, chij0 - chji0, out=cn)
    t *= g + g
    num += t  # [KTAB] thirdPartyVoteSU (SemiCommit) with Actor::vProbLittle, Proportional
    den += chij0 + chji0
    return np.divide(num, den, out=num)


@dataclass(frozen=True)
class ThirdParties:
    """The third parties n of each challenge, along a last axis.

    ``uni``, ``unj``, ``unn``: their utilities U_h[n, i], U_h[n, j], U_h[n, n]; ``w_n`` their
    weights; ``who`` False for the principals and anyone absent, or None when ``w_n`` is
    already 0 for the absent and the initiator and the last two axes are (j, n) (the diagonal
    n = j is then left out here). ``cn`` = w_n (u_ni − u_nj) when the caller has it (then
    ``unj`` is only read by voting rules other than Proportional or SemiCommit's others);
    ``work`` two arrays of the shape of the votes, to write them into.
    """

    uni: Array
    unj: Array | None
    unn: Array
    w_n: Array
    who: Array | None
    cn: Array | None = None
    work: tuple[Array, Array] | None = None

    def votes(self, chij0: Array, chji0: Array, rule: str, commit: str) -> tuple[Array, float]:
        """Each third party's vote on (i : j) given the principals' coalitions (…, 1), as
        (v / scale, scale) with an exact power-of-two scale."""
        if rule == "Proportional" and commit == "SemiCommit":
            cn = self.cn
            if cn is None:
                assert self.unj is not None
                cn = self.w_n * (self.uni - self.unj)  # [KTAB] Actor::vProbLittle
            g = self.w_n * (self.unn - self.uni)
            return semi_proportional_votes(cn, g, chij0, chji0, self.work), 0.5
        assert self.unj is not None
        uni, unj, unn, w_n = self.uni, self.unj, self.unn, self.w_n
        return third_party_votes(uni, unj, unn, w_n, chij0, chji0, rule, commit), 1.0


def third_party_sums(
    third: ThirdParties, chij0: Array, chji0: Array, rule: str, commit: str
) -> tuple[Array, Array]:
    """Σ max(v, 0) and Σ min(v, 0) of the third parties' votes v on each challenge
    ([KTAB] ``SMPState::probEduChlg``). Under FullCommit and NoCommit a third party expects
    the same from either side, so its vote is exactly 0."""
    shape = chij0.shape
    if commit in ("FullCommit", "NoCommit"):  # [KTAB] thirdPartyVoteSU: u_ik_j = u_i_jk
        return np.zeros(shape), np.zeros(shape)
    vk, scale = third.votes(chij0[..., None], chji0[..., None], rule, commit)
    if vk.shape[:-1] != shape:
        vk = np.array(np.broadcast_to(vk, (*shape, vk.shape[-1])))
    if third.who is not None:
        vk = np.where(third.who, vk, 0.0)
    else:
        diag = np.arange(vk.shape[-1])
        vk[..., diag, diag] = 0.0  # n = j is a principal
    return split_sums(vk, scale)


def split_sums(v: Array, scale: float = 1.0) -> tuple[Array, Array]:
    """Σ max(v, 0) and Σ min(v, 0) along the last axis times ``scale`` (a power of two), each
    side summed alone (as KTAB), bit for bit, as ½ Σ (v + |v|) and ½ Σ (v − |v|): scaling by
    powers of two is exact, and abs, add and subtract are cheaper than numpy's NaN-aware
    maximum and minimum (``v`` is overwritten)."""
    a = np.abs(v)
    neg = np.subtract(v, a).sum(axis=-1)
    v += a
    pos = v.sum(axis=-1)
    pos *= 0.5 * scale
    neg *= 0.5 * scale
    return pos, neg


def challenge(
    u: tuple[Array, Array, Array, Array, Array, Array],
    third: ThirdParties,
    w_i: Array,
    w_j: Array,
    s_j: Array,
    unit: Array,
    rule: str,
    commit: str,
) -> tuple[Array, Array]:
    """h's estimate of P(i beats j) and k's expected gain from i challenging j
    ([KTAB] ``SMPState::probEduChlg``).

    ``u`` = (u_ii, u_ij, u_ji, u_jj, u_ki, u_kj) with U_h[a, b] = bsUtil(d_ab, rhat_ha), one
    value per challenge; ``third`` the third parties; ``w_i``, ``w_j`` the
    principals' weights (salience sum × capability), ``s_j`` the target's salience sum.
    """
    uii, uij, uji, ujj, uki, ukj = u
    ci = vote(rule, w_i, uii - uij)  # [KTAB] probEduChlg: the principals' votes
    cj = vote(rule, w_j, uji - ujj)
    floor = CHALLENGE_FLOOR * unit
    chij0 = (floor + np.maximum(ci, 0.0)) + np.maximum(cj, 0.0)  # [KTAB] probEduChlg: 1e-10 floor
    chji0 = (floor - np.minimum(ci, 0.0)) - np.minimum(cj, 0.0)
    pos, neg = third_party_sums(third, chij0, chji0, rule, commit)
    chij = chij0 + pos  # [KTAB] probEduChlg: third parties join
    chji = chji0 - neg
    phij = chij / (chij + chji)  # [KTAB] probEduChlg: P(i beats j)
    phji = chji / (chij + chji)
    eu_vict = uki + uki
    eu_contest = phij * eu_vict + phji * (ukj + ukj)
    eu_chlg = (1 - s_j) * eu_vict + s_j * eu_contest  # [KTAB] probEduChlg: EU of the challenge
    return phij, eu_chlg - (uki + ukj)  # [KTAB] probEduChlg: gain over the status quo


def _blocks(n_draws: int, n: int, per_item: int, chunk: int) -> Iterator[tuple[slice, slice]]:
    """(draw slice, initiator slice) blocks of about ``chunk`` elements of ``per_item`` each."""
    ib = min(n, max(1, chunk // per_item))
    db = max(1, chunk // (ib * per_item))
    for d0 in range(0, n_draws, db):
        for i0 in range(0, n, ib):
            yield slice(d0, d0 + db), slice(i0, i0 + ib)


@dataclass(frozen=True)
class _Shared:
    """What every initiator block of a turn reads ([KTAB] ``bestChallenge``'s inputs, arranged)."""

    dt: Array  # (D, b, a) = d[a, b]
    far: Array  # (D, j, a): 1 − d[a, j], contiguous in a
    near: Array  # (D, j, a): min(d[a, j], 1)
    w_far: Array | None  # (D, j, a): w_a (1 − d[a, j]) (Proportional, SemiCommit)
    w_far_near: Array | None  # (D, j, a): w_a (1 − d[a, j]) min(d[a, j], 1)
    diag_d: Array  # (D, a)
    rhat: Array
    w: Array
    s_sum: Array
    act: Array
    unit: Array
    rule: str
    commit: str


def _one_block(ds: slice, is_: slice, sh: _Shared, space: Array | None) -> tuple[Array, Array]:
    """P(i beats j) and i's gain for the draws ``ds`` and initiators ``is_`` (see
    :func:`best_challenges`); ``space`` (3, db, ib, n, n) is the workspace of the closed form."""
    n = sh.dt.shape[-1]
    nn = np.arange(n)
    ii = nn[is_]
    rows = np.arange(len(ii))
    rh = sh.rhat[ds, is_]  # (db, ib, a): i's estimate of everyone's R
    u_at_i = util(sh.dt[ds, is_], rh)  # [D, i, a] = U_i[a, i]
    u_own = util(sh.diag_d[ds, None, :], rh)  # [D, i, a] = U_i[a, a]
    r_own = rh[:, rows, ii][:, :, None]
    uij = util_from_parts(sh.far[ds][:, :, ii], sh.near[ds][:, :, ii], r_own.swapaxes(1, 2))
    uij = np.swapaxes(uij, 1, 2)  # [D, i, j] = U_i[i, j]
    uii = u_at_i[:, rows, ii][:, :, None]
    w, a_ds = sh.w[ds], sh.act[ds]
    w_n = np.array(np.broadcast_to(w[:, None, :], rh.shape))  # absent actors weigh 0
    w_n[:, rows, ii] = 0.0  # and so does the initiator: only third parties vote
    uni, unn = u_at_i[:, :, None, :], u_own[:, :, None, :]
    if (
        space is not None and sh.w_far is not None and sh.w_far_near is not None
    ):  # third parties' votes without U_i[n, j]
        cn, num, wu = space[:, : rh.shape[0], : len(ii)]
        np.multiply(sh.w_far_near[ds, None], rh[:, :, None, :], out=wu)
        wu += sh.w_far[ds, None]  # [KTAB] SMPModel::bsUtil: w_n U_i[n, j]
        # equal utilities give exactly 0 (actors sharing a position)
        np.subtract(wu[:, rows, ii][:, :, None, :], wu, out=cn)  # [KTAB] Actor::vProbLittle
        cn[:, rows, :, ii] = 0.0
        third = ThirdParties(uni, None, unn, w_n[:, :, None, :], None, cn, (num, wu))
    else:
        u_by_j = util_from_parts(sh.far[ds, None], sh.near[ds, None], rh[:, :, None, :])
        third = ThirdParties(uni, u_by_j, unn, w_n[:, :, None, :], None)
    u6 = (uii, uij, u_at_i, u_own, uii, uij)  # h = k = i: U_i[k, i] = U_i[i, i], ...
    s_j, unit = sh.s_sum[ds, None, :], sh.unit[ds, None, None]
    w_i, w_j = w[:, is_][:, :, None], w[:, None, :]
    p, g = challenge(u6, third, w_i, w_j, s_j, unit, sh.rule, sh.commit)
    valid = a_ds[:, is_, None] & a_ds[:, None, :] & (ii[:, None] != nn[None, :])[None]
    return p, np.where(valid, g, -np.inf)


def best_challenges(
    d: Array,
    rhat: Array,
    s_sum: Array,
    cap: Array,
    act: Array,
    unit: Array,
    rule: str,
    commit: str,
    *,
    chunk: int = 1 << 15,
) -> tuple[Array, Array]:
    """P(i beats j) and i's gain (D, i, j), both by i's own estimate ([KTAB] ``bestChallenge``).

    ``d`` (D, n, n) distances, ``rhat`` (D, h, i) estimated risk attitudes, ``s_sum``, ``cap``,
    ``act`` (D, n), ``unit`` (D,). The gain is −inf for i = j and where i or j is absent.
    The blocks of (draws, initiators) share one workspace, so no block touches fresh pages.
    Proportional votes with SemiCommit on ``MIN_CASES`` draws or more run compiled
    (:func:`._compiled.best_challenges_semi`, the same numbers).
    """
    n_draws, n, _ = d.shape
    fast = rule == "Proportional" and commit == "SemiCommit"
    if fast and n_draws >= MIN_CASES and n <= MAX_AXIS:
        k = kernel(best_challenges_semi)  # the same numbers, compiled
        if k is not None:
            prob, gain = np.empty((n_draws, n, n)), np.empty((n_draws, n, n))
            k(d, rhat, s_sum, cap, act, unit, prob, gain)
            return prob, gain
    w = np.where(act, s_sum * cap, 0.0)
    prob = np.zeros((n_draws, n, n))
    gain = np.full((n_draws, n, n), -np.inf)
    dt = np.swapaxes(d, -1, -2)  # dt[D, b, a] = d[D, a, b]
    # shared by every initiator's utilities of this turn, third parties contiguous
    far, near = util_parts(np.ascontiguousarray(dt))
    # w_n U_i[n, j] = w_n (1 − d_nj) (1 + min(d_nj, 1) R̂_in)
    w_far = far * w[:, None, :] if fast else None
    w_far_near = w_far * near if w_far is not None else None
    diag_d = np.diagonal(d, axis1=-2, axis2=-1)
    sh = _Shared(dt, far, near, w_far, w_far_near, diag_d, rhat, w, s_sum, act, unit, rule, commit)
    blocks = list(_blocks(n_draws, n, n * n, chunk))
    shape = (3, len(range(n_draws)[blocks[0][0]]), len(range(n)[blocks[0][1]]), n, n)
    space = np.empty(shape) if fast else None  # reused: no fresh pages per block
    for ds, is_ in blocks:
        prob[ds, is_], gain[ds, is_] = _one_block(ds, is_, sh, space)
    return prob, gain


def pair_challenges(
    h: Array,
    k: Array,
    i: Array,
    j: Array,
    d: Array,
    rhat: Array,
    s_sum: Array,
    cap: Array,
    act: Array,
    unit: Array,
    rule: str,
    commit: str,
    *,
    chunk: int = 1 << 15,
) -> tuple[Array, Array]:
    """h's estimate of P(i beats j) and of k's expected gain (D, P) for index arrays (D, P)
    ([KTAB] ``SMPState::probEduChlg``). U_h[a, b] = bsUtil(d[a, b], rhat[h, a])."""
    n_draws, n, _ = d.shape
    w = np.where(act, s_sum * cap, 0.0)
    diag_d = np.diagonal(d, axis1=-2, axis2=-1)
    nn = np.arange(n)
    n_pairs = h.shape[-1]
    ph = np.empty((n_draws, n_pairs))
    gain = np.empty((n_draws, n_pairs))
    step = max(1, chunk // max(1, n_draws * n))
    rows = np.arange(n_draws)[:, None]
    for a in range(0, n_pairs, step):
        hh, kk, ii, jj = (x[:, a : a + step] for x in (h, k, i, j))

        def u(p: Array, q: Array, hh: Array = hh) -> Array:
            return util(d[rows, p, q], rhat[rows, hh, p])

        rh = rhat[rows, hh]  # (D, P, n): h's estimate of each third party's R
        r3 = rows[:, :, None]
        uni = util(d[r3, nn[None, None, :], ii[:, :, None]], rh)
        unj = util(d[r3, nn[None, None, :], jj[:, :, None]], rh)
        unn = util(diag_d[:, None, :], rh)
        who = act[:, None, :] & (nn != ii[:, :, None]) & (nn != jj[:, :, None])
        u6 = (u(ii, ii), u(ii, jj), u(jj, ii), u(jj, jj), u(kk, ii), u(kk, jj))
        p, g = challenge(
            u6,
            ThirdParties(uni, unj, unn, w[:, None, :], who),
            w[rows, ii],
            w[rows, jj],
            s_sum[rows, jj],
            unit[:, None],
            rule,
            commit,
        )
        ph[:, a : a + step] = p
        gain[:, a : a + step] = g
    return ph, gain
