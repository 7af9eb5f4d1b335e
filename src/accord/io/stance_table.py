"""accord's flat stance table: one CSV row per actor and issue, the form most tools can open.

Columns (``COLUMNS``): the actor (id, name, description, capability, party), the issue (id,
name, question, scale min and max, discrete, status quo; discrete is always written false,
as the labels it needs cannot be held) and the stance (position, salience,
red line, capability on this issue). Actor and issue columns repeat on every row of that
actor or issue and must agree. Numbers are written with all their digits, so they read back
exactly. What the table cannot hold (evidence, uncertainty, scale labels, sources, metadata,
no-deal terms, war dynamics, the EU procedure, extensions, actors without stances, an issue
order that the rows cannot give) is listed by :func:`scenario_to_stance_csv`.

The table is stance-only by design: it has no place for a scenario-level field (metadata, the
war, ``procedure:``, ``extensions``), and one would break the one-row-per-stance form other
tools open. Those fields are reported as lost; YAML and the XLSX workbook keep them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path
from typing import Any

from accord.io._util import finite_number as _num
from accord.io._util import neutralise, restore
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = ["COLUMNS", "read_stance_table", "scenario_to_stance_csv", "sniff_stance_table"]

ACTOR_COLS = ("actor_id", "actor_name", "actor_description", "actor_capability", "actor_party")
ISSUE_COLS = (
    "issue_id",
    "issue_name",
    "issue_question",
    "scale_min",
    "scale_max",
    "scale_discrete",
    "status_quo",
)
STANCE_COLS = ("position", "salience", "red_line", "stance_capability")
COLUMNS = ACTOR_COLS + ISSUE_COLS + STANCE_COLS
_NUMERIC = {"actor_capability", "scale_min", "scale_max", "status_quo", *STANCE_COLS}
_BOOL = {"actor_party", "scale_discrete"}
_REQUIRED = {"actor_id", "actor_capability", "issue_id", "position", "salience"}


def _cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return repr(x)
    return str(getattr(x, "value", x)) if not isinstance(x, str) else neutralise(x)


def scenario_to_stance_csv(scenario: Scenario) -> tuple[str, list[str]]:
    """The CSV text and the list of what it could not hold."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    issues = {i.id: i for i in scenario.issues}
    order = {i.id: k for k, i in enumerate(scenario.issues)}
    seen_issues: list[str] = []
    for a in scenario.actors:
        for issue_id in sorted(a.stances, key=lambda i: order.get(i, len(order))):
            st, iss = a.stances[issue_id], issues[issue_id]
            if issue_id not in seen_issues:
                seen_issues.append(issue_id)
            w.writerow(
                [
                    _cell(v)
                    for v in (
                        a.id,
                        a.name,
                        a.description,
                        float(a.capability.value),
                        a.party,
                        iss.id,
                        iss.name,
                        iss.question,
                        float(iss.scale.min),
                        float(iss.scale.max),
                        False,
                        None if iss.status_quo is None else float(iss.status_quo.value),
                        float(st.position.value),
                        float(st.salience.value),
                        None if st.red_line is None else float(st.red_line.value),
                        None if st.capability is None else float(st.capability.value),
                    )
                ]
            )
    return buf.getvalue(), _losses(scenario, seen_issues)


def _losses(s: Scenario, seen_issues: list[str]) -> list[str]:
    out = []
    quantities = s.quantities()
    n_ev = sum(q.evidence is not None for _, q in quantities)
    n_unc = sum(q.uncertainty is not None for _, q in quantities)
    if n_ev:
        out.append(f"evidence of {n_ev} of {len(quantities)} numbers (CSV has no evidence columns)")
    if n_unc:
        out.append(f"uncertainty ranges of {n_unc} numbers")
    labelled = [i.id for i in s.issues if i.scale.labels]
    if labelled:
        n = sum(len(i.scale.labels) for i in s.issues)
        out.append(f"{n} scale labels on issues {', '.join(labelled)}")
    discrete = [i.id for i in s.issues if i.scale.discrete]
    if discrete:
        out.append(f"the discrete flag of issues {', '.join(discrete)} (it needs the scale labels)")
    if s.sources:
        out.append(f"{len(s.sources)} sources")
    m = s.metadata
    kept = [k for k in ("title", "date", "author", "description") if getattr(m, k)]
    if kept:
        out.append(f"metadata ({', '.join(kept)}); the title becomes the file name on import")
    nd = [a.id for a in s.actors if a.no_deal is not None]
    if nd:
        out.append(f"no-deal terms of actors {', '.join(nd)}")
    if s.war is not None:
        out.append("war dynamics (drift and discount rate)")
    if s.procedure is not None:
        p = s.procedure
        out.append(
            f"the EU procedure ({p.legislative}, Council by {p.council}; YAML or XLSX keep it)"
        )
    if s.extensions:
        out.append(f"extensions ({', '.join(map(str, s.extensions))})")
    idle = [a.id for a in s.actors if not a.stances]
    if idle:
        out.append(f"actors without any stance: {', '.join(idle)}")
    if seen_issues != s.issue_ids:
        out.append(f"the order of the issues (rows give {', '.join(seen_issues)})")
    empty = [p for p, v in _texts(s) if v == ""]
    if empty:
        out.append(f"the difference between empty and absent text at {', '.join(empty)}")
    if s.accord != 1:
        out.append(f"the format version {s.accord}")
    return out


def _texts(s: Scenario):
    for k, a in enumerate(s.actors):
        yield f"actors[{k}].name", a.name
        yield f"actors[{k}].description", a.description
    for k, i in enumerate(s.issues):
        yield f"issues[{k}].name", i.name


# -- reading it back -------------------------------------------------------------------------


def sniff_stance_table(path: Path, text: str) -> bool:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    cols = {c.strip().strip('"').lower() for c in first.split(",")}
    return {"actor_id", "issue_id", "position", "salience"} <= cols


def _row_values(
    row: list[str], col: dict[str, int], line: int, label: str, problems: list[Problem]
) -> dict[str, Any]:
    """One row's cells by column, numbers and switches parsed; faults to ``problems``."""
    vals: dict[str, Any] = {}
    for c, k in col.items():
        cell = row[k] if k < len(row) else ""
        raw = cell.strip() if c in _NUMERIC or c in _BOOL or c in _REQUIRED else cell
        if raw == "":
            if c in _REQUIRED:
                problems.append(Problem(label, f"line {line}", f"needs a value in column {c}"))
            continue
        if c in _NUMERIC:
            v = _num(raw)
            if v is None:
                problems.append(Problem(label, f"line {line}", f"{c} must be a number", raw))
                continue
            vals[c] = v
        elif c in _BOOL:
            if raw.lower() not in ("true", "false", "yes", "no", "1", "0"):
                problems.append(Problem(label, f"line {line}", f"{c} must be true or false", raw))
                continue
            vals[c] = raw.lower() in ("true", "yes", "1")
        else:
            vals[c] = restore(row[k])
    return vals


def _merge(
    kind: str,
    store: dict[str, dict[str, Any]],
    item: dict[str, Any],
    key: str,
    line: int,
    label: str,
    problems: list[Problem],
) -> None:
    """Keep the first row's actor (or issue) fields; a later row that differs is a fault."""
    if key not in store:
        store[key] = {**item, "_line": line}
    else:
        prev = store[key]
        diff = [f for f in item if f != "id" and prev.get(f) != item[f]]
        if diff:
            problems.append(
                Problem(
                    label,
                    f"line {line}",
                    f"gives {kind} {key!r} other {', '.join(diff)} than line {prev['_line']}",
                    [item[f] for f in diff],
                )
            )


def read_stance_table(path: Path, text: str) -> Scenario:
    """A Scenario from a stance table; every fault is named by line and column."""
    label = str(path)
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    try:
        header = [c.strip().lower() for c in next(reader)]
    except (StopIteration, csv.Error):
        raise ScenarioError(
            [
                Problem(
                    label,
                    "line 1",
                    "must be a header row naming the columns",
                    fix=f"use {','.join(COLUMNS)}",
                )
            ]
        ) from None
    missing = [c for c in _REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS and c]
    if missing:
        problems.append(
            Problem(label, "line 1", f"lacks the columns {', '.join(sorted(missing))}", header)
        )
    if unknown:
        problems.append(
            Problem(
                label,
                "line 1",
                f"names unknown columns {', '.join(unknown)}",
                header,
                f"use only {', '.join(COLUMNS)}",
            )
        )
    if problems:
        raise ScenarioError(problems)
    col = {c: header.index(c) for c in COLUMNS if c in header}
    actors: dict[str, dict] = {}
    issues: dict[str, dict] = {}
    first_line: dict[tuple[str, str], int] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(label, f"line {start}", f"is not valid CSV ({exc})"))
            break
        line = start
        if not any(c.strip() for c in row):
            continue
        vals = _row_values(row, col, line, label, problems)
        a_id, i_id = vals.get("actor_id"), vals.get("issue_id")
        if a_id is None or i_id is None:
            continue
        actor = {
            "id": a_id,
            "name": vals.get("actor_name", a_id),
            "description": vals.get("actor_description"),
            "capability": vals.get("actor_capability"),
            "party": vals.get("actor_party", True),
        }
        scale = {
            "min": vals.get("scale_min", 0.0),
            "max": vals.get("scale_max", 100.0),
            "discrete": vals.get("scale_discrete", False),
        }
        issue = {
            "id": i_id,
            "name": vals.get("issue_name"),
            "question": vals.get("issue_question", ""),
            "scale": scale,
            "status_quo": vals.get("status_quo"),
        }
        _merge("actor", actors, actor, a_id, line, label, problems)
        _merge("issue", issues, issue, i_id, line, label, problems)
        if (a_id, i_id) in first_line:
            problems.append(
                Problem(
                    label,
                    f"line {line}",
                    f"repeats the stance of {a_id!r} on {i_id!r} "
                    f"(first on line {first_line[(a_id, i_id)]})",
                )
            )
            continue
        first_line[(a_id, i_id)] = line
        stance = {
            k: vals[c]
            for k, c in (
                ("position", "position"),
                ("salience", "salience"),
                ("red_line", "red_line"),
                ("capability", "stance_capability"),
            )
            if c in vals
        }
        actors[a_id].setdefault("stances", {})[i_id] = stance
    if not actors and not problems:
        problems.append(
            Problem(label, "file", "has no stance rows", fix="add one row per actor and issue")
        )
    if problems:
        raise ScenarioError(problems)
    data = {
        "metadata": {"title": path.stem},
        "actors": [
            {k: v for k, v in a.items() if k != "_line" and v is not None} for a in actors.values()
        ],
        "issues": [
            {k: v for k, v in i.items() if k != "_line" and v is not None} for i in issues.values()
        ],
    }
    try:
        return scenario_from_dict(data, label)
    except ScenarioError as exc:
        raise ScenarioError(
            [_locate(p, actors, issues, first_line) for p in exc.problems]
        ) from None


def _locate(p: Problem, actors: dict, issues: dict, first_line: dict) -> Problem:
    """Name the CSV line behind a problem found on the assembled scenario."""
    m = re.match(r"(actors|issues)\[(\d+)\](?:\.stances\.([^.]+))?", p.place)
    if not m:
        return p
    kind, k, issue_id = m.group(1), int(m.group(2)), m.group(3)
    items = list((actors if kind == "actors" else issues).values())
    if k >= len(items):
        return p
    line = items[k]["_line"]
    if issue_id is not None and (items[k]["id"], issue_id) in first_line:
        line = first_line[(items[k]["id"], issue_id)]
    return dataclasses.replace(p, place=f"line {line}", rule=f"({p.place}) {p.rule}")
