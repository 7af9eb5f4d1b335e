"""The dashboard's run history: list with filters, label and note, reopen, compare.

A run's stored results are what the page drew when it ran, so reopening one renders them with
the same code as a fresh run. Only runs of the same kind are compared (two forecasts, two Monte
Carlo runs, ...): the numbers of different analyses do not line up, so a comparison across kinds
is refused (409) rather than shown as noise. Every list of changes comes sorted by size.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Query
from fastapi import Path as PathParam

from accord.store import RunRecord, RunStore, diff_runs

from .schemas import RunDetail, RunOut, RunPatch

__all__ = ["MAX_CHANGES", "add_run_routes"]

#: changes listed per part of a comparison (the largest; the count says how many there were)
MAX_CHANGES = 200
RunId = Annotated[
    str,
    PathParam(
        min_length=1,
        max_length=32,
        pattern=r"^[0-9a-fA-F]+$",
        description="a run id or a prefix of one (hex digits)",
    ),
]


def _out(r: RunRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "status": r.status,
        "created_at": r.created_at,
        "scenario": r.scenario_title,
        "scenario_name": r.scenario_name,
        "seed": r.seed,
        "label": r.label,
        "note": r.note,
    }


def _actors(r: RunRecord) -> list[dict[str, str]]:
    actors = (r.scenario or {}).get("actors") or []
    return [
        {"id": str(a.get("id")), "name": str(a.get("name") or a.get("id"))}
        for a in actors
        if isinstance(a, dict)
    ]


def add_run_routes(app: FastAPI, db: str | None) -> None:
    @contextmanager
    def opened() -> Iterator[RunStore]:
        store = RunStore(db)
        try:
            yield store
        except KeyError as exc:  # the store's message names the run, never the store
            raise HTTPException(404, str(exc.args[0])) from None
        finally:
            store.close()

    @app.get("/api/runs", response_model=list[RunOut], summary="Stored runs, newest first")
    def runs(
        limit: int = Query(50, ge=1, le=500),
        kind: str | None = Query(None, max_length=32, description="only runs of this analysis"),
        scenario: str | None = Query(
            None, max_length=200, description="only runs of this scenario (name or title)"
        ),
    ) -> list[RunOut]:
        with opened() as store:
            return [
                RunOut(**_out(r)) for r in store.list(kind=kind, scenario=scenario, limit=limit)
            ]

    @app.get(
        "/api/runs/{run_id}",
        response_model=RunDetail,
        summary="One stored run with its results as they were (the page renders them again)",
    )
    def run(run_id: RunId) -> RunDetail:
        with opened() as store:
            r = store.get(run_id)
        return RunDetail(
            **_out(r),
            finished_at=r.finished_at,
            params=r.params,
            version=r.version,
            results=r.results,
            error=r.error,
            actors=_actors(r),
        )

    @app.patch("/api/runs/{run_id}", response_model=RunOut, summary="Label and note a run")
    def annotate(run_id: RunId, body: Annotated[RunPatch, Body()]) -> RunOut:
        with opened() as store:
            return RunOut(**_out(store.annotate(run_id, label=body.label, note=body.note)))

    @app.get(
        "/api/runs/{a}/diff/{b}",
        summary="What changed from run a to run b (same kind only), largest changes first",
        description="409 when the two runs are of different kinds.",
    )
    def diff(a: RunId, b: RunId) -> dict[str, Any]:
        with opened() as store:
            ra, rb = store.get(a), store.get(b)
        if ra.kind != rb.kind:
            raise HTTPException(
                409,
                f"run {ra.id} is a {ra.kind} run and run {rb.id} a {rb.kind} run; only runs "
                "of the same kind can be compared",
            )
        full = diff_runs(ra, rb)
        d = full.by_size()
        return {
            "a": d.a,
            "b": d.b,
            "kind": ra.kind,
            "lines": full.lines(),
            "counts": {
                "inputs": len(d.inputs),
                "params": len(d.params),
                "forecasts": len(d.forecasts),
                "results": len(d.results),
            },
            "inputs": [[p, repr(o), repr(n)] for p, o, n in d.inputs[:MAX_CHANGES]],
            "params": [[p, repr(o), repr(n)] for p, o, n in d.params[:MAX_CHANGES]],
            "forecasts": [[i, m, o, n] for i, m, o, n in d.forecasts[:MAX_CHANGES]],
            "results": [[p, o, n] for p, o, n in d.results[:MAX_CHANGES]],
        }
