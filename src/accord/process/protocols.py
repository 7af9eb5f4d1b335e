"""Negotiation protocols, vectorised across runs: stacked alternating offers and a mediated
single negotiating text.

**Stacked alternating offers (SAO)** [Rubinstein1982; Mohammad2021]. The actors take turns in a
fixed order; a *round* is one turn of every actor. The first actor opens with an offer. At its
turn an actor facing an offer accepts it or rejects it and makes its own offer (which then
stands, counted as accepted by its proposer). An offer is agreed once every actor has accepted
it — and is still rational for all of them at that moment (no-deal payoffs move between rounds;
an offer that no longer is lapses, and the actor whose acceptance would have closed it makes
its own offer instead). The conventions are NegMAS's SAO mechanism (checked against it in
``tests/test_process_negmas.py``): relative time in round s (counted from 0) of a deadline of
N rounds is t = (s + 1)/(N + 1) for every turn of that round; the deal's round is the round in
which the last acceptance came; after N rounds without agreement the talks end.

**Mediated single negotiating text** [Raiffa1982]. Each round the mediator drafts one text —
among the packages it accepts itself (when it is a party, at its own strategy's target), the one
it believes most likely to be found rational by every party, ties broken by the largest Nash
product of the parties' gains as it believes them [Nash1950] — and every party accepts or
rejects it. All accept: deal. Each party that
rejects tells the mediator why (its criticism: one private signal about its red lines and
no-deal payoff, :meth:`Beliefs.signal`), and the mediator amends the text.

**Offers and acceptance.** Strategies give targets (:mod:`.strategies`); an actor accepts an
offer that breaks none of its red lines and whose utility reaches clip(target − tolerance,
lo, hi), lo = max(its no-deal payoff now, its worst package) — so no deal is ever below an
actor's no-deal payoff — and hi = its best package within its red lines. Its own offer is
chosen by the ``offer_policy``:

* ``aspiration`` (NegMAS's time-based negotiators, ``worst_in``): the package within its red
  lines with the lowest own utility at or above the bound;
* ``believed``: among the packages within its red lines at or above the bound, the one the
  actor believes most likely to be rational for every other actor (within its red lines and
  above its no-deal payoff; beliefs are normal, so each condition has probability Φ(z)), ties
  broken by the largest smallest believed gain; ``aspiration`` when it believes every package
  impossible (only with perfect information).

Every array has the runs as its first axis; all runs take their turns in lock-step, and a
run that has reached agreement stops changing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .beliefs import Beliefs, RunStreams
from .space import OutcomeSpace
from .strategies import Strategy, Turn

__all__ = ["NegotiationResult", "TraceTurn", "alternating_offers", "single_text"]

OfferPolicy = Literal["aspiration", "believed"]
# : NegMAS's time-based negotiators widen the aspiration bound by eps = 1e-4
# (``UtilBasedNegotiator``).
DEFAULT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class TraceTurn:
    """One turn of one actor in every run (for explanation and reference tests)."""

    round: int
    actor: int
    offer: np.ndarray  # (R,) package offered at this turn, -1 if it accepted or was idle
    accepted: np.ndarray  # (R,) it accepted the standing offer


@dataclass(frozen=True)
class NegotiationResult:
    """Per-run outcome of one protocol run."""

    agreed: np.ndarray  # (R,) bool
    package: np.ndarray  # (R,) agreed package, -1 without a deal
    round: np.ndarray  # (R,) round of the deal (0-based), -1 without one
    final_offer: np.ndarray  # (R,) the last offer or text on the table
    blocking: (
        np.ndarray
    )  # (R, n) actors for whom the last offer breaks a red line or falls below no deal
    rounds: int
    trace: tuple[TraceTurn, ...] | None = None

    @property
    def runs(self) -> int:
        return len(self.agreed)


class Engine:
    """Shared state of a protocol run: utilities by run, red lines, beliefs and cached scores."""

    def __init__(
        self,
        space: OutcomeSpace,
        runs: int,
        *,
        beliefs: Beliefs | None,
        tolerance: float,
        streams: RunStreams | None,
        single_text: bool = False,
    ):
        self.space = space
        u = space.utility
        self.U = u if u.ndim == 3 else u[None]  # (B, P, n)
        self.B, self.P, self.n = self.U.shape
        if self.B not in (1, runs):
            raise ValueError(f"utility has {self.B} run matrices but {runs} runs were asked for")
        self.R = runs
        self.rows = np.arange(runs)
        self.b = self.rows if self.B == runs else np.zeros(runs, dtype=np.int64)
        self.ok = np.asarray(space.acceptable, dtype=bool)
        self.tolerance = float(tolerance)
        self.beliefs = beliefs
        self.streams = streams
        self.single_text = single_text
        self._cache: dict[tuple[str, int], tuple[int, np.ndarray]] = {}
        # best and worst utility within each actor's own red lines (all packages if none qualifies)
        if self.ok.all():
            self.umax, self.umin = self.U.max(axis=1), self.U.min(axis=1)  # (B, n)
        else:
            masked = np.where(self.ok[None], self.U, np.nan)
            empty = ~self.ok.any(axis=0)
            masked[:, :, empty] = self.U[:, :, empty]
            self.umax, self.umin = np.nanmax(masked, axis=1), np.nanmin(masked, axis=1)
        self._sorted = [self._sort(i) for i in range(self.n)]

    # -- utilities -------------------------------------------------------------------------
    def utility_rows(self, i: int) -> np.ndarray:
        """(B, P) actor i's utility of every package (B = 1 when shared by all runs)."""
        return self.U[:, :, i]

    def utility_of(self, i: int, idx: np.ndarray) -> np.ndarray:
        """(R,) actor i's utility of package idx[r] in run r."""
        return self.U[self.b, idx, i]

    def bounds(self, i: int, no_deal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) per run: lo = max(no deal, worst own package), hi = best own package."""
        return np.maximum(no_deal[:, i], self.umin[self.b, i]), self.umax[self.b, i]

    def rational_mask(self, i: int, lo: np.ndarray) -> np.ndarray:
        """(R, P) packages within i's red lines at or above lo[r]."""
        return self.ok[None, :, i] & (self.utility_rows(i) >= lo[:, None])

    # -- the aspiration offer: lowest own utility at or above the bound ---------------------
    def _sort(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """i's packages within its red lines sorted by its utility: (B, Pi) utilities and indices.
        Ties keep the lower package index when all runs share the utilities (one stable sort);
        with a matrix per run the (deterministic) order of exact ties is numpy's quicksort's."""
        ok = self.ok[:, i] if self.ok[:, i].any() else np.ones(self.P, dtype=bool)
        cand = np.flatnonzero(ok)
        u = self.U[:, cand, i] if len(cand) < self.P else self.U[:, :, i]  # (B, Pi)
        order = np.argsort(u, axis=1, kind="stable" if self.B == 1 else "quicksort")
        return np.take_along_axis(u, order, axis=1), cand[order]

    def aspiration_offer(self, i: int, bound: np.ndarray) -> np.ndarray:
        """Per run: the package within i's red lines with the lowest utility >= bound (the best
        one if none reaches it) — a binary search in each run's sorted row, all runs at once."""
        su, sidx = self._sorted[i]
        width = su.shape[1]
        if self.B == 1:
            k = np.minimum(np.searchsorted(su[0], bound, side="left"), width - 1)
            return sidx[0, k]
        lo = np.zeros(self.R, dtype=np.int64)
        hi = np.full(self.R, width, dtype=np.int64)
        for _ in range(int(np.ceil(np.log2(width + 1)))):
            mid = (lo + hi) >> 1
            right = su[self.b, np.minimum(mid, width - 1)] < bound
            lo = np.where(right, mid + 1, lo)
            hi = np.where(right, hi, mid)
        return sidx[self.b, np.minimum(lo, width - 1)]

    # -- beliefs -----------------------------------------------------------------------------
    def _cached(self, key: str, i: int, build: Callable[[], np.ndarray]) -> np.ndarray:
        version = -1 if self.beliefs is None else self.beliefs.version
        hit = self._cache.get((key, i))
        if hit is not None and hit[0] == version:
            return hit[1]
        value = build()
        self._cache[(key, i)] = (version, value)
        return value

    def believed_red_ok(self, i: int) -> np.ndarray:
        """(R, P) packages observer i believes (at its point estimates) break no other actor's red
        line.
        """
        return self._cached("red", i, lambda: np.isfinite(self._red_log_prob(i, point=True)))

    def _red_log_prob(self, i: int, *, point: bool = False) -> np.ndarray:
        """(R, P) log-probability, by i's beliefs, that no other actor's red line rules a
        package out
        (``point``: at the point estimates, 0 or −inf)."""
        sp = self.space
        out = np.zeros((self.R, self.P), dtype=np.float32)
        if self.beliefs is None or not sp.has_red_lines or sp.packages is None:
            return out
        red = self.beliefs.red_line[:, i]  # (R, n, m)
        sd = self.beliefs.red_line_sd[:, i]
        assert sp.red_line is not None and sp.red_side is not None
        for k, g in enumerate(sp.grids):
            tol = 1e-9 * (sp.width[k] if sp.width is not None else 1.0)
            per_value = np.zeros((self.R, len(g)), dtype=np.float32)
            for j in range(self.n):
                if j == i or np.isnan(sp.red_line[j, k]):
                    continue
                side = sp.red_side[j, k]
                if side == 0:  # only r itself (known exactly)
                    per_value += np.where(np.abs(g - sp.red_line[j, k]) <= tol, 0.0, -np.inf)[None]
                    continue
                gap = (g[None, :] - red[:, j, k, None]) * (-side) + tol  # > 0: within the red line
                s = 0.0 if point else sd[:, j, k, None]
                per_value += _log_phi(gap, s)  # P(red line at or beyond g)
            if not np.any(per_value != 0):
                continue
            if sp.mesh:  # Cartesian grid: broadcast, no gather
                shape = [self.R] + [1] * len(sp.grids)
                shape[k + 1] = len(g)
                out.reshape(self.R, *(len(h) for h in sp.grids))[...] += per_value.reshape(shape)
            else:
                out += per_value[:, sp.grid_index[k]]
        return out

    def believed_no_deal(self, i: int) -> np.ndarray:
        """(R, n) what i believes everyone's no-deal payoff is (the engine's truth without
        beliefs)."""
        if self.beliefs is None:
            return np.broadcast_to(self.space.no_deal, (self.R, self.n))
        return self.beliefs.no_deal[:, i, :]

    def believed_surplus(self, i: int) -> np.ndarray:
        """(R, P) smallest gain of the other actors over their no-deal payoffs as i believes
        them."""

        def build() -> np.ndarray:
            d = self.believed_no_deal(i)
            worst = np.full((self.R, self.P), np.inf, dtype=np.float32)
            for j in range(self.n):
                if j != i:
                    np.minimum(
                        worst,
                        self.U[:, :, j].astype(np.float32) - d[:, j, None].astype(np.float32),
                        out=worst,
                    )
            return np.where(np.isinf(worst), 0.0, worst).astype(np.float32)

        return self._cached("surplus", i, build)

    def acceptance_log_prob(self, i: int, who: np.ndarray | None = None) -> np.ndarray:
        """(R, P) log-probability, by i's beliefs, that every other actor (or those in ``who``)
        finds a package rational: within its red lines and above its no-deal payoff; beliefs are
        normal (mean, spread), so each term is a log Φ(z); independent across actors and issues."""

        def build() -> np.ndarray:
            d = self.believed_no_deal(i)
            sd = (
                np.zeros((self.R, self.n))
                if self.beliefs is None
                else self.beliefs.no_deal_sd[:, i, :]
            )
            total = self._red_log_prob(i)
            for j in range(self.n):
                if j == i or (who is not None and not who[j]):
                    continue
                gain = (
                    self.U[:, :, j].astype(np.float32)
                    - d[:, j, None].astype(np.float32)
                    + np.float32(1e-9)
                )
                total += _log_phi(gain, sd[:, j, None])
            return np.broadcast_to(total, (self.R, self.P)).astype(np.float32)

        key = "accept" if who is None else "accept-" + "".join("1" if w else "0" for w in who)
        return self._cached(key, i, build)

    def log_nash(self, i: int) -> np.ndarray:
        """(R, P) Σ_j log(u_j − d_j) over every actor as i believes them [Nash1950], −inf where a
        gain is not positive or i believes (at its point estimates) a red line breaks; its own red
        lines are known."""

        def build() -> np.ndarray:
            d = self.believed_no_deal(i)
            total = np.zeros((self.R, self.P))
            valid = self.believed_red_ok(i) & self.ok[None, :, i]
            for j in range(self.n):
                gain = self.U[:, :, j] - d[:, j, None]
                valid &= gain > 0
                total += np.log(np.where(gain > 0, gain, 1.0))  # [Nash1950] log of the product
            return np.where(valid, total, -np.inf)

        return self._cached("nash", i, build)

    def believed_offer(self, i: int, bound: np.ndarray) -> np.ndarray:
        """Among i's packages at or above ``bound``: the largest believed probability that every
        other actor accepts, ties (within 1e-4 in log) broken by the largest smallest believed
        gain."""
        cand = self.utility_rows(i) >= bound[:, None]
        cand = cand & self.ok[None, :, i]
        pick, found = _lexmax(cand, self.acceptance_log_prob(i), self.believed_surplus(i))
        return np.where(found, pick, self.aspiration_offer(i, bound))

    def blocking(self, offer: np.ndarray, no_deal: np.ndarray) -> np.ndarray:
        """(R, n) actors for whom ``offer`` breaks a red line or is below their no-deal payoff."""
        has = offer >= 0
        o = np.where(has, offer, 0)
        u = self.U[self.b[:, None], o[:, None], np.arange(self.n)[None, :]]
        bad = ~self.ok[o] | (u < no_deal)
        return bad & has[:, None]


#: log Φ(z) tabulated on z ∈ [−12, 12] in steps of 1/128 (nearest point; fine enough to rank
#: offers); z ≤ −12 counts as impossible (−inf), z ≥ 12 as certain (0).
_Z_STEP = 1.0 / 128
_Z_MAX = 12.0
_LOG_PHI = None


def _log_phi(x: np.ndarray, sd) -> np.ndarray:
    """log Φ(x / sd) as float32; sd = 0 gives 0 (x > 0) or −inf (x < 0)."""
    global _LOG_PHI
    if _LOG_PHI is None:
        from scipy.special import log_ndtr

        table = log_ndtr(np.arange(-_Z_MAX, _Z_MAX + _Z_STEP / 2, _Z_STEP)).astype(np.float32)
        table[0], table[-1] = -np.inf, 0.0
        _LOG_PHI = table
    sd = np.asarray(sd, dtype=np.float32)
    with np.errstate(divide="ignore", over="ignore"):  # sd = 0: a step function
        scale = (
            np.minimum(np.where(sd > 0, 1.0 / np.where(sd > 0, sd, 1.0), 1e20), 1e20) / _Z_STEP
        ).astype(np.float32)
    z = np.asarray(x, dtype=np.float32) * scale  # z / step
    np.nan_to_num(z, copy=False, nan=0.0)
    z += np.float32(_Z_MAX / _Z_STEP + 0.5)
    np.clip(z, 0, len(_LOG_PHI) - 1, out=z)
    return _LOG_PHI[z.astype(np.int32)]


def _lexmax(cand: np.ndarray, primary: np.ndarray, secondary: np.ndarray, tol: float = 1e-4):
    """Per run: the candidate with the largest ``primary`` (within ``tol``), then ``secondary``."""
    p = np.where(cand, primary, -np.inf)
    best = p.max(axis=1)
    found = np.isfinite(best)
    near = p >= (best - tol)[:, None]
    pick = np.argmax(np.where(near, secondary, -np.inf), axis=1)
    return pick, found


def _schedule(
    no_deal: np.ndarray | Callable[[int], np.ndarray], runs: int, n: int
) -> Callable[[int], np.ndarray]:
    if callable(no_deal):
        return lambda s: np.broadcast_to(np.asarray(no_deal(s), dtype=float), (runs, n))
    arr = np.broadcast_to(np.asarray(no_deal, dtype=float), (runs, n))
    return lambda s: arr


def _runs_of(space: OutcomeSpace, runs: int | None, beliefs: Beliefs | None) -> int:
    if runs is not None:
        return int(runs)
    if space.utility.ndim == 3:
        return space.utility.shape[0]
    if space.no_deal.ndim == 2:
        return space.no_deal.shape[0]
    if beliefs is not None:
        return beliefs.runs
    return 1


def _time(s: int, horizon: int) -> float:
    """NegMAS's relative time of round s of a deadline of ``horizon`` rounds, capped at 1."""
    return min(1.0, (s + 1) / (horizon + 1))


def alternating_offers(
    space: OutcomeSpace,
    strategies: Sequence[Strategy],
    *,
    rounds: int,
    runs: int | None = None,
    order: Sequence[int] | None = None,
    horizons: Sequence[int] | None = None,
    beliefs: Beliefs | None = None,
    offer_policy: OfferPolicy = "aspiration",
    no_deal: np.ndarray | Callable[[int], np.ndarray] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    streams: RunStreams | None = None,
    on_round: Callable[[int], None] | None = None,
    trace: bool = False,
) -> NegotiationResult:
    """Stacked alternating offers among every actor of ``space`` (two: bilateral) for ``rounds``
    rounds; see the module docstring for the rules.

    ``strategies[i]`` plays actor i; ``order`` is the turn order (default 0..n−1, actor
    ``order[0]`` opens); ``horizons[i]`` is the deadline actor i concedes towards (default
    ``rounds``; an ultimatum's target sees its own deadline); ``no_deal`` is the no-deal payoff
    (n,), (R, n) or a function of the round returning one (war costs, penalties). ``on_round(s)``
    is called before round s (processes use it to apply news to the beliefs).
    """
    R = _runs_of(space, runs, beliefs)
    n = space.n_actors
    if len(strategies) != n:
        raise ValueError(f"{len(strategies)} strategies for {n} actors")
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    if offer_policy not in ("aspiration", "believed"):
        raise ValueError(f"offer_policy must be 'aspiration' or 'believed', got {offer_policy!r}")
    order = list(range(n)) if order is None else [int(i) for i in order]
    if sorted(order) != list(range(n)):
        raise ValueError(f"order must list every actor once, got {order}")
    horizons = [rounds] * n if horizons is None else [int(h) for h in horizons]
    nd = _schedule(space.no_deal if no_deal is None else no_deal, R, n)
    if beliefs is None and space.has_red_lines:
        beliefs = Beliefs.perfect(space, R)  # no beliefs given: perfect information
    eng = Engine(space, R, beliefs=beliefs, tolerance=tolerance, streams=streams)

    standing = np.full(R, -1, dtype=np.int64)
    n_acc = np.zeros(R, dtype=np.int64)
    done = np.zeros(R, dtype=bool)
    package = np.full(R, -1, dtype=np.int64)
    deal_round = np.full(R, -1, dtype=np.int64)
    own_last = np.full((n, R), -1, dtype=np.int64)
    last_target = np.full((n, R), np.nan)
    received: list[list[np.ndarray]] = [[] for _ in range(n)]
    turns: list[TraceTurn] = []
    d_now = nd(0)
    for s in range(rounds):
        if on_round is not None:
            on_round(s)
        d_now = nd(s)
        for i in order:
            active = ~done
            if not active.any():
                break
            lo, hi = eng.bounds(i, d_now)
            has = standing >= 0
            st = np.where(has, standing, 0)
            u_st = np.where(has, eng.utility_of(i, st), np.nan)
            received[i].append(u_st)
            turn = Turn(
                i,
                np.full(R, _time(s, horizons[i])),
                lo,
                hi,
                received[i],
                last_target[i],
                own_last[i],
                standing,
                u_st,
                engine=eng,
                rng=streams,
            )
            off_t, acc_t = strategies[i].targets(turn)
            acc_lo = np.clip(acc_t - eng.tolerance, lo, hi)
            accept = active & has & eng.ok[st, i] & (u_st >= acc_lo) & (lo <= hi)
            closing = accept & (n_acc + 1 >= n)
            if closing.any():  # earlier acceptances were at earlier
                lapsed = closing & eng.blocking(standing, d_now).any(
                    axis=1
                )  # no-deal payoffs: recheck
                accept &= ~lapsed
            n_acc += accept
            agree = accept & (n_acc >= n)
            package[agree], deal_round[agree] = standing[agree], s
            done |= agree
            propose = active & ~accept
            offer = np.full(R, -1, dtype=np.int64)
            if propose.any():
                chosen = strategies[i].propose(turn)
                if chosen is None:
                    bound = np.clip(off_t - eng.tolerance, lo, hi)
                    chosen = (
                        eng.believed_offer(i, bound)
                        if offer_policy == "believed"
                        else eng.aspiration_offer(i, bound)
                    )
                offer = np.where(propose, chosen, -1)
                standing = np.where(propose, chosen, standing)
                n_acc = np.where(propose, 1, n_acc)
                own_last[i] = np.where(propose, chosen, own_last[i])
                last_target[i] = np.where(propose, off_t, last_target[i])
            if trace:
                turns.append(TraceTurn(s, i, offer, accept))
        if done.all():
            break
    return NegotiationResult(
        done,
        package,
        deal_round,
        standing,
        np.where(done[:, None], False, eng.blocking(standing, d_now)),
        rounds,
        tuple(turns) if trace else None,
    )


def single_text(
    space: OutcomeSpace,
    strategies: Sequence[Strategy | None],
    *,
    mediator: int,
    rounds: int,
    runs: int | None = None,
    beliefs: Beliefs | None = None,
    no_deal: np.ndarray | Callable[[int], np.ndarray] | None = None,
    criticism_noise: float = 1.0,
    tolerance: float = DEFAULT_TOLERANCE,
    streams: RunStreams | None = None,
    parties: np.ndarray | None = None,
    trace: bool = False,
) -> NegotiationResult:
    """Mediated single negotiating text [Raiffa1982] for ``rounds`` rounds (module docstring).

    ``mediator`` is a column of ``space``; ``parties`` (n,) bool marks whose consent the text
    needs (default all; a mediator that is not a party drafts but does not sign). Beliefs are
    the mediator's row of ``beliefs`` (perfect information without them); each rejection is one
    criticism signal to the mediator with noise ``criticism_noise`` × its prior spread.
    """
    R = _runs_of(space, runs, beliefs)
    n = space.n_actors
    parties = np.ones(n, dtype=bool) if parties is None else np.asarray(parties, dtype=bool)
    if len(strategies) != n:
        raise ValueError(f"{len(strategies)} strategies for {n} actors")
    if not 0 <= mediator < n:
        raise ValueError(f"mediator must be an actor column 0..{n - 1}, got {mediator}")
    nd = _schedule(space.no_deal if no_deal is None else no_deal, R, n)
    if beliefs is None:
        beliefs = Beliefs.perfect(space, R)
    if streams is None and criticism_noise > 0:
        streams = RunStreams(None, R)
    eng = Engine(space, R, beliefs=beliefs, tolerance=tolerance, streams=streams, single_text=True)
    package = np.full(R, -1, dtype=np.int64)
    deal_round = np.full(R, -1, dtype=np.int64)
    done = np.zeros(R, dtype=bool)
    text = np.full(R, -1, dtype=np.int64)
    last_target = np.full((n, R), np.nan)
    received: list[list[np.ndarray]] = [[] for _ in range(n)]
    turns: list[TraceTurn] = []
    d_now = nd(0)
    for s in range(rounds):
        d_now = nd(s)
        t = np.full(R, _time(s, rounds))
        # the mediator drafts: largest believed Nash product among parties, within its own
        # aspiration
        nash = _party_nash(eng, mediator, parties)
        med_strategy = strategies[mediator]
        if parties[mediator] and med_strategy is not None:
            lo, hi = eng.bounds(mediator, d_now)
            own_t, _ = med_strategy.targets(
                Turn(
                    mediator,
                    t,
                    lo,
                    hi,
                    received[mediator],
                    last_target[mediator],
                    text,
                    text,
                    np.full(R, np.nan),
                    engine=eng,
                    rng=streams,
                )
            )
            last_target[mediator] = own_t
            within = eng.utility_rows(mediator) >= np.clip(own_t - eng.tolerance, lo, hi)[:, None]
            within &= eng.ok[None, :, mediator]
        else:
            within = np.ones((1, eng.P), dtype=bool)
        who = parties.copy()
        who[mediator] = False
        within = np.broadcast_to(within, (R, eng.P))
        pick, found = _lexmax(within, eng.acceptance_log_prob(mediator, who), nash)
        new = np.where(
            found,
            pick,
            np.argmax(np.where(within, eng.believed_surplus(mediator), -np.inf), axis=1),
        )
        text = np.where(done, text, new)
        rejecters = np.zeros((R, n), dtype=bool)
        all_ok = ~done
        for i in np.flatnonzero(parties).tolist():
            lo, hi = eng.bounds(i, d_now)
            u = eng.utility_of(i, text)
            received[i].append(u)
            strat = strategies[i]
            assert strat is not None, "every party needs a strategy"
            turn = Turn(
                int(i),
                t,
                lo,
                hi,
                received[i],
                last_target[i],
                np.full(R, -1),
                text,
                u,
                engine=eng,
                rng=streams,
            )
            off_t, acc_t = strat.targets(turn)
            last_target[i] = off_t
            acc = eng.ok[text, i] & (u >= np.clip(acc_t - eng.tolerance, lo, hi)) & (lo <= hi)
            rejecters[:, i] = ~acc & ~done
            all_ok &= acc
        package[all_ok], deal_round[all_ok] = text[all_ok], s
        done |= all_ok
        if trace:
            turns.append(TraceTurn(s, mediator, np.where(~done | all_ok, text, -1), all_ok))
        if done.all():
            break
        pairs = np.zeros((R, n, n), dtype=bool)
        pairs[:, mediator, :] = rejecters  # criticism reaches the mediator
        if criticism_noise > 0 and pairs.any() and streams is not None:
            beliefs.signal(space, streams, pairs=pairs, noise=criticism_noise, no_deal=d_now)
    return NegotiationResult(
        done,
        package,
        deal_round,
        text,
        np.where(done[:, None], False, eng.blocking(text, d_now) & parties[None, :]),
        rounds,
        tuple(turns) if trace else None,
    )


def _party_nash(eng: Engine, i: int, parties: np.ndarray) -> np.ndarray:
    """Σ_j log(max(u_j − d_j, 1e-9)) over the parties as observer i believes them [Nash1950]
    (clipped, so texts i believes someone rejects still rank by how close they come)."""

    def build() -> np.ndarray:
        d = eng.believed_no_deal(i).astype(np.float32)
        total = np.zeros((eng.R, eng.P), dtype=np.float32)
        for j in np.flatnonzero(parties):
            total += np.log(
                np.maximum(eng.U[:, :, j].astype(np.float32) - d[:, j, None], np.float32(1e-9))
            )  # [Nash1950]
        return total

    return eng._cached("party-nash-" + "".join("1" if w else "0" for w in parties), i, build)
