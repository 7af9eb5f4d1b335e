"""How the answers moved between two versions of a scenario, beside what changed in the inputs.

:func:`compare_scenarios` runs the same analyses, with the same settings and seed, on scenario
A (the old version) and scenario B (the new one) and pairs their answers:

1. the inputs that changed (:func:`accord.scenario.diff.diff_scenarios`);
2. each issue's forecast by every model, the consensus among them (:mod:`accord.forecast`);
3. the bargaining analysis: whether a zone of agreement exists now, how many grid packages it
   holds, the month it opens on the grid and on the continuous scales, and the Nash package
   then (:func:`accord.bargaining.analyse`, ripeness after [Zartman2000]);
4. with ``draws`` > 0, the Monte Carlo over every uncertain input: P(a zone exists now) and
   P(a zone has opened by 12, 24 and 48 months) (:func:`accord.simulation.simulate`, bargaining
   only, no models);
5. with ``runs`` > 0, the process comparison: P(deal), P(breakdown), P(escalation) and the
   median months to a deal of each process (:func:`accord.process.compare_processes`).

Issues, models or processes present on one side only are reported with the other side empty.
This module lives in the report layer because it combines the simulation and the process
layers, which must not import each other.

>>> import accord
>>> a = accord.load_scenario("eu-emissions-1994")
>>> b = a.model_copy(deep=True)
>>> b.actors[0].stances["year"].salience.value = 0.5
>>> cmp = compare_scenarios(a, b, draws=0, runs=0, models=["median"])
>>> [c.place for c in cmp.inputs.changes]
['Netherlands · year · salience']
>>> [(m.place, m.old, m.new, m.delta) for m in cmp.answers if m.group == "forecast"]
[('year · median', 7.0, 10.0, 3.0)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.forecast import CONSENSUS_MODEL, ForecastResult, forecast
from accord.scenario import Scenario, ScenarioError
from accord.scenario.diff import SEP, ScenarioDiff, diff_scenarios

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_RUNS",
    "P_ZONE_MONTHS",
    "AnswerMove",
    "ScenarioComparison",
    "compare_scenarios",
]

#: Monte Carlo draws per scenario by default: enough for a first look at P(zone by month),
#: cheap enough that the comparison finishes in seconds (use more for a report).
DEFAULT_DRAWS = 200
#: Simulated runs per process by default (`accord process` uses 200).
DEFAULT_RUNS = 100
#: The horizons of P(zone of agreement open by month t).
P_ZONE_MONTHS: tuple[int, ...] = (12, 24, 48)
#: Months of continued war the ripeness scan covers (as `accord bargain`).
RIPENESS_SCAN_MONTHS = 120

Group = Literal["forecast", "bargaining", "Monte Carlo", "process"]
Answer = float | int | bool | None


@dataclass(frozen=True)
class AnswerMove:
    """One answer in version A (``old``) and in version B (``new``); None where it is absent
    (an issue only one version has, no zone within the horizon, no deal in any run)."""

    group: Group
    key: str
    place: str
    old: Answer
    new: Answer

    @property
    def delta(self) -> float | None:
        """``new - old`` when both are numbers (true/false count as 1/0), else None."""
        if self.old is None or self.new is None:
            return None
        d = float(self.new) - float(self.old)
        return None if math.isnan(d) else d

    @property
    def moved(self) -> bool:
        return not _same(self.old, self.new)

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "key": self.key,
            "place": self.place,
            "old": self.old,
            "new": self.new,
            "delta": self.delta,
            "moved": self.moved,
        }


def _same(x: Answer, y: Answer) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return x == y


@dataclass(frozen=True)
class ScenarioComparison:
    """The input changes and the moved answers from scenario A to scenario B."""

    inputs: ScenarioDiff
    answers: tuple[AnswerMove, ...]
    settings: dict[str, Any]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def moved(self) -> tuple[AnswerMove, ...]:
        return tuple(m for m in self.answers if m.moved)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.inputs.a_title,
            "b": self.inputs.b_title,
            "settings": self.settings,
            "inputs": [c.to_dict() for c in self.inputs.changes],
            "answers": [m.to_dict() for m in self.answers],
            "notes": list(self.notes),
        }


def compare_scenarios(
    a: Scenario,
    b: Scenario,
    *,
    models: Sequence[str] | None = None,
    model_params: Sequence[str] = (),
    draws: int = DEFAULT_DRAWS,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    resolution: int = 11,
    answers: bool = True,
    files: tuple[str, str] = ("A", "B"),
) -> ScenarioComparison:
    """The input changes from ``a`` to ``b`` and, with ``answers``, how every answer moved.

    ``models`` are registry names (default: every registered model), each built with its own
    scenario's options and ``model_params`` (``MODEL.OPTION=VALUE``, as ``--model-param``);
    ``draws`` Monte Carlo draws and ``runs`` process runs per scenario
    (0 skips that part); ``resolution`` grid points per continuous issue in the bargaining
    analysis (as `accord bargain`). Both sides get the same ``seed``, so an unchanged
    scenario gives the same answers. ``files`` name A and B in notes and process-setting
    errors.
    """
    if draws < 0 or runs < 0:
        raise ValueError(f"draws and runs must be zero or more, got {draws} and {runs}")
    inputs = diff_scenarios(a, b)
    settings: dict[str, Any] = {
        "answers": answers,
        "models": list(models) if models is not None else "all",
        "draws": draws,
        "runs": runs,
        "seed": seed,
        "resolution": resolution,
        "ripeness_months": RIPENESS_SCAN_MONTHS,
    }
    if not answers:
        return ScenarioComparison(inputs, (), settings)
    notes: list[str] = []
    moves = _forecasts(
        _forecast(a, models, seed, model_params), _forecast(b, models, seed, model_params)
    )
    # the Monte Carlo's zone and the processes need what the bargaining analysis needs (a
    # status quo on every issue): a side without it is said once and left out of all three
    places: dict[str, str] = dict(BARGAIN_PLACES)
    got = _bargain_values(a, resolution, places), _bargain_values(b, resolution, places)
    ba, bb = (v if isinstance(v, dict) else None for v in got)
    notes.extend(_bargain_notes(got, files))
    moves.extend(_moves("bargaining", "bargaining", ba or {}, bb or {}, places))
    either = ba is not None or bb is not None
    if draws and either:
        ma = _mc_values(a, draws, seed) if ba is not None else {}
        mb = _mc_values(b, draws, seed) if bb is not None else {}
        moves.extend(_moves("Monte Carlo", "monte_carlo", ma, mb, MC_PLACES))
    if runs and either:
        places = {}
        pa = _process_values(a, runs, seed, files[0], notes, places) if ba is not None else {}
        pb = _process_values(b, runs, seed, files[1], notes, places) if bb is not None else {}
        moves.extend(_moves("process", "process", pa, pb, places))
    return ScenarioComparison(inputs, tuple(moves), settings, tuple(notes))


# -- pairing -------------------------------------------------------------------------------------


def _pairs(old: dict[str, Answer], new: dict[str, Answer]) -> list[tuple[str, Answer, Answer]]:
    """(key, old, new) for every key of either side: B's order, then the keys only A has."""
    keys = [*new, *(k for k in old if k not in new)]
    return [(k, old.get(k), new.get(k)) for k in keys]


def _moves(
    group: Group,
    prefix: str,
    old: dict[str, Answer],
    new: dict[str, Answer],
    places: dict[str, str],
) -> list[AnswerMove]:
    return [
        AnswerMove(group, f"{prefix}.{k}", places.get(k, k), _plain(x), _plain(y))
        for k, x, y in _pairs(old, new)
    ]


def _plain(v: Any) -> Answer:
    """A Python bool, int or float (numpy scalars converted), so the JSON needs no help."""
    if v is None or isinstance(v, bool):
        return v
    item = getattr(v, "item", None)  # numpy scalars
    return _plain(item()) if callable(item) else v


# -- forecasts -----------------------------------------------------------------------------------


def _forecast(
    scn: Scenario, models: Sequence[str] | None, seed: int, params: Sequence[str] = ()
) -> ForecastResult:
    from accord.models.options import build_models

    chosen = build_models(None if models is None else list(models), scn, tuple(params))
    return forecast(scn, chosen, seed=seed)


def _forecast_values(res: ForecastResult, places: dict[str, str]) -> dict[str, Answer]:
    out: dict[str, Answer] = {}
    for s in res.issues():
        for model, v in s.values.items():
            key = f"{s.issue_id}.{model}"
            tag = " (consensus)" if model == CONSENSUS_MODEL else ""
            places[key] = f"{s.issue_id}{SEP}{model}{tag}"
            out[key] = float(v)
    return out


def _forecasts(fa: ForecastResult, fb: ForecastResult) -> list[AnswerMove]:
    places: dict[str, str] = {}
    old, new = _forecast_values(fa, places), _forecast_values(fb, places)
    return _moves("forecast", "forecast", old, new, places)


# -- bargaining ----------------------------------------------------------------------------------


#: The bargaining analysis's answers, with their names for a reader.
BARGAIN_PLACES = {
    "zone_exists": "zone of agreement now",
    "zopa_size": "grid packages in the zone now",
    "opens_at": f"month a zone opens (grid, within {RIPENESS_SCAN_MONTHS})",
    "opens_at_continuous": "month a zone opens (continuous scales)",
}


def _bargain_values(
    scn: Scenario, resolution: int, places: dict[str, str]
) -> dict[str, Answer] | str:
    """The bargaining answers, or why the scenario cannot be analysed."""
    from accord.bargaining import analyse

    try:
        res = analyse(scn, months=RIPENESS_SCAN_MONTHS, resolution=resolution)
    except ScenarioError as exc:  # e.g. an issue without a status quo
        return "; ".join(f"{p.place} {p.rule}" for p in exc.problems)
    out: dict[str, Answer] = {
        "zone_exists": res.zone_exists,
        "zopa_size": res.zopa_size,
        "opens_at": res.opens_at,
        "opens_at_continuous": res.opens_at_continuous,
    }
    pkg = res.package_at_opening  # the Nash package now when the zone is open now (month 0)
    for issue in scn.issues:
        places[f"nash.{issue.id}"] = f"Nash package when a zone opens (grid){SEP}{issue.id}"
        out[f"nash.{issue.id}"] = None if pkg is None else float(pkg.values[issue.id])
    return out


def _bargain_notes(
    got: tuple[dict[str, Answer] | str, dict[str, Answer] | str], files: tuple[str, str]
) -> list[str]:
    head = "no bargaining analysis, Monte Carlo of the zone or process comparison for"
    why = [(f"{side} ({file})", g) for side, file, g in zip("AB", files, got, strict=True)]
    failed = [(side, g) for side, g in why if isinstance(g, str)]
    if len(failed) == 2 and failed[0][1] == failed[1][1]:
        return [f"{head} A and B: {failed[0][1]}"]
    return [f"{head} {side}: {g}" for side, g in failed]


# -- Monte Carlo ---------------------------------------------------------------------------------

MC_PLACES = {
    "p_zone_now": "P(zone of agreement now)",
    **{f"p_zone_by_{t}": f"P(zone open by month {t})" for t in P_ZONE_MONTHS},
    "median_opening_month": "median month a zone opens (quarterly grid)",
}


def _mc_values(scn: Scenario, draws: int, seed: int) -> dict[str, Answer]:
    from accord.simulation import simulate

    res = simulate(
        scn, draws, seed=seed, models=[], bargaining=True, progress=False, keep_partial=False
    )
    out: dict[str, Answer] = {"p_zone_now": res.p_zone_of_agreement()}
    out.update({f"p_zone_by_{t}": res.p_zone_by(t) for t in P_ZONE_MONTHS})
    out["median_opening_month"] = res.opening_month().get("q50")
    return out


# -- processes -----------------------------------------------------------------------------------


#: What each process reports, with its name for a reader.
PROCESS_MEASURES = {
    "p_deal": "P(deal)",
    "p_breakdown": "P(breakdown)",
    "p_escalation": "P(escalation)",
    "median_months_to_deal": "median months to a deal",
}


def _process_values(
    scn: Scenario, runs: int, seed: int, file: str, notes: list[str], places: dict[str, str]
) -> dict[str, Answer]:
    from accord.process import DEFAULT_COMPARE, compare_processes, settings_from_scenario

    try:
        settings = settings_from_scenario(scn, file=file)
        res = compare_processes(
            scn, DEFAULT_COMPARE, runs=runs, seed=seed, settings=settings, file=file
        )
    except ScenarioError as exc:  # e.g. fewer than two parties: the other answers still stand
        notes.append("no process comparison: " + "; ".join(map(str, exc.problems)))
        return {}
    out: dict[str, Answer] = {}
    for p in res.processes:
        months = None if p.months_to_deal is None else p.months_to_deal["median"]
        values = (p.p_deal, p.p_breakdown, p.p_escalation, months)
        for measure, v in zip(PROCESS_MEASURES, values, strict=True):
            places[f"{p.process}.{measure}"] = f"{p.process}{SEP}{PROCESS_MEASURES[measure]}"
            out[f"{p.process}.{measure}"] = v
    return out
