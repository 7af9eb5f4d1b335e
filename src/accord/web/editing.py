"""The dashboard's scenario routes that change or describe the folder: the list (with where
each scenario comes from), save, save as, and each scenario's history with restore.

Nothing is ever lost: a shipped scenario is read-only (PUT on its name is 409, "save as" writes
a copy under a new name); every save keeps the previous version; a restore keeps the current.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from accord.io import read_any
from accord.scenario import Scenario, ScenarioError, scenario_from_dict, shipped_scenarios

from .files import VERSION_RE, ScenarioFolder
from .schemas import ScenarioInfo, ValidationOut, VersionOut, problems_of, scenario_info

__all__ = ["add_editing_routes", "describe"]

JsonBody = Annotated[dict[str, Any], Body()]
VersionId = Annotated[
    str,
    PathParam(
        pattern=f"^{VERSION_RE.pattern}$",
        description="a version from GET /api/scenarios/{name}/history",
    ),
]


@functools.lru_cache(maxsize=16)
def _shipped_hash(name: str) -> str | None:
    path = shipped_scenarios().get(name)
    return None if path is None else read_any(path).content_hash()


def describe(folder: ScenarioFolder, name: str, origin: str) -> ScenarioInfo:
    """A scenario's line in the list: origin, what it derives from, whether it was changed."""
    derived = folder.derived_from(name) if origin == "folder" else None
    try:
        scn = folder.load(name)
    except HTTPException:
        return ScenarioInfo(
            name=name,
            title="(invalid)",
            actors=0,
            issues=0,
            origin=origin,
            derived_from=derived,
            modified=derived is not None,
            read_only=origin == "shipped",
        )
    modified = derived is not None and scn.content_hash() != _shipped_hash(derived)
    return scenario_info(name, scn, origin, derived_from=derived, modified=modified)


def _invalid(exc: ScenarioError) -> JSONResponse:
    out = ValidationOut(valid=False, problems=problems_of(exc))
    return JSONResponse(out.model_dump(), status_code=422)


def add_editing_routes(app: FastAPI, folder: ScenarioFolder) -> None:
    def fresh(name: str, body: Any) -> Scenario | JSONResponse:
        """The scenario ``body`` for a file ``name`` that must not exist yet: 400 for a bad
        name, 409 when it exists or ships with accord, 422 with every problem when invalid."""
        target = folder.path_of(name)
        folder.refuse_shipped(name)
        if target.exists():
            raise HTTPException(409, f"a scenario named {name!r} exists; choose another name")
        try:
            return scenario_from_dict(body, f"{name}.yaml")
        except ScenarioError as exc:
            return _invalid(exc)

    @app.get("/api/scenarios", response_model=list[ScenarioInfo])
    def list_scenarios() -> list[ScenarioInfo]:
        return [describe(folder, name, origin) for name, origin in folder.names().items()]

    @app.put(
        "/api/scenarios/{name}",
        response_model=ValidationOut,
        summary="Save a scenario of the folder (only the values that changed are rewritten; "
        "comments stay; the previous version is kept)",
        description="A shipped scenario is read-only: 409, save it under a new name with "
        "POST /api/scenarios/{name}/save-as/{new_name}.",
    )
    def save_scenario(name: str, body: JsonBody) -> JSONResponse:
        folder.path_of(name)
        folder.refuse_shipped(name)
        try:
            scn = scenario_from_dict(body, f"{name}.yaml")
        except ScenarioError as exc:
            return _invalid(exc)
        folder.save(name, scn, overwrite=True, derived_from=folder.derived_from(name))
        return JSONResponse(ValidationOut(valid=True).model_dump())

    @app.post(
        "/api/scenarios/{name}/save-as/{new_name}",
        response_model=ScenarioInfo,
        summary="Save a scenario (as edited) under a new name; the original is untouched",
        description="The new file starts from the original's text, so its comments stay. 409 "
        "when a scenario named new_name exists or ships with accord.",
    )
    def save_as(name: str, new_name: str, body: JsonBody) -> Any:
        folder.path_of(name)
        scn = fresh(new_name, body)
        if isinstance(scn, JSONResponse):
            return scn
        base = (folder.source_text(name), folder.load(name))
        derived = folder.derived_from(name)
        folder.save(new_name, scn, overwrite=False, base=base, derived_from=derived)
        return describe(folder, new_name, "folder")

    @app.get(
        "/api/scenarios/{name}/history",
        response_model=list[VersionOut],
        summary="The kept previous versions of a scenario of the folder, newest first",
    )
    def history(name: str) -> list[VersionOut]:
        return [VersionOut(**v.__dict__) for v in folder.history(name)]

    @app.post(
        "/api/scenarios/{name}/restore/{version}",
        response_model=ScenarioInfo,
        summary="Make a kept version current again (the current one is kept as a version too)",
    )
    def restore(name: str, version: VersionId) -> ScenarioInfo:
        folder.restore(name, version)
        return describe(folder, name, "folder")

    @app.post(
        "/api/scenarios/{name}/new",
        response_model=ScenarioInfo,
        summary="Create a new scenario (the wizard's template, or any valid scenario)",
        description="409 when a scenario of that name exists or ships with accord; 422 with "
        "every problem when the body is not a valid scenario.",
    )
    def create(name: str, body: JsonBody) -> Any:
        scn = fresh(name, body)
        if isinstance(scn, JSONResponse):
            return scn
        folder.save(name, scn, overwrite=False)
        return describe(folder, name, "folder")
