"""Saving a Monte Carlo run so that it can be reloaded and re-run bit for bit.

A run folder holds three files, written as one step (each to a temporary file, then all three
renamed with Ctrl-C held back, the manifest last: an interrupt leaves the old run or the new):

* ``scenario.json`` — the scenario exactly as simulated (its SHA-256 is in the manifest);
* ``draws.parquet`` — one row per finished draw: draw number, drawn inputs, every forecast and
  the bargaining outputs (:meth:`SimulationResult.to_frame`);
* ``manifest.json`` — written last: scenario hash, package and library versions, seed, number
  of draws requested and finished, chunk size, models with their parameters, shocks, the
  uncertain inputs, and the SHA-256 of the Parquet file.

:func:`load_run` rebuilds the :class:`SimulationResult`; :func:`rerun` runs the same draws
again (the finished ones only, for an interrupted run) and says whether the new results are
identical to the saved ones.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from accord._atomic import atomic_write_many
from accord.scenario import Problem, Scenario, ScenarioError

from .montecarlo import SimulationResult, simulate
from .sampling import uncertain_inputs
from .shocks import Shock

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "RESULTS",
    "SCENARIO",
    "RerunReport",
    "load_run",
    "read_manifest",
    "rerun",
    "save_run",
]

MANIFEST, RESULTS, SCENARIO = "manifest.json", "draws.parquet", "scenario.json"
FORMAT_VERSION = 1


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for pkg in ("accord", "numpy", "scipy", "pandas", "pyarrow"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def save_run(
    result: SimulationResult, folder: str | Path, *, extra: dict[str, Any] | None = None
) -> Path:
    """Write ``result`` to ``folder`` (created if needed); returns the manifest's path."""
    folder = Path(folder)
    scn_json = json.dumps(result.scenario.model_dump(mode="json"), indent=1, ensure_ascii=False)
    buf = io.BytesIO()
    result.to_frame().to_parquet(buf, index=False, engine="pyarrow")
    data = buf.getvalue()
    manifest = {
        "format": "accord-simulation",
        "format_version": FORMAT_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": {
            "title": result.scenario.metadata.title,
            "sha256": result.scenario.content_hash(),
            "file": SCENARIO,
        },
        "versions": _versions(),
        "seed": result.seed,
        "draws_requested": result.n_requested,
        "draws_done": result.n_draws,
        "complete": result.complete,
        "chunk_size": result.chunk_size,
        "models": [
            {"name": m, "params": _jsonable(result.model_params.get(m, {}))} for m in result.models
        ],
        "bargaining": result.bargaining,
        "shocks": [s.model_dump(exclude_none=True) for s in result.shocks],
        "inputs": [inp.place for inp in result.inputs],
        "results": {
            "file": RESULTS,
            "sha256": hashlib.sha256(data).hexdigest(),
            "rows": result.n_draws,
        },
        "timings": result.timings,
        **(extra or {}),
    }
    path = folder / MANIFEST
    # one step: the old run or the new one, never a mix, whatever interrupts (manifest last)
    atomic_write_many(
        {
            folder / SCENARIO: (scn_json + "\n").encode(),
            folder / RESULTS: data,
            path: (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode(),
        }
    )
    return path


def _jsonable(obj: Any) -> Any:
    return json.loads(
        json.dumps(obj, default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
    )


def read_manifest(folder: str | Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "file",
                    "does not exist: not a simulation folder",
                    fix="give the folder `accord simulate -o DIR` wrote",
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [Problem(str(path), f"line {exc.lineno}", "is not valid JSON")]
        ) from None
    if data.get("format") != "accord-simulation":
        raise ScenarioError(
            [Problem(str(path), "format", "must be 'accord-simulation'", data.get("format"))]
        )
    return data


def load_run(folder: str | Path) -> SimulationResult:
    """The :class:`SimulationResult` saved in ``folder``, checked against its manifest's hashes."""
    from accord.models.registry import get_model

    folder = Path(folder)
    man = read_manifest(folder)
    scn = Scenario.model_validate(json.loads((folder / SCENARIO).read_text(encoding="utf-8")))
    if scn.content_hash() != man["scenario"]["sha256"]:
        raise ScenarioError(
            [
                Problem(
                    str(folder / SCENARIO),
                    "file",
                    "does not match the manifest's hash",
                    scn.content_hash()[:12],
                    "the folder was edited after the run",
                )
            ]
        )
    data = (folder / RESULTS).read_bytes()
    if hashlib.sha256(data).hexdigest() != man["results"]["sha256"]:
        raise ScenarioError(
            [
                Problem(
                    str(folder / RESULTS),
                    "file",
                    "does not match the manifest's hash",
                    fix="the results were edited or truncated after the run",
                )
            ]
        )
    frame = pd.read_parquet(io.BytesIO(data))
    inputs = tuple(uncertain_inputs(scn))
    if [i.place for i in inputs] != man["inputs"]:
        raise ScenarioError(
            [
                Problem(
                    str(folder / MANIFEST), "inputs", "do not match the scenario's uncertain inputs"
                )
            ]
        )
    models = tuple(m["name"] for m in man["models"])
    for m in man["models"]:  # every saved model must still exist (raises KeyError naming it)
        get_model(m["name"], **m["params"])
    issues = scn.issue_ids
    index = frame["draw"].to_numpy(np.int64)
    values = (
        np.column_stack([frame[f"in:{p}"].to_numpy(float) for p in man["inputs"]])
        if inputs
        else np.empty((len(frame), 0))
    )
    forecasts = (
        np.stack(
            [
                np.column_stack([frame[f"fc:{m}:{i}"].to_numpy(float) for i in issues])
                for m in models
            ],
            axis=1,
        )
        if models
        else np.empty((len(frame), 0, len(issues)))
    )
    bargain: dict[str, np.ndarray] = {}
    for col in frame.columns:  # in the saved column order, so the frame reads back the same
        if not col.startswith("bg:"):
            continue
        parts = col.split(":")
        if len(parts) == 2:
            bargain[parts[1]] = frame[col].to_numpy()
        elif parts[1] not in bargain:
            key = parts[1]
            bargain[key] = np.column_stack([frame[f"bg:{key}:{i}"].to_numpy(float) for i in issues])
    return SimulationResult(
        scenario=scn,
        inputs=inputs,
        models=models,
        model_params={m["name"]: m["params"] for m in man["models"]},
        seed=man["seed"],
        n_requested=man["draws_requested"],
        chunk_size=man["chunk_size"],
        index=index,
        values=values,
        forecasts=forecasts,
        bargain=bargain,
        shocks=tuple(Shock(**s) for s in man["shocks"]),
        bargaining=man["bargaining"],
        complete=man["complete"],
        timings=man.get("timings", {}),
    )


@dataclass(frozen=True)
class RerunReport:
    """A re-run of a saved run and how it compares with what was saved."""

    saved: SimulationResult
    again: SimulationResult
    identical: bool
    max_abs_difference: float

    def __str__(self) -> str:
        if self.identical:
            return (
                f"re-ran {self.again.n_draws} draws: "
                "results identical to the saved run (bit for bit)"
            )
        return (
            f"re-ran {self.again.n_draws} draws: results DIFFER from the saved run "
            f"(largest difference {self.max_abs_difference:g})"
        )


def rerun(
    folder: str | Path, *, workers: int = 1, dask: Any = None, progress: bool | None = False
) -> RerunReport:
    """Run the saved run's draws again with its seed, models and shocks, and compare."""
    from accord.models.registry import get_model

    saved = load_run(folder)
    models = [get_model(m, **saved.model_params.get(m, {})) for m in saved.models]
    again = simulate(
        saved.scenario,
        saved.n_requested,
        seed=saved.seed,
        models=models,
        workers=workers,
        dask=dask,
        chunk_size=saved.chunk_size,
        shocks=saved.shocks,
        bargaining=saved.bargaining,
        progress=progress,
        index=saved.index,
    )
    a, b = saved.to_frame(), again.to_frame()
    same = list(a.columns) == list(b.columns) and a.shape == b.shape
    diff = np.inf
    if same:
        num_a = a.to_numpy(dtype=float)
        num_b = b.to_numpy(dtype=float)
        both_nan = np.isnan(num_a) & np.isnan(num_b)
        same = bool(np.all((num_a == num_b) | both_nan))
        d = np.abs(num_a - num_b)
        d[both_nan] = 0.0
        diff = float(d.max()) if d.size else 0.0
    return RerunReport(saved, again, same, diff)
