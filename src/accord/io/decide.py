"""decide-exchange-model's input files [DecideExchange]: tab-separated (``.tsv``) and
``;``-separated (``.csv``).

Each line starts with a tag: ``#A`` actor (id, name), ``#P`` issue (id, name, description),
``#M`` scale point (issue, value, optional label text), ``#D`` data (actor, issue, position,
salience, power), ``#O`` title, ``#/`` comment. Fields may be single-quoted (``'#D'``). Lines
are read one by one, so every problem is reported on the line it sits on (1-based).

Mapping onto a :class:`~accord.scenario.Scenario` (documented in docs/interop.md):

- an issue's scale runs from its lowest to its highest ``#M`` point; without ``#M`` points
  it is 0..100, decide's default (a single ``#M`` point is refused: it gives the scale one
  bound only); ``#M`` text becomes the scale labels;
- salience must lie in 0..1, as in decide;
- decide's power is given per actor and issue: where an actor's power is the same on every
  issue it becomes the actor's capability; where it varies, each stance carries its own
  capability and the actor's capability is its largest power;
- no evidence is attached (the file carries none): evidence coverage reads 0 %.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.io._util import finite_number as _num
from accord.io._util import split_lines
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = ["read_decide", "sniff_decide"]

TAGS = ("#A", "#P", "#M", "#D", "#O", "#/")


def _tag_of(line: str) -> str:
    return line.lstrip().lstrip("'")[:2]


def _delimiter(text: str) -> str:
    tagged = [ln for ln in text.splitlines()[:200] if _tag_of(ln) in TAGS]
    tabs = sum("\t" in ln for ln in tagged)
    semis = sum(";" in ln for ln in tagged)
    return ";" if semis > tabs else "\t"


def sniff_decide(path: Path, text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()][:40]
    if not lines:
        return False
    tagged = sum(1 for ln in lines if _tag_of(ln) in TAGS)
    return tagged >= max(1, len(lines) // 2)


@dataclass
class _Read:
    """What the lines of a decide file define, and the problems found reading them."""

    label: str
    title: str | None = None
    actors: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    points: dict[str, dict[float, tuple[int, str]]] = field(default_factory=dict)
    data: list[tuple[int, str, str, float, float, float]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def bad(self, lineno: int, rule: str, *value: Any, fix: str | None = None) -> None:
        self.problems.append(
            Problem(
                self.label,
                f"line {lineno}",
                rule,
                **({"value": value[0]} if value else {}),
                fix=fix,
            )
        )


def read_decide(path: Path, text: str) -> Scenario:
    """A Scenario from a decide TSV/CSV; raises ScenarioError listing every fault by line."""
    rd = _Read(str(path))
    for lineno, f in split_lines(text, _delimiter(text), quotechar="'"):
        if any(f):
            _line(rd, lineno, f)
    _check_defined(rd)
    scales = _scales(rd)
    stances = _stances(rd, scales)
    if rd.problems:
        raise ScenarioError(sorted(rd.problems, key=_line_key))
    return _scenario(path, rd, scales, stances)


def _line(rd: _Read, lineno: int, f: list[str]) -> None:
    tag, rest = f[0], list(f[1:])
    while rest and rest[-1] == "":
        rest.pop()
    if tag == "#O":
        rd.title = rest[0] if rest else rd.title
    elif tag.startswith("#/"):
        return
    elif tag in _HANDLERS:
        _HANDLERS[tag](rd, lineno, f, rest)
    else:
        rd.bad(lineno, "starts with an unknown tag", tag, fix="use #A, #P, #M, #D, #O or #/")


def _actor_line(rd: _Read, lineno: int, f: list[str], rest: list[str]) -> None:
    if not rest or not rest[0]:
        rd.bad(lineno, "an actor line needs an id", f, fix="write '#A<TAB>id<TAB>name'")
    elif rest[0] in rd.actors:
        rd.bad(
            lineno, f"repeats the actor id (first on line {rd.actors[rest[0]]['line']})", rest[0]
        )
    else:
        rd.actors[rest[0]] = {
            "name": rest[1] if len(rest) > 1 and rest[1] else rest[0],
            "line": lineno,
        }


def _issue_line(rd: _Read, lineno: int, f: list[str], rest: list[str]) -> None:
    if not rest or not rest[0]:
        rd.bad(
            lineno, "an issue line needs an id", f, fix="write '#P<TAB>id<TAB>name<TAB>description'"
        )
    elif rest[0] in rd.issues:
        rd.bad(
            lineno, f"repeats the issue id (first on line {rd.issues[rest[0]]['line']})", rest[0]
        )
    else:
        rd.issues[rest[0]] = {
            "name": rest[1] if len(rest) > 1 and rest[1] else rest[0],
            "description": rest[2] if len(rest) > 2 and rest[2] else None,
            "line": lineno,
        }


def _point_line(rd: _Read, lineno: int, f: list[str], rest: list[str]) -> None:
    if len(rest) < 2:
        rd.bad(
            lineno,
            "a scale point needs an issue id and a value",
            f,
            fix="write '#M<TAB>issue<TAB>value<TAB>meaning'",
        )
        return
    v = _num(rest[1])
    if v is None:
        rd.bad(lineno, "scale point must be a number", rest[1])
        return
    text_ = rest[2] if len(rest) > 2 else ""
    prev = rd.points.setdefault(rest[0], {}).get(v)
    if prev is not None and prev[1] and text_ and prev[1] != text_:
        rd.bad(lineno, f"gives scale point {v:g} a second meaning (first on line {prev[0]})", text_)
        return
    rd.points[rest[0]][v] = (lineno, text_ or (prev[1] if prev else ""))


def _data_line(rd: _Read, lineno: int, f: list[str], rest: list[str]) -> None:
    if len(rest) < 5:
        rd.bad(
            lineno,
            "a data line needs actor, issue, position, salience and power",
            rest,
            fix="write '#D<TAB>actor<TAB>issue<TAB>position<TAB>salience<TAB>power'",
        )
        return
    nums = [_num(x) for x in rest[2:5]]
    for name, raw, v in zip(("position", "salience", "power"), rest[2:5], nums, strict=True):
        if v is None:
            rd.bad(lineno, f"{name} must be a number", raw)
    if None not in nums:
        rd.data.append((lineno, rest[0], rest[1], *nums))  # type: ignore[arg-type]


_HANDLERS = {"#A": _actor_line, "#P": _issue_line, "#M": _point_line, "#D": _data_line}


def _check_defined(rd: _Read) -> None:
    if not rd.actors:
        rd.problems.append(
            Problem(
                rd.label,
                "file",
                "defines no actors (#A lines)",
                fix="add '#A<TAB>id<TAB>name' lines",
            )
        )
    if not rd.issues:
        rd.problems.append(
            Problem(
                rd.label,
                "file",
                "defines no issues (#P lines)",
                fix="add '#P<TAB>id<TAB>name' lines",
            )
        )
    for issue_id, pts in rd.points.items():
        if issue_id not in rd.issues:
            first = min(line for line, _ in pts.values())
            rd.bad(first, "gives scale points (#M) for an issue with no #P line", issue_id)


def _scales(rd: _Read) -> dict[str, tuple[float, float, dict[float, str]]]:
    """Each issue's scale: its lowest to highest #M point; 0..100 (decide's default) without."""
    scales: dict[str, tuple[float, float, dict[float, str]]] = {}
    for issue_id in rd.issues:
        pts = rd.points.get(issue_id, {})
        if len(pts) == 1:
            ((v, (line, _)),) = pts.items()
            rd.bad(
                line,
                f"gives issue {issue_id!r} only one scale point (#M), so its scale has one bound",
                v,
                fix="give the issue its lowest and its highest point, or no "
                "#M line for decide's default scale 0..100",
            )
        lo, hi = (min(pts), max(pts)) if len(pts) >= 2 else (0.0, 100.0)
        scales[issue_id] = (lo, hi, {p: t for p, (_, t) in sorted(pts.items()) if t})
    return scales


def _stances(
    rd: _Read, scales: dict[str, tuple[float, float, dict[float, str]]]
) -> dict[str, dict[str, tuple[float, float, float]]]:
    stances: dict[str, dict[str, tuple[float, float, float]]] = {}
    for lineno, a, i, pos, sal, power in rd.data:
        if a not in rd.actors:
            rd.bad(lineno, "names an actor with no #A line", a, fix=f"add '#A<TAB>{a}<TAB>{a}'")
            continue
        if i not in rd.issues:
            rd.bad(lineno, "names an issue with no #P line", i, fix=f"add '#P<TAB>{i}<TAB>{i}'")
            continue
        lo, hi, _ = scales[i]
        if not lo <= pos <= hi:
            rd.bad(
                lineno, f"position must be between {lo:g} and {hi:g} (the issue's #M scale)", pos
            )
        if not 0 <= sal <= 1:
            rd.bad(lineno, "salience must be between 0 and 1", sal)
        if power < 0:
            rd.bad(lineno, "power must be zero or more", power)
        if i in stances.get(a, {}):
            rd.bad(lineno, "repeats the data of an actor on an issue", f"{a} / {i}")
        stances.setdefault(a, {})[i] = (pos, sal, power)
    used = {i for st in stances.values() for i in st}
    for i, info in rd.issues.items():
        if i not in used:
            rd.bad(info["line"], "defines an issue on which no actor has data (#D)", i)
    return stances


def _scenario(
    path: Path,
    rd: _Read,
    scales: dict[str, tuple[float, float, dict[float, str]]],
    stances: dict[str, dict[str, tuple[float, float, float]]],
) -> Scenario:
    actor_list = []
    for a, info in rd.actors.items():
        st = stances.get(a, {})
        powers = {p for _, _, p in st.values()}
        varies = len(powers) > 1
        cap = max(powers) if powers else 0.0
        actor_list.append(
            {
                "id": a,
                "name": info["name"],
                "capability": cap,
                "stances": {
                    i: {"position": pos, "salience": sal, **({"capability": p} if varies else {})}
                    for i, (pos, sal, p) in st.items()
                },
            }
        )
    issue_list = []
    for i, info in rd.issues.items():
        lo, hi, labels = scales[i]
        issue_list.append(
            {
                "id": i,
                "name": info["name"],
                "question": info["description"] or info["name"],
                "scale": {"min": lo, "max": hi, "labels": labels},
            }
        )
    scn_data = {
        "metadata": {
            "title": rd.title or path.stem,
            "description": f"Imported from the decide-exchange-model file {path.name}.",
        },
        "actors": actor_list,
        "issues": issue_list,
    }
    try:
        return scenario_from_dict(scn_data, rd.label)
    except ScenarioError as exc:
        raise ScenarioError([_locate(p, rd) for p in exc.problems]) from None


def _locate(p: Problem, rd: _Read) -> Problem:
    """Name the #A or #P line behind a problem found on the assembled scenario."""
    m = re.match(r"(actors|issues)\[(\d+)\]", p.place)
    if not m:
        return p
    items = list((rd.actors if m.group(1) == "actors" else rd.issues).values())
    k = int(m.group(2))
    if k >= len(items):
        return p
    return dataclasses.replace(p, place=f"line {items[k]['line']}", rule=f"({p.place}) {p.rule}")


def _line_key(p: Problem) -> tuple[int, int]:
    if p.place.startswith("line "):
        return (1, int(p.place.split()[1]))
    return (0, 0)
