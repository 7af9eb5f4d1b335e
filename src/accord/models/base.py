"""The one way a forecasting model plugs in, and the typed results every model returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from accord.scenario import IssueArrays, Scenario

__all__ = [
    "Forecaster",
    "PerIssueModel",
    "TraceEvent",
    "IssueTrace",
    "IssueForecast",
    "ModelForecast",
    "as_generator",
]


def as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A generator from a seed, an existing generator, or a fixed default seed of 0."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


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
    """A forecasting model. Hyperparameters are keyword-only and stored unchanged."""

    name: ClassVar[str]
    label: ClassVar[str]
    citation: ClassVar[str]

    def forecast(self, scenario: Scenario, *, rng: np.random.Generator | None = None) -> ModelForecast: ...

    def get_params(self) -> dict[str, Any]: ...


class PerIssueModel:
    """Base for models that treat each issue on its own."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    citation: ClassVar[str] = ""

    def get_params(self) -> dict[str, Any]:
        return dict(vars(self))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def forecast(self, scenario: Scenario, *, rng: np.random.Generator | None = None) -> ModelForecast:
        gen = as_generator(rng)
        out = {}
        for issue in scenario.issues:
            arr = scenario.arrays(issue.id)
            out[issue.id] = self.forecast_issue(arr, rng=gen)
        return ModelForecast(self.name, out, self.get_params())

    def forecast_issue(self, arr: IssueArrays, *, rng: np.random.Generator) -> IssueForecast:
        raise NotImplementedError
