"""Turn a model's round-by-round trace into plain sentences."""

from __future__ import annotations

from accord.models.base import IssueForecast, TraceEvent
from accord.scenario import Scenario

__all__ = ["narrate", "describe_event"]

_TEMPLATES = {
    "conflict": "{other} challenges {actor} on {issue}; {actor} expects to lose the contest and "
    "gives way, moving from {before} to {after}",
    "compromise": "{other} challenges {actor} on {issue}; {actor} expects to lose and compromises "
    "from {before} to {after}",
    "capitulation": "{other} presses {actor} on {issue}; {actor} capitulates, moving from {before} "
    "to {after}",
    "exchange": "{actor} trades with {other}: it moves on {issue} from {before} to {after}",
    "bargain": "{actor} strikes a bargain with {other} and moves on {issue} from {before} to "
    "{after}",
    "move": "{actor} moves on {issue} from {before} to {after}",
}


def _num(x: float | None) -> str:
    return "?" if x is None else f"{x:.4g}"


def describe_event(ev: TraceEvent, scenario: Scenario) -> str:
    names = {a.id: a.name for a in scenario.actors}
    issue = scenario.issue(ev.issue) if ev.issue in scenario.issue_ids else None
    issue_name = (issue.name or issue.id) if issue else ev.issue
    template = _TEMPLATES.get(
        ev.kind, "{actor} ({kind}) with {other} on {issue}: {before} to {after}"
    )
    text = template.format(
        actor=names.get(ev.actor, ev.actor),
        other=names.get(ev.other or "", ev.other or "another actor"),
        issue=issue_name,
        before=_num(ev.before),
        after=_num(ev.after),
        kind=ev.kind,
    )
    if issue is not None and ev.after is not None and issue.scale.labels:
        text += f" ({issue.scale.describe(ev.after)})"
    note = ev.detail.get("why") if ev.detail else None
    if note:
        text += f" [{note}]"
    return text


def narrate(scenario: Scenario, result: IssueForecast, model_label: str = "") -> list[str]:
    """One line per round: what moved and why, then the round's forecast with its label."""
    issue = scenario.issue(result.issue_id)
    lines: list[str] = []
    trace = result.trace
    head = f"{model_label}: " if model_label else ""
    if trace is None:
        lines.append(f"{head}this model has no rounds to tell")
        lines.append(f"final forecast {result.value:.4g}: {issue.scale.describe(result.value)}")
        return lines
    lines.append(
        f"{head}round 0: forecast {trace.forecast[0]:.4g} "
        f"({issue.scale.describe(trace.forecast[0])})"
    )
    by_round: dict[int, list[TraceEvent]] = {}
    for ev in trace.events:
        by_round.setdefault(ev.round, []).append(ev)
    for r in range(1, trace.rounds + 1):
        events = by_round.get(r, [])
        if events:
            for ev in events:
                lines.append(f"round {r}: {describe_event(ev, scenario)}")
        else:
            lines.append(f"round {r}: no actor changes position")
        f = trace.forecast[r]
        lines.append(f"round {r}: forecast {f:.4g} ({issue.scale.describe(f)})")
    lines.append(f"final forecast {result.value:.4g}: {issue.scale.describe(result.value)}")
    return lines
