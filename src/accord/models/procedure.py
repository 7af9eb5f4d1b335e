"""The procedure-aware compromise: the weighted mean of positions with capabilities set by the
EU decision rule of the scenario (its ``procedure:``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .base import IssueForecast, IssueTrace, Model, ModelForecast, ModelTags
from .compromise import weighted_mean
from .params import Param

if TYPE_CHECKING:
    from accord.scenario import Scenario
    from accord.scenario.arrays import ScenarioArrays

__all__ = ["PROCEDURE_SHARES", "ProcedureCompromise", "procedure_capability"]

#: The Commission's and the Parliament's shares (c, e) of the total capability per legislative
#: procedure; the Council has 1 − c − e. Fitted by ``accord.backtest.procedure.
#: fit_procedure_weights`` (grid step 0.05, least training MAE) on the 58 DEU III proposals
#: introduced before 2000 ([Arregui2021]), the training set of the rolling backtest's first fold,
#: so that no backtest fold (rolling from 2000, split from 2004) scores them on a proposal they
#: were fitted on; ``tests/test_procedure_model.py`` re-fits them.
PROCEDURE_SHARES: dict[str, tuple[float, float]] = {
    "co-decision": (0.10, 0.20),
    "consultation": (0.00, 0.20),
}


def _check_shares(shares: Any) -> None:
    ok = isinstance(shares, dict) and set(shares) <= set(PROCEDURE_SHARES) and shares
    for pair in shares.values() if ok else ():
        c, e = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, None)
        good = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (c, e))
        if not good or not (0 <= c and 0 <= e and c + e < 1):  # type: ignore[operator]
            ok = False
    if not ok:
        raise ValueError(
            "shares must be a mapping of procedures among "
            f"{', '.join(repr(p) for p in PROCEDURE_SHARES)} to [commission, parliament] "
            f"shares, each ≥ 0 with a sum below 1, or None; got {shares!r}"
        )


def procedure_capability(
    scenario: Scenario, capability: np.ndarray, mask: np.ndarray, shares: tuple[float, float]
) -> np.ndarray:
    """(..., n, m) capabilities under the scenario's procedure ([ThomsonHosli2006];
    [Thomson2011]; [Leinaweaver2014]) from (..., n, m) ``capability``, zero where an actor
    takes no stance (``mask`` False).

    On each issue the Commission gets c and the Parliament e; the Council's members with a
    stance share 1 − c − e, by their capabilities (their votes) under QMV and equally under
    unanimity (each can veto); an actor outside the institutions gets 0. Scaling every
    capability by one factor changes nothing.
    """
    proc = scenario.procedure
    assert proc is not None
    c, e = shares
    roles = proc.roles(scenario.actor_ids)
    role = np.array([roles[a] for a in scenario.actor_ids])
    council = (role == "council")[:, None]
    cap = np.where(mask, np.asarray(capability, dtype=float), 0.0)
    votes = np.where(council & mask, cap if proc.council == "qmv" else 1.0, 0.0)
    total = votes.sum(axis=-2, keepdims=True)
    share = np.divide(votes, total, out=np.zeros_like(votes), where=total > 0)
    out = (1.0 - c - e) * share  # [ThomsonHosli2006] the Council's part, by its voting rule
    out = out + np.where((role == "commission")[:, None] & mask, c, 0.0)
    return out + np.where((role == "parliament")[:, None] & mask, e, 0.0)


class ProcedureCompromise(Model):
    """Procedure-aware compromise: the capability × salience weighted mean of positions
    ([Achen2006], eq. 1) with capabilities that follow the EU decision rule, as the EU-power
    literature argues ([ThomsonHosli2006]; [Thomson2011]; [Leinaweaver2014]).

    It needs the scenario's ``procedure:`` (:class:`accord.scenario.Procedure`): the
    legislative procedure gives the Commission's and the Parliament's shares (c, e) of the
    total (:data:`PROCEDURE_SHARES`, fitted on DEU proposals before 2000), the Council's
    voting rule how its members share 1 − c − e (by their capabilities, read as their votes,
    under QMV; equally under unanimity). A scenario without a procedure is not one it applies
    to (``tags.needs``): the forecasts of every model leave it out, and asking for it raises
    saying what to add. Where every weight on an issue is zero (say only the Parliament takes
    a stance under a procedure that gives it none) the plain mean of the positions is used,
    as the compromise model does.
    """

    name: ClassVar[str] = "procedure"
    label: ClassVar[str] = "Procedure-aware compromise"
    citation: ClassVar[str] = "[ThomsonHosli2006]"
    tags: ClassVar[ModelTags] = ModelTags(needs=("procedure",))
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param(
            "shares",
            dict,
            None,
            none=True,
            source="[ThomsonHosli2006]; fitted on DEU III before 2000 [Arregui2021]",
            help="procedure -> [commission, parliament] shares of the total capability; "
            "None: the shipped fitted shares (PROCEDURE_SHARES)",
        ),
    )

    def __init__(self, *, shares: dict[str, Any] | None = None):
        self.shares = shares
        self._check_params()
        if shares is not None:
            _check_shares(shares)

    def shares_for(self, scenario: Scenario) -> tuple[float, float]:
        """(c, e) of the scenario's procedure; raises, saying what to add, without one."""
        proc = scenario.procedure
        if proc is None:
            raise ValueError(
                f"{scenario.metadata.title}: the procedure model needs the scenario's "
                "`procedure:` (legislative: co-decision or consultation; council: qmv or "
                "unanimity; commission and parliament: their actor ids), and it has none; add "
                "it, or leave this model out (every other model applies)"
            )
        table = {**PROCEDURE_SHARES, **(self.shares or {})}
        c, e = table[proc.legislative]
        return float(c), float(e)

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """[Achen2006, eq. 1] with the procedure's capabilities, every draw and issue at once."""
        scn = arrays.scenario
        cap = procedure_capability(scn, arrays.capability, arrays.mask, self.shares_for(scn))
        w = np.swapaxes(np.where(arrays.mask, cap * arrays.salience, 0.0), 1, 2)  # (D, m, n)
        x = np.swapaxes(np.where(arrays.mask, arrays.position, 0.0), 1, 2)
        out = weighted_mean(x, w)
        total = w.sum(axis=-1)
        if (total <= 0).any():  # every weight zero: the plain mean of the stance-takers
            with np.errstate(invalid="ignore"):
                plain = np.nanmean(
                    np.swapaxes(np.where(arrays.mask, arrays.position, np.nan), 1, 2), axis=-1
                )
            out = np.where(total > 0, out, plain)
        return out

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast:
        from accord.scenario.arrays import ScenarioArrays

        values = self.forecast_arrays(ScenarioArrays.from_scenario(scenario))[0]
        out = {}
        for k, issue in enumerate(scenario.issues):
            arr = scenario.arrays(issue.id)
            trace = IssueTrace(arr.actor_ids, arr.position[None, :].copy(), np.array([values[k]]))
            out[issue.id] = IssueForecast(issue.id, float(values[k]), trace)
        return ModelForecast(self.name, out, self.get_params())
