"""Checks across fields that the pydantic types cannot express on their own.

The checks read the plain data (the mapping read from a file), not the validated model, so
that they run even when some fields failed validation: a duplicate actor id is reported in
the same run as an inverted uncertainty range elsewhere. Every accessor tolerates any junk
(a field of the wrong type is skipped here; the field validation reports it).

:func:`check_data` finds errors of the format; :func:`check_runnable` what the models need
beyond the format (two actors, each with a capability above zero and a salience above zero on
some issue), so that nothing ``accord validate`` accepts fails later inside a model; and
:func:`check_warnings` finds suspicious but legal inputs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from .errors import Problem
from .model import Scenario
from .procedure import check_procedure

__all__ = ["check_data", "check_runnable", "check_scenario", "check_warnings", "scenario_warnings"]

Add = Callable[..., None]
_NO_VALUE = object()


def check_scenario(scn: Scenario, file: str) -> list[Problem]:
    """Every cross-field fault of ``scn``; an empty list means the scenario is sound."""
    return check_data(scn.model_dump(), file)


def scenario_warnings(scn: Scenario, file: str) -> list[Problem]:
    """Suspicious but legal inputs of a valid ``scn`` (see :func:`check_warnings`)."""
    return check_warnings(scn.model_dump(), file)


# -- tolerant accessors ----------------------------------------------------------------------


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _dict(x: Any) -> dict[Any, Any]:
    return x if isinstance(x, dict) else {}


def _num(x: Any) -> float | None:
    """A finite number, or None (booleans, text and junk are the field validation's to report)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    try:
        v = float(x)
    except OverflowError:
        return None
    return v if math.isfinite(v) else None


def _qvalue(q: Any) -> float | None:
    """The value of a quantity written as a bare number or as a mapping with `value`."""
    return _num(q.get("value")) if isinstance(q, dict) else _num(q)


def _qrange(q: Any) -> tuple[float, float] | None:
    u = _dict(_dict(q).get("uncertainty"))
    lo, hi = _num(u.get("low")), _num(u.get("high"))
    return None if lo is None or hi is None else (lo, hi)


def _text_id(x: Any) -> str | None:
    return x if isinstance(x, str) else None


def _scale(issue: Any) -> tuple[float, float] | None:
    scale = issue.get("scale", {}) if isinstance(issue, dict) else None
    if not isinstance(scale, dict):
        return None
    lo = _num(scale.get("min", 0.0))
    hi = _num(scale.get("max", 100.0))
    if lo is None or hi is None or not lo < hi:
        return None
    return lo, hi


def _label_points(scale: dict[Any, Any]) -> list[float]:
    out = []
    for key in _dict(scale.get("labels")):
        point = _num(key)
        if point is None and isinstance(key, str):
            try:
                point = _num(float(key))
            except ValueError:
                point = None
        if point is not None:
            out.append(point)
    return out


def _adder(file: str, out: list[Problem]) -> Add:
    def add(place: str, rule: str, value: Any = _NO_VALUE, fix: str | None = None) -> None:
        if value is _NO_VALUE:
            out.append(Problem(file, place, rule, fix=fix))
        else:
            out.append(Problem(file, place, rule, value, fix))

    return add


# -- the errors ------------------------------------------------------------------------------


def check_data(data: Any, file: str) -> list[Problem]:
    """Every cross-field fault of the scenario mapping ``data``; empty when it is sound."""
    out: list[Problem] = []
    if not isinstance(data, dict):
        return out
    add = _adder(file, out)
    actors, issues = _list(data.get("actors")), _list(data.get("issues"))
    sources = _list(data.get("sources"))
    if isinstance(data.get("actors"), list) and not actors:
        add(
            "actors",
            "must list at least one actor",
            fix="add the parties with id, name and capability",
        )
    if isinstance(data.get("issues"), list) and not issues:
        add("issues", "must list at least one issue", fix="add an issue with an id and a question")
    for name, items in (("actors", actors), ("issues", issues), ("sources", sources)):
        _check_unique(add, name, items)
    scales: dict[str, Any] = {}
    for iss in issues:
        iid, sc = _text_id(_dict(iss).get("id")), _scale(iss)
        if iid is not None and sc is not None:
            scales.setdefault(iid, sc)
    issue_ids = {i for i in (_text_id(_dict(x).get("id")) for x in issues) if i is not None}
    _check_issues(add, issues, actors)
    for k, actor in enumerate(actors):
        _check_actor(add, k, actor, scales, issue_ids)
    _check_war(add, data.get("war"), issue_ids)
    _check_evidence(add, data, sources)
    _check_ktab(add, data.get("extensions"), actors)
    actor_ids = {i for i in (_text_id(_dict(a).get("id")) for a in actors) if i is not None}
    check_procedure(add, data.get("procedure"), actor_ids)
    return out


def check_runnable(data: Any, file: str) -> list[Problem]:
    """What every model needs beyond the format: two actors or more, each with a capability
    above zero and a salience above zero on some issue (the SMP refuses anything less)."""
    out: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        return out
    add = _adder(file, out)
    actors = data["actors"]
    if len(actors) == 1:  # none: check_data says so
        add(
            "actors",
            "must list at least two actors to be forecast (a negotiation needs two "
            "sides; every model compares actors)",
            len(actors),
            "add the other parties",
        )
    for k, actor in enumerate(actors):
        if not isinstance(actor, dict):
            continue
        if _qvalue(actor.get("capability")) == 0:
            add(
                f"actors[{k}].capability",
                "must be above zero to be forecast (the models weigh "
                "every actor by its capability)",
                0.0,
                "give a small positive capability, or leave the actor out",
            )
        stances = actor.get("stances", {})
        if isinstance(stances, dict) and not _salient(stances):
            add(
                f"actors[{k}].stances",
                "must give the actor a salience above zero on at least "
                "one issue to be forecast (the models need something it cares about)",
                actor.get("id"),
                "add a stance with a positive salience, or leave the actor out",
            )
    return out


def _salient(stances: dict[Any, Any]) -> bool:
    """Some salience above zero, or one unreadable (then the field validation has said so)."""
    sal = [_qvalue(_dict(st).get("salience")) for st in stances.values()]
    return any(v is None or v > 0 for v in sal)


def _check_unique(add: Add, name: str, items: list[Any]) -> None:
    ids = [_text_id(_dict(x).get("id")) for x in items]
    counts = Counter(i for i in ids if i is not None)
    for k, i in enumerate(ids):
        if i is not None and counts[i] > 1:
            add(f"{name}[{k}].id", "must be unique", i, "rename one of the duplicates")


def _check_issues(add: Add, issues: list[Any], actors: list[Any]) -> None:
    stanced: set[str] = set()
    for a in actors:
        stanced.update(k for k in _dict(_dict(a).get("stances")) if isinstance(k, str))
    for k, iss in enumerate(issues):
        if not isinstance(iss, dict):
            continue
        sc = _scale(iss)
        if sc is not None:
            _check_scale(add, f"issues[{k}]", iss, sc)
            if iss.get("status_quo") is not None:
                _in_range(add, f"issues[{k}].status_quo", iss["status_quo"], *sc)
        iid = _text_id(iss.get("id"))
        if iid is not None and iid not in stanced:
            add(
                f"issues[{k}]",
                "has no actor taking a stance on it",
                iid,
                "add a stance under some actor's `stances`",
            )


def _check_scale(add: Add, base: str, iss: dict[Any, Any], sc: tuple[float, float]) -> None:
    lo, hi = sc
    scale = _dict(iss.get("scale"))
    if not math.isfinite(hi - lo):
        add(
            f"{base}.scale",
            "must span a finite range (max - min overflows)",
            (lo, hi),
            "use a smaller scale, e.g. 0..100",
        )
    points = _label_points(scale)
    for point in points:
        if not lo <= point <= hi:
            add(f"{base}.scale.labels", f"points must lie on the scale {lo:g}..{hi:g}", point)
    if scale.get("discrete") is True and not points:
        add(
            f"{base}.scale.labels",
            "must list the options of a discrete issue",
            {},
            "add labelled points or set discrete: false",
        )


def _check_actor(
    add: Add, k: int, actor: Any, scales: dict[str, tuple[float, float]], issue_ids: set[str]
) -> None:
    if not isinstance(actor, dict):
        return
    base = f"actors[{k}]"
    _check_nonneg(add, f"{base}.capability", actor.get("capability"))
    for issue_id, st in _dict(actor.get("stances", {})).items():
        if not isinstance(issue_id, str):
            continue
        if issue_id not in issue_ids:
            add(
                f"{base}.stances",
                "names an issue that does not exist",
                issue_id,
                f"use one of {sorted(issue_ids)}",
            )
        elif issue_id in scales:
            _check_stance(add, f"{base}.stances.{issue_id}", st, scales[issue_id])
    nd = _dict(actor.get("no_deal"))
    if nd.get("utility") is not None:
        _in_range(add, f"{base}.no_deal.utility", nd["utility"], 0.0, 1.0)
    if nd.get("cost_growth_per_month") is not None:
        _in_range(
            add, f"{base}.no_deal.cost_growth_per_month", nd["cost_growth_per_month"], -0.5, 0.5
        )


def _check_stance(add: Add, place: str, st: Any, sc: tuple[float, float]) -> None:
    if not isinstance(st, dict):
        return
    lo, hi = sc
    if "position" in st:
        _in_range(add, f"{place}.position", st["position"], lo, hi)
    if "salience" in st:
        _in_range(add, f"{place}.salience", st["salience"], 0.0, 1.0)
    if st.get("red_line") is not None:
        _in_range(add, f"{place}.red_line", st["red_line"], lo, hi)
    if st.get("capability") is not None:
        _check_nonneg(add, f"{place}.capability", st["capability"])


def _check_war(add: Add, war: Any, issue_ids: set[str]) -> None:
    for issue_id in _dict(_dict(war).get("drift_per_month")):
        if issue_id not in issue_ids:
            add(
                "war.drift_per_month",
                "names an issue that does not exist",
                issue_id,
                f"use one of {sorted(issue_ids)}",
            )


def _check_evidence(add: Add, data: dict[Any, Any], sources: list[Any]) -> None:
    source_ids = {i for i in (_text_id(_dict(s).get("id")) for s in sources) if i is not None}
    for place, ev in _evidence(data):
        src = ev.get("source")
        if isinstance(src, str) and src not in source_ids:
            add(
                f"{place}.evidence.source",
                "must name an entry in `sources`",
                src,
                f"add a source with id {src!r} or use one of {sorted(source_ids)}",
            )


def _evidence(data: dict[Any, Any]) -> Iterator[tuple[str, dict[Any, Any]]]:
    """(place of the quantity, its evidence mapping) for every quantity outside extensions."""
    stack: list[tuple[str, Any]] = [
        (k, v) for k, v in data.items() if k in ("actors", "issues", "war")
    ]
    while stack:
        place, obj = stack.pop()
        if isinstance(obj, dict):
            if isinstance(obj.get("evidence"), dict):
                yield place, obj["evidence"]
            stack.extend((f"{place}.{k}", v) for k, v in obj.items() if k != "evidence")
        elif isinstance(obj, list):
            stack.extend((f"{place}[{k}]", v) for k, v in enumerate(obj))


def _check_ktab(add: Add, extensions: Any, actors: list[Any]) -> None:
    """The KTAB settings the SMP reads: accommodation pairs must name actors, adjust in 0..1."""
    spec = _dict(_dict(extensions).get("ktab")).get("ideal_adjustment")
    if spec is None:
        return
    place = "extensions.ktab.ideal_adjustment"
    if not isinstance(spec, list):
        add(place, "must be a list of {actor, reference, adjust} mappings", type(spec).__name__)
        return
    ids = {i for i in (_text_id(_dict(a).get("id")) for a in actors) if i is not None}
    for k, pair in enumerate(spec):
        if not isinstance(pair, dict):
            add(f"{place}[{k}]", "must be a mapping with actor, reference and adjust", pair)
            continue
        for key in ("actor", "reference"):
            if pair.get(key) not in ids:
                add(
                    f"{place}[{k}].{key}",
                    "must name an actor",
                    pair.get(key),
                    f"use one of {sorted(ids)}",
                )
        adjust = _num(pair.get("adjust"))
        if adjust is None or not 0 <= adjust <= 1:
            add(f"{place}[{k}].adjust", "must be a number between 0 and 1", pair.get("adjust"))


def _in_range(add: Add, place: str, q: Any, lo: float, hi: float) -> None:
    v = _qvalue(q)
    if v is not None and not lo <= v <= hi:
        add(place, f"must be between {lo:g} and {hi:g}", v)
    u = _qrange(q)
    if u is None:
        return
    if not lo <= u[0] <= hi or not lo <= u[1] <= hi:
        add(f"{place}.uncertainty", f"low and high must lie between {lo:g} and {hi:g}", u)
    if v is not None and u[0] <= u[1] and not u[0] <= v <= u[1]:
        add(
            f"{place}.uncertainty", "must contain the value (low <= value <= high)", (u[0], v, u[1])
        )


def _check_nonneg(add: Add, place: str, q: Any) -> None:
    v = _qvalue(q)
    if v is not None and v < 0:
        add(place, "must be zero or more", v)
    u = _qrange(q)
    if u is None:
        return
    if u[0] < 0:
        add(f"{place}.uncertainty.low", "must be zero or more", u[0])
    if v is not None and u[0] <= u[1] and not u[0] <= v <= u[1]:
        add(
            f"{place}.uncertainty", "must contain the value (low <= value <= high)", (u[0], v, u[1])
        )


# -- the warnings ----------------------------------------------------------------------------


def check_warnings(data: Any, file: str) -> list[Problem]:
    """Suspicious but legal inputs: a red line on the far side of the actor's own position
    (a red line is the worst value the actor accepts, so it lies between its position and the
    other actors'; one beyond its position forbids nothing the others want)."""
    out: list[Problem] = []
    if not isinstance(data, dict):
        return out
    add = _adder(file, out)
    actors = _list(data.get("actors"))
    for issue in _list(data.get("issues")):
        iid = _text_id(_dict(issue).get("id"))
        if iid is not None:
            _warn_red_lines(add, iid, actors)
            _warn_coinciding_red_lines(add, iid, actors)
    _warn_comment_points(add, data)
    _warn_still_front(add, data, actors)
    return out


def _warn_still_front(add: Add, data: dict[Any, Any], actors: list[Any]) -> None:
    """A red line that follows the front on an issue whose status quo never moves."""
    drift = _dict(_dict(data.get("war")).get("drift_per_month"))
    for k, a in enumerate(actors):
        for iid, st in _dict(_dict(a).get("stances")).items():
            if _dict(st).get("red_line_follows_front") is True and iid not in drift:
                add(
                    f"actors[{k}].stances.{iid}.red_line_follows_front",
                    "follows a front that does not move: the issue has no "
                    "`war.drift_per_month`, so the red line stays where it is",
                    True,
                    f"give the issue a drift (`war.drift_per_month.{iid}`), or remove the flag",
                )


def _warn_comment_points(add: Add, data: dict[Any, Any]) -> None:
    """A point value resting on a reader comment (an opinion under an article, not its
    author's reporting) without a stated reason; a comment may support a range."""
    for place, ev in _evidence(data):
        if place.endswith(".uncertainty") or ev.get("comment_by") is None or ev.get("reason"):
            continue
        add(
            f"{place}.evidence",
            f"the value rests on a reader comment (by {ev.get('comment_by')}), an opinion rather "
            "than the article's reporting",
            ev.get("quote"),
            "support the value with the article or a judgement and keep the comment for the "
            "range (`uncertainty.evidence`), or say why the comment may set it (`reason`)",
        )


def _warn_coinciding_red_lines(add: Add, issue_id: str, actors: list[Any]) -> None:
    """Two parties on opposite sides with red lines on exactly the same value: the zone of
    agreement on that issue is a single point, which any uncertainty closes (a knife edge),
    unless the file says why."""
    reds: list[tuple[int, float, float, bool]] = []
    for k, a in enumerate(actors):
        if _dict(a).get("party") is False and _dict(a).get("ratifies") is not True:
            continue
        st = _dict(_dict(_dict(a).get("stances")).get(issue_id))
        red, own = _qvalue(st.get("red_line")), _qvalue(st.get("position"))
        if red is None or own is None or red == own:
            continue
        why = bool(_dict(_dict(st.get("red_line")).get("evidence")).get("reason"))
        for j, red_j, own_j, why_j in reds:
            if red_j == red and (own - red) * (own_j - red) < 0 and not (why or why_j):
                other = _dict(actors[j]).get("id", f"actors[{j}]")
                add(
                    f"actors[{k}].stances.{issue_id}.red_line",
                    f"coincides with the red line of {other} on the other side ({red:g}): the "
                    "zone of agreement on this issue is a single point, closed by any "
                    "uncertainty of either",
                    red,
                    "set each red line where its evidence puts it, or say why they coincide "
                    "(`evidence.reason`)",
                )
        reds.append((k, red, own, why))


def _warn_red_lines(add: Add, issue_id: str, actors: list[Any]) -> None:
    pos = {
        k: _qvalue(_dict(_dict(_dict(a).get("stances")).get(issue_id)).get("position"))
        for k, a in enumerate(actors)
    }
    for k, a in enumerate(actors):
        st = _dict(_dict(_dict(a).get("stances")).get(issue_id))
        red, own = _qvalue(st.get("red_line")), pos.get(k)
        others = [v for j, v in pos.items() if j != k and v is not None]
        if red is None or own is None or not others or red == own:
            continue
        centre = sum(others) / len(others)
        if centre != own and (red - own) * (centre - own) < 0:
            add(
                f"actors[{k}].stances.{issue_id}.red_line",
                f"lies on the far side of the actor's own position {own:g} from the other "
                f"actors (their mean position is {centre:g}), so it rules out nothing they want",
                red,
                "a red line is the worst value the actor accepts: put it between its "
                "position and the others', or remove it",
            )
