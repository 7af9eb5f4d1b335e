"""Runs saved in SQLite (default, in the user's data folder) or PostgreSQL, via SQLAlchemy.

A run row is written in two committed steps: ``start`` (status ``running``, with the scenario
snapshot, parameters, seed and version) and ``finish`` (results and timings, status ``done``,
one transaction). A process killed in between leaves a complete ``running`` row and nothing
half-written; :meth:`RunStore.list` reports such rows as ``interrupted`` once their process is
gone.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from platformdirs import user_data_dir

import accord
from accord.scenario import Scenario

__all__ = ["RunStore", "RunRecord", "default_url", "DEFAULT_ENV"]

DEFAULT_ENV = "ACCORD_DB"

_meta = sa.MetaData()
runs = sa.Table(
    "accord_runs",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False, index=True),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("scenario_title", sa.Text),
    sa.Column("scenario_hash", sa.String(64), index=True),
    sa.Column("scenario", sa.Text),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("seed", sa.BigInteger),
    sa.Column("version", sa.String(32), nullable=False),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
    sa.Column("results", sa.Text),
    sa.Column("timings", sa.Text),
    sa.Column("error", sa.Text),
)


def default_url() -> str:
    """``$ACCORD_DB`` if set, else SQLite in the user's data folder."""
    env = os.environ.get(DEFAULT_ENV)
    if env:
        return env
    folder = Path(user_data_dir("accord", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'runs.sqlite'}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=_default, ensure_ascii=False)


def _default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"cannot store a {type(o).__name__} in the run store")


@dataclass(frozen=True)
class RunRecord:
    id: str
    kind: str
    status: str
    created_at: str
    finished_at: str | None
    scenario_title: str | None
    scenario_hash: str | None
    scenario: dict[str, Any] | None
    params: dict[str, Any]
    seed: int | None
    version: str
    results: Any
    timings: dict[str, float] | None
    error: str | None

    def scenario_object(self) -> Scenario | None:
        return None if self.scenario is None else Scenario.model_validate(self.scenario)


class RunStore:
    """Save, list, show and compare analysis runs."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        kwargs: dict[str, Any] = {"future": True}
        if self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        self.engine = sa.create_engine(self.url, **kwargs)
        if self.url.startswith("sqlite"):
            @sa.event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _record):  # durable and safe for concurrent readers
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=FULL")
                cur.close()
        _meta.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------
    def start(self, kind: str, *, scenario: Scenario | None, params: dict[str, Any], seed: int | None) -> str:
        run_id = uuid.uuid4().hex[:12]
        with self.engine.begin() as conn:
            conn.execute(
                runs.insert().values(
                    id=run_id, kind=kind, status="running", created_at=_now(),
                    scenario_title=None if scenario is None else scenario.metadata.title,
                    scenario_hash=None if scenario is None else scenario.content_hash(),
                    scenario=None if scenario is None else _dumps(scenario.model_dump(mode="json")),
                    params=_dumps(params), seed=seed, version=accord.__version__,
                    host=socket.gethostname(), pid=os.getpid(),
                )
            )
        return run_id

    def finish(self, run_id: str, *, results: Any, timings: dict[str, float] | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(
                status="done", finished_at=_now(), results=_dumps(results), timings=_dumps(timings or {})))

    def fail(self, run_id: str, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(
                status="failed", finished_at=_now(), error=error))

    # -- reading ---------------------------------------------------------------------------
    def list(self, *, kind: str | None = None, limit: int = 50) -> list[RunRecord]:
        q = sa.select(runs).order_by(runs.c.created_at.desc()).limit(limit)
        if kind:
            q = q.where(runs.c.kind == kind)
        with self.engine.connect() as conn:
            return [self._record(r) for r in conn.execute(q).mappings()]

    def get(self, run_id: str) -> RunRecord:
        with self.engine.connect() as conn:
            rows = list(conn.execute(sa.select(runs).where(runs.c.id.like(f"{run_id}%"))).mappings())
        if not rows:
            raise KeyError(f"no run {run_id!r} in {self.url}")
        if len(rows) > 1:
            raise KeyError(f"run id prefix {run_id!r} is ambiguous: {', '.join(r['id'] for r in rows)}")
        return self._record(rows[0])

    def _record(self, row) -> RunRecord:
        status = row["status"]
        if status == "running" and row["host"] == socket.gethostname() and row["pid"] and not _alive(row["pid"]):
            status = "interrupted"
        load = lambda s: None if s is None else json.loads(s)  # noqa: E731
        return RunRecord(
            row["id"], row["kind"], status, row["created_at"], row["finished_at"], row["scenario_title"],
            row["scenario_hash"], load(row["scenario"]), load(row["params"]) or {}, row["seed"], row["version"],
            load(row["results"]), load(row["timings"]), row["error"],
        )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
