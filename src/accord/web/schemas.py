"""The shapes of the dashboard API's answers (pydantic models, so OpenAPI documents them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from accord.scenario import Scenario, ScenarioError

__all__ = [
    "JobOut",
    "ProblemOut",
    "RunDetail",
    "RunOut",
    "RunPatch",
    "ScenarioInfo",
    "ValidationOut",
    "VersionOut",
    "problems_of",
    "scenario_info",
]


class ProblemOut(BaseModel):
    place: str
    rule: str
    value: str | None = None
    fix: str | None = None
    line: int | None = None


class ValidationOut(BaseModel):
    valid: bool
    problems: list[ProblemOut] = []


class ScenarioInfo(BaseModel):
    name: str
    title: str
    actors: int
    issues: int
    origin: str = Field(description='"shipped" (read-only) or "folder" (the analyst\'s own)')
    derived_from: str | None = Field(
        None, description="the shipped scenario a scenario of the folder was saved from"
    )
    modified: bool = Field(
        False, description="a scenario of the folder that differs from the one it derives from"
    )
    read_only: bool = Field(False, description="shipped: save edits under a new name")


class VersionOut(BaseModel):
    version: str = Field(description="the UTC time of the save that replaced this version")
    saved_at: str
    size: int
    title: str | None = None


class JobOut(BaseModel):
    id: str
    kind: str
    scenario: str
    status: str
    progress: float
    message: str
    result: Any = None
    error: str | None = None
    run_id: str | None = None


class RunOut(BaseModel):
    id: str
    kind: str
    status: str
    created_at: str
    scenario: str | None = None
    scenario_name: str | None = None
    seed: int | None = None
    label: str | None = None
    note: str | None = None


class RunDetail(RunOut):
    """A stored run with everything needed to show its results again as they were."""

    finished_at: str | None = None
    params: dict[str, Any] = {}
    version: str
    results: Any = None
    error: str | None = None
    actors: list[dict[str, str]] = []


class RunPatch(BaseModel):
    """A run's label and note; a field left out is left as it is, ``""`` clears it."""

    model_config = {"extra": "forbid"}
    label: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=4000)


def problems_of(exc: ScenarioError) -> list[ProblemOut]:
    out = []
    for p in exc.problems:
        d = p.to_dict()
        out.append(
            ProblemOut(
                place=d["place"],
                rule=d["rule"],
                value=d.get("value"),
                fix=d.get("fix"),
                line=d.get("line"),
            )
        )
    return out


def scenario_info(
    name: str,
    scn: Scenario,
    origin: str,
    *,
    derived_from: str | None = None,
    modified: bool = False,
) -> ScenarioInfo:
    return ScenarioInfo(
        name=name,
        title=scn.metadata.title,
        actors=len(scn.actors),
        issues=len(scn.issues),
        origin=origin,
        derived_from=derived_from,
        modified=modified,
        read_only=origin == "shipped",
    )
