"""The one way a forecasting model plugs in, and the typed results every model returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from accord.rng import as_generator, model_stream

from .params import Param, check_params

if TYPE_CHECKING:
    from accord.scenario import IssueArrays, Scenario
    from accord.scenario.arrays import ScenarioArrays

__all__ = [
    "Forecaster",
    "Model",
    "ModelTags",
    "PerIssueModel",
    "TraceEvent",
    "IssueTrace",
    "IssueForecast",
    "ModelForecast",
    "as_generator",
    "not_applicable",
    "with_default_options",
]


@dataclass(frozen=True)
class ModelTags:
    """What a model can do, declared on its class and read (never probed) by every caller.

    ``round_based``: the model runs in rounds, so a shock applies at its round
    (:class:`accord.scenario.shocks.ShockSchedule`); one-shot models see the state after every
    shock. ``stochastic``: some option set draws random numbers (from the ``rng`` it is given,
    or each Monte Carlo draw's own stream). ``multi_issue``: issues interact inside the model
    (trades, multi-dimensional positions), so it cannot be run issue by issue.
    ``combines``: the model combines other registered models' forecasts (the ensemble).
    ``batched``: with its default options, ``forecast_arrays`` runs every draw at once (fast on
    many Monte Carlo draws); otherwise it runs draw by draw. ``needs``: optional scenario
    fields the model cannot run without (``("procedure",)``); on a scenario that lacks one the
    model does not apply (:func:`not_applicable`): "every model" leaves it out, the ensemble
    never combines it, and asking for it by name raises saying what to add.
    """

    round_based: bool = False
    stochastic: bool = False
    multi_issue: bool = False
    combines: bool = False
    batched: bool = True
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TraceEvent:
    """One thing that happened in a model run, for `accord explain`.

    ``kind`` is model-specific vocabulary (``conflict``, ``compromise``, ``capitulation``,
    ``exchange``, ``bargain``, ``move``...). ``actor`` is the one whose position changed,
    ``other`` its counterpart.
    """

    round: int
    kind: str
    actor: str
    issue: str
    other: str | None = None
    before: float | None = None
    after: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IssueTrace:
    """Round-by-round record: positions (rounds+1 × actors) and the forecast per round."""

    actor_ids: tuple[str, ...]
    positions: np.ndarray
    forecast: np.ndarray
    events: tuple[TraceEvent, ...] = ()

    @property
    def rounds(self) -> int:
        return len(self.forecast) - 1


@dataclass(frozen=True)
class IssueForecast:
    issue_id: str
    value: float
    trace: IssueTrace | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelForecast:
    model: str
    issues: dict[str, IssueForecast]
    params: dict[str, Any] = field(default_factory=dict)

    def value(self, issue_id: str) -> float:
        return self.issues[issue_id].value


@runtime_checkable
class Forecaster(Protocol):
    """A forecasting model: the one way a model plugs in (see the README's contributor guide).

    Hyperparameters are keyword-only, declared in ``PARAMS``, checked at construction and
    stored unchanged. ``forecast_arrays`` is the one array entry point: forecasts shaped
    (draws, issues) for a :class:`ScenarioArrays` batch (a single scenario is the one-draw
    case); ``forecast`` gives one scenario's typed result with its traces.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    citation: ClassVar[str]
    tags: ClassVar[ModelTags]
    PARAMS: ClassVar[tuple[Param, ...]]

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast: ...

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray: ...

    def get_params(self) -> dict[str, Any]: ...

    @classmethod
    def options_from_scenario(cls, scenario: Scenario) -> dict[str, Any]: ...

    def components(self) -> dict[str, float]: ...

    def combine(self, parts: dict[str, np.ndarray]) -> np.ndarray: ...


class Model:
    """Shared plumbing of every registered model: parameters from ``PARAMS``, the repr, and
    the per-draw array path for models whose kernel has no draw axis yet.

    ``forecast_arrays`` here runs :meth:`forecast` on each draw's scenario, each draw with its
    own random stream (``arrays.rng(d, model_stream(name))``), so results never depend on how
    draws are batched; models with a batched kernel override it.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    tags: ClassVar[ModelTags] = ModelTags()
    PARAMS: ClassVar[tuple[Param, ...]] = ()

    @classmethod
    def options_from_scenario(cls, scenario: Scenario) -> dict[str, Any]:
        """Options a scenario carries for this model (e.g. KTAB's ``<ModelParameters>`` for the
        SMP); none by default. :func:`accord.models.options.build_models` applies them before
        the user's ``--model-param``."""
        return {}

    def components(self) -> dict[str, float]:
        """For a model whose tags say ``combines``: the models it combines and their weights."""
        raise NotImplementedError(f"{self.name} combines no other models")

    def combine(self, parts: dict[str, np.ndarray]) -> np.ndarray:
        """For a model whose tags say ``combines``: its forecasts from its components'."""
        raise NotImplementedError(f"{self.name} combines no other models")

    def _check_params(self) -> None:
        check_params(self.PARAMS, self.get_params())

    def get_params(self) -> dict[str, Any]:
        return {p.name: getattr(self, p.name) for p in self.PARAMS}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast:
        raise NotImplementedError

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """(draws, issues) forecasts, one :meth:`forecast` per draw on its own stream."""
        issue_ids = arrays.scenario.issue_ids
        out = np.empty((arrays.n_draws, len(issue_ids)))
        stream = model_stream(self.name)
        for d in range(arrays.n_draws):
            gen = rng if rng is not None and arrays.n_draws == 1 else arrays.rng(d, stream)
            fc = self.forecast(arrays.scenario_at(d), rng=gen)
            out[d] = [fc.issues[i].value if i in fc.issues else np.nan for i in issue_ids]
        return out


class PerIssueModel(Model):
    """Base for models that treat each issue on its own."""

    def forecast(
        self, scenario: Scenario, *, rng: np.random.Generator | None = None
    ) -> ModelForecast:
        gen = as_generator(rng)
        out = {}
        for issue in scenario.issues:
            arr = scenario.arrays(issue.id)
            out[issue.id] = self.forecast_issue(arr, rng=gen)
        return ModelForecast(self.name, out, self.get_params())

    def forecast_issue(self, arr: IssueArrays, *, rng: np.random.Generator) -> IssueForecast:
        raise NotImplementedError


def not_applicable(model: Any, scenario: Scenario) -> str | None:
    """Why ``model`` (a class or an instance) does not apply to ``scenario``, or None when it
    does: the first field of its ``tags.needs`` that the scenario leaves empty."""
    for name in model.tags.needs:
        if getattr(scenario, name, None) is None:
            return f"the scenario has no `{name}:`"
    return None


def with_default_options(model: Any) -> bool:
    """Whether ``model`` runs with its class's default options, so that its forecasts are the
    ones a combining model (the ensemble) would make of that registered model, and can be
    reused by it (:func:`accord.forecast.forecast`, the Monte Carlo's ``evaluate``)."""
    return bool(model.get_params() == type(model)().get_params())
