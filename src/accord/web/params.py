"""The parameters of each analysis, with the range each may take (422 outside it).

The ranges bound the work one request can ask for; within them a job still runs under the
job pool's time limit (see :mod:`accord.web.jobs`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MAX_SEED",
    "PARAMS",
    "AnalysisParams",
    "BargainParams",
    "CompareParams",
    "ForecastParams",
    "ProcessParams",
    "SOBOL_SIZES",
    "SensitivityParams",
    "SimulateParams",
    "seed_field",
]

MAX_SEED = 2**32 - 1


def seed_field() -> Any:
    return Field(0, ge=0, le=MAX_SEED, description=f"random seed, 0 to {MAX_SEED}")


class AnalysisParams(BaseModel):
    """Unknown parameters are refused, so a typo never silently runs the default."""

    model_config = ConfigDict(extra="forbid")


def model_params_field() -> Any:
    return Field(
        default_factory=list,
        max_length=32,
        description="model options MODEL.OPTION=VALUE (at most 32), checked by the models' "
        "parameter tables; the scenario's own options apply first",
    )


ModelParam = Annotated[str, Field(min_length=3, max_length=128)]


class ForecastParams(AnalysisParams):
    seed: int = seed_field()
    model_params: list[ModelParam] = model_params_field()


class BargainParams(AnalysisParams):
    months: int = Field(120, ge=1, le=600, description="months looked ahead, 1 to 600")
    resolution: int = Field(
        11, ge=2, le=101, description="grid points per continuous issue, 2 to 101"
    )


class SimulateParams(AnalysisParams):
    draws: int = Field(500, ge=1, le=20_000, description="Monte Carlo draws, 1 to 20,000")
    seed: int = seed_field()
    models: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        None, max_length=16, description="model names (at most 16); default: the batched models"
    )
    model_params: list[ModelParam] = model_params_field()


class ProcessParams(AnalysisParams):
    runs: int = Field(100, ge=1, le=2_000, description="simulated talks per process, 1 to 2,000")
    seed: int = seed_field()
    month: float = Field(0, ge=0, le=600, description="starting month, 0 to 600")
    strategy: str = Field("", max_length=64, description="default strategy (empty: the model's)")
    compare: str = Field(
        "prep-talks,summit,ultimatum,mediated",
        min_length=1,
        max_length=256,
        description="comma-separated processes to compare",
    )


#: Sobol base sample sizes the dashboard offers (powers of 2; the models run n·(inputs + 2)
#: times: 256 on the default scenario is about 9,700 runs, a few seconds)
SOBOL_SIZES = (64, 128, 256, 512, 1024)


class SensitivityParams(AnalysisParams):
    model: str = Field("bdm", min_length=1, max_length=64, description="the model to vary")
    method: Literal["tornado", "sobol", "both"] = Field(
        "tornado",
        description="tornado (each input at its ends, one at a time), Sobol indices (every "
        "input over its whole range at once, with interactions) or both",
    )
    n: Literal[64, 128, 256, 512, 1024] = Field(
        256,
        description="Sobol base sample size, a power of 2 from 64 to 1,024; the model runs "
        "n × (inputs + 2) times",
    )
    seed: int = seed_field()
    top: int = Field(8, ge=1, le=100, description="inputs shown per issue, 1 to 100")


class CompareParams(AnalysisParams):
    against: str = Field(
        "ukraine-2024-11",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="the scenario compared with (version A; the open one is B)",
    )
    draws: int = Field(200, ge=0, le=2_000, description="Monte Carlo draws per side, 0 to 2,000")
    runs: int = Field(50, ge=0, le=500, description="process runs per side, 0 to 500")
    seed: int = seed_field()


#: kind -> its parameters' model
PARAMS: dict[str, type[AnalysisParams]] = {
    "forecast": ForecastParams,
    "bargain": BargainParams,
    "simulate": SimulateParams,
    "process": ProcessParams,
    "sensitivity": SensitivityParams,
    "compare": CompareParams,
}
