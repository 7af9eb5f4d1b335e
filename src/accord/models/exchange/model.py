"""The exchange model as a registered :class:`~accord.models.base.Model`: tags, parameters,
``forecast`` (one scenario, with traces for ``accord explain``) and ``forecast_arrays``
(Monte Carlo draws, batched through the one kernel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from accord.rng import model_stream

from ..base import (
    IssueForecast,
    IssueTrace,
    Model,
    ModelForecast,
    ModelTags,
    TraceEvent,
    as_generator,
)
from ..params import Param
from .run import ExchangeRun, RoundStates, canonical, run_batch, run_exchange_models

if TYPE_CHECKING:
    from accord.scenario import Scenario
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["BATCH_CHUNK", "CHUNK_SLOTS", "ExchangeModel", "chunk_size"]

#: At most this many cases advanced together by the Monte Carlo kernel (memory: about 30 kB a
#: draw on ukraine-2025).
BATCH_CHUNK = 2000
#: Candidate slots (estimated: a quarter of the actor pairs times the issue pairs) of one chunk.
#: The kernel's per-candidate arrays take about 250 bytes a slot, so about 100,000 slots keep a
#: chunk within a shared 32 MB L3 cache; on ukraine-2025-07 (6 actors, 7 issues: 529 cases a
#: chunk) the Monte Carlo exchange model ran 1.4-1.7x faster than in chunks of 2000
#: (docs/exchange.md, Performance). Chunks change no number: a case's arithmetic never mixes
#: with another's.
CHUNK_SLOTS = 100_000
#: Fewer cases than this a chunk only when ``BATCH_CHUNK`` says so (per-step overhead).
MIN_CHUNK = 128


def chunk_size(n_actors: int, n_issues: int) -> int:
    """Cases a chunk of the Monte Carlo kernel: ``CHUNK_SLOTS`` over the estimated candidate
    slots a case, between ``MIN_CHUNK`` and ``BATCH_CHUNK``."""
    slots = max(1, (n_actors * n_actors // 4) * (n_issues * (n_issues - 1) // 2))
    return min(BATCH_CHUNK, max(MIN_CHUNK, CHUNK_SLOTS // slots))


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
    (:func:`~.equations.next_start`). Actors without a stance, or with zero salience or
    capability on an issue, count for nothing on it and trade nothing on it.

    Parameters (keyword-only, stored unchanged):

    - ``rounds`` (10): rounds of exchange, as decide's default.
    - ``gain`` ("equal"): "equal" for the equal-gain model; "random" for the randomized-gain
      variant of [Dijkstra2008], in which one partner, drawn at random, gets more or less than
      the equal gain (see :func:`~.equations.randomized_gain`).
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
        """Every repetition's run (one for equal gain); the repetitions run as one batch."""
        if self.gain == "equal":
            return run_exchange_models(scenario, rounds=self.rounds, states=states)
        gen = as_generator(rng)
        streams = gen.bit_generator.seed_seq.spawn(self.repetitions)  # type: ignore[attr-defined]
        return run_exchange_models(
            scenario,
            rounds=self.rounds,
            gain="random",
            p=float(self.p),
            rngs=[np.random.default_rng(ss) for ss in streams],
            states=states,
        )

    def _streams(
        self, arrays: ScenarioArrays, d: int, rng: np.random.Generator | None
    ) -> list[np.random.Generator]:
        """The randomized variant's repetitions of draw ``d``: streams spawned from the draw's
        own generator (``rng`` instead for a single draw without shocks), as :meth:`runs`."""
        if rng is not None and arrays.n_draws == 1 and arrays.schedule is None:
            gen = rng
        else:
            gen = arrays.rng(d, model_stream(self.name))
        streams = gen.bit_generator.seed_seq.spawn(self.repetitions)  # type: ignore[attr-defined]
        return [np.random.default_rng(ss) for ss in streams]

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """(D, issues) forecasts for Monte Carlo draws, all through one batch of the kernel
        (:func:`~.run.run_batch`, chunks of :func:`chunk_size` cases): every draw, times the
        repetitions in the randomized variant (each draw's own streams, spawned as in
        :meth:`runs`), and with a shock schedule round r uses the state of round r."""
        draws, scenario = arrays, arrays.scenario
        mask = np.asarray(draws.mask, dtype=bool)
        if mask.ndim != 2:
            return super().forecast_arrays(draws, rng=rng)
        order, _x, _s, _c, _has, lo, span = canonical(scenario)
        pos = np.asarray(draws.position, dtype=float)[:, order]
        has = mask[order][None] & ~np.isnan(pos)
        x = np.where(has, (np.nan_to_num(pos) - lo) / span * 100.0, 0.0)  # rescale to 0..100
        s = np.where(has, np.asarray(draws.salience, dtype=float)[:, order], 0.0)
        c = np.where(has, np.asarray(draws.capability, dtype=float)[:, order], 0.0)
        sched = draws.schedule
        if sched is not None:
            last = min(self.rounds, sched.last_round)
            per = sched.rounds(draws, last)
            sal, cap = per["salience"][:, :, order], per["capability"][:, :, order]
            present = per["mask"][:, order]
        R = 1 if self.gain == "equal" else self.repetitions
        D, m = draws.n_draws, len(scenario.issues)
        out = np.empty((D, m))
        step = max(1, chunk_size(len(scenario.actors), m) // R)
        for a in range(0, D, step):
            rows = np.arange(a, min(a + step, D))

            def rep(v: np.ndarray, rows: np.ndarray = rows) -> np.ndarray:
                return np.repeat(v[rows], R, axis=0) if R > 1 else v[rows]

            states = None
            if sched is not None:

                def states(r: int, rep=rep) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
                    k = min(r, last)
                    return rep(sal[:, k]), rep(cap[:, k]), present[k][None]

            rngs = None
            if R > 1 or self.gain != "equal":
                rngs = [g for d in rows.tolist() for g in self._streams(draws, d, rng)]
            res = run_batch(
                rep(x),
                rep(s),
                rep(c),
                rep(has),
                rounds=self.rounds,
                gain=self.gain,
                p=float(self.p),
                rngs=rngs,
                states=states,
            )
            final = res.nbs[:, -1]
            if R > 1:
                final = final.reshape(len(rows), R, m).mean(axis=1)
            out[rows] = lo + final / 100.0 * span
        return out

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast:
        """Forecast every issue: the outcome after the last round, on the issue's own scale.

        The trace of an issue holds the voting positions and the outcome per round (means
        over repetitions in the randomized variant) and the ``exchange`` events of the first
        (or only) run: one per move, naming the partner, the demand issue and the gain.
        """
        runs = self.runs(scenario, rng=rng)
        order, _x, _s, _c, has, lo, span = canonical(scenario)
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
        for k, iss in enumerate(scenario.issues):
            keep = has_s[:, k]
            actor_ids = tuple(a for a, h in zip(names, keep, strict=True) if h)
            pos = lo[k] + pos_mean[:, keep, k] / 100.0 * span[k]
            fc = lo[k] + nbs_mean[:, k] / 100.0 * span[k]
            trace = IssueTrace(actor_ids, pos, fc, tuple(events[iss.id]))
            details: dict[str, Any] = {"moves_per_round": counts[k].tolist()}
            if len(runs) > 1:
                finals = lo[k] + nbs_runs[:, -1, k] / 100.0 * span[k]
                details["repetitions"] = finals.tolist()
                details["sd"] = float(finals.std(ddof=1))
            out[iss.id] = IssueForecast(iss.id, float(fc[-1]), trace, details)
        return ModelForecast(self.name, out, self.get_params())
