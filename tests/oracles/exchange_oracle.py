"""Test oracle, part 2 of 2: the exchange model's former one-run implementation, kept verbatim.

This is the per-run code that ``accord.models.exchange`` held before the model became one
subpackage around a batched kernel (``src/accord/models/exchange/``). It is an independent
implementation (its own ``_Round`` greedy loop with inverted indexes, one case at a time, in
``exchange_oracle_round.py``) and is used only by the tests, which assert that the subpackage
gives the same exchanges and forecasts (tests/test_exchange_oracle.py). Its
``ExchangeModel.forecast_arrays`` batch path (which imported the old ``exchange_batch``) is
gone: the oracle runs draw by draw. Do not import it from ``src/``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from accord.models.base import (
    IssueForecast,
    IssueTrace,
    Model,
    ModelForecast,
    ModelTags,
    TraceEvent,
    as_generator,
)
from accord.models.params import Param
from accord.rng import model_stream

from .exchange_oracle_round import (
    CONSTANTS,
    Chooser,
    ExchangeRun,
    OracleRound,
    RealizedExchange,
    nbs,
    next_start,
)

if TYPE_CHECKING:
    from accord.scenario import Scenario
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["CONSTANTS", "ExchangeModel", "ExchangeRun", "RealizedExchange", "run_exchange_model"]

log = logging.getLogger(__name__)
#: Draws advanced together by the Monte Carlo kernel (unused by the oracle, kept as it was).
BATCH_CHUNK = 2000


# -- the whole model ------------------------------------------------------------------------


def _canonical(scenario: Scenario):
    """Arrays in canonical actor order (sorted by id), positions rescaled to 0..100."""
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
    """
    order, x, s, c, has, _lo, _span = _canonical(scenario)
    ids = tuple(scenario.actor_ids[i] for i in order)
    issue_ids = tuple(scenario.issue_ids)
    has_all = has
    if states is not None:
        s, c, has = _state(states, 0, has_all)
    w = c * s
    x = x.copy()
    positions = [np.where(has, x, np.nan)]
    starts = []
    outcome = [nbs(x, w)]
    realized: list[RealizedExchange] = []
    for r in range(1, rounds + 1):
        if states is not None:
            s, c, has = _state(states, r, has_all)
            w = c * s
        rnd = OracleRound(x, s, w, has, gain, p, rng, ids, issue_ids, choose)
        done = rnd.run(r)
        y = rnd.cur
        for a, ia, xa, mA, ya, b, ib, xb, mB, yb, g, ga, gb in done:
            realized.append(
                RealizedExchange(
                    r,
                    g,
                    ids[a],
                    issue_ids[ia],
                    xa,
                    mA,
                    ya,
                    ids[b],
                    issue_ids[ib],
                    xb,
                    mB,
                    yb,
                    ga,
                    gb,
                )
            )
        y = y.copy()
        moved = y != x
        outcome.append(nbs(y, w))
        positions.append(np.where(has, y, np.nan))
        x = np.where(moved, next_start(x, y, s), x)
        starts.append(np.where(has, x, np.nan))
        log.debug("round %d: %d exchanges", r, len(done))
    starts.append(starts[-1] if starts else positions[0])
    return ExchangeRun(
        ids, issue_ids, np.array(positions), np.array(starts), np.array(outcome), tuple(realized)
    )


#: Shocks inside a run: round -> (saliences, capabilities, stances), each (actors, issues).
RoundStates = Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _state(states: RoundStates, r: int, has_all: np.ndarray):
    sal, cap, has = states(r)
    has = has & has_all
    return np.where(has, sal, 0.0), np.where(has, cap, 0.0), has


class ExchangeModel(Model):
    """Stokman–Van Oosten exchange of voting positions ([Stokman1994]), equal or random gain.

    Per round: the outcome of each issue is the Nash bargaining solution of the model, the
    capability × salience weighted mean of positions rescaled to 0..100 ([Stokman1994], (O)).
    For every pair of issues, actors on opposite sides of the outcome on both may exchange:
    each moves towards its partner on the issue relatively less salient to it, and both gain
    the same utility ([Stokman1994], (R), (S), (E), (U)). A move is cut where it would carry
    an outcome past the demanding actor's position. Exchanges are realised highest gain
    first; every exchange that shares a moving actor and issue, or a demanding actor and
    issue, with the realised one is recalculated, and dropped when invalid. After the round,
    the actors that moved start the next round part of the way to their voting positions
    (:func:`next_start`). Actors without a stance, or with zero salience or capability on an
    issue, count for nothing on it and trade nothing on it.

    Parameters (keyword-only, stored unchanged):

    - ``rounds`` (10): rounds of exchange, as decide's default.
    - ``gain`` ("equal"): "equal" for the equal-gain model; "random" for the randomized-gain
      variant of [Dijkstra2008], in which one partner, drawn at random, gets more or less than
      the equal gain (see ``_Round._randomize``).
    - ``p`` (0.5): the randomized variant's spread, 0 (equal gain) to 1; unused for "equal".
    - ``repetitions`` (10): randomized runs, each from its own stream spawned from ``rng``,
      averaged; unused for "equal", which is deterministic and ignores ``rng``.

    Ties: gains within a relative 1e-11 of the best are an exact tie; the exchange realised
    is the first in canonical order: issue pairs (p, q), p < q, in the scenario's issue
    order, then the two partners by ascending id, the lower first (whichever of them stands
    right of the outcome, so that flipping a scale keeps the order; the randomized variant's
    draws follow it too). decide-exchange-model flips a coin instead, and the original
    implementation broke some ties otherwise (see tests/test_exchange.py). Actors are sorted
    by id inside the model, so the order in which a scenario lists them changes nothing.

    The forecast of an issue is the outcome on the voting positions after the last round,
    mapped back to the issue's scale. Its trace holds those voting positions and outcomes per
    round and one ``exchange`` event per move (partner, demand issue, gain) for
    ``accord explain``.
    """

    name: ClassVar[str] = "exchange"
    label: ClassVar[str] = "Exchange model (Stokman)"
    citation: ClassVar[str] = "[Stokman1994]"

    tags: ClassVar[ModelTags] = ModelTags(round_based=True, stochastic=True, multi_issue=True)
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param(
            "rounds",
            int,
            10,
            low=1,
            high=1000,
            source="[DecideExchange]",
            help="rounds of exchange",
        ),
        Param(
            "gain",
            str,
            "equal",
            choices=("equal", "random"),
            source="[Stokman1994]; [Dijkstra2008]",
            help="equal gain, or the randomized-gain variant",
        ),
        Param(
            "p",
            float,
            0.5,
            low=0.0,
            high=1.0,
            source="[Dijkstra2008]",
            help="the randomized variant's spread",
        ),
        Param(
            "repetitions",
            int,
            10,
            low=1,
            high=10_000,
            source="[Dijkstra2008]",
            help="randomized runs averaged",
        ),
    )

    def __init__(
        self,
        *,
        rounds: int = 10,
        gain: Literal["equal", "random"] = "equal",
        p: float = 0.5,
        repetitions: int = 10,
    ):
        self.rounds = rounds
        self.gain = gain
        self.p = p
        self.repetitions = repetitions
        self._check_params()

    def runs(
        self,
        scenario: Scenario,
        *,
        rng: np.random.Generator | int | None = None,
        states: RoundStates | None = None,
    ) -> list[ExchangeRun]:
        """Every repetition's run (one for equal gain)."""
        if self.gain == "equal":
            return [run_exchange_model(scenario, rounds=self.rounds, states=states)]
        gen = as_generator(rng)
        streams = gen.bit_generator.seed_seq.spawn(self.repetitions)  # type: ignore[attr-defined]
        return [
            run_exchange_model(
                scenario,
                rounds=self.rounds,
                gain="random",
                p=float(self.p),
                rng=np.random.default_rng(ss),
                states=states,
            )
            for ss in streams
        ]

    def _shocked(self, arrays: ScenarioArrays) -> np.ndarray:
        """Draw by draw with the shock schedule: round r uses the state of round r."""
        sched = arrays.schedule
        assert sched is not None
        last = min(self.rounds, sched.last_round)
        out = np.empty((arrays.n_draws, len(arrays.scenario.issues)))
        for d in range(arrays.n_draws):
            per = sched.rounds(arrays.take(np.array([d])), last)
            scn = arrays.scenario_at(d)
            order, *_rest, lo, span = _canonical(scn)

            def states(r: int, per: dict[str, np.ndarray] = per, order: list[int] = order):
                k = min(r, last)
                return (
                    per["salience"][0, k][order],
                    per["capability"][0, k][order],
                    per["mask"][k][order],
                )

            runs = self.runs(scn, rng=arrays.rng(d, model_stream(self.name)), states=states)
            out[d] = lo + np.mean([run.nbs[-1] for run in runs], axis=0) / 100.0 * span
        return out

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """(D, issues) forecasts, one run per draw (the oracle has no batch path)."""
        if arrays.schedule is not None:
            return self._shocked(arrays)
        return super().forecast_arrays(arrays, rng=rng)

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast:
        """Forecast every issue: the outcome after the last round, on the issue's own scale.

        The trace of an issue holds the voting positions and the outcome per round (means
        over repetitions in the randomized variant) and the ``exchange`` events of the first
        (or only) run: one per move, naming the partner, the demand issue and the gain.
        """
        runs = self.runs(scenario, rng=rng)
        order, _x, _s, _c, has, lo, span = _canonical(scenario)
        back = np.argsort(order)  # canonical -> scenario order
        nbs_runs = np.array([r.nbs for r in runs])  # repetitions × rounds+1 × issues
        nbs_mean = nbs_runs.mean(axis=0)
        pos_mean = np.mean([r.positions for r in runs], axis=0)[:, back, :]
        has_s = has[back]
        issue_ids = scenario.issue_ids
        col = {iid: k for k, iid in enumerate(issue_ids)}
        events: dict[str, list[TraceEvent]] = {iid: [] for iid in issue_ids}
        counts = np.zeros((len(issue_ids), self.rounds), dtype=int)

        def unscale(k: int, v: float) -> float:
            return float(lo[k] + v / 100.0 * span[k])

        for ex in runs[0].exchanges:
            for actor, issue, start, end, other, demand in (
                (
                    ex.actor,
                    ex.supply_issue,
                    ex.start,
                    ex.voting,
                    ex.partner,
                    ex.partner_supply_issue,
                ),
                (
                    ex.partner,
                    ex.partner_supply_issue,
                    ex.partner_start,
                    ex.partner_voting,
                    ex.actor,
                    ex.supply_issue,
                ),
            ):
                k = col[issue]
                counts[k, ex.round - 1] += 1
                events[issue].append(
                    TraceEvent(
                        round=ex.round,
                        kind="exchange",
                        actor=actor,
                        issue=issue,
                        other=other,
                        before=unscale(k, start),
                        after=unscale(k, end),
                        detail={
                            "supply_issue": issue,
                            "demand_issue": demand,
                            "gain": ex.gain,
                            "why": f"in return for a move on {demand}; gain {ex.gain:.4g}",
                        },
                    )
                )
        names = scenario.actor_ids
        out = {}
        for k, issue in enumerate(scenario.issues):
            keep = has_s[:, k]
            actor_ids = tuple(a for a, h in zip(names, keep, strict=True) if h)
            pos = lo[k] + pos_mean[:, keep, k] / 100.0 * span[k]
            fc = lo[k] + nbs_mean[:, k] / 100.0 * span[k]
            trace = IssueTrace(actor_ids, pos, fc, tuple(events[issue.id]))
            details: dict[str, Any] = {"moves_per_round": counts[k].tolist()}
            if len(runs) > 1:
                finals = lo[k] + nbs_runs[:, -1, k] / 100.0 * span[k]
                details["repetitions"] = finals.tolist()
                details["sd"] = float(finals.std(ddof=1))
            out[issue.id] = IssueForecast(issue.id, float(fc[-1]), trace, details)
        return ModelForecast(self.name, out, self.get_params())
