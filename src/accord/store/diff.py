"""What changed between two runs: every input number, and how each forecast moved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .db import RunRecord

__all__ = ["RunDiff", "diff_runs", "flatten_numbers"]


def flatten_numbers(obj: Any, place: str = "") -> dict[str, Any]:
    """Leaf values of a JSON-like tree keyed by path; lists of items with an ``id`` keyed by id."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten_numbers(v, f"{place}.{k}" if place else str(k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            key = v.get("id") if isinstance(v, dict) and "id" in v else i
            out.update(flatten_numbers(v, f"{place}[{key}]"))
    else:
        out[place] = obj
    return out


@dataclass(frozen=True)
class RunDiff:
    a: str
    b: str
    inputs: list[tuple[str, Any, Any]] = field(default_factory=list)
    params: list[tuple[str, Any, Any]] = field(default_factory=list)
    forecasts: list[tuple[str, str, float | None, float | None]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for place, old, new in self.inputs:
            out.append(f"input {place}: {old!r} -> {new!r}")
        for place, old, new in self.params:
            out.append(f"parameter {place}: {old!r} -> {new!r}")
        for issue, model, old, new in self.forecasts:
            if old is None or new is None:
                out.append(f"forecast {issue} / {model}: {old} -> {new}")
            else:
                out.append(f"forecast {issue} / {model}: {old:.4g} -> {new:.4g} ({new - old:+.4g})")
        return out or ["no differences in inputs, parameters or forecasts"]


def _changes(a: dict[str, Any], b: dict[str, Any], *, skip=("evidence", "metadata", "description")):
    out = []
    for key in sorted(set(a) | set(b)):
        if any(f".{s}" in f".{key}" for s in skip):
            continue
        if a.get(key, "<absent>") != b.get(key, "<absent>"):
            out.append((key, a.get(key, "<absent>"), b.get(key, "<absent>")))
    return out


def _forecasts(rec: RunRecord) -> dict[tuple[str, str], float]:
    res = rec.results
    out: dict[tuple[str, str], float] = {}
    if isinstance(res, dict) and isinstance(res.get("issues"), list):
        for item in res["issues"]:
            for model, f in (item.get("forecasts") or {}).items():
                out[(item["issue"], model)] = f["value"] if isinstance(f, dict) else f
    return out


def diff_runs(a: RunRecord, b: RunRecord) -> RunDiff:
    """Inputs that changed (by place, evidence text ignored), parameters, and forecast moves."""
    inputs = _changes(flatten_numbers(a.scenario or {}), flatten_numbers(b.scenario or {}))
    params = _changes(flatten_numbers(a.params), flatten_numbers(b.params), skip=())
    fa, fb = _forecasts(a), _forecasts(b)
    moves = [
        (i, m, fa.get((i, m)), fb.get((i, m)))
        for (i, m) in sorted(set(fa) | set(fb))
        if fa.get((i, m)) != fb.get((i, m))
    ]
    return RunDiff(a.id, b.id, inputs, params, moves)
