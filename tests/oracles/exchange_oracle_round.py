"""Test oracle, part 1 of 2: the former one-run exchange model's constants, records, equations
and round (``_Round``), kept verbatim; part 2, ``exchange_oracle.py``, holds its run loop and
``ExchangeModel`` (the file was split only to keep each under 500 lines).

This is the per-run code that ``accord.models.exchange`` held before the model became one
subpackage around a batched kernel (``src/accord/models/exchange/``). It is an independent
implementation (its own ``_Round`` greedy loop with inverted indexes, one case at a time) and
is used only by the tests, which assert that the subpackage gives the same exchanges and
forecasts (tests/test_exchange_oracle.py). Its ``ExchangeModel.forecast_arrays`` batch path
(which imported the old ``exchange_batch``) is gone: the oracle runs draw by draw. Do not
import it from ``src/``.

The Stokman–Van Oosten exchange model of voting positions, and its randomized-gain variant.

Actors trade moves across pairs of issues: each concedes on the issue that matters less to it
in return for a concession on the issue that matters more ([Stokman1994]). Exchanges are
realised greedily, highest gain first, within a round; at the end of the round actors'
positions shift part of the way towards their voting positions, and the next round starts.
The randomized-gain variant lets one partner take more or less of the surplus
([Dijkstra2008]).

Order of operations, thresholds and bookkeeping follow decide-exchange-model
([DecideExchange]; read for its details, not copied; ``../shared/notes/exchange-model.md``),
except where the output of the original implementation on CoP21 (the reference test) shows
decide departs from it: (1) the outcome check measures the room left between the outcome *as
the demanding actor has seen it move this round* and the demander's position, and an exchange
with no room left is invalid; (2) an actor's moves on one issue in a round must all go one
way, judged against what it has actually moved (decide also sums moves it never made);
(3) exact ties are broken by a documented deterministic rule, not a coin (see
:class:`ExchangeModel`).

Notation, on each issue's scale rescaled to 0..100: ``x`` positions, ``s`` saliences, ``c``
capabilities, ``w = c·s`` weights, ``D_d = Σ_k w_kd``. An exchange is between actor A, who
*supplies* (moves on) issue ``IA`` and *demands* ``IB``, and actor B, who supplies ``IB`` and
demands ``IA``. ``rA``, ``rB`` are the shifts of the outcome on ``IA``, ``IB`` that their moves
cause (exchange ratios). Equations of [Stokman1994] cited on the lines below, by label:

- (O) outcome: O_d = Σ_k w_kd x_kd / D_d, the Nash bargaining solution of the model;
- (R) roles, the paper's conditions (1)-(2): if s_ip/s_iq < s_jp/s_jq, i supplies p, else q;
- (S) shift: r = |Δx| w / D, so a move is Δx = r D / w;
- (U) utility gain of A: rB s_A,IB − rA s_A,IA (B's likewise);
- (E) equal gain: rB = k rA with k = (s_A,IA + s_B,IA) / (s_A,IB + s_B,IB).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "CONSTANTS",
    "Chooser",
    "ExchangeRun",
    "OracleRound",
    "RealizedExchange",
    "nbs",
    "next_start",
]

#: Tie chooser: (round, exchanges realised so far, tied candidates) -> index into the candidates.
Chooser = Callable[[int, int, list[tuple[str, str, str, str, float]]], int]

log = logging.getLogger(__name__)

#: Named constants and where they come from.
CONSTANTS: dict[str, tuple[float, str]] = {
    "salience_weight": (
        0.4,
        (
            "weight of (1 - salience) in the share of the move to the voting "
            "position kept next round; [DecideExchange] SALIENCE_WEIGHT"
        ),
    ),
    "fixed_weight": (0.1, "fixed share of the move kept next round; [DecideExchange] FIXED_WEIGHT"),
    "min_gain": (1e-10, "an exchange whose gain is below this is invalid ([DecideExchange])"),
    "min_move": (
        1e-10,
        ("a move of at most this is no move: the exchange is invalid ([DecideExchange])"),
    ),
    "tie_rtol": (
        1e-11,
        (
            "gains this close (relative) are an exact tie, broken by the rule "
            "documented on ExchangeModel; [DecideExchange] uses 1e-20 in Decimal"
        ),
    ),
    "gain_tol": (
        1e-9,
        (
            "randomized gain: a partner's utility gain may fall this far below 0 "
            "(float rounding) before the exchange is invalid"
        ),
    ),
}
_SW = CONSTANTS["salience_weight"][0]
_FW = CONSTANTS["fixed_weight"][0]
_MIN_GAIN = CONSTANTS["min_gain"][0]
_MIN_MOVE = CONSTANTS["min_move"][0]
_TIE_RTOL = CONSTANTS["tie_rtol"][0]
_TOL = CONSTANTS["gain_tol"][0]
_FULL = 1.0 - 1e-12  # a shift this close to the full one is the full move (float rounding)
#: Draws advanced together by the Monte Carlo kernel (memory: about 30 kB a draw on ukraine-2025).
BATCH_CHUNK = 2000


@dataclass(frozen=True)
class RealizedExchange:
    """One exchange carried out in a round, on the 0..100 rescaled scales (as decide reports).

    ``actor`` moves on ``supply_issue`` from ``start`` by ``move`` to ``voting``; ``partner``
    moves on ``partner_supply_issue`` (the actor's demand issue). ``gain`` is the equal gain
    (both partners' utility gain, [Stokman1994]); in the randomized variant the partners'
    own gains are ``actor_gain`` and ``partner_gain``.
    """

    round: int
    gain: float
    actor: str
    supply_issue: str
    start: float
    move: float
    voting: float
    partner: str
    partner_supply_issue: str
    partner_start: float
    partner_move: float
    partner_voting: float
    actor_gain: float
    partner_gain: float


@dataclass(frozen=True)
class ExchangeRun:
    """One run of the model: rescaled positions per round and every realised exchange.

    ``positions[r]`` (actors × issues, 0..100, NaN where no stance) are the voting positions
    at the end of round ``r`` (``r = 0``: the input); ``nbs[r]`` the outcome per issue on them.
    ``start_positions[r]`` are the positions round ``r + 1`` starts from.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: np.ndarray
    start_positions: np.ndarray
    nbs: np.ndarray
    exchanges: tuple[RealizedExchange, ...] = field(default=())

    def round_exchanges(self, r: int) -> list[RealizedExchange]:
        return [e for e in self.exchanges if e.round == r]


# -- equations ------------------------------------------------------------------------------


def nbs(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Outcome per issue: O_d = Σ_i c_id s_id x_id / Σ_i c_id s_id ([Stokman1994], (O)).

    Where an issue has no weight, its plain mean position.
    """
    total = w.sum(axis=0)
    num = (w * x).sum(axis=0)  # [Stokman1994, (O)]
    mean = np.nanmean(np.where(w > 0, x, np.nan), axis=0) if np.any(total <= 0) else 0.0
    return np.where(total > 0, num / np.where(total > 0, total, 1.0), mean)


def next_start(x_start: np.ndarray, y: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Position the next round starts from: part of the way to the voting position.

    x' = (1 - 0.4(1 - s) - 0.1) x + (0.4(1 - s) + 0.1) y; more salient issues keep less of
    the move ([DecideExchange], ``new_start_position``).
    """
    keep = _SW * (1.0 - s) + _FW  # [DecideExchange]: SALIENCE_WEIGHT, FIXED_WEIGHT
    return (1.0 - keep) * x_start + keep * y


# -- one round ------------------------------------------------------------------------------


class _Round:
    """The candidate exchanges of one round and the greedy loop over them.

    Candidates are generated in canonical order: issue pairs (p, q), p < q, in scenario
    order; then the pair of actors by canonical index, the lower first (i, right of the
    outcome on q, may be either). Every
    per-candidate constant is computed once; a recalculation gathers only what can change
    (the two movers' current positions and the demanders' views of the outcome).
    """

    def __init__(
        self,
        x: np.ndarray,
        s: np.ndarray,
        w: np.ndarray,
        has: np.ndarray,
        gain_mode: str,
        p: float,
        rng: np.random.Generator | None,
        actor_ids: tuple[str, ...],
        issue_ids: tuple[str, ...],
        choose: Chooser | None,
    ):
        self.actor_ids, self.issue_ids, self.choose = actor_ids, issue_ids, choose
        self.x0, self.s, self.w = x, s, w
        n, m = x.shape
        self.n, self.m = n, m
        self.gain_mode, self.p, self.rng = gain_mode, p, rng
        self.D = w.sum(axis=0)
        self.safeD = np.where(self.D > 0, self.D, 1.0)
        self.nbs0 = nbs(x, w)
        ok = has & (w > 0)
        # [Stokman1994]: actors on or left of the outcome versus right of it (decide: x <= O)
        left = x <= self.nbs0[None, :]
        self.cur = x.copy()  # voting positions within the round
        self.cur_flat = self.cur.reshape(-1)
        # V[b, d]: the outcome on d as b has seen it move ([Stokman1994], (O)), see _record
        self.V = np.broadcast_to(self.nbs0, (n, m)).copy()
        self.V_flat = self.V.reshape(-1)
        self.U = np.full((n, m, n), np.nan)  # U[b, d, k]: where k moved on d for b this round
        self._candidates(left, ok)

    # candidates: groups A×D and B×C of every issue pair ([Stokman1994])
    def _candidates(self, left: np.ndarray, ok: np.ndarray) -> None:
        n, m, s, w = self.n, self.m, self.s, self.w
        P, Q = np.triu_indices(m, 1)
        # i is right of the outcome on q (groups A and B); j is opposite i on both issues
        lp, lq = left[:, P], left[:, Q]  # actors × pairs
        both = ok[:, P] & ok[:, Q]
        mask = (
            (lp[:, None, :] != lp[None, :, :])
            & (lq[:, None, :] != lq[None, :, :])
            & (~lq)[:, None, :]
            & both[:, None, :]
            & both[None, :, :]
        )
        pair, i, j = np.nonzero(mask.transpose(2, 0, 1))
        # canonical order: pair, then the two actors by index, lower first, whichever is right
        # of the outcome (so that a flipped scale keeps every candidate in its place)
        by = np.lexsort((np.maximum(i, j), np.minimum(i, j), pair))
        pair, i, j = pair[by], i[by], j[by]
        p_, q_ = P[pair], Q[pair]
        # roles ([Stokman1994], (R)): if s_ip/s_iq < s_jp/s_jq, j supplies q and i supplies p
        swap = s[i, p_] * s[j, q_] < s[j, p_] * s[i, q_]
        A, B = np.where(swap, j, i), np.where(swap, i, j)
        IA, IB = q_, p_  # A supplies q and demands p; B the reverse
        self.A, self.B, self.IA, self.IB = A, B, IA, IB
        self.K = K = len(A)
        wA, wB = w[A, IA], w[B, IB]
        self.fA, self.fB = self.D[IA] / wA, self.D[IB] / wB  # move per unit of outcome shift
        self.sA_sup, self.sA_dem = s[A, IA], s[A, IB]
        self.sB_sup, self.sB_dem = s[B, IB], s[B, IA]
        # rB = k·rA keeps the gains equal ([Stokman1994], (E))
        self.k = (self.sA_sup + self.sB_dem) / (self.sA_dem + self.sB_sup)
        # gain = rB s_A,dem − rA s_A,sup = rA (k s_A,dem − s_A,sup) ([Stokman1994], (U))
        self.gfac = self.k * self.sA_dem - self.sA_sup
        self.tA, self.tB = self.x0[B, IA], self.x0[A, IB]  # each moves towards the other
        self.startA, self.startB = self.x0[A, IA], self.x0[B, IB]
        self.keyA, self.keyB = A * m + IA, B * m + IB  # flat (actor, issue) of the movers
        self.vkA, self.vkB = B * m + IA, A * m + IB  # flat (demander, issue) of their views
        # packed for one gather per recalculation
        self.consts = (
            np.stack(
                [self.fA, self.fB, self.k, self.tA, self.tB, self.gfac, self.startA, self.startB]
            )
            if K
            else np.zeros((8, 0))
        )
        self.keys = (
            np.stack([self.keyA, self.keyB, self.vkA, self.vkB]) if K else np.zeros((4, 0), int)
        )
        self.alive = np.ones(K, bool)
        self.gain = np.full(K, -np.inf)
        self.move = np.zeros((2, K))  # signed moves of A and B
        self.eu = np.zeros((2, K))  # utility gains of A and B
        # inverted indexes: the candidates whose movers, or whose demanders' views, are (a, d)
        self.by_mover = _group(np.concatenate([self.keyA, self.keyB]), K, n * m)
        self.by_view = _group(np.concatenate([self.vkA, self.vkB]), K, n * m)

    def calculate(self, idx: np.ndarray) -> None:
        """Equal-gain exchange for candidates ``idx`` from the current positions.

        [Stokman1994], (S), (E), (U): B first moves all the way to A's position on IB; the outcome
        shift rB = |Δx_B| w_B / D_IB sets rA = rB / k; A's move is rA D_IA / w_A. If that
        overshoots B's position, A moves fully and B's move follows. Then (decide's
        ``check_nbs``, A then B) a shift is cut where it would carry the outcome, as the
        demander has seen it move this round, past the demander's own position; with no room
        left the exchange is invalid. Invalid too: a gain or a move of at most 1e-10, or a
        move against the direction the actor already moved on that issue this round.
        Moves never leave 0..100 or exceed 100 in total: each goes towards a position on
        the scale from the actor's current one, so decide's checks of that always pass.
        """
        c = self.consts.take(idx, axis=1)  # rows: fA fB k tA tB gfac startA startB
        f, k, target, gfac, start = c[0:2], c[2], c[3:5], c[5], c[6:8]
        keys = self.keys.take(idx, axis=1)  # rows: movers A, B; views of B on IA, A on IB
        cur = self.cur_flat[keys[0:2]]  # rows A, B
        d = target - cur
        sgn = np.sign(d)
        full = np.abs(d) / f  # outcome shifts if A (row 0) or B (row 1) moved all the way
        # [Stokman1994, (S), (E)]: B moves fully (rB = full_B, rA = rB / k) unless A would
        # pass B's position, then A moves fully
        rA = np.minimum(full[1] / k, full[0])
        gain0 = rA * gfac  # [Stokman1994, (U)], before the outcome check
        # room for each outcome to move towards its demander ([Stokman1994]; decide's check_nbs)
        cap = np.maximum(sgn * (target - self.V_flat[keys[2:4]]), 0.0)
        rA = np.minimum(np.minimum(rA, cap[0]), cap[1] / k)  # check_nbs of A, then of B
        r = np.empty_like(full)
        r[0] = rA
        np.multiply(rA, k, out=r[1])  # rB = k rA, [Stokman1994, (E)]
        # [Stokman1994, (S)] inverted: the actors' moves; a full move lands exactly on target
        move = np.where(r >= full * _FULL, d, sgn * r * f)
        # valid: real gain and moves, and no move against one already realised this round
        valid = (
            (gain0 >= _MIN_GAIN)
            & (np.abs(move) > _MIN_MOVE).all(axis=0)
            & (((cur - start) * sgn).min(axis=0) >= 0)
        )
        gain = rA * gfac  # [Stokman1994, (U)]
        if self.gain_mode == "random" and self.p > 0:
            move, eu, valid = self._randomize(idx, valid, gain, full, cap, d, f)
            self.eu[:, idx] = eu
        self.gain[idx] = np.where(valid, gain, -np.inf)
        self.alive[idx] = valid
        self.move[:, idx] = move

    def _randomize(self, idx, valid, gain, full, cap, d, f):
        """Randomized gain ([Dijkstra2008]): one partner takes more or less of the surplus.

        Draw u, v, z ~ U(0, 1) for every exchange calculated. u < 0.5 makes A the focal
        actor, otherwise B. The focal actor's utility becomes eu + p·z·(eu_max − eu) if
        v < 0.5, else eu − p·z·eu, where eu is the equal gain and eu_max the most the focal
        actor can get while its partner gains nothing less than 0, within the feasible box
        of outcome shifts (no one passes the partner's position, ``full``, no outcome passes its
        demander, ``cap``). The shifts are then the largest on the line of that utility inside the
        box, so p = 0 gives the equal-gain exchange. Exchanges are still ordered by equal gain.
        """
        u, v, z = self.rng.random((3, len(idx)))
        sAs, sAd = self.sA_sup[idx], self.sA_dem[idx]
        sBs, sBd = self.sB_sup[idx], self.sB_dem[idx]
        boxA, boxB = np.minimum(full, cap)
        focalA = u < 0.5
        # A's best with B indifferent: rA = rB sBs/sBd, rB as large as the box allows
        eumaxA = np.minimum(boxB, boxA * sBd / sBs) * (sAd - sAs * sBs / sBd)  # [Dijkstra2008]
        eumaxB = np.minimum(boxA, boxB * sAd / sAs) * (sBd - sBs * sAs / sAd)
        eumax = np.where(focalA, eumaxA, eumaxB)
        eu_f = np.where(v < 0.5, gain + self.p * z * (eumax - gain), gain - self.p * z * gain)
        # A focal: rB sAd − rA sAs = eu_f, rA as large as the box allows
        rA1 = np.minimum(boxA, (boxB * sAd - eu_f) / sAs)
        rB1 = (eu_f + rA1 * sAs) / sAd
        # B focal: rA sBd − rB sBs = eu_f, rB as large as the box allows
        rB2 = np.minimum(boxB, (boxA * sBd - eu_f) / sBs)
        rA2 = (eu_f + rB2 * sBs) / sBd
        r = np.stack([np.where(focalA, rA1, rA2), np.where(focalA, rB1, rB2)])
        move = np.where(r >= full * _FULL, d, np.sign(d) * r * f)  # [Stokman1994, (S)]
        eu = np.stack(
            [
                r[1] * sAd - r[0] * sAs,  # [Stokman1994, (U)], shares now unequal
                r[0] * sBd - r[1] * sBs,
            ]
        )
        ok = valid & (np.abs(move) > _MIN_MOVE).all(axis=0) & (eu >= -_TOL).all(axis=0)
        return move, eu, ok

    def run(self, round_no: int) -> list[tuple]:
        """The greedy loop: realise the highest gain, recalculate the exchanges it touches."""
        m = self.m
        done: list[tuple] = []
        if self.K == 0:
            return done
        self.calculate(np.arange(self.K))
        gain, alive = self.gain, self.alive
        mover_of, view_of = self.by_mover, self.by_view
        random_gain = self.gain_mode == "random" and self.p > 0
        key_a, key_b = self.keyA.tolist(), self.keyB.tolist()
        while True:
            top = float(gain.max())
            if top == -math.inf:
                break
            # tie rule: among gains within tie_rtol of the best, the first in canonical order
            tied = (gain >= top - _TIE_RTOL * abs(top)).nonzero()[0]
            e = int(tied[0])
            if self.choose is not None and len(tied) > 1:
                e = int(tied[self.choose(round_no, len(done), [self._describe(x) for x in tied])])
            ka, kb = key_a[e], key_b[e]
            a, ia = divmod(ka, m)
            b, ib = divmod(kb, m)
            mA, mB = float(self.move[0, e]), float(self.move[1, e])
            xa, xb = float(self.cur_flat[ka]), float(self.cur_flat[kb])
            ya, yb = xa + mA, xb + mB
            done.append(
                (
                    a,
                    ia,
                    xa,
                    mA,
                    ya,
                    b,
                    ib,
                    xb,
                    mB,
                    yb,
                    float(gain[e]),
                    *(
                        (float(self.eu[0, e]), float(self.eu[1, e]))
                        if random_gain
                        else (float(gain[e]), float(gain[e]))
                    ),
                )
            )
            alive[e] = False
            gain[e] = -np.inf
            self.cur_flat[ka], self.cur_flat[kb] = ya, yb
            # each demander has now seen the outcome on its demand issue move
            self._record(b, ia, a, ya)
            self._record(a, ib, b, yb)
            touched = np.concatenate(
                [mover_of[ka], mover_of[kb], view_of[b * m + ia], view_of[a * m + ib]]
            )
            touched = touched[alive[touched]]
            if len(touched):
                if self.gain_mode == "random":
                    touched = np.unique(touched)  # one draw per exchange recalculated
                self.calculate(touched)
        return done

    def _record(self, demander: int, issue: int, mover: int, y: float) -> None:
        """Remember that ``mover`` moved to ``y`` on ``issue`` in an exchange with ``demander``.

        This is decide's ``updates``: the demander's view of the outcome on its demand issue
        holds round-start positions except those its partners moved to. Where the same mover
        moves again for the same demander, decide keeps the older or newer value by an odd
        min/max rule; the reference output does not tell them apart, and the latest position
        is kept here.
        """
        old = float(self.U[demander, issue, mover])
        prev = float(self.x0[mover, issue]) if math.isnan(old) else old
        self.U[demander, issue, mover] = y
        shift = self.w[mover, issue] * (y - prev) / self.safeD[issue]
        self.V[demander, issue] += shift  # [Stokman1994, (O)]

    def _describe(self, e: int) -> tuple[str, str, str, str, float]:
        return (
            self.actor_ids[self.A[e]],
            self.issue_ids[self.IA[e]],
            self.actor_ids[self.B[e]],
            self.issue_ids[self.IB[e]],
            float(self.gain[e]),
        )


def _group(keys: np.ndarray, K: int, n_keys: int) -> list[np.ndarray]:
    """For each key, the candidates (keys taken modulo K) that carry it."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n_keys + 1))
    cand = order % K
    return [cand[bounds[key] : bounds[key + 1]] for key in range(n_keys)]


#: The round, public for the run loop in exchange_oracle.py.
OracleRound = _Round
