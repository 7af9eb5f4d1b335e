"""The dashboard's web app and REST API (FastAPI). Thin: every answer comes from the library.

Safety (see docs/security.md): every request needs the per-server token or the cookie it was
exchanged for, even on loopback; state-changing requests from another site or origin get 403;
only known Host names are served; bodies are limited before they are read; analyses run in a
bounded job pool with ranged parameters, cancellation and a time limit; scenario names are
plain names, so no request can reach a path outside the scenario folder; shipped scenarios
are read-only and overwriting a scenario keeps the previous version (:mod:`.editing`).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Body, FastAPI, HTTPException, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

import accord
from accord.scenario import Scenario, ScenarioError, scenario_from_dict
from accord.store import ReviewStore, RunStore, default_url

from .analyses import ANALYSES, explore_payload, forecast_payload
from .audit import Attribution
from .brief import BriefRoom
from .charts import add_chart_routes, warm_vega_bundle
from .editing import add_editing_routes
from .files import NAME_RE, ScenarioFolder, parse_upload, upload_stem, yaml_text
from .jobs import Job, JobQueue, QueueFull
from .params import MAX_SEED, PARAMS
from .review import add_review_routes
from .runs import add_run_routes
from .schemas import JobOut, ScenarioInfo, ValidationOut, problems_of, scenario_info
from .security import SecurityConfig, host_names, install
from .users import Team

__all__ = ["DEFAULT_MAX_UPLOAD", "NAME_RE", "WHATIF_MAX_ACTORS", "WHATIF_MAX_STANCES", "create_app"]

#: The largest scenario a what-if forecast runs on directly (outside the job pool): a live
#: forecast of ukraine-2025 takes about 0.2 s; larger scenarios go through a job.
WHATIF_MAX_ACTORS = 60
WHATIF_MAX_STANCES = 600

DEFAULT_MAX_UPLOAD = 2 * 1024 * 1024
#: room for the multipart envelope around an upload of ``max_upload`` bytes
BODY_SLACK = 64 * 1024
JsonBody = Annotated[dict[str, Any], Body()]
OptionalBody = Annotated[dict[str, Any] | None, Body()]
JobId = Annotated[
    str, PathParam(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$", description="a job id")
]


def _static(name: str) -> str:
    return (resources.files("accord.web") / "static" / name).read_text(encoding="utf-8")


def _validated_params(kind: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The analysis' parameters, checked against their ranges (422 with the reason)."""
    if kind not in PARAMS:
        raise HTTPException(404, f"no analysis {kind!r}; analyses are {sorted(PARAMS)}")
    try:
        return PARAMS[kind].model_validate(params or {}).model_dump()
    except ValidationError as exc:
        errors = [{**e, "loc": ["body", *e["loc"]]} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def _job_work(
    kind: str,
    name: str,
    scn: Scenario,
    params: dict[str, Any],
    db: str | None,
    other: Scenario | None = None,
) -> Callable[[Job], Any]:
    fn = ANALYSES[kind][0]
    if other is not None:
        fn = functools.partial(fn, other=other)

    def work(job: Job) -> Any:
        store = RunStore(db)
        try:
            job.run_id = store.start(
                kind, scenario=scn, params=params, seed=params.get("seed"), name=name
            )
            try:
                result = fn(scn, job, params)
                job.check()
            except Exception as exc:
                store.fail(job.run_id, f"{type(exc).__name__}: {exc}")
                raise
            store.finish(job.run_id, results=result)
            return result
        finally:
            store.close()

    return work


def _add_scenario_routes(app: FastAPI, folder: ScenarioFolder, max_upload: int) -> None:
    @app.get("/api/schema", summary="JSON Schema of the scenario format")
    def schema() -> dict[str, Any]:
        return Scenario.model_json_schema()

    @app.get("/api/scenarios/{name}")
    def get_scenario(name: str) -> dict[str, Any]:
        return folder.load(name).model_dump(mode="json", exclude_none=True)

    @app.get(
        "/api/scenarios/{name}/explore",
        summary="Round-based models' positions round by round, with the Explore panel's charts",
        description="model: a round-based model (default the first); issue: the issue of the "
        "turn chart; x, y: the two issues of the position plot. 422 when a choice does not fit.",
    )
    def explore(
        name: str,
        model: str | None = Query(None, max_length=64),
        issue: str | None = Query(None, max_length=200),
        x: str | None = Query(None, max_length=200),
        y: str | None = Query(None, max_length=200),
        seed: int = Query(0, ge=0, le=MAX_SEED),
        model_param: Annotated[
            list[str] | None,
            Query(max_length=32, description="model options MODEL.OPTION=VALUE, as --model-param"),
        ] = None,
    ) -> dict[str, Any]:
        scn = folder.load(name)
        try:
            return explore_payload(
                scn, model, issue, x, y, seed=seed, model_params=model_param or ()
            )
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.post("/api/validate", response_model=ValidationOut)
    def validate(body: JsonBody) -> ValidationOut:
        try:
            scenario_from_dict(body, "scenario")
        except ScenarioError as exc:
            return ValidationOut(valid=False, problems=problems_of(exc))
        return ValidationOut(valid=True)

    @app.post(
        "/api/whatif/forecast",
        summary="Every model's forecast of an unsaved scenario (what-if: nothing is written)",
    )
    def whatif(body: JsonBody) -> dict[str, Any]:
        try:
            scn = scenario_from_dict(body, "scenario")
        except ScenarioError as exc:
            raise HTTPException(
                422, {"problems": [p.model_dump() for p in problems_of(exc)]}
            ) from None
        stances = sum(len(a.stances) for a in scn.actors)
        if len(scn.actors) > WHATIF_MAX_ACTORS or stances > WHATIF_MAX_STANCES:
            raise HTTPException(
                413,
                f"{len(scn.actors)} actors and {stances} stances are too many for a live what-if "
                f"(at most {WHATIF_MAX_ACTORS} and {WHATIF_MAX_STANCES}): save the scenario and "
                "run the forecast analysis, which runs as a job with a time limit",
            )
        return forecast_payload(scn, specs=False)

    @app.post(
        "/api/upload",
        response_model=ScenarioInfo,
        summary="Import a scenario file into the folder",
        description="An existing scenario of that name is replaced only with "
        "overwrite=true, and then kept as a timestamped backup.",
    )
    async def upload(
        file: UploadFile, name: str | None = Query(None, max_length=64), overwrite: bool = False
    ) -> ScenarioInfo:
        stem = upload_stem(file.filename, name)
        target = folder.path_of(stem)
        folder.refuse_shipped(stem)
        if target.exists() and not overwrite:
            raise HTTPException(
                409,
                f"a scenario named {stem!r} exists; send overwrite=true "
                "to replace it (a backup is kept)",
            )
        data = await file.read(max_upload + 1)
        if len(data) > max_upload:
            raise HTTPException(413, f"uploads are limited to {max_upload} bytes")
        scn = await run_in_threadpool(parse_upload, data, file.filename)
        await run_in_threadpool(
            lambda: folder.save(stem, scn, overwrite=overwrite, text=yaml_text(data, file.filename))
        )
        return scenario_info(stem, scn, "folder")


def _add_analysis_routes(
    app: FastAPI,
    folder: ScenarioFolder,
    jobs: JobQueue,
    db: str | None,
    brief_slots: int,
    reviews: ReviewStore,
) -> None:
    briefs = anyio.CapacityLimiter(brief_slots)
    room = BriefRoom()

    @app.get("/api/scenarios/{name}/brief", response_class=HTMLResponse)
    async def brief(name: str, seed: int = Query(0, ge=0, le=MAX_SEED)) -> str:
        from accord.report.brief import build_brief

        scn = await run_in_threadpool(folder.load, name)
        review = await run_in_threadpool(reviews.status, name, scn.content_hash())
        return await anyio.to_thread.run_sync(
            lambda: build_brief(scn, seed=seed, review=review), limiter=briefs
        )

    @app.post(
        "/api/scenarios/{name}/brief",
        response_model=JobOut,
        summary="Start building the brief as a job; read it at /api/briefs/{job id}",
        description="429 when the job queue is full.",
    )
    def start_brief(name: str, seed: int = Query(0, ge=0, le=MAX_SEED)) -> JobOut:
        scn = folder.load(name)
        review = reviews.status(name, scn.content_hash())
        try:
            job = jobs.submit("brief", name, room.work(name, scn, seed, review=review))
        except QueueFull as exc:
            raise HTTPException(429, str(exc)) from None
        return JobOut(**job.public())

    @app.get(
        "/api/briefs/{job_id}",
        response_class=HTMLResponse,
        summary="The brief a job built, or a page that shows its progress and reloads itself",
    )
    def read_brief(job_id: JobId) -> str:
        j = jobs.get(job_id)
        if j is None or j.kind != "brief":
            raise HTTPException(404, "no such brief job")
        return room.page(j)

    @app.get("/api/analyses", summary="Each analysis' default parameters")
    def analyses() -> dict[str, dict[str, Any]]:
        return {k: dict(v[1]) for k, v in ANALYSES.items()}

    @app.get("/api/models", summary="Each model's options, from its parameter table")
    def models() -> list[dict[str, Any]]:
        """What the dashboard's model-options form offers: per model, every option with its
        default, its choices or range, and its help; a value set there travels as
        ``model_params`` (MODEL.OPTION=VALUE) and is checked by the same table."""
        from accord.models.registry import MODELS

        def _plain(x: Any) -> Any:
            return x if isinstance(x, str | int | float | bool) or x is None else str(x)

        return [
            {
                "name": cls.name,
                "label": cls.label,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type.__name__,
                        "default": _plain(p.default),
                        "choices": None if p.choices is None else [_plain(c) for c in p.choices],
                        "low": p.low,
                        "high": p.high,
                        "help": p.help,
                    }
                    for p in cls.PARAMS
                ],
            }
            for cls in MODELS
        ]

    @app.get("/api/analyses/schema", summary="Each analysis' parameters with their ranges")
    def analyses_schema() -> dict[str, dict[str, Any]]:
        return {k: model.model_json_schema() for k, model in PARAMS.items()}

    @app.post(
        "/api/scenarios/{name}/run/{kind}",
        response_model=JobOut,
        description="Parameters and their ranges: GET /api/analyses/schema. "
        "429 when the job queue is full.",
    )
    def run(name: str, kind: str, params: OptionalBody = None) -> JobOut:
        merged = _validated_params(kind, params)
        scn = folder.load(name)
        other = folder.load(str(merged["against"])) if kind == "compare" else None
        try:
            job = jobs.submit(kind, name, _job_work(kind, name, scn, merged, db, other))
        except QueueFull as exc:
            raise HTTPException(429, str(exc)) from None
        return JobOut(**job.public())

    @app.get("/api/jobs/{job_id}", response_model=JobOut)
    def job(job_id: str) -> JobOut:
        j = jobs.get(job_id)
        if j is None:
            raise HTTPException(404, "no such job")
        return JobOut(**j.public())

    @app.post(
        "/api/jobs/{job_id}/cancel",
        response_model=JobOut,
        summary="Cancel a job (a running one stops at its next stage or chunk)",
    )
    def cancel(job_id: str) -> JobOut:
        j = jobs.cancel(job_id)
        if j is None:
            raise HTTPException(404, "no such job")
        return JobOut(**j.public())


def _add_pages(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        return _static("index.html")

    for script in SCRIPTS:  # each served as it ships, under its own fixed path
        app.add_api_route(
            f"/static/{script}",
            functools.partial(_script, script),
            methods=["GET"],
            include_in_schema=False,
        )


#: The dashboard's own scripts, in the order index.html loads them (vega.js is built at start)
SCRIPTS = ("app.js", "grid.js", "sheets.js", "forms.js", "wizard.js", "review.js", "explore.js")


def _script(name: str) -> Response:
    return Response(_static(name), media_type="application/javascript")


def create_app(
    folder: str | Path,
    *,
    token: str | None = None,
    db: str | None = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    hosts: Iterable[str] = (),
    origins: Iterable[str] = (),
    workers: int = 2,
    max_queued: int = 8,
    job_time_limit: float | None = 600.0,
    secure_cookie: bool = False,
    cookie_name: str = "accord_session",
    team: Team | None = None,
) -> FastAPI:
    """The app over the scenarios in ``folder`` (shipped scenarios are read-only templates).

    ``token`` is generated when not given; read it from ``app.state.token``. ``hosts`` are Host
    names accepted besides loopback (the bound address, a team server's DNS name), ``origins``
    extra origins allowed to send state-changing requests (e.g. a TLS proxy's https origin).
    ``team``: the people of a team server (:func:`accord.web.users.load_team`), each signing in
    with their own secret; without it the one user is ``local``, with every right.
    """
    config = SecurityConfig(
        hosts=host_names(None, hosts),
        origins=tuple(origins),
        max_body=max_upload + BODY_SLACK,
        cookie_name=cookie_name,
        secure_cookie=secure_cookie,
        team=team,
        **({"token": token} if token else {}),
    )
    jobs = JobQueue(workers, max_queued=max_queued, time_limit=job_time_limit)
    reviews = ReviewStore(db or default_url())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warm_vega_bundle()
        yield
        jobs.shutdown()
        reviews.close()

    app = FastAPI(
        title="accord",
        version=accord.__version__,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        description="Model and forecast multi-party negotiations: the dashboard's REST API.",
    )
    app.state.token, app.state.jobs, app.state.security = config.token, jobs, config
    app.state.reviews = reviews
    scenarios = ScenarioFolder(folder)
    app.add_middleware(Attribution, folder=scenarios, store=reviews)  # inside the guards
    install(app, config)
    _add_pages(app)
    add_editing_routes(app, scenarios)
    _add_scenario_routes(app, scenarios, max_upload)
    _add_analysis_routes(app, scenarios, jobs, db, brief_slots=workers, reviews=reviews)
    add_run_routes(app, db)
    add_chart_routes(app)
    add_review_routes(app, scenarios, reviews)
    return app
