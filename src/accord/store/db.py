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

from .schema import SCHEMA_VERSION, ensure_schema, open_engine, redact_url, retry_locked, runs

__all__ = ["DEFAULT_ENV", "SCHEMA_VERSION", "RunRecord", "RunStore", "default_url"]

DEFAULT_ENV = "ACCORD_DB"


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
    label: str | None = None
    note: str | None = None
    scenario_name: str | None = None

    def scenario_object(self) -> Scenario | None:
        return None if self.scenario is None else Scenario.model_validate(self.scenario)


class RunStore:
    """Save, list, show and compare analysis runs."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = open_engine(self.url)
        #: writes take SQLite's write lock up front (``BEGIN IMMEDIATE``), so they wait in
        #: the busy handler instead of failing on a lock upgrade
        self._writer = self.engine.execution_options(accord_immediate=True)
        ensure_schema(self.engine)

    @property
    def safe_url(self) -> str:
        """The store's URL with any password masked, for messages."""
        return redact_url(self.url)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------
    def _write(self, stmt: sa.Executable) -> None:
        """One statement in its own write transaction, retried while SQLite reports a lock."""

        def step() -> None:
            with self._writer.begin() as conn:
                conn.execute(stmt)

        retry_locked(step)

    def start(
        self,
        kind: str,
        *,
        scenario: Scenario | None,
        params: dict[str, Any],
        seed: int | None,
        name: str | None = None,
    ) -> str:
        """Record a run as started; ``name``: the scenario's name (file or shipped name)."""
        run_id = uuid.uuid4().hex[:12]
        self._write(
            runs.insert().values(
                id=run_id,
                kind=kind,
                status="running",
                created_at=_now(),
                scenario_title=None if scenario is None else scenario.metadata.title,
                scenario_hash=None if scenario is None else scenario.content_hash(),
                scenario=None if scenario is None else _dumps(scenario.model_dump(mode="json")),
                params=_dumps(params),
                seed=seed,
                scenario_name=name,
                version=accord.__version__,
                host=socket.gethostname(),
                pid=os.getpid(),
            )
        )
        return run_id

    def finish(self, run_id: str, *, results: Any, timings: dict[str, float] | None = None) -> None:
        self._write(
            runs.update()
            .where(runs.c.id == run_id)
            .values(
                status="done",
                finished_at=_now(),
                results=_dumps(results),
                timings=_dumps(timings or {}),
            )
        )

    def fail(self, run_id: str, error: str) -> None:
        self._write(
            runs.update()
            .where(runs.c.id == run_id)
            .values(status="failed", finished_at=_now(), error=error)
        )

    def annotate(
        self, run_id: str, *, label: str | None = None, note: str | None = None
    ) -> RunRecord:
        """Set a run's label and note (``None`` leaves one as it is, ``""`` clears it)."""
        rec = self.get(run_id)
        values = {k: (v or None) for k, v in (("label", label), ("note", note)) if v is not None}
        if values:
            self._write(runs.update().where(runs.c.id == rec.id).values(**values))
        return self.get(rec.id)

    # -- reading ---------------------------------------------------------------------------
    def list(
        self, *, kind: str | None = None, scenario: str | None = None, limit: int = 50
    ) -> list[RunRecord]:
        """The newest runs first; ``scenario`` matches the scenario's name or its title."""
        q = sa.select(runs).order_by(runs.c.created_at.desc()).limit(limit)
        if kind:
            q = q.where(runs.c.kind == kind)
        if scenario:
            q = q.where(sa.or_(runs.c.scenario_name == scenario, runs.c.scenario_title == scenario))
        with self.engine.connect() as conn:
            return [self._record(r) for r in conn.execute(q).mappings()]

    def get(self, run_id: str) -> RunRecord:
        with self.engine.connect() as conn:
            q = sa.select(runs).where(runs.c.id.startswith(run_id, autoescape=True))
            rows = list(conn.execute(q).mappings())
        if not rows:
            raise KeyError(f"no run {run_id!r}")
        if len(rows) > 1:
            ids = ", ".join(r["id"] for r in rows)
            raise KeyError(f"run id prefix {run_id!r} is ambiguous: {ids}")
        return self._record(rows[0])

    def _record(self, row) -> RunRecord:
        status = row["status"]
        if (
            status == "running"
            and row["host"] == socket.gethostname()
            and row["pid"]
            and not _alive(row["pid"])
        ):
            status = "interrupted"

        def load(s):
            return None if s is None else json.loads(s)

        return RunRecord(
            row["id"],
            row["kind"],
            status,
            row["created_at"],
            row["finished_at"],
            row["scenario_title"],
            row["scenario_hash"],
            load(row["scenario"]),
            load(row["params"]) or {},
            row["seed"],
            row["version"],
            load(row["results"]),
            load(row["timings"]),
            row["error"],
            row["label"],
            row["note"],
            row["scenario_name"],
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
