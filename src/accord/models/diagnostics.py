"""Convergence of a round-based model's forecast: converged, a cycle of period k, or still moving.

A forecast read off a fixed last round is only defensible when the run has settled. The series
of a model's per-round forecasts (BDM's weighted medians, the exchange model's outcomes, the
SMP's most probable positions) is classified from its end:

* **converged** — the last ``settle`` values agree within ``tol`` (1e-6 of the scale);
* **cycle of period k** — the last k values repeat the k before them (2 ≤ k ≤ ``max_period``),
  not all equal: the model alternates among k states and has no stable forecast;
* **moving** — neither: the limit of rounds came before the run settled.

The rule that turns a cycle into a number (accord's; the BDM literature gives none) is the
mean over one period, the time average of the periodic orbit, reported with the cycle's range
and flagged; a replication variant may keep the last round instead. Every front end prints the
status next to the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["Convergence", "classify", "cycle_values", "forecast_convergence"]

Status = Literal["converged", "cycle", "moving"]


@dataclass(frozen=True)
class Convergence:
    """How a run's forecast series ended (see the module docstring)."""

    status: Status
    period: int
    low: float
    high: float
    rounds: int
    since: int = 0

    @property
    def settled(self) -> bool:
        return self.status == "converged"

    def describe(self) -> str:
        if self.status == "converged":
            return f"converged (stable from round {self.since})"
        if self.status == "cycle":
            return (
                f"no stable forecast: cycles between {self.low:.4g} and {self.high:.4g} "
                f"every {self.period} rounds"
            )
        return (
            f"still moving at round {self.rounds} (last rounds between {self.low:.4g} and "
            f"{self.high:.4g})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "period": self.period,
            "low": self.low,
            "high": self.high,
            "rounds": self.rounds,
            "since": self.since,
            "text": self.describe(),
        }


def cycle_values(
    series: np.ndarray, *, tol: float, settle: int = 2, max_period: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """(status code, period) per case for series shaped (rounds + 1, ...): code 0 converged,
    1 cycle, 2 moving; the period is 1 when converged, 0 when moving."""
    x = np.asarray(series, dtype=float)
    t = x.shape[0]
    shape = x.shape[1:]
    code = np.full(shape, 2, dtype=int)
    period = np.zeros(shape, dtype=int)
    if t >= settle:
        tail = x[t - settle :]
        conv = (np.abs(tail - tail[-1]) <= tol).all(axis=0)
        code = np.where(conv, 0, code)
        period = np.where(conv, 1, period)
    for k in range(2, max_period + 1):
        if t < 2 * k:
            break
        rep = (np.abs(x[t - k :] - x[t - 2 * k : t - k]) <= tol).all(axis=0)
        new = rep & (code == 2)
        code = np.where(new, 1, code)
        period = np.where(new, k, period)
    return code, period


def classify(
    series: np.ndarray, *, tol: float, settle: int = 2, max_period: int = 4
) -> Convergence:
    """The convergence of one run's forecast series (rounds + 1 values)."""
    x = np.asarray(series, dtype=float).reshape(-1)
    code, period = cycle_values(x, tol=tol, settle=settle, max_period=max_period)
    status: Status = ("converged", "cycle", "moving")[int(code)]
    span = int(period) if status != "moving" else min(len(x), 2 * max_period)
    tail = x[len(x) - max(span, 1) :]
    stable = np.abs(x - x[-1]) <= tol
    since = len(x) - 1
    while since > 0 and stable[since - 1]:
        since -= 1
    return Convergence(status, int(period), float(tail.min()), float(tail.max()), len(x) - 1, since)


def forecast_convergence(forecast: Any, width: float) -> dict | None:
    """How a run's forecast series ended: the model's own report (``details["convergence"]``),
    else the classification of its per-round trace (the SMP's turns, the exchange model's
    rounds; tolerance 1e-6 of the scale's ``width``); None for a model without rounds."""
    if forecast.details.get("convergence"):
        return dict(forecast.details["convergence"])
    trace = forecast.trace
    if trace is None or trace.rounds < 1:
        return None
    return classify(trace.forecast, tol=1e-6 * width).to_dict()
