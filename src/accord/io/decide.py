"""decide-exchange-model's input files [DecideExchange]: tab-separated (``.tsv``) and ``;``-separated (``.csv``).

Each line starts with a tag: ``#A`` actor (id, name), ``#P`` issue (id, name, description),
``#M`` scale point (issue, value, optional label text), ``#D`` data (actor, issue, position,
salience, power), ``#O`` title, ``#/`` comment. Fields may be single-quoted (``'#D'``). Lines
are read one by one, so every problem is reported on the line it sits on (1-based).

Mapping onto a :class:`~accord.scenario.Scenario` (documented in docs/interop.md):

- an issue's scale runs from its lowest to its highest ``#M`` point; without ``#M`` points
  (or with one) it is 0..100, decide's default; ``#M`` text becomes the scale labels;
- salience must lie in 0..1, as in decide;
- decide's power is given per actor and issue: where an actor's power is the same on every
  issue it becomes the actor's capability; where it varies, each stance carries its own
  capability and the actor's capability is its largest power;
- no evidence is attached (the file carries none): evidence coverage reads 0 %.
"""

from __future__ import annotations

from pathlib import Path

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


def read_decide(path: Path, text: str) -> Scenario:
    """A Scenario from a decide TSV/CSV; raises ScenarioError listing every fault by line."""
    label = str(path)
    delim = _delimiter(text)
    problems: list[Problem] = []
    title = None
    actors: dict[str, dict] = {}
    issues: dict[str, dict] = {}
    points: dict[str, dict[float, tuple[int, str]]] = {}
    data: list[tuple[int, str, str, float, float, float]] = []

    def bad(lineno: int, rule: str, *value, fix: str | None = None) -> None:
        problems.append(Problem(label, f"line {lineno}", rule, *value, fix=fix))

    for lineno, f in split_lines(text, delim, quotechar="'"):
        if not any(f):
            continue
        tag, rest = f[0], list(f[1:])
        while rest and rest[-1] == "":
            rest.pop()
        if tag == "#O":
            title = rest[0] if rest else title
        elif tag.startswith("#/"):
            continue
        elif tag == "#A":
            if not rest or not rest[0]:
                bad(lineno, "an actor line needs an id", f, fix="write '#A<TAB>id<TAB>name'")
                continue
            if rest[0] in actors:
                bad(lineno, f"repeats the actor id (first on line {actors[rest[0]]['line']})", rest[0])
                continue
            actors[rest[0]] = {"name": rest[1] if len(rest) > 1 and rest[1] else rest[0], "line": lineno}
        elif tag == "#P":
            if not rest or not rest[0]:
                bad(lineno, "an issue line needs an id", f, fix="write '#P<TAB>id<TAB>name<TAB>description'")
                continue
            if rest[0] in issues:
                bad(lineno, f"repeats the issue id (first on line {issues[rest[0]]['line']})", rest[0])
                continue
            issues[rest[0]] = {"name": rest[1] if len(rest) > 1 and rest[1] else rest[0],
                               "description": rest[2] if len(rest) > 2 and rest[2] else None, "line": lineno}
        elif tag == "#M":
            if len(rest) < 2:
                bad(lineno, "a scale point needs an issue id and a value", f,
                    fix="write '#M<TAB>issue<TAB>value<TAB>meaning'")
                continue
            v = _num(rest[1])
            if v is None:
                bad(lineno, "scale point must be a number", rest[1])
                continue
            text_ = rest[2] if len(rest) > 2 else ""
            prev = points.setdefault(rest[0], {}).get(v)
            if prev is not None and prev[1] and text_ and prev[1] != text_:
                bad(lineno, f"gives scale point {v:g} a second meaning (first on line {prev[0]})", text_)
                continue
            points[rest[0]][v] = (lineno, text_ or (prev[1] if prev else ""))
        elif tag == "#D":
            if len(rest) < 5:
                bad(lineno, "a data line needs actor, issue, position, salience and power", rest,
                    fix="write '#D<TAB>actor<TAB>issue<TAB>position<TAB>salience<TAB>power'")
                continue
            nums = [_num(x) for x in rest[2:5]]
            for name, raw, v in zip(("position", "salience", "power"), rest[2:5], nums, strict=True):
                if v is None:
                    bad(lineno, f"{name} must be a number", raw)
            if None in nums:
                continue
            data.append((lineno, rest[0], rest[1], *nums))  # type: ignore[arg-type]
        else:
            bad(lineno, "starts with an unknown tag", tag, fix="use #A, #P, #M, #D, #O or #/")

    if not actors:
        problems.append(Problem(label, "file", "defines no actors (#A lines)", fix="add '#A<TAB>id<TAB>name' lines"))
    if not issues:
        problems.append(Problem(label, "file", "defines no issues (#P lines)", fix="add '#P<TAB>id<TAB>name' lines"))
    for issue_id, pts in points.items():
        if issue_id not in issues:
            first = min(line for line, _ in pts.values())
            bad(first, "gives scale points (#M) for an issue with no #P line", issue_id)
    scales: dict[str, tuple[float, float, dict[float, str]]] = {}
    for issue_id in issues:
        pts = points.get(issue_id, {})
        lo, hi = (min(pts), max(pts)) if len(pts) >= 2 else (0.0, 100.0)
        for v, (line, _) in pts.items():
            if not lo <= v <= hi:
                bad(line, f"scale point must lie on the default scale {lo:g}..{hi:g} when it is the "
                          "issue's only #M point", v, fix="give the issue its lowest and highest point")
        scales[issue_id] = (lo, hi, {p: t for p, (_, t) in sorted(pts.items()) if t})
    stances: dict[str, dict[str, tuple[float, float, float]]] = {}
    for lineno, a, i, pos, sal, power in data:
        if a not in actors:
            bad(lineno, "names an actor with no #A line", a, fix=f"add '#A<TAB>{a}<TAB>{a}'")
            continue
        if i not in issues:
            bad(lineno, "names an issue with no #P line", i, fix=f"add '#P<TAB>{i}<TAB>{i}'")
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
        stances.setdefault(a, {})[i] = (pos, sal, power)
    used = {i for st in stances.values() for i in st}
    for i, info in issues.items():
        if i not in used:
            bad(info["line"], "defines an issue on which no actor has data (#D)", i)
    if problems:
        raise ScenarioError(sorted(problems, key=_line_key))

    actor_list = []
    for a, info in actors.items():
        st = stances.get(a, {})
        powers = {p for _, _, p in st.values()}
        varies = len(powers) > 1
        cap = max(powers) if powers else 0.0
        actor_list.append({
            "id": a, "name": info["name"], "capability": cap,
            "stances": {i: {"position": pos, "salience": sal, **({"capability": p} if varies else {})}
                        for i, (pos, sal, p) in st.items()}})
    issue_list = []
    for i, info in issues.items():
        lo, hi, labels = scales[i]
        issue_list.append({"id": i, "name": info["name"], "question": info["description"] or info["name"],
                           "scale": {"min": lo, "max": hi, "labels": labels}})
    return scenario_from_dict({
        "metadata": {"title": title or path.stem,
                     "description": f"Imported from the decide-exchange-model file {path.name}."},
        "actors": actor_list, "issues": issue_list}, label)


def _line_key(p: Problem) -> tuple[int, int]:
    if p.place.startswith("line "):
        return (1, int(p.place.split()[1]))
    return (0, 0)
