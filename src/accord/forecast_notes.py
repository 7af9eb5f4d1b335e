"""What must be said next to each forecast: convergence, red lines, discrete options, agreement.

Never print a number without what qualifies it. For every model and issue:

* **convergence** — a round-based model's run that did not settle (a cycle, or still moving at
  its limit of rounds; :mod:`accord.models.diagnostics`);
* **red lines** — a forecast on the far side of a party's red line breaks it: the red line is
  the worst value the party accepts, on the side away from its position (the side is
  ``sign(red line − position)`` of the scenario's own values; a red line equal to the position
  accepts that value only);
* **discrete issues** — where only the labelled points are possible outcomes, each model's
  forecast is reported as the admissible option nearest its own value (an exact tie goes to
  the option nearer the middle of the scale, which respects the direction of the scale; only a
  value halfway between two options placed symmetrically about the middle goes to the lower),
  and the model's own value is kept beside it;
* **agreement** — in deal terms: do the models land on the same labelled term, on
  neighbouring terms, or far apart; without labels, by the spread as a share of the scale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from accord.forecast import IssueSummary
    from accord.models.base import IssueForecast, ModelForecast
    from accord.scenario import Issue, Scenario

__all__ = ["agreement", "convergence", "issue_summary", "red_line_breaches", "snap"]

#: Values within this share of the scale count as equal (on a term, on a red line).
TOL = 1e-9
#: Without labelled terms, models within this share of the scale agree.
AGREE_SHARE = 0.1


def snap(issue: Issue, value: float) -> float:
    """The admissible option of a discrete issue nearest ``value`` (see the module docstring)."""
    if not issue.scale.discrete or not issue.scale.labels:
        return value
    mid = 0.5 * (issue.scale.min + issue.scale.max)
    return float(min(issue.scale.labels, key=lambda p: (abs(p - value), abs(p - mid), p)))


def snap_many(issue: Issue, values: np.ndarray) -> np.ndarray:
    """:func:`snap` of every value (a discrete issue's draws: the spread over its options)."""
    v = np.asarray(values, dtype=float)
    if not issue.scale.discrete or not issue.scale.labels:
        return v
    mid = 0.5 * (issue.scale.min + issue.scale.max)
    opts = np.array(sorted(issue.scale.labels, key=lambda p: (abs(p - mid), p)), dtype=float)
    # the nearest option; among equally near ones the first in (|p − mid|, p) order, as snap
    dist = np.abs(v[..., None] - opts)
    best = np.argmin(dist, axis=-1)  # argmin keeps the first of equal distances
    out = opts[best]
    return np.where(np.isnan(v), np.nan, out)


def red_line_breaches(scenario: Scenario, issue: Issue, value: float) -> list[tuple[str, float]]:
    """(actor name, red line) of every party whose red line on ``issue`` the value breaks."""
    tol = TOL * (issue.scale.max - issue.scale.min)
    out = []
    for actor in scenario.actors:
        st = actor.stances.get(issue.id)
        if not actor.binds_red_lines or st is None or st.red_line is None:
            continue
        red, pos = float(st.red_line.value), float(st.position.value)
        side = np.sign(red - pos)
        broken = (
            (side < 0 and value < red - tol)
            or (side > 0 and value > red + tol)
            or (side == 0 and abs(value - red) > tol)
        )
        if broken:
            out.append((actor.name or actor.id, red))
    return out


def agreement(issue: Issue, values: dict[str, float]) -> str:
    """The models' agreement in deal terms (see the module docstring)."""
    if not values:
        return ""
    points = sorted(issue.scale.labels)
    width = issue.scale.max - issue.scale.min
    if not points:
        spread = (max(values.values()) - min(values.values())) / width
        verdict = "models agree" if spread <= AGREE_SHARE else "models disagree"
        return f"{verdict} (spread {spread:.0%} of the scale; the issue has no labelled terms)"
    nearest = {m: int(np.argmin([abs(p - v) for p in points])) for m, v in values.items()}
    lo, hi = min(nearest.values()), max(nearest.values())
    if lo == hi:
        return f"every model lands on the same deal term: {issue.scale.labels[points[lo]]}"
    if hi - lo == 1:
        return (
            f"models land on neighbouring deal terms: {issue.scale.labels[points[lo]]} / "
            f"{issue.scale.labels[points[hi]]}"
        )
    return (
        f"models are far apart: from {issue.scale.labels[points[lo]]} to "
        f"{issue.scale.labels[points[hi]]} ({hi - lo + 1} deal terms)"
    )


def convergence(forecast: IssueForecast, issue: Issue) -> dict | None:
    """How a run's forecast series ended (:func:`accord.models.diagnostics.forecast_convergence`:
    the model's own report, else its per-round trace classified); None for a model without
    rounds."""
    from accord.models.diagnostics import forecast_convergence

    return forecast_convergence(forecast, issue.scale.max - issue.scale.min)


def _convergence_note(forecast: IssueForecast, issue: Issue) -> str | None:
    conv = convergence(forecast, issue)
    if not conv or conv.get("status") == "converged":
        return None
    return str(conv.get("text"))


def issue_summary(
    scenario: Scenario, issue: Issue, models: tuple[ModelForecast, ...]
) -> IssueSummary:
    """Every model's (admissible) forecast on ``issue`` with its notes and the agreement."""
    from accord.forecast import CONSENSUS_MODEL, IssueSummary

    raw = {m.model: m.issues[issue.id].value for m in models}
    values = {name: snap(issue, v) for name, v in raw.items()}
    notes: dict[str, tuple[str, ...]] = {}
    for m in models:
        said = []
        conv = _convergence_note(m.issues[issue.id], issue)
        if conv:
            said.append(conv)
        v = values[m.model]
        if v != raw[m.model]:
            said.append(
                f"a discrete issue: {raw[m.model]:.4g} reported as the nearest option {v:g}"
            )
        for who, red in red_line_breaches(scenario, issue, v):
            said.append(f"breaks {who}'s red line ({red:g})")
        notes[m.model] = tuple(said)
    width = issue.scale.max - issue.scale.min
    spread = max(values.values()) - min(values.values()) if values else 0.0
    return IssueSummary(
        issue.id,
        issue.question,
        values,
        {k: issue.scale.describe(v) for k, v in values.items()},
        spread,
        spread / width,
        raw,
        notes,
        agreement(issue, values),
        values.get(CONSENSUS_MODEL),
    )
