"""One round of the exchange model in lock-step over a leading draw axis: the only
implementation of a round.

Every case (draw) of a batch ``(D, n, m)`` has its candidate exchanges (the issue pairs ×
actor pairs that meet [Stokman1994]'s conditions, in canonical order, padded to the batch's
largest count). Each iteration realises, in every case that still has a valid exchange, its
best (ties: the first in canonical order, or the one a ``choose`` hook picks), updates the
voting positions and the demanders' views of the outcomes, and recalculates the candidates
whose movers or demanders' views it touched (:mod:`.equations`). A case's arithmetic is
elementwise and never mixes with another case's, so a case gives the same result alone or in
any batch. One run is the one-case batch.

Canonical order: issue pairs (p, q), p < q, in scenario order; then actors i (right of the
outcome on q) and j in canonical actor order (sorted by id, done by the caller).

A candidate is alive while it is valid and not yet realised; its gain is then above −inf.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from accord import jit

from ..median import distinct
from .equations import (
    TIE_RTOL,
    equal_gain,
    exchange_ratio,
    nbs,
    outcome_shift,
    randomized_gain,
    supplies_other,
)

__all__ = ["INDEX_LOOKUP_MAX", "Event", "KernelChooser", "RoundKernel", "exchange_round"]

#: A realised exchange, by index: (a, ia, xa, move_a, ya, b, ib, xb, move_b, yb, gain, gain_a,
#: gain_b) with actor ``a`` moving on issue ``ia`` from ``xa`` by ``move_a`` to ``ya``.
Event = tuple[int, int, float, float, float, int, int, float, float, float, float, float, float]
#: Tie hook of the kernel: (case, exchanges realised so far in it, tied candidates as
#: (a, ia, b, ib, gain) in canonical order) -> index into the tied candidates.
KernelChooser = Callable[[int, int, list[tuple[int, int, int, int, float]]], int]
#: Up to this many cases, touched candidates are found through inverted indexes (fast for
#: one run); above it by comparing keys over the whole batch (fast for many draws). Both give
#: the same candidates.
INDEX_LOOKUP_MAX = 64
_NEG_INF = -np.inf


class RoundKernel:
    """The candidate exchanges of one round in every case, and the greedy loop over them.

    ``x``, ``s``, ``w`` (D, n, m) positions, saliences and weights (0 where no stance),
    ``has`` (D, n, m). ``gain`` "random" with ``p > 0`` draws u, v, z for every calculation
    from the case's own generator in ``rngs`` ([Dijkstra2008]).
    """

    def __init__(
        self,
        x: np.ndarray,
        s: np.ndarray,
        w: np.ndarray,
        has: np.ndarray,
        *,
        gain: str = "equal",
        p: float = 0.0,
        rngs: Sequence[np.random.Generator] | None = None,
    ):
        D, n, m = x.shape
        self.D_, self.n, self.m = D, n, m
        self.shape = x.shape
        self.random = gain == "random" and p > 0
        self.unique = gain == "random"  # one draw per exchange recalculated
        self.p = float(p)
        if self.random and (rngs is None or len(rngs) != D):
            raise ValueError("the randomized variant needs one generator per case")
        self.rngs = rngs
        Dw = w.sum(axis=1)
        nbs0 = nbs(x, w)
        # The state, one flat array so that one gather reads what an update needs:
        # [0, N) the voting positions within the round (case, actor, issue), N = D·n·m;
        # [N, 2N) V[case, b, d], the outcome on d as b has seen it move ([Stokman1994], (O));
        # [2N, 2N + N·n) U[case, b, d, k], where k stands on d as b has seen it (its round-start
        # position, or where it moved in an exchange with b this round); see _realise.
        N = D * n * m
        self.N = N
        self.state = np.concatenate(
            [
                x.reshape(-1),
                np.broadcast_to(nbs0[:, None, :], (D, n, m)).reshape(-1),
                np.broadcast_to(x.transpose(0, 2, 1)[:, None], (D, n, m, n)).reshape(-1),
            ]
        )
        self._candidates(x, s, w, has, Dw, nbs0)
        K = self.K
        self.gain = np.full((D, K), _NEG_INF)
        self.gain_flat = self.gain.reshape(-1)
        self.move = self.mw[0:2]
        self.moveA, self.moveB = self.mw[0], self.mw[1]  # 1-D views: cheap scatters
        self.eu = np.zeros((2, D * K))  # utility gains of A and B (randomized variant)
        self.alive = self.valid.copy()  # valid and not yet realised
        self.alive_flat = self.alive.reshape(-1)
        self.case_start = np.arange(D) * K  # flat index of each case's first candidate
        self.index = self._inverted_index() if D <= INDEX_LOOKUP_MAX else None

    def _candidates(self, x, s, w, has, Dw, nbs0) -> None:
        """Groups A×D and B×C of every issue pair ([Stokman1994]), in canonical order."""
        D, n, m = x.shape
        ok = has & (w > 0)
        left = x <= nbs0[:, None, :]  # [Stokman1994]: left of the outcome or on it (decide: x <= O)
        P, Q = np.triu_indices(m, 1)
        # one code per (case, pair, actor): 2·left on p + left on q, or 4 without a stance on
        # both. i is right of the outcome on q (even code) and j opposite i on both issues:
        # codes 0 and 3 or 2 and 1: i's code even and the two summing to 3 (groups A and B)
        leftT, okT = left.transpose(0, 2, 1), ok.transpose(0, 2, 1)  # (D, issues, actors)
        code = np.where(okT[:, P] & okT[:, Q], 2 * leftT[:, P] + leftT[:, Q], 4).astype(np.int8)
        ci = np.where(code % 2 == 0, code, 8)  # (D, pairs, i)
        m4 = ci[:, :, :, None] + code[:, :, None, :] == 3  # (D, pair, i, j), i right on q
        # canonical order: pair, then the pair of actors by index (lower first), whichever of
        # them stands right of the outcome, so that flipping a scale keeps every candidate in
        # its place (ties and the randomized variant's draws follow this order)
        upper = np.triu(np.ones((n, n), dtype=bool), 1)
        mask = ((m4 | m4.transpose(0, 1, 3, 2)) & upper).reshape(D, -1)  # pair, lo, hi
        # each case's candidates first, in canonical order, then padding (candidate 0, invalid)
        counts = mask.sum(axis=1)
        K = int(counts.max()) if mask.size else 0
        self.K = K
        rr, cc = mask.nonzero()  # row-major: canonical order within each case
        slot = np.arange(len(rr)) - (np.cumsum(counts) - counts)[rr]
        order = np.zeros((D, K), dtype=np.int64)
        order[rr, slot] = cc
        self.valid = np.zeros((D, K), dtype=bool)
        self.valid[rr, slot] = True
        pair, lo, hi = order // (n * n), (order // n) % n, order % n
        right_lo = m4.reshape(D, -1).take(order + np.arange(D)[:, None] * mask.shape[1])
        i, j = np.where(right_lo, lo, hi), np.where(right_lo, hi, lo)  # i: right of the outcome
        p_, q_ = P[pair], Q[pair]
        N, nm = self.N, n * m
        base = (np.arange(D) * nm)[:, None]  # flat (case, actor, issue) = base + actor·m + issue
        sf = s.reshape(-1)
        ip, iq = i * m + base, j * m + base
        swap = supplies_other(
            sf.take(ip + p_), sf.take(ip + q_), sf.take(iq + p_), sf.take(iq + q_)
        )
        A, B = np.where(swap, j, i), np.where(swap, i, j)  # (R)
        IA, IB = q_, p_  # A supplies q and demands p; B the reverse
        self.A, self.B, self.IA, self.IB = A, B, IA, IB
        self.keyA, self.keyB = A * m + IA, B * m + IB  # (actor, issue) of the movers
        self.vkA, self.vkB = B * m + IA, A * m + IB  # (demander, issue) of their views
        gA, gB = self.keyA + base, self.keyB + base  # the same, flat over the cases
        gvA, gvB = self.vkA + base, self.vkB + base
        wf, xf = w.reshape(-1), x.reshape(-1)
        mbase = (np.arange(D) * m)[:, None]
        DA, DB = Dw.reshape(-1).take(IA + mbase), Dw.reshape(-1).take(IB + mbase)
        # rows 0-1: signed moves of A and B (recalculated); 2-5: the movers' weights and their
        # issues' total weights, for _realise (constant); one gather per realised exchange
        mw = np.zeros((6, D, K))
        mw[2] = np.where(self.valid, wf.take(gA), 1.0)
        mw[3] = np.where(self.valid, wf.take(gB), 1.0)
        mw[4] = np.where(DA > 0, DA, 1.0)
        mw[5] = np.where(DB > 0, DB, 1.0)
        wA, wB = mw[2], mw[3]
        self.mw = mw.reshape(6, -1)
        # saliences: rows A's of IA, IB; B's of IB, IA
        sal = np.empty((4, D, K))
        for row, g in enumerate((gA, gvB, gB, gvA)):
            sf.take(g, out=sal[row])
        self.sal = sal.reshape(4, -1)
        # packed for one gather (rows fA fB 1 k tA tB gfac startA startB): each moves towards
        # the other's position
        consts = np.empty((9, D, K))
        np.divide(DA, wA, out=consts[0])  # move per unit of outcome shift, [Stokman1994, (S)]
        np.divide(DB, wB, out=consts[1])  # [Stokman1994, (S)]
        consts[2] = 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            k, gfac = exchange_ratio(sal[0], sal[1], sal[2], sal[3])  # (E), (U)
        consts[3] = np.where(self.valid, k, 1.0)
        xf.take(gvA, out=consts[4])  # A moves towards B's position on IA
        xf.take(gvB, out=consts[5])
        consts[6] = gfac
        xf.take(gA, out=consts[7])
        xf.take(gB, out=consts[8])
        self.consts = consts.reshape(9, -1)
        # The same keys in the flat state (rows: views of B on IA and of A on IB, positions of A
        # and B, U entries of A's move for B and B's move for A); rows 0-3 are also the
        # queries of the inverted index.
        keys = np.empty((6, D, K), dtype=np.int64)
        np.add(gvA, N, out=keys[0])
        np.add(gvB, N, out=keys[1])
        keys[2], keys[3] = gA, gB
        ubase = 2 * N + (np.arange(D) * (nm * n))[:, None]
        keys[4] = self.vkA * n + A + ubase
        keys[5] = self.vkB * n + B + ubase
        self.keys = keys.reshape(6, -1)
        self.keys4 = self.keys[0:4]  # contiguous: the first rows
        kt = np.int16 if 2 * nm < 2**15 else np.int64  # narrow keys: the touch test reads less
        self.key_type = kt
        if D > INDEX_LOOKUP_MAX:
            k16 = np.empty((4, D, K), dtype=kt)
            k16[0], k16[1], k16[2], k16[3] = self.keyA, self.keyB, self.vkA + nm, self.vkB + nm
            self.k16 = k16

    def _inverted_index(self) -> list[np.ndarray]:
        """For each flat state key of a position or a view, the flat candidates (case × K +
        candidate, valid ones only) whose movers or demanders' views it is."""
        n_keys = 2 * self.N
        flat = np.flatnonzero(self.valid)
        keys = self.keys[0:4, flat].reshape(-1)
        if n_keys < 2**15:
            keys = keys.astype(np.int16)  # a stable sort of 16-bit keys is a radix sort
        order = np.argsort(keys, kind="stable")
        bounds = np.searchsorted(keys[order], np.arange(n_keys + 1)).tolist()
        cand = np.tile(flat, 4)[order]
        return [cand[bounds[q] : bounds[q + 1]] for q in range(n_keys)]

    def calculate(self, idx: np.ndarray) -> None:
        """Recalculate the flat candidates ``idx`` (case × K + candidate, ascending in the
        randomized variant) from the current positions and views ([Stokman1994], (S), (E),
        (U); [Dijkstra2008])."""
        if not len(idx):
            return
        c = self.consts.take(idx, axis=1)  # rows: fA fB 1 k tA tB gfac startA startB
        f, kk, target, gfac, start = c[0:2], c[2:4], c[4:6], c[6], c[7:9]
        sv = self.state[self.keys4.take(idx, axis=1)]  # rows: views of B, A; cur A, B
        gain, move, valid, full, cap, d = equal_gain(f, kk, target, gfac, start, sv[2:4], sv[0:2])
        if self.random:
            uvz = self._uniforms(idx)
            move, eu, valid = randomized_gain(
                uvz, self.p, gain, valid, full, cap, d, f, self.sal.take(idx, axis=1)
            )
            self.eu[0][idx] = eu[0]
            self.eu[1][idx] = eu[1]
        np.putmask(gain, ~valid, _NEG_INF)
        self.gain_flat[idx] = gain
        self.alive_flat[idx] = valid
        self.moveA[idx] = move[0]
        self.moveB[idx] = move[1]

    def _uniforms(self, idx: np.ndarray) -> np.ndarray:
        """u, v, z (3, len(idx)): each case's share from its own generator, in candidate order."""
        assert self.rngs is not None
        case = idx // self.K
        out = np.empty((3, len(idx)))
        counts = np.bincount(case, minlength=self.D_)
        at = 0
        for d in np.flatnonzero(counts).tolist():
            cnt = int(counts[d])
            out[:, at : at + cnt] = self.rngs[d].random((3, cnt))
            at += cnt
        return out

    def _realise(self, fe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Carry out the exchanges ``fe`` (one per case at most): move A and B, and remember
        what each demander has seen. Returns the step keys of ``fe`` and where A and B stood.

        This is decide's ``updates``: a demander's view of the outcome on its demand issue
        holds round-start positions except those its partners moved to. Where the same mover
        moves again for the same demander, decide keeps the older or newer value by an odd
        min/max rule; the reference output does not tell them apart, and the latest position
        is kept here.
        """
        ik = self.keys.take(fe, axis=1)
        mw = self.mw.take(fe, axis=1)  # rows: moves of A, B; their weights; their issues' D
        state = self.state
        x_prev = state[ik[2:6]]  # positions of A and B, and where the demanders saw them
        x = x_prev[0:2]
        y = x + mw[0:2]
        state[ik[2:4]] = y
        state[ik[4:6]] = y
        self.gain_flat[fe] = _NEG_INF
        self.alive_flat[fe] = False
        # B has seen A's move on IA, A has seen B's on IB ([Stokman1994], (O))
        state[ik[0:2]] += outcome_shift(mw[2:4], y - x_prev[2:4], mw[4:6])
        return ik, x

    def _touched(self, rows: np.ndarray, fe: np.ndarray, ik: np.ndarray) -> np.ndarray:
        """Alive candidates that share a mover (actor, issue) or a demander's view with the
        exchanges ``fe`` (step keys ``ik``) just realised, one in each of ``rows``; ascending
        where the randomized variant needs it (one draw per candidate, in order)."""
        if self.index is not None:
            index = self.index
            t = np.concatenate([index[q] for q in ik[0:4].ravel().tolist()])
            t = t[self.alive_flat[t]]
            return distinct(t) if self.unique else t
        # draws without an exchange this step match nothing (key −1)
        full = np.full((4, self.D_, 1), -1, dtype=self.key_type)
        full[:, rows, 0] = self.k16.reshape(4, -1)[:, fe]
        kA, kB, vA, vB = self.k16
        touched = (
            (kA == full[0])
            | (kA == full[1])
            | (kB == full[0])
            | (kB == full[1])
            | (vA == full[2])
            | (vA == full[3])
            | (vB == full[2])
            | (vB == full[3])
        ) & self.alive
        return touched.reshape(-1).nonzero()[0]

    def _choose(self, tied: np.ndarray, e: np.ndarray, rows, choose: KernelChooser, done) -> None:
        """Let ``choose`` pick among two or more tied candidates, case by case."""
        for row in rows.tolist():
            cands = tied[row].nonzero()[0]
            if len(cands) > 1:
                desc = [
                    (
                        int(self.A[row, t]),
                        int(self.IA[row, t]),
                        int(self.B[row, t]),
                        int(self.IB[row, t]),
                        float(self.gain[row, t]),
                    )
                    for t in cands
                ]
                e[row] = cands[choose(row, int(done[row]), desc)]

    def run(
        self, *, choose: KernelChooser | None = None, record: bool = False
    ) -> tuple[np.ndarray, list[list[Event]] | None]:
        """The greedy loop in every case: the voting positions (D, n, m) at the round's end
        and, with ``record``, each case's realised exchanges in order."""
        D, K = self.D_, self.K
        log: list[tuple[np.ndarray, ...]] = []
        done = np.zeros(D, dtype=np.int64)
        if K:
            self.calculate(self.valid.reshape(-1).nonzero()[0])
        gain, gain_flat, case_start = self.gain, self.gain_flat, self.case_start
        all_rows = np.arange(D)
        max_reduce = np.maximum.reduce
        while K:
            # tie rule: among gains within tie_rtol of the best, the first in canonical order
            if D == 1:  # the same rule on Python floats: cheaper for one run
                top1 = float(max_reduce(gain_flat))
                if top1 == _NEG_INF:
                    break
                rows = all_rows
                tied = gain >= top1 - TIE_RTOL * abs(top1)
            else:
                top = max_reduce(gain, axis=1, keepdims=True)
                rows = (top[:, 0] > _NEG_INF).nonzero()[0]
                if not len(rows):
                    break
                tied = gain >= top - TIE_RTOL * np.abs(top)
            e = tied.argmax(axis=1)
            if choose is not None:
                self._choose(tied, e, rows, choose, done)
                done[rows] += 1
            fe = e + case_start if D > 1 else e
            if len(rows) < D:
                fe = fe[rows]
            if record:  # moves (and utility gains) of realised exchanges are never recalculated
                g = gain_flat[fe]
                ik, x = self._realise(fe)
                log.append((rows, fe, x, g))
            else:
                ik, x = self._realise(fe)  # each demander has now seen the outcome move
            self.calculate(self._touched(rows, fe, ik))
        y_end = self.state[: self.N].reshape(self.shape).copy()
        return y_end, self._events(log) if record else None

    def _events(self, log: list[tuple[np.ndarray, ...]]) -> list[list[Event]]:
        """Each case's realised exchanges, in order, from the per-step log."""
        events: list[list[Event]] = [[] for _ in range(self.D_)]
        if not log:
            return events
        rows, fe, x, g = (np.concatenate(c, axis=-1) for c in zip(*log, strict=True))
        mv = self.move[:, fe]
        y = x + mv
        m = self.m
        a, ia = np.divmod(self.keyA.reshape(-1)[fe], m)
        b, ib = np.divmod(self.keyB.reshape(-1)[fe], m)
        ga, gb = (self.eu[0, fe], self.eu[1, fe]) if self.random else (g, g)
        cols = (a, ia, x[0], mv[0], y[0], b, ib, x[1], mv[1], y[1], g, ga, gb)
        for row, ev in zip(
            rows.tolist(), zip(*(c.tolist() for c in cols), strict=True), strict=True
        ):
            events[row].append(ev)
        return events


def exchange_round(
    x: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    has: np.ndarray,
    *,
    gain: str = "equal",
    p: float = 0.0,
    rngs: Sequence[np.random.Generator] | None = None,
    choose: KernelChooser | None = None,
    record: bool = False,
) -> tuple[np.ndarray, list[list[Event]] | None]:
    """One round in every case of (D, n, m): voting positions at its end, and with ``record``
    each case's realised exchanges (:data:`Event`).

    A batch of at least :data:`accord.jit.MIN_CASES` cases of the equal-gain round without a
    tie hook or a record runs the compiled transcription (:mod:`._compiled`) when compiled
    kernels are on: the same positions, to the bit."""
    if (
        choose is None
        and not record
        and not (gain == "random" and p > 0)
        and x.shape[0] >= jit.MIN_CASES
        and jit.enabled()
    ):
        return _compiled_round(x, s, w, has), None
    kernel = RoundKernel(x, s, w, has, gain=gain, p=p, rngs=rngs)
    return kernel.run(choose=choose, record=record)


def _compiled_round(x: np.ndarray, s: np.ndarray, w: np.ndarray, has: np.ndarray) -> np.ndarray:
    """:func:`._compiled.equal_round` on contiguous copies, with the round-start outcomes and
    issue weights computed here by the same numpy calls as :class:`RoundKernel`'s."""
    from ._compiled import equal_round

    kernel = jit.compiled(equal_round)
    assert kernel is not None
    nbs0, dw = nbs(x, w), w.sum(axis=1)  # on the arrays as given, as RoundKernel does
    x, s, w = (np.ascontiguousarray(a, dtype=float) for a in (x, s, w))
    has = np.ascontiguousarray(has, dtype=bool)
    y = np.empty_like(x)
    kernel(x, s, w, has, nbs0, dw, y)
    return y
