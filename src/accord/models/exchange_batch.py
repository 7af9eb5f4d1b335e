"""The Stokman–Van Oosten exchange model on many Monte Carlo draws at once.

The per-draw model (:mod:`accord.models.exchange`, [Stokman1994]) realises a round's exchanges
greedily, highest gain first, recalculating after each exchange the candidates it touches. On
a small scenario its time goes into numpy's per-call overhead. Here every draw of a chunk
advances in lock-step: each draw's candidate exchanges (the issue pairs × actor pairs that meet
[Stokman1994]'s conditions, in the per-draw model's canonical order, padded to the chunk's
largest count), then one greedy step per iteration in every draw that still has a valid
exchange: realise its best (ties: the first in canonical order, as the per-draw model), update
the voting positions and the demanders' views of the outcomes, and recalculate the candidates
whose movers or demanders' views it touched. Every equation is the per-draw model's, in the same
order of operations, so the forecasts are the same (``tests/test_exchange_batch.py``).

Scope: the equal-gain model (the default). The randomized-gain variant draws random numbers
per recalculation and runs draw by draw (:meth:`accord.models.exchange.ExchangeModel.forecast_arrays`).
"""

from __future__ import annotations

import numpy as np

from .exchange import _FULL, _MIN_GAIN, _MIN_MOVE, _TIE_RTOL, next_start

__all__ = ["run_exchange_batch"]


def _nbs(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(D, m) outcome per issue, O_d = Σ w x / Σ w ([Stokman1994], (O)); no weight: plain mean."""
    total = w.sum(axis=1)
    num = (w * x).sum(axis=1)  # [Stokman1994, (O)]
    out = num / np.where(total > 0, total, 1.0)
    if np.any(total <= 0):
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nanmean(np.where(w > 0, x, np.nan), axis=1)
        out = np.where(total > 0, out, mean)
    return out


class _Rounds:
    """One round of exchanges in every draw of a chunk (see the module docstring)."""

    def __init__(self, x: np.ndarray, s: np.ndarray, w: np.ndarray, has: np.ndarray):
        D, n, m = x.shape
        self.D_, self.n, self.m = D, n, m
        self.x0, self.s, self.w = x, s, w
        Dw = w.sum(axis=1)
        self.safeD = np.where(Dw > 0, Dw, 1.0)
        nbs0 = _nbs(x, w)
        ok = has & (w > 0)
        left = x <= nbs0[:, None, :]                          # [Stokman1994]: decide's x <= O
        P, Q = np.triu_indices(m, 1)
        lp, lq = left[:, :, P], left[:, :, Q]                 # (D, actors, pairs)
        both = ok[:, :, P] & ok[:, :, Q]
        mask = ((lp[:, :, None, :] != lp[:, None, :, :]) & (lq[:, :, None, :] != lq[:, None, :, :])
                & (~lq)[:, :, None, :] & both[:, :, None, :] & both[:, None, :, :])   # (D, i, j, pair)
        mask = mask.transpose(0, 3, 1, 2).reshape(D, -1)     # canonical order: pair, i, j
        K = int(mask.sum(axis=1).max()) if mask.size else 0
        self.K = K
        order = np.argsort(~mask, axis=1, kind="stable")[:, :K]
        self.valid = np.take_along_axis(mask, order, axis=1)
        pair, i, j = order // (n * n), (order // n) % n, order % n
        p_, q_ = P[pair], Q[pair]
        r = np.arange(D)[:, None]
        # roles ([Stokman1994], (R)): if s_ip/s_iq < s_jp/s_jq, j supplies q and i supplies p
        swap = s[r, i, p_] * s[r, j, q_] < s[r, j, p_] * s[r, i, q_]
        A, B = np.where(swap, j, i), np.where(swap, i, j)
        IA, IB = q_, p_
        wA = np.where(self.valid, w[r, A, IA], 1.0)
        wB = np.where(self.valid, w[r, B, IB], 1.0)
        fA, fB = Dw[r, IA] / wA, Dw[r, IB] / wB               # move per unit of outcome shift
        sA_sup, sA_dem = s[r, A, IA], s[r, A, IB]
        sB_sup, sB_dem = s[r, B, IB], s[r, B, IA]
        with np.errstate(invalid="ignore", divide="ignore"):
            k = (sA_sup + sB_dem) / (sA_dem + sB_sup)         # [Stokman1994, (E)]
        k = np.where(self.valid, k, 1.0)
        gfac = k * sA_dem - sA_sup                            # [Stokman1994, (U)]
        # each moves towards the other; packed (rows fA fB k tA tB gfac startA startB) for one gather
        self.consts = np.stack([fA, fB, k, x[r, B, IA], x[r, A, IB], gfac, x[r, A, IA], x[r, B, IB]]).reshape(8, -1)
        self.keyA, self.keyB = A * m + IA, B * m + IB         # flat (actor, issue) of the movers
        self.vkA, self.vkB = B * m + IA, A * m + IB           # flat (demander, issue) of their views
        kt = np.int16 if n * m < 2**15 else np.int64          # narrow keys: the touch test reads less
        self.kA16, self.kB16 = self.keyA.astype(kt), self.keyB.astype(kt)
        self.vA16, self.vB16 = self.vkA.astype(kt), self.vkB.astype(kt)
        self.key_type = kt
        base = (np.arange(D) * (n * m))[:, None]              # the same keys in the flat state arrays
        self.keys = np.stack([self.keyA + base, self.keyB + base, self.vkA + base, self.vkB + base]).reshape(4, -1)
        self.cur = x.reshape(D, n * m).copy()
        self.cur_flat = self.cur.reshape(-1)
        self.V = np.broadcast_to(nbs0[:, None, :], (D, n, m)).reshape(D, n * m).copy()
        self.V_flat = self.V.reshape(-1)
        self.U = np.full((D, n, m, n), np.nan)
        self.gain = np.full((D, K), -np.inf)
        self.gain_flat = self.gain.reshape(-1)
        self.alive = self.valid.copy()
        self.alive_flat = self.alive.reshape(-1)
        self.move = np.zeros((2, D * K))

    def calculate(self, idx: np.ndarray) -> None:
        """Equal-gain exchanges for the (draw, candidate) entries ``idx`` (flat: draw × K +
        candidate) ([Stokman1994], (S), (E), (U); decide's ``check_nbs``), exactly as
        :meth:`accord.models.exchange._Round.calculate`."""
        if not len(idx):
            return
        c = self.consts.take(idx, axis=1)
        f, k, target, gfac, start = c[0:2], c[2], c[3:5], c[5], c[6:8]
        keys = self.keys.take(idx, axis=1)
        cur = self.cur_flat[keys[0:2]]
        d = target - cur
        sgn = np.sign(d)
        full = np.abs(d) / f
        rA = np.minimum(full[1] / k, full[0])                 # [Stokman1994, (S), (E)]
        gain0 = rA * gfac                                     # [Stokman1994, (U)], before the outcome check
        view = self.V_flat[keys[2:4]]
        cap = np.maximum(sgn * (target - view), 0.0)          # room for the outcome to move
        rA = np.minimum(np.minimum(rA, cap[0]), cap[1] / k)   # check_nbs of A, then of B
        r = np.empty_like(full)
        r[0] = rA
        np.multiply(rA, k, out=r[1])                          # rB = k rA, [Stokman1994, (E)]
        move = np.where(r >= full * _FULL, d, sgn * r * f)    # [Stokman1994, (S)] inverted
        valid = ((gain0 >= _MIN_GAIN) & (np.abs(move) > _MIN_MOVE).all(axis=0)
                 & (((cur - start) * sgn).min(axis=0) >= 0))
        gain = rA * gfac                                      # [Stokman1994, (U)]
        self.gain_flat[idx] = np.where(valid, gain, -np.inf)
        self.alive_flat[idx] = valid
        self.move[:, idx] = move

    def _record(self, rows, demander, issue, mover, y) -> None:
        """decide's ``updates``: the demander has seen the outcome on ``issue`` move (see
        :meth:`accord.models.exchange._Round._record`)."""
        old = self.U[rows, demander, issue, mover]
        prev = np.where(np.isnan(old), self.x0[rows, mover, issue], old)
        self.U[rows, demander, issue, mover] = y
        shift = self.w[rows, mover, issue] * (y - prev) / self.safeD[rows, issue]
        self.V[rows, demander * self.m + issue] += shift     # [Stokman1994, (O)]

    def run(self) -> np.ndarray:
        """The greedy loop in every draw; returns the voting positions (D, n, m) at the round's end."""
        m = self.m
        K = self.K
        if K:
            self.calculate(np.flatnonzero(self.valid))
        while self.K:
            top = self.gain.max(axis=1)
            rows = np.nonzero(top > -np.inf)[0]
            if not len(rows):
                break
            top = top[rows]
            g = self.gain[rows]
            e = np.argmax(g >= (top - _TIE_RTOL * np.abs(top))[:, None], axis=1)   # first of the tied
            ka, kb = self.keyA[rows, e], self.keyB[rows, e]
            a, ia = np.divmod(ka, m)
            b, ib = np.divmod(kb, m)
            mA, mB = self.move[0, rows * K + e], self.move[1, rows * K + e]
            ya, yb = self.cur[rows, ka] + mA, self.cur[rows, kb] + mB
            self.alive[rows, e] = False
            self.gain[rows, e] = -np.inf
            self.cur[rows, ka], self.cur[rows, kb] = ya, yb
            self._record(rows, b, ia, a, ya)
            self._record(rows, a, ib, b, yb)
            # the candidates this touched: same mover (actor, issue), or same demander's view;
            # draws without an exchange this step match nothing (key −1)
            full = np.full((4, self.D_, 1), -1, dtype=self.key_type)
            full[0, rows, 0], full[1, rows, 0] = ka, kb
            full[2, rows, 0], full[3, rows, 0] = b * m + ia, a * m + ib
            kA, kB, vA, vB = self.kA16, self.kB16, self.vA16, self.vB16
            touched = (((kA == full[0]) | (kA == full[1]) | (kB == full[0]) | (kB == full[1])
                        | (vA == full[2]) | (vA == full[3]) | (vB == full[2]) | (vB == full[3])) & self.alive)
            self.calculate(np.flatnonzero(touched))
        return self.cur.reshape(self.x0.shape)


def run_exchange_batch(x: np.ndarray, s: np.ndarray, c: np.ndarray, has: np.ndarray, *,
                       rounds: int = 10) -> np.ndarray:
    """The equal-gain exchange model on D cases: positions ``x`` (D, actors, issues) on 0..100 in
    the canonical actor order (0 where no stance), saliences and capabilities likewise (0 where no
    stance), ``has`` (D, actors, issues). Returns the outcome per issue after the last round
    (D, issues, on 0..100)."""
    x = np.array(x, dtype=float)
    s = np.asarray(s, dtype=float)
    w = np.asarray(c, dtype=float) * s
    has = np.broadcast_to(np.asarray(has, dtype=bool), x.shape)
    y = x
    for _ in range(rounds):
        y = _Rounds(x, s, w, has).run()
        moved = y != x
        x = np.where(moved, next_start(x, y, s), x)
    return _nbs(y, w)
