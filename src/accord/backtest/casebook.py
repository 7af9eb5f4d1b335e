"""The casebook backtest: real negotiations with known outcomes (:mod:`accord.casebook`).

For every case and issue, every model's forecast (:func:`accord.forecast.forecast`, each model
on its own stream spawned from ``seed``) is scored against the agreed term recorded in the
case's ``extensions.casebook``:

1. the error in scale points, forecast − agreed (and its absolute value);
2. whether the labelled term nearest the forecast is the agreed term (ties go to the lower
   point, as :meth:`accord.scenario.Scale.nearest_label` breaks them);
3. per case, whether the bargaining analysis (:func:`accord.bargaining.analyse`) puts the agreed
   package inside its zone of agreement at month 0 — within every binding red line and strictly
   better than no deal for every party, the zone's own definition — at the first month of the
   ripeness scan in which a zone opens, and the first month of the scan in which the agreed
   package itself is in the zone (as the costs of no deal mount).

A model that raises on a case, or returns a value that is not finite, is reported as failing on
each of the case's issues, with its reason; it is never dropped. Beside the models, the naive
``baseline:status_quo`` forecasts that nothing changes (each issue's status quo).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from accord.bargaining import analyse
from accord.bargaining.utility import actor_matrices, package_utility, red_line_ok
from accord.forecast import forecast, resolve_models
from accord.forecast_notes import snap
from accord.models.base import Forecaster, not_applicable
from accord.scenario import Issue, Scenario, load_scenario

__all__ = [
    "STATUS_QUO_BASELINE",
    "Case",
    "CasebookResult",
    "TermScore",
    "ZoneCheck",
    "case_forecasts",
    "casebook_backtest",
    "load_case",
    "read_outcome",
    "score_term",
    "zone_check",
]

log = logging.getLogger(__name__)

#: The naive reference: no change, each issue stays at its status quo.
STATUS_QUO_BASELINE = "baseline:status_quo"


@dataclass(frozen=True)
class Case:
    """One negotiation of the casebook: the scenario before the deal and the agreed terms."""

    name: str
    scenario: Scenario
    outcome: dict[str, float]
    outcome_date: str
    outcome_source: str


def read_outcome(scenario: Scenario, file: str) -> tuple[dict[str, float], str, str]:
    """``(outcome, outcome_date, outcome_source)`` from ``extensions.casebook`` of ``scenario``.

    The outcome must give every issue an agreed value, and that value must be one of the
    issue's labelled points (the casebook scores terms, not arbitrary numbers).
    """
    place = f"{file}: extensions.casebook"
    book = scenario.extensions.get("casebook")
    if not isinstance(book, Mapping):
        raise ValueError(f"{place} must be a mapping with outcome, outcome_date, outcome_source")
    outcome = book.get("outcome")
    if not isinstance(outcome, Mapping):
        raise ValueError(f"{place}.outcome must map issue ids to agreed values; got {outcome!r}")
    unknown = sorted(set(outcome) - set(scenario.issue_ids))
    if unknown:
        raise ValueError(f"{place}.outcome must name issues of the scenario; got {unknown}")
    agreed: dict[str, float] = {}
    for issue in scenario.issues:
        value = outcome.get(issue.id)
        points = sorted(issue.scale.labels)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{place}.outcome.{issue.id} must be a number; got {value!r}")
        if float(value) not in points:
            raise ValueError(
                f"{place}.outcome.{issue.id} must be one of the issue's labelled points "
                f"{[f'{p:g}' for p in points]}; got {value!r}"
            )
        agreed[issue.id] = float(value)
    texts = {}
    for key in ("outcome_date", "outcome_source"):
        text = book.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{place}.{key} must be a non-empty text; got {text!r}")
        texts[key] = text
    return agreed, texts["outcome_date"], texts["outcome_source"]


def load_case(ref: str | Path, *, warnings: list | None = None) -> Case:
    """A case from a scenario file (validated as `accord validate` does) with its outcome;
    the scenario's warnings go to ``warnings`` when a list is given, else to the log."""
    scenario = load_scenario(ref, warnings=warnings, runnable=True)
    outcome, date, source = read_outcome(scenario, str(ref))
    return Case(Path(ref).stem, scenario, outcome, date, source)


def casebook_cases(names: Sequence[str] | None = None) -> list[Case]:
    """The shipped cases (default: every one of :data:`accord.casebook.CASES`)."""
    from accord.casebook import CASES, case_path

    return [load_case(case_path(n)) for n in (CASES if names is None else names)]


@dataclass(frozen=True)
class TermScore:
    """A forecast against the agreed term of one issue."""

    error: float  # forecast − agreed, scale points
    nearest: float  # the labelled point nearest the forecast
    nearest_is_agreed: bool

    @property
    def abs_error(self) -> float:
        return abs(self.error)


def score_term(issue: Issue, value: float, agreed: float) -> TermScore:
    """The error of ``value`` against ``agreed`` and whether its nearest labelled term is it."""
    hit = issue.scale.nearest_label(value)
    if hit is None:
        raise ValueError(f"issue {issue.id!r} must have labelled points to be scored; got none")
    return TermScore(float(value) - float(agreed), hit[0], hit[0] == agreed)


@dataclass(frozen=True)
class ZoneCheck:
    """Where the agreed package lies relative to the bargaining analysis's zone of agreement."""

    zone_size: int  # grid packages in the zone at month 0
    continuous_zone: bool | None  # a zone on the continuous scales at month 0 (None: not computed)
    agreed_in_zone: bool  # the agreed package is in the zone at month 0
    rejecting: tuple[str, ...]  # parties that prefer no deal to the agreed package at month 0
    breaking: tuple[str, ...]  # actors whose binding red line the agreed package breaks
    months: int  # length of the ripeness scan
    opens_at: int | None  # first month with a zone on the grid
    agreed_in_zone_at_opening: bool | None  # None: no zone opens within the scan
    agreed_from: int | None  # first month of the scan with the agreed package in the zone

    @property
    def verdict(self) -> str:
        if self.zone_size == 0:
            return "no zone"
        return "inside the zone" if self.agreed_in_zone else "outside the zone"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "zone_size": self.zone_size,
            "continuous_zone": self.continuous_zone,
            "agreed_in_zone": self.agreed_in_zone,
            "rejecting": list(self.rejecting),
            "breaking_red_lines": list(self.breaking),
            "months_scanned": self.months,
            "opens_at": self.opens_at,
            "agreed_in_zone_at_opening": self.agreed_in_zone_at_opening,
            "agreed_in_zone_from_month": self.agreed_from,
        }


def zone_check(scenario: Scenario, outcome: Mapping[str, float], *, months: int = 120) -> ZoneCheck:
    """Whether the agreed package ``outcome`` lies in the zone of agreement of ``scenario``.

    The zone is :func:`accord.bargaining.analyse`'s: packages within every binding red line
    (parties' and ratifiers') that every party strictly prefers to no deal. The agreed package
    is tested directly (it is on the analysis's grid, which holds every labelled point).
    """
    res = analyse(scenario, months=months)
    pkg = np.array([[float(outcome[i.id]) for i in scenario.issues]])
    mats = actor_matrices(scenario)
    util = package_utility(scenario, pkg, mats=mats)[0]
    holders = scenario.red_line_holders()
    parties = res.space.parties
    names = scenario.actor_ids
    breaking = tuple(
        names[i]
        for i in np.flatnonzero(holders)
        if not red_line_ok(scenario, pkg, mats=mats, ignore=np.arange(len(names)) != i)[0]
    )
    rejecting = tuple(names[i] for i in np.flatnonzero(parties & ~(util > res.space.no_deal)))
    # the no-deal utilities of the scan, month by month (the timeline's own)
    path = np.array([[p.no_deal[a] for a in names] for p in res.timeline])
    beats = (util[parties] > path[:, parties]).all(axis=1) & (not breaking)
    at_open = None if res.opens_at is None else bool(beats[res.opens_at])
    agreed_from = int(np.argmax(beats)) if beats.any() else None
    return ZoneCheck(
        res.zopa_size,
        None if res.max_min_gain is None else res.max_min_gain > 0,
        not breaking and not rejecting,
        rejecting,
        breaking,
        months,
        res.opens_at,
        at_open,
        agreed_from,
    )


def case_forecasts(
    scenario: Scenario, models: Sequence[str | Forecaster] | None = None, *, seed: int = 0
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Every model's forecast per issue, and the error of every model that failed.

    Runs :func:`accord.forecast.forecast`; if a model raises, each model is run again on the
    very stream ``forecast`` gives it (child k of ``SeedSequence(seed)``), so the others'
    numbers are the same and the failing one is reported by name.
    """
    chosen = resolve_models(models, scenario)
    values: dict[str, dict[str, float]] = {}
    errors: dict[str, str] = {}
    try:
        summaries = forecast(scenario, chosen, seed=seed).issues()
        for s in summaries:
            for name, v in s.values.items():
                values.setdefault(name, {})[s.issue_id] = v
    except Exception:  # one model's failure must not hide the others: rerun them one by one
        values = {}
        streams = np.random.SeedSequence(seed).spawn(len(chosen))
        for m, ss in zip(chosen, streams, strict=True):
            try:
                fc = m.forecast(scenario, rng=np.random.default_rng(ss))
            except Exception as exc:  # reported, never dropped
                errors[m.name] = f"{type(exc).__name__}: {exc}"
                log.warning("%s failed on %s: %s", m.name, scenario.metadata.title, exc)
                continue
            values[m.name] = {
                i.id: snap(i, fc.issues[i.id].value) for i in scenario.issues if i.id in fc.issues
            }
    for name, by_issue in list(values.items()):
        bad = [k for k, v in by_issue.items() if not math.isfinite(v)]
        if bad:
            errors[name] = f"non-finite forecast on {', '.join(bad)}"
            del values[name]
    return values, errors


_COLUMNS = [
    "case",
    "issue",
    "model",
    "forecast",
    "agreed",
    "error",
    "abs_error",
    "nearest",
    "nearest_is_agreed",
    "failed",
]


@dataclass(frozen=True)
class CasebookResult:
    """Per (case, issue, model) rows, the zone checks per case and the run's settings."""

    rows: pd.DataFrame
    cases: tuple[Case, ...]
    zones: dict[str, ZoneCheck]
    models: tuple[str, ...]
    seed: int
    failures: dict[str, dict[str, str]] = field(default_factory=dict)  # model -> case -> reason

    def summary(self) -> pd.DataFrame:
        """Per model (in run order): issues scored, issues failed, MAE, RMSE, the share of
        issues whose nearest term is the agreed one, the share within 10 points."""
        out = []
        for model in self.models:
            grp = self.rows[self.rows["model"] == model]
            ok = grp[grp["failed"] == ""]
            err = ok["error"].to_numpy(dtype=float)
            n = len(ok)
            out.append(
                {
                    "model": model,
                    "n": n,
                    "failed": int(len(grp) - n),
                    "mae": float(np.mean(np.abs(err))) if n else math.nan,
                    "rmse": float(np.sqrt(np.mean(err**2))) if n else math.nan,
                    "term_hit": float(ok["nearest_is_agreed"].mean()) if n else math.nan,
                    "within10": float(np.mean(np.abs(err) <= 10.0)) if n else math.nan,
                }
            )
        return pd.DataFrame(out)

    def to_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            return None if isinstance(v, float) and not math.isfinite(v) else v

        rows = [{k: clean(v) for k, v in r.items()} for r in self.rows.to_dict(orient="records")]
        return {
            "seed": self.seed,
            "models": list(self.models),
            "cases": [
                {
                    "case": c.name,
                    "title": c.scenario.metadata.title,
                    "outcome": c.outcome,
                    "outcome_date": c.outcome_date,
                    "outcome_source": c.outcome_source,
                    "zone": self.zones[c.name].to_dict(),
                }
                for c in self.cases
            ],
            "rows": rows,
            "summary": [
                {k: clean(v) for k, v in r.items()}
                for r in self.summary().to_dict(orient="records")
            ],
            "failures": self.failures,
        }


def casebook_backtest(
    cases: Sequence[Case] | None = None,
    models: Sequence[str | Forecaster] | None = None,
    *,
    seed: int = 0,
    months: int = 120,
) -> CasebookResult:
    """Forecast every case (default: the shipped casebook) with ``models`` (default: every
    registered model that applies to some case, :func:`accord.models.base.not_applicable`;
    on a case it does not apply to it is reported as failing, with the reason), score each
    issue against its agreed term and check the zone."""
    cases = tuple(casebook_cases() if cases is None else cases)
    chosen = resolve_models(models)
    if models is None:
        chosen = [m for m in chosen if any(not_applicable(m, c.scenario) is None for c in cases)]
    names = (*(m.name for m in chosen), STATUS_QUO_BASELINE)
    rows: list[dict[str, Any]] = []
    zones: dict[str, ZoneCheck] = {}
    failures: dict[str, dict[str, str]] = {}
    for case in cases:
        scn = case.scenario
        applies = [m for m in chosen if not_applicable(m, scn) is None]
        values, errors = case_forecasts(scn, applies, seed=seed)
        for m in chosen:
            if m not in applies:
                errors[m.name] = f"does not apply: {not_applicable(m, scn)}"
        values[STATUS_QUO_BASELINE] = {
            i.id: float(i.status_quo.value) for i in scn.issues if i.status_quo is not None
        }
        for name, reason in errors.items():
            failures.setdefault(name, {})[case.name] = reason
        for issue in scn.issues:
            agreed = case.outcome[issue.id]
            for name in names:
                row: dict[str, Any] = dict.fromkeys(_COLUMNS, math.nan)
                row.update(case=case.name, issue=issue.id, model=name, agreed=agreed)
                value = values.get(name, {}).get(issue.id)
                if value is None:
                    row.update(failed=errors.get(name, "no forecast for this issue"))
                    row["nearest_is_agreed"] = False
                else:
                    sc = score_term(issue, value, agreed)
                    row.update(
                        forecast=value,
                        error=sc.error,
                        abs_error=sc.abs_error,
                        nearest=sc.nearest,
                        nearest_is_agreed=sc.nearest_is_agreed,
                        failed="",
                    )
                rows.append(row)
        zones[case.name] = zone_check(scn, case.outcome, months=months)
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return CasebookResult(frame, cases, zones, names, seed, failures)
