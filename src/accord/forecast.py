"""Run the registered models on a scenario and collect their forecasts per issue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.models.base import Forecaster, ModelForecast, not_applicable, with_default_options
from accord.models.registry import MODELS, get_model

if TYPE_CHECKING:
    import pandas as pd

    from accord.scenario import Scenario
    from accord.scenario.model import EvidenceCoverage

__all__ = ["CONSENSUS_MODEL", "ForecastResult", "IssueSummary", "forecast", "resolve_models"]


#: The declared consensus: the one model whose forecast is the headline everywhere (the brief's
#: key judgements, the dashboard's overview), shown with the other models' range beside it.
#: The stacking ensemble's weights are fitted on past outcomes (docs/backtest.md).
CONSENSUS_MODEL = "ensemble"


@dataclass(frozen=True)
class IssueSummary:
    """One issue's forecasts by every model, with what must be said next to each number.

    ``values`` are what each model reports (on a discrete issue: the admissible option nearest
    the model's own value, which is kept in ``raw``); ``notes`` are the warnings per model
    (no stable forecast, a party's red line broken, a value snapped to an option);
    ``agreement`` says whether the models land on the same labelled deal term.
    """

    issue_id: str
    question: str
    values: dict[str, float]
    labels: dict[str, str]
    spread: float
    spread_share: float
    raw: dict[str, float] = field(default_factory=dict)
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    agreement: str = ""
    consensus: float | None = None

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
        from accord.forecast_notes import issue_summary

        return [issue_summary(self.scenario, issue, self.models) for issue in self.scenario.issues]

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
        from accord.forecast_notes import convergence

        cov = self.coverage
        return {
            "scenario": self.scenario.metadata.title,
            "scenario_hash": self.scenario.content_hash(),
            "seed": self.seed,
            "models": self.model_names,
            "evidence": {
                "numbers": cov.total,
                "quoted": cov.quoted,
                "reader_comments": cov.comments,
                "judgement": cov.judgement,
                "unsupported": cov.unsupported,
                "share_evidenced": round(cov.share_evidenced, 4),
            },
            "consensus_model": CONSENSUS_MODEL if CONSENSUS_MODEL in self.model_names else None,
            "issues": [
                {
                    "issue": s.issue_id,
                    "question": s.question,
                    "forecasts": {
                        m: {
                            "value": round(v, 6),
                            "label": s.labels[m],
                            **({"raw": round(s.raw[m], 6)} if s.raw.get(m, v) != v else {}),
                            "notes": list(s.notes.get(m, ())),
                            "convergence": convergence(
                                self.model(m).issues[s.issue_id],
                                self.scenario.issue(s.issue_id),
                            ),
                        }
                        for m, v in s.values.items()
                    },
                    "spread": round(s.spread, 6),
                    "agreement": s.agreement,
                    "consensus": None if s.consensus is None else round(s.consensus, 6),
                }
                for s in self.issues()
            ],
        }


def resolve_models(
    models: Iterable[str | Forecaster] | None, scenario: Scenario | None = None
) -> list[Forecaster]:
    """Model instances for registry names or instances; ``None``: every registered model that
    applies to ``scenario`` (all of them without one). A model whose ``tags.needs`` the
    scenario lacks (the procedure model on a scenario without ``procedure:``) is left out of
    "every model"; named explicitly, it raises when run, saying what to add."""
    if models is None:
        return [m() for m in MODELS if scenario is None or not_applicable(m, scenario) is None]
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

    ``models`` are registry names or model instances (default: every registered model that
    applies to the scenario, :func:`resolve_models`).
    Each model gets its own stream spawned from ``seed`` (or from ``rng``), so adding a model
    does not change the others' results.
    """
    if rng is not None and seed not in (None, 0):
        raise ValueError("give seed= or rng=, not both")
    chosen = resolve_models(models, scenario)
    if rng is not None:
        seeds = rng.bit_generator.seed_seq.spawn(len(chosen))  # type: ignore[attr-defined]
    else:
        seeds = np.random.SeedSequence(seed).spawn(len(chosen))
    from accord.models.ensemble import Ensemble

    results: list = [None] * len(chosen)
    done = {}  # forecasts of registered models with their default options, for the ensemble
    for j, (m, s) in enumerate(zip(chosen, seeds, strict=True)):
        if not isinstance(m, Ensemble):
            results[j] = m.forecast(scenario, rng=np.random.default_rng(s))
            if with_default_options(m):  # as the Monte Carlo reuses them
                done[m.name] = results[j]
    for j, (m, s) in enumerate(zip(chosen, seeds, strict=True)):
        if isinstance(m, Ensemble):  # its components' forecasts made above are not run again
            results[j] = m.forecast(scenario, rng=np.random.default_rng(s), known=done)
    return ForecastResult(scenario, tuple(results), seed)
