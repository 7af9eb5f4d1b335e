"""The run loop of the exchange model: rounds of :mod:`.kernel` over a batch of cases, the
state in force in each round (shocks), and one run of a scenario with its realised exchanges.

Positions are on each issue's scale rescaled to 0..100 (decide's convention) and actors in
canonical order (sorted by id), so the listing order of a scenario changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .equations import nbs, next_start
from .kernel import Event, KernelChooser, exchange_round

if TYPE_CHECKING:
    from accord.scenario import Scenario

__all__ = [
    "BatchRun",
    "Chooser",
    "ExchangeRun",
    "RealizedExchange",
    "RoundStates",
    "canonical",
    "run_batch",
    "run_exchange_model",
    "run_exchange_models",
]

log = logging.getLogger(__name__)

#: Tie chooser: (round, exchanges realised so far, tied candidates) -> index into the candidates.
Chooser = Callable[[int, int, list[tuple[str, str, str, str, float]]], int]
#: Shocks inside a run: round -> (saliences, capabilities, stances), each (actors, issues) in
#: canonical actor order, or (cases, actors, issues) for a batch.
RoundStates = Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]]


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


@dataclass(frozen=True)
class BatchRun:
    """Rounds over a batch of cases (D, actors, issues), canonical actor order, 0..100.

    ``nbs`` (D, rounds + 1, issues): the outcome per round (0: the input). With ``record``:
    ``positions`` and ``start_positions`` (D, rounds + 1, actors, issues, NaN where no stance)
    as :class:`ExchangeRun`, and ``events[d]`` the realised exchanges of case d, round by
    round: ``events[d][r - 1]`` those of round r (:data:`~.kernel.Event`).
    """

    nbs: np.ndarray
    positions: np.ndarray | None = None
    start_positions: np.ndarray | None = None
    events: list[list[list[Event]]] | None = None


def _state(states: RoundStates, r: int, has_all: np.ndarray):
    sal, cap, has = states(r)
    has = has & has_all
    return np.where(has, sal, 0.0), np.where(has, cap, 0.0), has


def run_batch(
    x: np.ndarray,
    s: np.ndarray,
    c: np.ndarray,
    has: np.ndarray,
    *,
    rounds: int = 10,
    gain: str = "equal",
    p: float = 0.0,
    rngs: Sequence[np.random.Generator] | None = None,
    choose: Callable[[int, int, int, list[tuple[int, int, int, int, float]]], int] | None = None,
    states: RoundStates | None = None,
    record: bool = False,
) -> BatchRun:
    """The exchange model on D cases: positions ``x`` (D, actors, issues) on 0..100 in the
    canonical actor order (0 where no stance), saliences and capabilities likewise (0 where
    no stance), ``has`` (D, actors, issues). Round r runs :func:`~.kernel.exchange_round`
    on the state ``states(r)`` in force (shocks: an actor without a stance in a round counts
    for nothing and trades nothing there, and keeps its position); after it, the actors that
    moved start the next round part of the way to their voting positions (:func:`next_start`).

    ``rngs``: one generator per case (the randomized variant); ``choose(round, case, step,
    tied)``: the tie hook, by index (see :func:`run_exchange_model`)."""
    x = np.array(x, dtype=float)
    has_all = np.broadcast_to(np.asarray(has, dtype=bool), x.shape)
    s = np.broadcast_to(np.asarray(s, dtype=float), x.shape)
    c = np.broadcast_to(np.asarray(c, dtype=float), x.shape)
    has = has_all
    if states is not None:
        s, c, has = _state(states, 0, has_all)
        s, c, has = (np.broadcast_to(a, x.shape) for a in (s, c, has))
    w = c * s
    outcome = [nbs(x, w)]
    positions = [np.where(has, x, np.nan)] if record else []
    starts: list[np.ndarray] = []
    events: list[list[list[Event]]] = [[] for _ in range(len(x))] if record else []
    for r in range(1, rounds + 1):
        if states is not None:
            s, c, has = _state(states, r, has_all)
            s, c, has = (np.broadcast_to(a, x.shape) for a in (s, c, has))
            w = c * s
        hook: KernelChooser | None = None
        if choose is not None:

            def hook(case: int, step: int, tied, r: int = r) -> int:
                assert choose is not None
                return choose(r, case, step, tied)

        y, done = exchange_round(
            x, s, w, has, gain=gain, p=p, rngs=rngs, choose=hook, record=record
        )
        moved = y != x
        outcome.append(nbs(y, w))
        if record:
            assert done is not None
            for d, evs in enumerate(done):
                events[d].append(evs)
            positions.append(np.where(has, y, np.nan))
        x = np.where(moved, next_start(x, y, s), x)
        if record:
            starts.append(np.where(has, x, np.nan))
    if not record:
        return BatchRun(np.stack(outcome, axis=1))
    starts.append(starts[-1] if starts else positions[0])
    return BatchRun(
        np.stack(outcome, axis=1),
        np.stack(positions, axis=1),
        np.stack(starts, axis=1),
        events,
    )


def canonical(scenario: Scenario):
    """Arrays in canonical actor order (sorted by id), positions rescaled to 0..100:
    ``order, x, s, c, has, lo, span``."""
    ids = scenario.actor_ids
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    mats = scenario.matrices()
    lo = np.array([iss.scale.min for iss in scenario.issues])
    hi = np.array([iss.scale.max for iss in scenario.issues])
    span = np.where(hi > lo, hi - lo, 1.0)
    pos = mats["position"][order]
    has = ~np.isnan(pos)
    x = np.where(has, (np.nan_to_num(pos) - lo) / span * 100.0, 0.0)  # rescale to 0..100
    s = np.where(has, mats["salience"][order], 0.0)
    c = np.where(has, mats["capability"][order], 0.0)
    return order, x, s, c, has, lo, span


def run_exchange_models(
    scenario: Scenario,
    *,
    rounds: int = 10,
    gain: str = "equal",
    p: float = 0.0,
    rngs: Sequence[np.random.Generator | None] = (None,),
    choose: Chooser | None = None,
    states: RoundStates | None = None,
) -> list[ExchangeRun]:
    """Runs of one scenario, one per generator in ``rngs`` (the randomized variant's
    repetitions), all through one batch; see :func:`run_exchange_model`."""
    order, x, s, c, has, _lo, _span = canonical(scenario)
    ids = tuple(scenario.actor_ids[i] for i in order)
    issue_ids = tuple(scenario.issue_ids)
    R = len(rngs)
    hook = None
    if choose is not None:

        def hook(r: int, case: int, step: int, tied) -> int:
            assert choose is not None
            named = [(ids[a], issue_ids[ia], ids[b], issue_ids[ib], g) for a, ia, b, ib, g in tied]
            return choose(r, step, named)

    gens = list(rngs) if gain == "random" and p > 0 else None
    res = run_batch(
        np.broadcast_to(x, (R, *x.shape)),
        s[None],
        c[None],
        has[None],
        rounds=rounds,
        gain=gain,
        p=p,
        rngs=gens,  # type: ignore[arg-type]
        choose=hook,
        states=states,
        record=True,
    )
    assert res.positions is not None and res.start_positions is not None and res.events is not None
    out = []
    for d in range(R):
        realized = tuple(
            RealizedExchange(
                r, g, ids[a], issue_ids[ia], xa, mA, ya, ids[b], issue_ids[ib], xb, mB, yb, ga, gb
            )
            for r, evs in enumerate(res.events[d], start=1)
            for (a, ia, xa, mA, ya, b, ib, xb, mB, yb, g, ga, gb) in evs
        )
        log.debug("run %d: %d exchanges", d, len(realized))
        out.append(
            ExchangeRun(
                ids, issue_ids, res.positions[d], res.start_positions[d], res.nbs[d], realized
            )
        )
    return out


def run_exchange_model(
    scenario: Scenario,
    *,
    rounds: int = 10,
    gain: str = "equal",
    p: float = 0.0,
    rng: np.random.Generator | None = None,
    choose: Chooser | None = None,
    states: RoundStates | None = None,
) -> ExchangeRun:
    """Run the exchange model once and return every round's positions and exchanges.

    Positions and moves are on each issue's scale rescaled to 0..100 (decide's convention).
    Actors are processed in canonical order (sorted by id), so the listing order of the
    scenario changes nothing. ``choose`` replaces the tie rule: it is called with the round,
    the number of exchanges already realised in it, and the tied candidates as
    ``(actor, supply_issue, partner, partner_supply_issue, gain)`` in canonical order, and
    returns the index of the one to realise (the reference test uses it to replay the ties
    that the original implementation resolved its own way).

    ``states`` (shocks): a function of the round r (0 = the start) giving, in canonical actor
    order, the saliences, capabilities and stances in force; an actor without a stance in a
    round counts for nothing and trades nothing there, and keeps its position.

    This is the one-case batch of :func:`run_batch` (the kernel of :mod:`.kernel`).
    """
    (run,) = run_exchange_models(
        scenario, rounds=rounds, gain=gain, p=p, rngs=(rng,), choose=choose, states=states
    )
    return run
