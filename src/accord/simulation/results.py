"""What a Monte Carlo run returns: the per-draw outputs and their summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from accord.bargaining.arrays import RIPENESS_MONTHS
from accord.scenario import Scenario
from accord.scenario.shocks import Shock, ShockSchedule

from .sampling import UncertainInput

__all__ = ["QUANTILES", "SimulationResult"]

#: The quantiles every summary reports.
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)


# -- the result -----------------------------------------------------------------------------------


@dataclass
class SimulationResult:
    """Per-draw outputs of a Monte Carlo run and their summaries.

    ``forecasts[d, j, k]`` is model j's forecast of issue k on draw ``index[d]``; ``values``
    are the drawn inputs; ``bargain`` holds per-draw bargaining outputs (``zopa`` bool, ``nash``
    (D, issues)) when the analysis ran. ``complete`` is False when the run was interrupted:
    then only the finished draws are present.
    """

    scenario: Scenario
    inputs: tuple[UncertainInput, ...]
    models: tuple[str, ...]
    model_params: dict[str, dict[str, Any]]
    seed: int | None
    n_requested: int
    chunk_size: int
    index: np.ndarray
    values: np.ndarray
    forecasts: np.ndarray
    bargain: dict[str, np.ndarray] = field(default_factory=dict)
    shocks: tuple[Shock, ...] = ()
    bargaining: bool = True
    complete: bool = True
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def n_draws(self) -> int:
        return int(self.index.shape[0])

    @property
    def issue_ids(self) -> list[str]:
        return self.scenario.issue_ids

    def quantiles(self, q: Sequence[float] = QUANTILES) -> pd.DataFrame:
        """One row per (issue, model): the forecast's quantiles, mean and standard deviation.

        On a discrete issue each draw's forecast is first snapped to its nearest admissible
        option (the rule of :func:`accord.forecast_notes.snap`, as the single forecast is), so
        the spread is reported over options; the stored draws keep the models' raw values."""
        from accord.forecast_notes import snap_many

        rows = []
        fc = self.forecasts.copy()
        for k, iss in enumerate(self.scenario.issues):
            if iss.scale.discrete:
                fc[:, :, k] = snap_many(iss, fc[:, :, k])
        qs = (
            np.quantile(fc, q, axis=0)
            if self.n_draws
            else np.full((len(q),) + fc.shape[1:], np.nan)
        )
        for k, issue in enumerate(self.issue_ids):
            for j, model in enumerate(self.models):
                col = fc[:, j, k]
                row: dict[str, Any] = {"issue": issue, "model": model}
                row.update({f"q{round(p * 100):02d}": float(qs[i, j, k]) for i, p in enumerate(q)})
                row["mean"] = float(col.mean()) if col.size else np.nan
                row["sd"] = float(col.std(ddof=1)) if col.size > 1 else 0.0
                rows.append(row)
            if "nash" in self.bargain:
                col = self.bargain["nash"][:, k]
                ok = col[~np.isnan(col)]
                row = {"issue": issue, "model": "nash"}  # same keys as above
                qn = np.quantile(ok, q) if ok.size else np.full(len(q), np.nan)
                row.update({f"q{round(p * 100):02d}": float(v) for p, v in zip(q, qn, strict=True)})
                row["mean"] = float(ok.mean()) if ok.size else np.nan
                row["sd"] = float(ok.std(ddof=1)) if ok.size > 1 else 0.0
                rows.append(row)
        return pd.DataFrame(rows)

    def p_zone_of_agreement(self) -> float | None:
        """Share of draws in which a package exists that every party prefers to no deal."""
        z = self.bargain.get("zopa")
        return None if z is None or not len(z) else float(np.mean(z))

    def p_zone_by(self, month: float) -> float | None:
        """P(a zone of agreement has opened by ``month``): the share of draws whose first month
        with a zone (on the quarterly grid :data:`~accord.bargaining.arrays.RIPENESS_MONTHS`)
        is at most ``month`` — the probability that a deal every party prefers to no deal
        exists by that date."""
        opens = self.bargain.get("opens")
        if opens is None or not len(opens):
            return None
        return float(np.mean(np.nan_to_num(opens, nan=np.inf) <= month))

    def opening_month(self) -> dict[str, float | None]:
        """Quantiles of the month a zone first opens (None where more than that share of draws
        has no zone within the horizon), and the share of draws with none by then."""
        opens = self.bargain.get("opens")
        if opens is None or not len(opens):
            return {}
        x = np.sort(np.nan_to_num(opens, nan=np.inf))
        out: dict[str, float | None] = {}
        for p in QUANTILES:  # the inverted empirical CDF: a month a draw actually has
            v = float(x[max(0, int(np.ceil(p * len(x))) - 1)])
            out[f"q{round(p * 100):02d}"] = v if np.isfinite(v) else None
        out["p_never"] = float(np.mean(~np.isfinite(x)))
        out["horizon_months"] = float(max(RIPENESS_MONTHS))
        return out

    def red_line_breaches(self) -> pd.DataFrame:
        """P(forecast breaches the red line) per model, actor and issue with a red line.

        A red line below the position is breached by a forecast below it, one above by a
        forecast above it (see the consistency rule in :mod:`accord.scenario.arrays`); each
        draw's forecast is compared with that draw's red line. ``red_line`` is the scenario's
        own (nominal) value and ``red_line_q05`` / ``red_line_q95`` the drawn range. Red lines
        are recomputed from the stored draws, so a reloaded run gives the same table.
        """
        from .sampling import inputs_at

        draws = (
            inputs_at(self.scenario, self.inputs, self.values, self.index, self.seed)
            if self.n_draws
            else None
        )
        rows = []
        if draws is None:
            return pd.DataFrame(
                columns=[
                    "model",
                    "actor",
                    "issue",
                    "red_line",
                    "red_line_q05",
                    "red_line_q95",
                    "p_breach",
                ]
            )
        final = ShockSchedule(self.shocks).final(draws) if self.shocks else draws
        written = self.scenario.matrices()["red_line"]
        for i, actor in enumerate(self.scenario.actor_ids):
            for k, issue in enumerate(self.issue_ids):
                side = draws.red_side[i, k]
                if not final.mask[i, k] or np.isnan(written[i, k]):
                    continue
                red = final.red_line[:, i, k]
                outs = [(m, self.forecasts[:, j, k]) for j, m in enumerate(self.models)]
                if "nash" in self.bargain:
                    outs.append(("nash", self.bargain["nash"][:, k]))
                for model, fc in outs:
                    if side < 0:
                        breach = fc < red
                    elif side > 0:
                        breach = fc > red
                    else:
                        breach = fc != red
                    rows.append(
                        {
                            "model": model,
                            "actor": actor,
                            "issue": issue,
                            "red_line": float(written[i, k]),
                            "red_line_q05": float(np.quantile(red, 0.05)),
                            "red_line_q95": float(np.quantile(red, 0.95)),
                            "p_breach": float(np.mean(breach)),
                        }
                    )
        cols = ["model", "actor", "issue", "red_line", "red_line_q05", "red_line_q95", "p_breach"]
        return pd.DataFrame(rows, columns=cols)

    def to_frame(self) -> pd.DataFrame:
        """One row per draw: its number, the drawn inputs, every forecast, the bargaining
        outputs."""
        cols: dict[str, np.ndarray] = {"draw": self.index.astype(np.int64)}
        for j, inp in enumerate(self.inputs):
            cols[f"in:{inp.place}"] = self.values[:, j]
        for j, m in enumerate(self.models):
            for k, issue in enumerate(self.issue_ids):
                cols[f"fc:{m}:{issue}"] = self.forecasts[:, j, k]
        for key, arr in self.bargain.items():
            if arr.ndim == 1:
                cols[f"bg:{key}"] = arr
            else:
                for k, issue in enumerate(self.issue_ids):
                    cols[f"bg:{key}:{issue}"] = arr[:, k]
        return pd.DataFrame(cols)

    def summary(self) -> dict[str, Any]:
        """Everything the report shows, as plain data (JSON-ready)."""
        q = self.quantiles()
        pz = self.p_zone_of_agreement()
        return _no_nan(
            {
                "scenario": self.scenario.metadata.title,
                "scenario_hash": self.scenario.content_hash(),
                "seed": self.seed,
                "draws": self.n_draws,
                "draws_requested": self.n_requested,
                "complete": self.complete,
                "uncertain_inputs": len(self.inputs),
                "models": list(self.models),
                "shocks": [s.model_dump(exclude_none=True) for s in self.shocks],
                "quantiles": q.to_dict(orient="records"),
                "p_zone_of_agreement": pz,
                "p_zone_by": {str(t): self.p_zone_by(t) for t in (12, 24, 48, 120)},
                "opening_month": self.opening_month(),
                "red_line_breaches": self.red_line_breaches().to_dict(orient="records"),
                "timings": self.timings,
            }
        )


def _no_nan(obj: Any) -> Any:
    """NaN (no value, e.g. no Nash package when no zone exists) as None, so the JSON is valid."""
    if isinstance(obj, dict):
        return {k: _no_nan(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_no_nan(v) for v in obj]
    if isinstance(obj, float) and np.isnan(obj):
        return None
    return obj
