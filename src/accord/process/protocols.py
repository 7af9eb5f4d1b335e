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
from .engine import Engine, lexmax, no_deal_schedule, runs_of, time_fraction
from .space import OutcomeSpace
from .strategies import Strategy, Turn

__all__ = ["NegotiationResult", "TraceTurn", "alternating_offers", "single_text"]

OfferPolicy = Literal["aspiration", "believed"]
#: NegMAS's time-based negotiators widen the aspiration bound by eps = 1e-4
#: (``UtilBasedNegotiator``).
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
    R = runs_of(space, runs, beliefs)
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
    nd = no_deal_schedule(space.no_deal if no_deal is None else no_deal, R, n)
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
                np.full(R, time_fraction(s, horizons[i])),
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
    R = runs_of(space, runs, beliefs)
    n = space.n_actors
    parties = np.ones(n, dtype=bool) if parties is None else np.asarray(parties, dtype=bool)
    if len(strategies) != n:
        raise ValueError(f"{len(strategies)} strategies for {n} actors")
    if not 0 <= mediator < n:
        raise ValueError(f"mediator must be an actor column 0..{n - 1}, got {mediator}")
    nd = no_deal_schedule(space.no_deal if no_deal is None else no_deal, R, n)
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
        t = np.full(R, time_fraction(s, rounds))
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
        pick, found = lexmax(within, eng.acceptance_log_prob(mediator, who), nash)
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
