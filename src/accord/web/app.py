"""The dashboard's web app and REST API (FastAPI). Thin: every answer comes from the library.

Safety: binds to 127.0.0.1 unless a token is given; with a token every request must carry it
(``Authorization: Bearer``, or ``?token=`` once, which sets a cookie); uploads are size-limited;
scenario names are plain names, so no request can reach a path outside the scenario folder.
"""

from __future__ import annotations

import re
import secrets
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from fastapi import Body, FastAPI, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

import accord
from accord._atomic import atomic_write_text
from accord.io import read_any as load_scenario
from accord.scenario import Scenario, ScenarioError, scenario_from_dict, shipped_scenarios
from accord.store import RunStore, diff_runs

from .analyses import ANALYSES
from .jobs import JobQueue

__all__ = ["create_app", "NAME_RE"]

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
DEFAULT_MAX_UPLOAD = 2 * 1024 * 1024


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
    origin: str


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
    seed: int | None = None


def _problems(exc: ScenarioError) -> list[ProblemOut]:
    out = []
    for p in exc.problems:
        d = p.to_dict()
        out.append(ProblemOut(place=d["place"], rule=d["rule"], value=d.get("value"), fix=d.get("fix"), line=d.get("line")))
    return out


def create_app(folder: str | Path, *, token: str | None = None, db: str | None = None,
               max_upload: int = DEFAULT_MAX_UPLOAD) -> FastAPI:
    """The app over the scenarios in ``folder`` (shipped scenarios are read-only templates)."""
    root = Path(folder).resolve()
    root.mkdir(parents=True, exist_ok=True)
    jobs = JobQueue()
    app = FastAPI(title="accord", version=accord.__version__,
                  description="Model and forecast multi-party negotiations: the dashboard's REST API.")

    # -- safety --------------------------------------------------------------------------------
    @app.middleware("http")
    async def _auth(request: Request, call_next):
        if token is not None:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
                request.cookies.get("accord_token") or request.query_params.get("token")
            if not given or not secrets.compare_digest(given, token):
                return JSONResponse({"detail": "a valid token is required"}, status_code=401)
        response = await call_next(request)
        if token is not None and request.query_params.get("token") == token:
            response.set_cookie("accord_token", token, httponly=True, samesite="strict")
        return response

    def path_of(name: str) -> Path:
        if not NAME_RE.match(name):
            raise HTTPException(400, f"scenario name must match {NAME_RE.pattern}, got {name!r}")
        path = (root / f"{name}.yaml").resolve()
        if path.parent != root:
            raise HTTPException(400, "scenario name escapes the scenario folder")
        return path

    def load(name: str) -> Scenario:
        path = path_of(name)
        try:
            if path.exists():
                return load_scenario(path)
            if name in shipped_scenarios():
                return load_scenario(name)
        except ScenarioError as exc:
            raise HTTPException(422, {"problems": [p.model_dump() for p in _problems(exc)]}) from None
        raise HTTPException(404, f"no scenario named {name!r}")

    def names() -> dict[str, str]:
        found = {n: "shipped" for n in shipped_scenarios()}
        for p in sorted(root.glob("*.yaml")):
            if NAME_RE.match(p.stem):
                found[p.stem] = "folder"
        return found

    # -- pages ---------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        return (resources.files("accord.web") / "static" / "index.html").read_text(encoding="utf-8")

    @app.get("/static/app.js", include_in_schema=False)
    def app_js() -> Response:
        text = (resources.files("accord.web") / "static" / "app.js").read_text(encoding="utf-8")
        return Response(text, media_type="application/javascript")

    # -- scenarios -------------------------------------------------------------------------------
    @app.get("/api/schema", summary="JSON Schema of the scenario format")
    def schema() -> dict[str, Any]:
        return Scenario.model_json_schema()

    @app.get("/api/scenarios", response_model=list[ScenarioInfo])
    def list_scenarios() -> list[ScenarioInfo]:
        out = []
        for name, origin in names().items():
            try:
                scn = load(name)
            except HTTPException:
                out.append(ScenarioInfo(name=name, title="(invalid)", actors=0, issues=0, origin=origin))
                continue
            out.append(ScenarioInfo(name=name, title=scn.metadata.title, actors=len(scn.actors),
                                    issues=len(scn.issues), origin=origin))
        return out

    @app.get("/api/scenarios/{name}")
    def get_scenario(name: str) -> dict[str, Any]:
        return load(name).model_dump(mode="json", exclude_none=True)

    @app.post("/api/validate", response_model=ValidationOut)
    def validate(body: dict[str, Any] = Body(...)) -> ValidationOut:
        try:
            scenario_from_dict(body, "scenario")
        except ScenarioError as exc:
            return ValidationOut(valid=False, problems=_problems(exc))
        return ValidationOut(valid=True)

    @app.put("/api/scenarios/{name}", response_model=ValidationOut)
    def save_scenario(name: str, body: dict[str, Any] = Body(...)) -> JSONResponse:
        path = path_of(name)
        try:
            scn = scenario_from_dict(body, f"{name}.yaml")
        except ScenarioError as exc:
            return JSONResponse(ValidationOut(valid=False, problems=_problems(exc)).model_dump(), status_code=422)
        text = yaml.safe_dump(scn.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True)
        atomic_write_text(path, text)
        return JSONResponse(ValidationOut(valid=True).model_dump())

    @app.post("/api/upload", response_model=ScenarioInfo, summary="Import a scenario file into the folder")
    async def upload(file: UploadFile, name: str | None = None) -> ScenarioInfo:
        import tempfile

        stem = name or Path(file.filename or "upload").stem
        stem = re.sub(r"[^A-Za-z0-9_-]", "-", stem)[:64].strip("-") or "upload"
        target = path_of(stem)
        data = await file.read(max_upload + 1)
        if len(data) > max_upload:
            raise HTTPException(413, f"uploads are limited to {max_upload} bytes")
        suffix = Path(file.filename or "x.yaml").suffix.lower()
        if suffix not in (".yaml", ".yml", ".csv", ".tsv", ".xml", ".xlsx", ".json"):
            raise HTTPException(415, "upload a YAML scenario or a file accord can import (csv, tsv, xml, xlsx)")
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / f"upload{suffix}"
            p.write_bytes(data)
            try:
                scn = load_scenario(p)
            except ScenarioError as exc:
                raise HTTPException(422, {"problems": [q.model_dump() for q in _problems(exc)]}) from None
        atomic_write_text(target, yaml.safe_dump(scn.model_dump(mode="json", exclude_none=True), sort_keys=False,
                                                 allow_unicode=True))
        return ScenarioInfo(name=stem, title=scn.metadata.title, actors=len(scn.actors), issues=len(scn.issues),
                            origin="folder")

    @app.get("/api/scenarios/{name}/brief", response_class=HTMLResponse)
    def brief(name: str, seed: int = 0) -> str:
        from accord.report.brief import build_brief

        return build_brief(load(name), seed=seed)

    # -- analyses ----------------------------------------------------------------------------------
    @app.get("/api/analyses")
    def analyses() -> dict[str, dict[str, Any]]:
        return {k: dict(v[1]) for k, v in ANALYSES.items()}

    @app.post("/api/scenarios/{name}/run/{kind}", response_model=JobOut)
    def run(name: str, kind: str, params: dict[str, Any] | None = Body(None)) -> JobOut:
        if kind not in ANALYSES:
            raise HTTPException(404, f"no analysis {kind!r}; analyses are {sorted(ANALYSES)}")
        scn = load(name)
        fn, defaults = ANALYSES[kind]
        merged = {**defaults, **(params or {})}
        unknown = set(merged) - set(defaults)
        if unknown:
            raise HTTPException(422, f"unknown parameters {sorted(unknown)}; known: {sorted(defaults)}")

        def work(job):
            store = RunStore(db)
            try:
                job.run_id = store.start(kind, scenario=scn, params=merged, seed=merged.get("seed"))
                try:
                    result = fn(scn, job, merged)
                except Exception as exc:
                    store.fail(job.run_id, f"{type(exc).__name__}: {exc}")
                    raise
                store.finish(job.run_id, results=result)
                return result
            finally:
                store.close()

        return JobOut(**jobs.submit(kind, name, work).public())

    @app.get("/api/jobs/{job_id}", response_model=JobOut)
    def job(job_id: str) -> JobOut:
        j = jobs.get(job_id)
        if j is None:
            raise HTTPException(404, f"no job {job_id!r}")
        return JobOut(**j.public())

    # -- runs ----------------------------------------------------------------------------------------
    @app.get("/api/runs", response_model=list[RunOut])
    def runs(limit: int = 50) -> list[RunOut]:
        store = RunStore(db)
        try:
            return [RunOut(id=r.id, kind=r.kind, status=r.status, created_at=r.created_at, scenario=r.scenario_title,
                           seed=r.seed) for r in store.list(limit=max(1, min(limit, 500)))]
        finally:
            store.close()

    @app.get("/api/runs/{a}/diff/{b}")
    def diff(a: str, b: str) -> dict[str, Any]:
        store = RunStore(db)
        try:
            try:
                ra, rb = store.get(a), store.get(b)
            except KeyError as exc:
                raise HTTPException(404, str(exc.args[0])) from None
            d = diff_runs(ra, rb)
            return {"a": d.a, "b": d.b, "lines": d.lines(),
                    "inputs": [[p, repr(o), repr(n)] for p, o, n in d.inputs],
                    "forecasts": [[i, m, o, n] for i, m, o, n in d.forecasts]}
        finally:
            store.close()

    return app
