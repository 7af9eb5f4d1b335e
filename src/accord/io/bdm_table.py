"""The classic BDM input table: CSV with columns Actor, Capability, Position, Salience (one issue).

Salience may be given on 0..1 or, when any value exceeds 1, on 0..100 (then divided by 100).
The issue's scale is the range of the positions unless every position lies in 0..100 (then 0..100).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from accord.io._util import finite_number as _num
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = ["sniff_bdm_table", "read_bdm_table"]

COLUMNS = ("actor", "capability", "position", "salience")


def sniff_bdm_table(path: Path, text: str) -> bool:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    cols = [c.strip().strip('"').lower() for c in first.split(",")]
    return set(COLUMNS) <= set(cols)




def read_bdm_table(path: Path, text: str) -> Scenario:
    label = str(path)
    rows = list(csv.reader(io.StringIO(text)))
    head = [c.strip().lower() for c in rows[0]]
    col = {c: head.index(c) for c in COLUMNS}
    problems, actors = [], []
    seen: dict[str, int] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(head):
            problems.append(Problem(label, f"line {lineno}", f"has {len(row)} columns, the header has {len(head)}", row))
            continue
        name = row[col["actor"]].strip()
        vals = {}
        for c in COLUMNS[1:]:
            v = _num(row[col[c]].strip())
            if v is None:
                problems.append(Problem(label, f"line {lineno}", f"{c} must be a number", row[col[c]]))
            vals[c] = v
        if not name:
            problems.append(Problem(label, f"line {lineno}", "needs an actor name", row))
        if name in seen:
            problems.append(Problem(label, f"line {lineno}", f"repeats actor {name!r} (first on line {seen[name]})", name))
        seen[name] = lineno
        if vals.get("capability") is not None and vals["capability"] < 0:
            problems.append(Problem(label, f"line {lineno}", "capability must be zero or more", vals["capability"]))
        if vals.get("salience") is not None and not 0 <= vals["salience"] <= 100:
            problems.append(Problem(label, f"line {lineno}", "salience must be between 0 and 1 (or 0 and 100)", vals["salience"]))
        actors.append((lineno, name, vals))
    if not actors and not problems:
        problems.append(Problem(label, "file", "has no actor rows"))
    if problems:
        raise ScenarioError(problems)
    per100 = any(v["salience"] > 1 for _, _, v in actors)
    positions = [v["position"] for _, _, v in actors]
    lo, hi = (0.0, 100.0) if min(positions) >= 0 and max(positions) <= 100 and max(positions) > 10 else (min(positions), max(positions))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    ids, out = set(), []
    for _, name, v in actors:
        aid = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "actor"
        while aid in ids:
            aid += "_"
        ids.add(aid)
        out.append({"id": aid, "name": name, "capability": v["capability"],
                    "stances": {"issue": {"position": v["position"], "salience": v["salience"] / (100 if per100 else 1)}}})
    return scenario_from_dict({
        "metadata": {"title": path.stem, "description": f"Imported from the BDM table {path.name}."},
        "issues": [{"id": "issue", "question": f"The issue of {path.stem}", "scale": {"min": lo, "max": hi}}],
        "actors": out}, label)
