"""decide-exchange-model's input files: tab-separated (``.tsv``) and ``;``-separated (``.csv``).

Lines start with a tag: ``#A`` actor (id, name), ``#P`` issue (id, name, description), ``#M``
scale point (issue, value, optional label text), ``#D`` data (actor, issue, position,
salience, power), ``#O`` title, ``#/`` comment. Fields may be single-quoted. Without ``#M``
lines an issue's scale is 0..100. Power is per actor and issue: where it is the same on every
issue it becomes the actor's capability, otherwise each stance carries its own.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from accord.io._util import finite_number as _num
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = ["sniff_decide", "read_decide"]

TAGS = ("#A", "#P", "#M", "#D", "#O", "#/")


def _fields(text: str, delimiter: str):
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar="'"), start=1):
        yield lineno, [c.strip() for c in row]


def _delimiter(path: Path, text: str) -> str:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    return ";" if first.lstrip("'").startswith(TAGS) and ";" in first and "\t" not in first else "\t"


def sniff_decide(path: Path, text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()][:40]
    if not lines:
        return False
    tagged = sum(1 for ln in lines if ln.lstrip("'").startswith(TAGS))
    return tagged >= max(1, len(lines) // 2)




def read_decide(path: Path, text: str) -> Scenario:
    label = str(path)
    delim = _delimiter(path, text)
    problems: list[Problem] = []
    title = None
    actors: dict[str, dict] = {}
    issues: dict[str, dict] = {}
    points: dict[str, dict[float, str]] = {}
    data: list[tuple[int, str, str, float, float, float]] = []

    def bad(lineno: int, rule: str, value=None, fix=None):
        problems.append(Problem(label, f"line {lineno}", rule, value, fix) if value is not None
                        else Problem(label, f"line {lineno}", rule, fix=fix))

    for lineno, f in _fields(text, delim):
        if not f or not any(f):
            continue
        tag = f[0]
        rest = [x for x in f[1:]]
        while rest and rest[-1] == "":
            rest.pop()
        if tag == "#O":
            title = rest[0] if rest else None
        elif tag == "#/" or tag.startswith("#/"):
            continue
        elif tag == "#A":
            if not rest or not rest[0]:
                bad(lineno, "an actor line needs an id", f, "write '#A<TAB>id<TAB>name'")
                continue
            if rest[0] in actors:
                bad(lineno, "repeats an actor id", rest[0])
            actors[rest[0]] = {"name": rest[1] if len(rest) > 1 and rest[1] else rest[0], "line": lineno}
        elif tag == "#P":
            if not rest or not rest[0]:
                bad(lineno, "an issue line needs an id", f, "write '#P<TAB>id<TAB>name'")
                continue
            if rest[0] in issues:
                bad(lineno, "repeats an issue id", rest[0])
            issues[rest[0]] = {"name": rest[1] if len(rest) > 1 and rest[1] else rest[0],
                               "description": rest[2] if len(rest) > 2 and rest[2] else None, "line": lineno}
        elif tag == "#M":
            if len(rest) < 2:
                bad(lineno, "a scale point needs an issue id and a value", f)
                continue
            v = _num(rest[1])
            if v is None:
                bad(lineno, "scale point must be a number", rest[1])
                continue
            points.setdefault(rest[0], {})[v] = rest[2] if len(rest) > 2 else ""
        elif tag == "#D":
            if len(rest) < 5:
                bad(lineno, "a data line needs actor, issue, position, salience and power", rest,
                    "write '#D<TAB>actor<TAB>issue<TAB>position<TAB>salience<TAB>power'")
                continue
            nums = [_num(x) for x in rest[2:5]]
            for name, raw, v in zip(("position", "salience", "power"), rest[2:5], nums, strict=True):
                if v is None:
                    bad(lineno, f"{name} must be a number", raw)
            if None in nums:
                continue
            data.append((lineno, rest[0], rest[1], *nums))  # type: ignore[arg-type]
        else:
            bad(lineno, "starts with an unknown tag", tag, "use #A, #P, #M, #D, #O or #/")

    if not actors:
        problems.append(Problem(label, "file", "defines no actors (#A lines)"))
    if not issues:
        problems.append(Problem(label, "file", "defines no issues (#P lines)"))
    for issue_id in points:
        if issue_id not in issues:
            problems.append(Problem(label, "file", "has scale points (#M) for an undefined issue", issue_id))
    scales = {}
    for issue_id in issues:
        pts = points.get(issue_id, {})
        lo, hi = (min(pts), max(pts)) if len(pts) >= 2 else (0.0, 100.0)
        scales[issue_id] = (lo, hi, {p: t for p, t in pts.items() if t})
    stances: dict[str, dict] = {}
    powers: dict[str, dict[str, float]] = {}
    for lineno, a, i, pos, sal, power in data:
        if a not in actors:
            bad(lineno, "names an actor with no #A line", a, f"add '#A<TAB>{a}<TAB>{a}'")
            continue
        if i not in issues:
            bad(lineno, "names an issue with no #P line", i, f"add '#P<TAB>{i}<TAB>{i}'")
            continue
        lo, hi, _ = scales[i]
        if not lo <= pos <= hi:
            bad(lineno, f"position must be between {lo:g} and {hi:g} (the issue's #M scale)", pos)
        if not 0 <= sal <= 1:
            bad(lineno, "salience must be between 0 and 1", sal)
        if power < 0:
            bad(lineno, "power must be zero or more", power)
        if i in stances.get(a, {}):
            bad(lineno, "repeats the data of an actor on an issue", f"{a} / {i}")
        stances.setdefault(a, {})[i] = {"position": pos, "salience": sal, "_power": power}
        powers.setdefault(a, {})[i] = power
    if problems:
        raise ScenarioError(problems)
    actor_list = []
    for a, info in actors.items():
        pw = powers.get(a, {})
        values = set(pw.values())
        cap = next(iter(values)) if len(values) == 1 else (max(values) if values else 0.0)
        st = {}
        for i, d in stances.get(a, {}).items():
            entry = {"position": d["position"], "salience": d["salience"]}
            if len(values) > 1:
                entry["capability"] = d["_power"]
            st[i] = entry
        actor_list.append({"id": a, "name": info["name"], "capability": cap, "stances": st})
    issue_list = []
    for i, info in issues.items():
        lo, hi, labels = scales[i]
        issue_list.append({"id": i, "name": info["name"], "question": info["description"] or info["name"],
                           "scale": {"min": lo, "max": hi, "labels": labels}})
    return scenario_from_dict({
        "metadata": {"title": title or path.stem, "description": f"Imported from the decide file {path.name}."},
        "actors": actor_list, "issues": issue_list}, label)
