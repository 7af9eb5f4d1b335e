"""Stable addresses of a scenario's numbers, for review threads that outlive edits.

A place such as ``actors[1].stances.nato.salience`` names a number by list index, so it points
at another number once an actor is added above it. An *address* names it by ids instead:

* ``actor:ID`` (the whole actor), ``actor:ID/capability``, ``actor:ID/no_deal/FIELD``,
  ``actor:ID/red_lines_move_together``;
* ``actor:ID/issue:ID/FIELD`` for a stance's ``position``, ``salience``, ``red_line`` or
  ``capability``;
* ``issue:ID`` (the whole issue), ``issue:ID/status_quo``, ``issue:ID/label:POINT`` (the deal
  term at a labelled point of its scale);
* ``war/drift:ISSUE``, ``war/discount_rate``.

:func:`value_at` reads what the address holds now (a number, the label's text, an actor's
name or an issue's question, or None when the scenario no longer has it).
"""

from __future__ import annotations

import re
from typing import Any

from .fields import PanelView
from .model import Actor, Issue, Quantity, Scenario

__all__ = [
    "ADDRESS_RE",
    "STANCE_FIELDS",
    "address_of_place",
    "place_of",
    "quantity_at",
    "value_at",
    "with_panel",
]

#: what an address may look like (checked before it is resolved; at most 200 characters)
ADDRESS_RE = re.compile(r"[a-z_]+(:[A-Za-z0-9_.+-]{1,64})?(/[a-z_]+(:[A-Za-z0-9_.+-]{1,64})?){0,3}")
STANCE_FIELDS = ("position", "salience", "red_line", "capability")
NO_DEAL_FIELDS = (
    "cost_per_month",
    "cost_growth_per_month",
    "capability_trend_per_month",
    "utility",
)


def _split(address: str) -> list[tuple[str, str | None]]:
    parts = []
    for part in address.split("/"):
        kind, _, ident = part.partition(":")
        parts.append((kind, ident or None))
    return parts


def _find_actor(scn: Scenario, ident: str | None) -> Actor | None:
    return next((a for a in scn.actors if a.id == ident), None)


def _find_issue(scn: Scenario, ident: str | None) -> Issue | None:
    return next((i for i in scn.issues if i.id == ident), None)


def _actor_value(actor: Actor, rest: list[tuple[str, str | None]]):
    if not rest:
        return actor.name
    (kind, ident), tail = rest[0], rest[1:]
    if kind == "capability" and not tail:
        return actor.capability
    if kind == "red_lines_move_together" and not tail:
        return actor.red_lines_move_together
    if kind == "no_deal" and len(tail) == 1 and tail[0][0] in NO_DEAL_FIELDS:
        return None if actor.no_deal is None else getattr(actor.no_deal, tail[0][0])
    if kind == "issue" and len(tail) == 1 and tail[0][0] in STANCE_FIELDS:
        stance = actor.stances.get(ident or "")
        return None if stance is None else getattr(stance, tail[0][0])
    return None


def _issue_value(issue: Issue, rest: list[tuple[str, str | None]]):
    if not rest:
        return issue.question
    kind, ident = rest[0]
    if len(rest) > 1:
        return None
    if kind == "status_quo":
        return issue.status_quo
    if kind == "label" and ident is not None:
        try:
            point = float(ident)
        except ValueError:
            return None
        return issue.scale.labels.get(point)
    return None


def _target(scn: Scenario, address: str):
    """What ``address`` points at: a Quantity, a text, or None."""
    parts = _split(address)
    (kind, ident), rest = parts[0], parts[1:]
    if kind == "actor":
        actor = _find_actor(scn, ident)
        return None if actor is None else _actor_value(actor, rest)
    if kind == "issue":
        issue = _find_issue(scn, ident)
        return None if issue is None else _issue_value(issue, rest)
    if kind == "war" and scn.war is not None and len(rest) == 1:
        sub, sub_id = rest[0]
        if sub == "drift":
            return scn.war.drift_per_month.get(sub_id or "")
        if sub == "discount_rate":
            return scn.war.discount_rate_per_month
    return None


def value_at(scn: Scenario, address: str) -> float | str | None:
    """The number (or text) at ``address`` in ``scn`` now; None when it is not there."""
    found = _target(scn, address)
    if isinstance(found, Quantity):
        return float(found.value)
    return found if isinstance(found, str) else None


def quantity_at(scn: Scenario, address: str) -> Quantity | None:
    """The :class:`Quantity` at ``address``, or None (a text, a whole actor, or nothing)."""
    found = _target(scn, address)
    return found if isinstance(found, Quantity) else None


_PLACE_RE = re.compile(r"actors\[(\d+)\]\.(.+)|issues\[(\d+)\]\.(.+)|war\.(.+)")


def address_of_place(scn: Scenario, place: str) -> str | None:
    """The address of a place such as ``actors[1].stances.nato.salience`` (None if unknown)."""
    m = _PLACE_RE.fullmatch(place)
    if m is None:
        return None
    if m.group(1) is not None:
        actor = scn.actors[int(m.group(1))]
        rest = m.group(2).split(".")
        if rest[0] == "stances" and len(rest) == 3:
            return f"actor:{actor.id}/issue:{rest[1]}/{rest[2]}"
        return "/".join([f"actor:{actor.id}", *rest])
    if m.group(3) is not None:
        return f"issue:{scn.issues[int(m.group(3))].id}/{m.group(4)}"
    war = m.group(5).split(".")
    if war[0] == "drift_per_month" and len(war) == 2:
        return f"war/drift:{war[1]}"
    return "war/discount_rate" if war == ["discount_rate_per_month"] else None


def place_of(scn: Scenario, address: str) -> str | None:
    """The place (``actors[1].stances.nato.salience``) of a number's address in ``scn`` now."""
    for place, _q in scn.quantities():
        if address_of_place(scn, place) == address:
            return place
    return None


def _path_of(place: str) -> list[str | int]:
    """``actors[1].stances.nato.salience`` -> ``["actors", 1, "stances", "nato", "salience"]``."""
    out: list[str | int] = []
    for part in place.split("."):
        name, _, index = part.partition("[")
        out.append(name)
        if index:
            out.append(int(index.rstrip("]")))
    return out


def with_panel(scn: Scenario, address: str, views: list[PanelView], *, why: str) -> Scenario:
    """``scn`` with the number at ``address`` made uncertain as the linear opinion pool of
    ``views`` (``shape: panel``): its range spans every view and the number's own value, and
    ``why`` becomes the range's evidence (a judgement). KeyError when ``address`` is no
    number; ScenarioError when the result breaks a rule of the scenario."""
    place = place_of(scn, address)
    if place is None or not views:
        raise KeyError(f"{address!r} is not a number of this scenario, or no views were given")
    data = scn.model_dump(mode="json", exclude_none=True)
    node: Any = data
    path = _path_of(place)
    for step in path:
        node = node[step]
    value = float(node["value"])
    node["uncertainty"] = {
        "low": min([value, *(v.low for v in views)]),
        "high": max([value, *(v.high for v in views)]),
        "shape": "panel",
        "panel": [v.model_dump(mode="json", exclude_none=True) for v in views],
        "evidence": {"judgement": why},
    }
    from .loader import scenario_from_dict

    return scenario_from_dict(data, "scenario")
