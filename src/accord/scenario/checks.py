"""Checks across fields that the pydantic types cannot express on their own."""

from __future__ import annotations

from collections import Counter

from .errors import Problem
from .model import Quantity, Scenario

__all__ = ["check_scenario"]


def check_scenario(scn: Scenario, file: str) -> list[Problem]:
    """Every cross-field fault of ``scn``; an empty list means the scenario is sound."""
    out: list[Problem] = []

    def add(place: str, rule: str, value=None, fix: str | None = None, *, has_value=True):
        if has_value:
            out.append(Problem(file, place, rule, value, fix))
        else:
            out.append(Problem(file, place, rule, fix=fix))

    if not scn.actors:
        add("actors", "must list at least one actor", has_value=False)
    if not scn.issues:
        add("issues", "must list at least one issue", has_value=False)

    for name, items in (("actors", scn.actors), ("issues", scn.issues), ("sources", scn.sources)):
        counts = Counter(x.id for x in items)
        for k, x in enumerate(items):
            if counts[x.id] > 1:
                add(f"{name}[{k}].id", "must be unique", x.id, "rename one of the duplicates")

    source_ids = {s.id for s in scn.sources}
    issues = {i.id: i for i in scn.issues}

    for k, iss in enumerate(scn.issues):
        lo, hi = iss.scale.min, iss.scale.max
        for point in iss.scale.labels:
            if not lo <= point <= hi:
                add(f"issues[{k}].scale.labels", f"points must lie on the scale {lo:g}..{hi:g}", point)
        if iss.scale.discrete and not iss.scale.labels:
            add(f"issues[{k}].scale.labels", "must list the options of a discrete issue", {},
                "add labelled points or set discrete: false")
        if iss.status_quo is not None:
            _in_range(add, f"issues[{k}].status_quo", iss.status_quo, lo, hi)
        if not any(iss.id in a.stances for a in scn.actors):
            add(f"issues[{k}]", "has no actor taking a stance on it", iss.id,
                "add a stance under some actor's `stances`")

    for a_idx, actor in enumerate(scn.actors):
        base = f"actors[{a_idx}]"
        _check_nonneg(add, f"{base}.capability", actor.capability)
        for issue_id, st in actor.stances.items():
            place = f"{base}.stances.{issue_id}"
            iss = issues.get(issue_id)
            if iss is None:
                add(f"{base}.stances", "names an issue that does not exist", issue_id,
                    f"use one of {sorted(issues)}")
                continue
            lo, hi = iss.scale.min, iss.scale.max
            _in_range(add, f"{place}.position", st.position, lo, hi)
            _in_range(add, f"{place}.salience", st.salience, 0.0, 1.0)
            if st.red_line is not None:
                _in_range(add, f"{place}.red_line", st.red_line, lo, hi)
            if st.capability is not None:
                _check_nonneg(add, f"{place}.capability", st.capability)
        if actor.no_deal is not None and actor.no_deal.utility is not None:
            _in_range(add, f"{base}.no_deal.utility", actor.no_deal.utility, 0.0, 1.0)

    if scn.war is not None:
        for issue_id in scn.war.drift_per_month:
            if issue_id not in issues:
                add("war.drift_per_month", "names an issue that does not exist", issue_id,
                    f"use one of {sorted(issues)}")

    for place, q in scn.quantities():
        ev = q.evidence
        if ev is not None and ev.source is not None and ev.source not in source_ids:
            add(f"{place}.evidence.source", "must name an entry in `sources`", ev.source,
                f"add a source with id {ev.source!r} or use one of {sorted(source_ids)}")
    return out


def _in_range(add, place: str, q: Quantity, lo: float, hi: float) -> None:
    if not lo <= q.value <= hi:
        add(place, f"must be between {lo:g} and {hi:g}", q.value)
    u = q.uncertainty
    if u is not None:
        if not lo <= u.low <= hi or not lo <= u.high <= hi:
            add(f"{place}.uncertainty", f"low and high must lie between {lo:g} and {hi:g}",
                (u.low, u.high))
        if not u.low <= q.value <= u.high:
            add(f"{place}.uncertainty", "must contain the value (low <= value <= high)",
                (u.low, q.value, u.high))


def _check_nonneg(add, place: str, q: Quantity) -> None:
    if q.value < 0:
        add(place, "must be zero or more", q.value)
    u = q.uncertainty
    if u is not None:
        if u.low < 0:
            add(f"{place}.uncertainty.low", "must be zero or more", u.low)
        if not u.low <= q.value <= u.high:
            add(f"{place}.uncertainty", "must contain the value (low <= value <= high)",
                (u.low, q.value, u.high))
