"""Who challenges whom: KTAB's ``probEduChlg`` gathered two ways over a leading draw axis.

Both layouts only gather utilities and call :func:`accord.models.smp.equations.challenge`, the
one place the challenge's equations are written:

- :func:`best_challenges` ("blocked", the default): every actor's own estimate of every
  challenge it could make (h = k = i), arranged as (draw, initiator, target, third party)
  blocks so that utilities from one initiator's perspective are computed once.
- :func:`pair_challenges` ("pairs"): one evaluation per (h, k, i, j) quadruple given as index
  arrays, as KTAB's ``probEduChlg(h, k, i, j)``; the straightforward check of the other, and
  the receiver's view of a bargain (``InitRcvrInterp``, ``PWCompInterp``).
"""

from __future__ import annotations

import numpy as np

from .equations import challenge, util

__all__ = ["best_challenges", "pair_challenges"]

Array = np.ndarray


def _blocks(n_draws: int, n: int, per_item: int, chunk: int):
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
        who = a_ds[:, None, None, :] & (nn[None, :, None] != nn[None, None, :])[None]
        who = who & (nn[None, None, None, :] != ii[None, :, None, None])
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
