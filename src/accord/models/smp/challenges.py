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
from functools import lru_cache

import numpy as np

from .constants import CHALLENGE_FLOOR, OPTIONS
from .equations import util, vote

__all__ = ["third_party_votes", "challenge", "best_challenges", "pair_challenges"]

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


def challenge(
    u: tuple[Array, Array, Array, Array, Array, Array],
    third: tuple[Array, Array, Array, Array, Array],
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
    value per challenge; ``third`` = (u_ni, u_nj, u_nn, w_n, who), the third parties n along a
    last axis (``who`` False for the principals and anyone absent); ``w_i``, ``w_j`` the
    principals' weights (salience sum × capability), ``s_j`` the target's salience sum.
    """
    uii, uij, uji, ujj, uki, ukj = u
    uni, unj, unn, w_n, who = third
    ci = vote(rule, w_i, uii - uij)  # [KTAB] probEduChlg: the principals' votes
    cj = vote(rule, w_j, uji - ujj)
    floor = CHALLENGE_FLOOR * unit
    chij0 = (floor + np.maximum(ci, 0.0)) + np.maximum(cj, 0.0)  # [KTAB] probEduChlg: 1e-10 floor
    chji0 = (floor - np.minimum(ci, 0.0)) - np.minimum(cj, 0.0)
    vk = third_party_votes(uni, unj, unn, w_n, chij0[..., None], chji0[..., None], rule, commit)
    vk = np.where(who, vk, 0.0)
    chij = chij0 + np.maximum(vk, 0.0).sum(axis=-1)  # [KTAB] probEduChlg: third parties join
    chji = chji0 - np.minimum(vk, 0.0).sum(axis=-1)
    phij = chij / (chij + chji)  # [KTAB] probEduChlg: P(i beats j)
    phji = chji / (chij + chji)
    eu_vict = uki + uki
    eu_contest = phij * eu_vict + phji * (ukj + ukj)
    eu_chlg = (1 - s_j) * eu_vict + s_j * eu_contest  # [KTAB] probEduChlg: EU of the challenge
    return phij, eu_chlg - (uki + ukj)  # [KTAB] probEduChlg: gain over the status quo


@lru_cache(maxsize=32)
def _third(n: int) -> Array:
    """[i, j, k]: whether k is a third party to (i : j), i.e. k ≠ i and k ≠ j (read-only)."""
    nn = np.arange(n)
    out = (nn[None, None, :] != nn[:, None, None]) & (nn[None, None, :] != nn[None, :, None])
    out.flags.writeable = False
    return out


def _blocks(n_draws: int, n: int, per_item: int, chunk: int) -> Iterator[tuple[slice, slice]]:
    """(draw slice, initiator slice) blocks of about ``chunk`` elements of ``per_item`` each."""
    ib = min(n, max(1, chunk // per_item))
    db = max(1, chunk // (ib * per_item))
    for d0 in range(0, n_draws, db):
        for i0 in range(0, n, ib):
            yield slice(d0, d0 + db), slice(i0, i0 + ib)


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
    """
    n_draws, n, _ = d.shape
    w = np.where(act, s_sum * cap, 0.0)
    prob = np.zeros((n_draws, n, n))
    gain = np.full((n_draws, n, n), -np.inf)
    nn = np.arange(n)
    every = bool(act.all())
    dt = np.swapaxes(d, -1, -2)  # dt[D, b, a] = d[D, a, b]
    diag_d = np.diagonal(d, axis1=-2, axis2=-1)
    for ds, is_ in _blocks(n_draws, n, n * n, chunk):
        ii = nn[is_]
        rows = np.arange(len(ii))
        rh = rhat[ds, is_]  # (db, ib, a): i's estimate of everyone's R
        u_at_i = util(dt[ds, is_], rh)  # [D, i, a] = U_i[a, i]
        u_own = util(diag_d[ds, None, :], rh)  # [D, i, a] = U_i[a, a]
        u_by_j = util(dt[ds, None, :, :], rh[:, :, None, :])  # [D, i, j, a] = U_i[a, j]
        uii = u_at_i[:, rows, ii][:, :, None]
        uij = u_by_j[:, rows, :, ii]  # advanced indices first: (ib, db, j)
        uij = np.swapaxes(uij, 0, 1)  # [D, i, j] = U_i[i, j]
        a_ds = act[ds]
        who = _third(n)[None, is_]
        if not every:
            who = who & a_ds[:, None, None, :]
        third = (u_at_i[:, :, None, :], u_by_j, u_own[:, :, None, :], w[ds, None, None, :], who)
        u6 = (uii, uij, u_at_i, u_own, uii, uij)  # h = k = i: U_i[k, i] = U_i[i, i], ...
        p, g = challenge(
            u6,
            third,
            w[ds, is_][:, :, None],
            w[ds, None, :],
            s_sum[ds, None, :],
            unit[ds, None, None],
            rule,
            commit,
        )
        valid = a_ds[:, is_, None] & a_ds[:, None, :] & (ii[:, None] != nn[None, :])[None]
        prob[ds, is_] = p
        gain[ds, is_] = np.where(valid, g, -np.inf)
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
            (uni, unj, unn, w[:, None, :], who),
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
