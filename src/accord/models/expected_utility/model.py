"""The expected-utility model as a registered model: parameters, one run with its trace, and
every Monte Carlo draw at once on the kernel (:mod:`.kernel`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from ..base import IssueForecast, IssueTrace, ModelTags, PerIssueModel, TraceEvent
from ..diagnostics import classify, cycle_values
from ..median import distinct
from ..params import Param
from .kernel import EUResult, Schedule, run_expected_utility

#: Rounds agree when within this share of the scale (the convergence diagnostics' tolerance).
CONVERGENCE_TOL = 1e-6

if TYPE_CHECKING:
    from accord.scenario import IssueArrays
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["ExpectedUtility"]


_KINDS = {1: "conflict", 2: "compromise", 3: "capitulation"}


class ExpectedUtility(PerIssueModel):
    """Bueno de Mesquita's expected-utility ("challenge") model, per [Scholz2011].

    Options (keyword-only, stored unchanged) choose among the public versions; see the
    package docstring for each and its source. The default offer rule is "closest"
    ([BDM1997]: of the credible offers, the one that needs the least move), with a tie rule
    that respects actor order and the direction of the scale, so the forecast mirrors when
    every scale is flipped; :meth:`scholz_replication` gives the options of the Python port of
    Scholz's code, which reproduce the EU emissions medians ([BDM1994], p. 78) but depend on
    which end of the scale is called 0 (a named replication variant, never the default).
    """

    @classmethod
    def scholz_replication(cls, **overrides: object) -> ExpectedUtility:
        """The options of the Python port of Scholz's code ([Scholz2011] replication)."""
        kw: dict[str, object] = {"offer_rule": "scholz", "cycle_rule": "last", **overrides}
        return cls(**kw)  # type: ignore[arg-type]

    name: ClassVar[str] = "bdm"
    label: ClassVar[str] = "Expected utility (BDM)"
    citation: ClassVar[str] = "[Scholz2011]"
    tags: ClassVar[ModelTags] = ModelTags(round_based=True)
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param(
            "rounds", int, 10, low=0, high=1000, source="[Scholz2011]", help="rounds of challenges"
        ),
        Param(
            "stop_after",
            int,
            None,
            low=1,
            high=1000,
            none=True,
            source="[Scholz2011] ran 8",
            help="stop once the median has not changed for this many rounds",
        ),
        Param(
            "probability",
            str,
            "scholz",
            choices=("scholz", "bdm", "dmasad"),
            source="[Scholz2011]; [BDM1985]",
            help="probability of success (see the module)",
        ),
        Param(
            "delta",
            str,
            "initial",
            choices=("initial", "scale"),
            source="[Scholz2011]",
            help="the range that scales distances",
        ),
        Param(
            "vote_risk",
            str,
            "own",
            choices=("own", "one"),
            source="[Scholz2011]",
            help="risk exponent inside the votes",
        ),
        Param(
            "capitulation",
            str,
            "replication",
            choices=("replication", "corrected"),
            source="[Scholz2011], sec. 3",
            help="whether capitulations can happen",
        ),
        Param(
            "offer_rule",
            str,
            "closest",
            choices=("closest", "scholz"),
            replication=("scholz",),
            source="[BDM1997]; [Scholz2011] for 'scholz'",
            help="which offer an actor accepts: the credible offer needing the least move "
            "(ties by weight, opposite ties cancel), or the lexicographic rule of Scholz's code",
        ),
        Param(
            "cycle_rule",
            str,
            "mean",
            choices=("mean", "last"),
            replication=("last",),
            source="accord (accord.models.diagnostics); 'last' as Scholz's code",
            help="the forecast of a run whose medians cycle: the mean over one period, or the "
            "last round's median (flagged either way)",
        ),
    )

    def __init__(
        self,
        *,
        rounds: int = 10,
        stop_after: int | None = None,
        probability: Literal["scholz", "bdm", "dmasad"] = "scholz",
        delta: Literal["initial", "scale"] = "initial",
        vote_risk: Literal["own", "one"] = "own",
        capitulation: Literal["replication", "corrected"] = "replication",
        offer_rule: Literal["closest", "scholz"] = "closest",
        cycle_rule: Literal["mean", "last"] = "mean",
    ):
        self.rounds = rounds
        self.stop_after = stop_after
        self.probability = probability
        self.delta = delta
        self.vote_risk = vote_risk
        self.capitulation = capitulation
        self.offer_rule = offer_rule
        self.cycle_rule = cycle_rule
        self._check_params()

    def run(self, arr: IssueArrays) -> EUResult:
        d = None if self.delta == "initial" else arr.scale_max - arr.scale_min
        if self.delta not in ("initial", "scale"):
            raise ValueError(f"delta must be 'initial' or 'scale', got {self.delta!r}")
        return run_expected_utility(
            arr.position,
            arr.capability,
            arr.salience,
            rounds=self.rounds,
            delta=d,
            probability=self.probability,
            vote_risk=self.vote_risk,
            capitulation=self.capitulation,
            offer_rule=self.offer_rule,
        )

    def _last_round(self, medians: np.ndarray) -> np.ndarray:
        """Index of the reported round along axis 0 (per case): fixed, or the stopping rule's."""
        rounds = medians.shape[0] - 1
        last = np.full(medians.shape[1:], rounds)
        if self.stop_after:
            same = np.zeros(medians.shape[1:], dtype=int)
            done = np.zeros(medians.shape[1:], dtype=bool)
            for t in range(1, rounds + 1):
                same = np.where(np.abs(medians[t] - medians[t - 1]) < 1e-9, same + 1, 0)
                hit = (same >= self.stop_after) & ~done
                last = np.where(hit, t, last)
                done |= hit
        return last

    def _issue_inputs(
        self, arrays: ScenarioArrays, k: int, per_round: dict[str, np.ndarray] | None
    ):
        """Issue k's kernel inputs over every draw: columns of the actors with a stance, and
        with shocks the per-round schedule (row t: the state in force during round t + 1)."""
        present = np.asarray(arrays.mask, dtype=bool)[:, k]
        cols = np.flatnonzero(present)
        x = arrays.position[:, cols, k]
        if per_round is None:
            return cols, x, arrays.capability[:, cols, k], arrays.salience[:, cols, k], None
        act = per_round["mask"][:, cols, k]  # (R+1, c)
        cap = np.moveaxis(per_round["capability"][:, :, cols, k], 1, 0)  # (R+1, D, c)
        sal = np.moveaxis(per_round["salience"][:, :, cols, k], 1, 0)
        shape = (act.shape[0], x.shape[0], len(cols))
        sched = Schedule(
            capability=cap[1:],
            salience=sal[1:],
            active=np.broadcast_to(act[:, None, :], shape)[1:],
            initial_active=np.broadcast_to(act[0], x.shape),
        )
        return cols, x, cap[0], sal[0], sched

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """(draws, issues) forecasts, each issue's draws in one batched run of the kernel.

        With a shock schedule every shock applies at its round through the kernel's
        :class:`Schedule`; without one the run is the plain kernel (bit for bit).
        """
        scn = arrays.scenario
        per_round = None if arrays.schedule is None else arrays.schedule.rounds(arrays, self.rounds)
        out = np.empty((arrays.n_draws, len(scn.issues)))
        for k, issue in enumerate(scn.issues):
            cols, x, cap, sal, sched = self._issue_inputs(arrays, k, per_round)
            if len(cols) == 0:
                out[:, k] = np.nan
                continue
            d_scale = None if self.delta == "initial" else issue.scale.max - issue.scale.min
            res = run_expected_utility(
                x,
                cap,
                sal,
                rounds=self.rounds,
                delta=d_scale,
                probability=self.probability,
                vote_risk=self.vote_risk,
                capitulation=self.capitulation,
                offer_rule=self.offer_rule,
                schedule=sched,
            )
            out[:, k] = self._reported(res.medians, issue.scale.max - issue.scale.min)
        return out

    def _reported(self, medians: np.ndarray, width: float) -> np.ndarray:
        """The forecast per case (axis 0: rounds): the stopping rule's round, or with
        ``cycle_rule="mean"`` a cycle's mean over one period ([accord.models.diagnostics])."""
        last = self._last_round(medians)
        value = np.take_along_axis(medians, last[None, ...], axis=0)[0]
        if self.cycle_rule == "last":
            return value
        code, period = cycle_values(medians, tol=CONVERGENCE_TOL * width)
        stopped = last < medians.shape[0] - 1
        for k in distinct(period[(code == 1) & ~stopped]):
            sel = (code == 1) & (period == k) & ~stopped
            value = np.where(sel, medians[-k:].mean(axis=0), value)
        return value

    def forecast_issue(self, arr: IssueArrays, *, rng: np.random.Generator) -> IssueForecast:
        res = self.run(arr)
        last = int(self._last_round(res.medians[:, None])[0])
        events = []
        for t in range(last):
            for i in range(arr.n):
                k = int(res.kind[t, i])
                if k == 0:
                    continue
                j = int(res.proposer[t, i])
                events.append(
                    TraceEvent(
                        t + 1,
                        _KINDS[k],
                        arr.actor_ids[i],
                        arr.issue_id,
                        arr.actor_ids[j],
                        float(res.positions[t, i]),
                        float(res.positions[t + 1, i]),
                        {
                            "eu_own": float(res.eu_own[t, i]),
                            "eu_challenger": float(res.eu_proposer[t, i]),
                            "risk_exponent": float(res.risk[t, i]),
                        },
                    )
                )
        trace = IssueTrace(
            arr.actor_ids, res.positions[: last + 1], res.medians[: last + 1], tuple(events)
        )
        width = arr.scale_max - arr.scale_min
        value = float(self._reported(res.medians[:, None], width)[0])
        conv = classify(res.medians[: last + 1], tol=CONVERGENCE_TOL * width)
        details = {"rounds": last, "convergence": conv.to_dict()}
        return IssueForecast(arr.issue_id, value, trace, details)
