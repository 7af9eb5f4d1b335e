"""Run the registered models on a scenario and collect their forecasts per issue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.models.base import Forecaster, ModelForecast
from accord.models.registry import MODELS, get_model

if TYPE_CHECKING:
    import pandas as pd

    from accord.scenario import Scenario
    from accord.scenario.model import EvidenceCoverage

__all__ = ["ForecastResult", "IssueSummary", "forecast", "resolve_models"]


@dataclass(frozen=True)
class IssueSummary:
    issue_id: str
    question: str
    values: dict[str, float]
    labels: dict[str, str]
    spread: float
    spread_share: float

    @property
    def low(self) -> float:
        return min(self.values.values())

    @property
    def high(self) -> float:
        return max(self.values.values())


@dataclass(frozen=True)
class ForecastResult:
    """Every model's forecast on every issue of one scenario."""

    scenario: Scenario
    models: tuple[ModelForecast, ...]
    seed: int | None

    @property
    def model_names(self) -> list[str]:
        return [m.model for m in self.models]

    def model(self, name: str) -> ModelForecast:
        for m in self.models:
            if m.model == name:
                return m
        raise KeyError(name)

    @property
    def coverage(self) -> EvidenceCoverage:
        return self.scenario.evidence_coverage()

    def issues(self) -> list[IssueSummary]:
        out = []
        for issue in self.scenario.issues:
            vals = {m.model: m.issues[issue.id].value for m in self.models}
            width = issue.scale.max - issue.scale.min
            spread = max(vals.values()) - min(vals.values()) if vals else 0.0
            out.append(
                IssueSummary(
                    issue.id,
                    issue.question,
                    vals,
                    {k: issue.scale.describe(v) for k, v in vals.items()},
                    spread,
                    spread / width,
                )
            )
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per (issue, model): value, the nearest scale label, and the model spread."""
        rows = []
        for s in self.issues():
            for model, value in s.values.items():
                rows.append(
                    {
                        "issue": s.issue_id,
                        "model": model,
                        "forecast": value,
                        "label": s.labels[model],
                        "spread": s.spread,
                    }
                )
        import pandas as pd

        return pd.DataFrame(rows, columns=["issue", "model", "forecast", "label", "spread"])

    def to_dict(self) -> dict[str, Any]:
        cov = self.coverage
        return {
            "scenario": self.scenario.metadata.title,
            "scenario_hash": self.scenario.content_hash(),
            "seed": self.seed,
            "models": self.model_names,
            "evidence": {
                "numbers": cov.total,
                "quoted": cov.quoted,
                "judgement": cov.judgement,
                "unsupported": cov.unsupported,
                "share_evidenced": round(cov.share_evidenced, 4),
            },
            "issues": [
                {
                    "issue": s.issue_id,
                    "question": s.question,
                    "forecasts": {
                        m: {"value": round(v, 6), "label": s.labels[m]} for m, v in s.values.items()
                    },
                    "spread": round(s.spread, 6),
                }
                for s in self.issues()
            ],
        }


def resolve_models(models: Iterable[str | Forecaster] | None) -> list[Forecaster]:
    if models is None:
        return [m() for m in MODELS]
    out: list[Forecaster] = []
    for m in models:
        out.append(get_model(m) if isinstance(m, str) else m)
    return out


def forecast(
    scenario: Scenario,
    models: Sequence[str | Forecaster] | None = None,
    *,
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
) -> ForecastResult:
    """Every requested model's forecast on every issue of ``scenario``.

    ``models`` are registry names or model instances (default: every registered model).
    Each model gets its own stream spawned from ``seed`` (or from ``rng``), so adding a model
    does not change the others' results.
    """
    if rng is not None and seed not in (None, 0):
        raise ValueError("give seed= or rng=, not both")
    chosen = resolve_models(models)
    if rng is not None:
        seeds = rng.bit_generator.seed_seq.spawn(len(chosen))  # type: ignore[attr-defined]
    else:
        seeds = np.random.SeedSequence(seed).spawn(len(chosen))
    results = tuple(
        m.forecast(scenario, rng=np.random.default_rng(s))
        for m, s in zip(chosen, seeds, strict=True)
    )
    return ForecastResult(scenario, results, seed)
