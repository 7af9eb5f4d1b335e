"""The SMP as an accord model: parameters, forecasts with traces, and Monte Carlo draws."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from accord.rng import model_stream

from ..base import IssueForecast, IssueTrace, Model, ModelForecast, ModelTags, TraceEvent
from ..params import Param
from .constants import OPTIONS
from .equations import forecast_position
from .inputs import SMPInputs, draw_inputs, smp_inputs
from .kernel import SMPOptions
from .run import BatchStates, SMPRun, TurnStates, run_batch, run_smp

if TYPE_CHECKING:
    from accord.scenario import Scenario
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["SMP"]


class SMP(Model):
    """KTAB's Spatial Model of Politics ([Wise2015]; [KTAB]; applied in [Efird2016]).

    Actors with capabilities, positions and saliences on every issue (one dimension each)
    challenge one another, form bargains and adopt them turn by turn, as KTAB's ``smpc``
    does; see the package docstring for the steps, each tied to KTAB's source. With KTAB's
    default options, accord reproduces ``smpc``'s own output on KTAB's examples (every
    position of every actor at every turn, the number of turns and the reported winning
    probabilities; tests/test_smp.py).

    Parameters (keyword-only, stored unchanged; the first value is KTAB's default, see
    ``OPTIONS``; names as in KTAB's ``ModelParameters``):

    - ``voting_rule``: Proportional, Binary, PropBin, PropCbc, Cubic, ASymProsp (``Model::vote``).
    - ``victory_model``: Linear, Square, Quartic, Octic, Binary (``Model::vProb``).
    - ``pce_model``: Conditional, MarkovIncentive, MarkovUniform (``Model::probCE2``).
    - ``state_transitions``: Deterministic (each actor adopts its most probable bargain) or
      Stochastic (drawn with those probabilities from ``rng``; reproducible from its seed).
    - ``third_party``: SemiCommit, NoCommit, FullCommit (``Actor::thirdPartyVoteSU``).
    - ``big_r_range``: Mid (R in [-1/2, 1]), Min ([0, 1]), Max ([-1, 1]) (``bigRfromProb``).
    - ``big_r_adjust``: OneThird, None, Half, TwoThirds, Full: the weight of i's own R in h's
      estimate of it (``Model::estNRA``).
    - ``interpolation``: S2P2, S1P1, S2PMax (``SMPActor::interpolateBrgn``).
    - ``bargain_model``: InitOnlyInterp, InitRcvrInterp, PWCompInterp (``SMPBargnModel``).
    - ``min_turns`` (2), ``max_turns`` (100), ``stop_ratio`` (0.02): stop after at least
      ``min_turns`` when the last turn's movement is below ``stop_ratio`` × (the first turn's
      movement + 1e-4), or at ``max_turns`` (``SMPModel::configExec``, ``smpStopFn``).
    - ``forecast_rule``: "most_probable" (default): the forecast of an issue at a turn is the
      coordinate of the position with the highest winning probability (KTAB's reported PCE
      over unique positions; ties: first in canonical order); "weighted_mean": the
      probability-weighted mean of the unique positions.

    Ties are broken by KTAB's scans (first in order) over the canonical actor order (see
    :func:`canonical_order`). KTAB's absolute floors are scaled by mean capability / 100
    (``CAPABILITY_UNIT``).
    """

    name: ClassVar[str] = "smp"
    label: ClassVar[str] = "KTAB spatial model (SMP)"
    citation: ClassVar[str] = "[Wise2015]; [KTAB]"
    tags: ClassVar[ModelTags] = ModelTags(round_based=True, stochastic=True, multi_issue=True)
    PARAMS: ClassVar[tuple[Param, ...]] = tuple(
        Param(k, str, v[0], choices=v, source="[KTAB] ModelParameters")
        for k, v in OPTIONS.items()
        if k != "forecast_rule"
    ) + (
        Param("min_turns", int, 2, low=1, high=10_000, source="[KTAB] SMPModel::configExec"),
        Param("max_turns", int, 100, low=1, high=10_000, source="[KTAB] SMPModel::configExec"),
        Param("stop_ratio", float, 0.02, low=0.0, high=1.0, source="[KTAB] smpStopFn"),
        Param(
            "forecast_rule",
            str,
            "most_probable",
            choices=OPTIONS["forecast_rule"],
            help="the most probable position, or the probability-weighted mean",
        ),
    )

    def __init__(
        self,
        *,
        voting_rule: str = "Proportional",
        victory_model: str = "Linear",
        pce_model: str = "Conditional",
        state_transitions: str = "Deterministic",
        third_party: str = "SemiCommit",
        big_r_range: str = "Mid",
        big_r_adjust: str = "OneThird",
        interpolation: str = "S2P2",
        bargain_model: str = "InitOnlyInterp",
        min_turns: int = 2,
        max_turns: int = 100,
        stop_ratio: float = 0.02,
        forecast_rule: str = "most_probable",
    ):
        self.voting_rule = voting_rule
        self.victory_model = victory_model
        self.pce_model = pce_model
        self.state_transitions = state_transitions
        self.third_party = third_party
        self.big_r_range = big_r_range
        self.big_r_adjust = big_r_adjust
        self.interpolation = interpolation
        self.bargain_model = bargain_model
        self.min_turns = min_turns
        self.max_turns = max_turns
        self.stop_ratio = stop_ratio
        self.forecast_rule = forecast_rule
        self._check_params()
        if min_turns > max_turns:
            raise ValueError(
                f"min_turns must be at most max_turns; got {min_turns!r} > {max_turns!r}"
            )

    @classmethod
    def from_ktab_parameters(cls, params: dict[str, str], **overrides: Any) -> SMP:
        """An SMP with the options of a KTAB XML ``<ModelParameters>`` block (as the importer
        records them in ``extensions["ktab"]["model_parameters"]``)."""
        return cls(**{**cls.ktab_options(params), **overrides})

    @classmethod
    def options_from_scenario(cls, scenario: Scenario) -> dict[str, Any]:
        """The options a KTAB file carries (``extensions.ktab.model_parameters``): every command
        and the dashboard apply them before the user's ``--model-param``."""
        params = (scenario.extensions.get("ktab") or {}).get("model_parameters") or {}
        return cls.ktab_options(params)

    @staticmethod
    def ktab_options(params: dict[str, str]) -> dict[str, Any]:
        """KTAB's ``<ModelParameters>`` names and values as this model's options."""
        names = {
            "VictoryProbModel": "victory_model",
            "PCEModel": "pce_model",
            "StateTransitions": "state_transitions",
            "VotingRule": "voting_rule",
            "BigRAdjust": "big_r_adjust",
            "BigRRange": "big_r_range",
            "ThirdPartyCommit": "third_party",
            "InterVecBrgn": "interpolation",
            "BargnModel": "bargain_model",
        }
        aliases = {"Prop": "Proportional", "No": "None"}
        return {names[k]: aliases.get(v, v) for k, v in params.items() if k in names}

    def options(self) -> SMPOptions:
        """KTAB's options of this model as the kernel takes them."""
        params = self.get_params()
        return SMPOptions(**{k: params[k] for k in OPTIONS if k != "forecast_rule"})

    def run(
        self,
        scenario: Scenario,
        *,
        rng: np.random.Generator | int | None = None,
        states: TurnStates | None = None,
    ) -> tuple[SMPRun, SMPInputs]:
        """The whole run on a scenario, in the canonical actor order, positions on 0..1."""
        inp = smp_inputs(scenario)
        params = {k: v for k, v in self.get_params().items() if k != "forecast_rule"}
        run = run_smp(
            inp.positions, inp.saliences, inp.capabilities, accommodation=inp.accommodation,
            rng=rng, states=states, **params,
        )  # fmt: skip
        run.actor_ids = inp.actor_ids
        run.dims = inp.issue_ids
        return run, inp

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """(D, issues) forecasts for Monte Carlo draws, all draws advancing turn by turn together
        in the one kernel (every option, ideal adjustment, stochastic transitions with each
        draw's own stream, shocks). Draws whose actors differ (a per-draw mask) or that are
        invalid run one by one through :meth:`forecast` (the same kernel, one draw at a time)."""
        draws, scenario = arrays, arrays.scenario
        mask = np.asarray(draws.mask, dtype=bool)
        inp = smp_inputs(scenario)
        batched = mask.ndim == 2
        if batched:
            x, sal, cap, ok = draw_inputs(scenario, draws, inp.order, mask)
            batched = bool(ok.all())
        states: BatchStates | None = None
        if draws.schedule is not None:
            if not (batched and mask.any(axis=1).all()):
                return self._shocked_per_draw(draws)
            states = self._batch_states(draws, inp.order)
        elif not batched:
            return super().forecast_arrays(draws, rng=rng)
        rngs = None
        if self.state_transitions == "Stochastic":
            stream = model_stream(self.name)
            one = rng is not None and draws.n_draws == 1 and draws.schedule is None
            rngs = [rng if one and rng is not None else draws.rng(d, stream)
                    for d in range(draws.n_draws)]  # fmt: skip
        out = run_batch(
            x, sal, cap, options=self.options(), accommodation=inp.accommodation, rngs=rngs,
            states=states, min_turns=self.min_turns, max_turns=self.max_turns,
            stop_ratio=self.stop_ratio,
        )  # fmt: skip
        fc, _ = out.forecast(self.forecast_rule)
        return inp.low[None, :] + fc * inp.span[None, :]

    def _batch_states(self, arrays: ScenarioArrays, order: np.ndarray) -> BatchStates:
        """The shock schedule as the kernel's ``states``: turn t uses the state of round t."""
        sched = arrays.schedule
        assert sched is not None
        last = min(self.max_turns, sched.last_round)
        per = sched.rounds(arrays, last)

        def states(t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            r = min(t, last)
            mask = per["mask"][r][order]
            sal = np.where(mask, per["salience"][:, r][:, order], 0.0)
            total = sal.sum(axis=-1)
            div = np.where(total > 0, total, 1.0)[..., None]
            sal = np.where(total[..., None] > 1.0, sal / div, sal)
            act = np.broadcast_to(mask.any(axis=1), sal.shape[:2])
            return act, sal, per["actor_capability"][:, r][:, order]

        return states

    def _shocked_per_draw(self, arrays: ScenarioArrays) -> np.ndarray:
        """Draw by draw with the shock schedule (each turn t uses the state of round t), for
        draws whose scenario drops an actor (:meth:`ScenarioArrays.scenario_at`)."""
        sched = arrays.schedule
        assert sched is not None
        last = min(self.max_turns, sched.last_round)
        out = np.empty((arrays.n_draws, len(arrays.scenario.issues)))
        for d in range(arrays.n_draws):
            per = sched.rounds(arrays.take(np.array([d])), last)
            scn = arrays.scenario_at(d)
            order = smp_inputs(scn).order

            def states(t: int, per: dict[str, np.ndarray] = per, order: np.ndarray = order):
                r = min(t, last)
                mask = per["mask"][r][order]
                sal = np.where(mask, per["salience"][0, r][order], 0.0)
                total = sal.sum(axis=1)
                sal = np.where(
                    total[:, None] > 1.0, sal / np.where(total > 0, total, 1.0)[:, None], sal
                )
                return mask.any(axis=1), sal, per["actor_capability"][0, r][order]

            run, inp = self.run(scn, rng=arrays.rng(d, model_stream(self.name)), states=states)
            fc, _ = self._forecast_path(run)
            out[d] = inp.to_issue(np.arange(len(inp.issue_ids)), fc[-1])
        return out

    def _forecast_path(self, run: SMPRun) -> tuple[np.ndarray, list[float | None]]:
        """The forecast (on 0..1) at every turn by the forecast rule, and its probability."""
        p = np.zeros(run.positions.shape[:2])
        for t, (uniq, p_u) in enumerate(zip(run.unique, run.unique_probability, strict=True)):
            p[t, uniq] = p_u
        fc, fp = forecast_position(run.positions, p, self.forecast_rule)
        if self.forecast_rule == "most_probable":
            return fc, [float(v) for v in fp]
        return fc, [None] * len(fc)

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast:
        """Forecast every issue; the trace holds every actor's position at every turn.

        Details per issue: ``turns``; ``win_probability`` ({actor id: per-turn probability of
        its position winning}, KTAB's report); ``forecast_probability`` (per turn, the
        probability of the forecast position, or of nothing for weighted_mean); ``bargains``
        (bargains proposed per turn). One ``bargain`` event per actor and issue whenever an
        actor adopts a bargain that moves it there.
        """
        run, inp = self.run(scenario, rng=rng)
        ids = inp.actor_ids
        fc, fc_p = self._forecast_path(run)
        back = {int(i): c for c, i in enumerate(inp.order)}  # scenario index -> canonical index
        scen_ids = scenario.actor_ids
        events: dict[str, list[TraceEvent]] = {iid: [] for iid in inp.issue_ids}
        for t, chosen in enumerate(run.adopted, start=1):
            before, after = run.positions[t - 1], run.positions[t]
            for a, b in sorted(chosen.items()):
                other = b.receiver if b.initiator == a else b.initiator
                for k, iid in enumerate(inp.issue_ids):
                    if before[a, k] != after[a, k] and inp.has_stance[a, k]:
                        events[iid].append(
                            TraceEvent(
                                round=t,
                                kind="bargain",
                                actor=ids[a],
                                issue=iid,
                                other=ids[other],
                                before=float(inp.to_issue(k, before[a, k])),
                                after=float(inp.to_issue(k, after[a, k])),
                                detail={
                                    "initiator": ids[b.initiator],
                                    "receiver": ids[b.receiver],
                                    "initiator_win_probability": b.probability,
                                    "expected_gain": b.gain,
                                    "adoption_probability": run.queue_probability[t - 1][a],
                                    "why": f"{ids[b.initiator]} challenged {ids[b.receiver]} "
                                    f"(P(win) {b.probability:.2f} by the initiator's estimate)",
                                },
                            )
                        )
        out = {}
        for k, issue in enumerate(scenario.issues):
            keep = [
                back[i] for i in range(len(scen_ids)) if i in back and inp.has_stance[back[i], k]
            ]
            pos = inp.to_issue(k, run.positions[:, keep, k])
            trace = IssueTrace(
                tuple(ids[c] for c in keep), pos, inp.to_issue(k, fc[:, k]), tuple(events[issue.id])
            )
            details = {
                "turns": run.turns,
                "win_probability": {ids[c]: run.win_probability[:, c].tolist() for c in keep},
                "forecast_probability": fc_p,
                "bargains": [len(b) for b in run.bargains],
                "left_out": list(inp.left_out),  # no salience on any issue: not in the run
            }
            out[issue.id] = IssueForecast(issue.id, float(trace.forecast[-1]), trace, details)
        return ModelForecast(self.name, out, self.get_params())
