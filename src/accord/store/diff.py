"""What changed between two runs: every input number, and how each forecast moved."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from .db import RunRecord

__all__ = ["RunDiff", "change_size", "diff_runs", "flatten_numbers"]

#: parts of stored results that are drawing data or repeat other parts, left out of a diff
RESULT_SKIP = frozenset({"charts", "map", "quantiles", "traces", "seed", "runs", "draws"})


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
    #: numbers of the results that moved, for kinds whose results hold no model forecasts
    results: list[tuple[str, Any, Any]] = field(default_factory=list)

    def by_size(self) -> RunDiff:
        """The same changes, each list sorted by the size of the change (largest first; changes
        that are not between two numbers last, in their place order)."""

        def order(rows: list[Any]) -> list[Any]:
            return sorted(rows, key=lambda r: -change_size(r[-2], r[-1]))

        return replace(
            self,
            inputs=order(self.inputs),
            params=order(self.params),
            forecasts=order(self.forecasts),
            results=order(self.results),
        )

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
        for place, old, new in self.results:
            out.append(f"result {place}: {old!r} -> {new!r}")
        return out or ["no differences in inputs, parameters or forecasts"]


def change_size(old: Any, new: Any) -> float:
    """``|new - old|`` for two numbers, -1 for any other change (sorted after every number)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return -1.0
    if isinstance(old, int | float) and isinstance(new, int | float):
        size = abs(float(new) - float(old))
        return size if math.isfinite(size) else -1.0
    return -1.0


def _result_numbers(results: Any) -> dict[str, Any]:
    flat = flatten_numbers(results) if isinstance(results, dict | list) else {}
    return {
        k: v
        for k, v in flat.items()
        if isinstance(v, int | float)
        and not isinstance(v, bool)
        and not RESULT_SKIP & set(k.replace("[", ".").split("."))
    }


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
    results = []
    if not fa and not fb:
        ra, rb = _result_numbers(a.results), _result_numbers(b.results)
        results = [
            (k, ra.get(k), rb.get(k)) for k in sorted(set(ra) | set(rb)) if ra.get(k) != rb.get(k)
        ]
    return RunDiff(a.id, b.id, inputs, params, moves, results)
