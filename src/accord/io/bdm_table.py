"""The classic BDM input table: CSV with columns Actor, Capability, Position, Salience (one issue).

This is the table of Bueno de Mesquita (1994, p. 78) and of Scholz, Calbert & Smith (2011,
Table 1) [BDM1994; Scholz2011]. Conventions (documented in docs/interop.md):

- The header is the first non-blank line; column names are matched without regard to case or
  surrounding spaces and may come in any order; other columns are ignored.
- Salience is read on 0..1. When any salience exceeds 1 the whole column is read on 0..100 and
  divided by 100 (a table mixing both cannot be told apart from a 0..100 table).
- The table has no scale, so the issue's scale is 0..100 when every position lies in 0..100
  and the largest exceeds 10 (a percentage-like scale); otherwise it is the range of the
  positions (the EU table's year codes 4..10 give 4..10, as in Scholz's code).
- Capability is any number zero or more.
"""

from __future__ import annotations

from pathlib import Path

from accord.io._util import finite_number as _num
from accord.io._util import safe_id, split_lines
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = ["COLUMNS", "read_bdm_table", "sniff_bdm_table"]

COLUMNS = ("actor", "capability", "position", "salience")
_PERCENT_ABOVE = 10.0  # largest position above which a 0..100 table is read as percentages


def _header(text: str) -> tuple[int, list[str]] | None:
    for lineno, cells in split_lines(text, ","):
        return lineno, [c.strip().lower() for c in cells]
    return None


def sniff_bdm_table(path: Path, text: str) -> bool:
    head = _header(text)
    return head is not None and set(COLUMNS) <= set(head[1])


def read_bdm_table(path: Path, text: str) -> Scenario:
    """A one-issue Scenario from a BDM table; every fault is reported with its line."""
    label = str(path)
    problems: list[Problem] = []
    head = _header(text)
    if head is None or not set(COLUMNS) <= set(head[1]):
        raise ScenarioError(
            [
                Problem(
                    label,
                    "line 1",
                    "must be a header naming the columns Actor, Capability, Position and Salience",
                    head[1] if head else "",
                )
            ]
        )
    head_line, names = head
    for c in COLUMNS:
        if names.count(c) > 1:
            problems.append(
                Problem(label, f"line {head_line}", f"names the column {c!r} more than once", names)
            )
    col = {c: names.index(c) for c in COLUMNS}
    need = max(col.values()) + 1
    rows: list[tuple[int, str, dict[str, float]]] = []
    seen: dict[str, int] = {}
    for lineno, row in split_lines(text, ","):
        if lineno <= head_line:
            continue
        if len(row) < need:
            problems.append(
                Problem(
                    label,
                    f"line {lineno}",
                    f"has {len(row)} columns, the header needs {need}",
                    row,
                    "write Actor,Capability,Position,Salience on every row",
                )
            )
            continue
        name = row[col["actor"]]
        vals: dict[str, float] = {}
        for c in COLUMNS[1:]:
            v = _num(row[col[c]])
            if v is None:
                problems.append(
                    Problem(label, f"line {lineno}", f"{c} must be a number", row[col[c]])
                )
            else:
                vals[c] = v
        if not name:
            problems.append(Problem(label, f"line {lineno}", "needs an actor name", row))
        elif name in seen:
            problems.append(
                Problem(
                    label,
                    f"line {lineno}",
                    f"repeats actor {name!r} (first on line {seen[name]})",
                    name,
                )
            )
        else:
            seen[name] = lineno
        if vals.get("capability", 0.0) < 0:
            problems.append(
                Problem(
                    label, f"line {lineno}", "capability must be zero or more", vals["capability"]
                )
            )
        if not 0 <= vals.get("salience", 0.0) <= 100:
            problems.append(
                Problem(
                    label,
                    f"line {lineno}",
                    "salience must be between 0 and 1 (or 0 and 100)",
                    vals["salience"],
                )
            )
        rows.append((lineno, name, vals))
    if not rows and not problems:
        problems.append(
            Problem(
                label, "file", "has no actor rows", fix="add one row per actor under the header"
            )
        )
    if problems:
        raise ScenarioError(problems)
    per100 = any(v["salience"] > 1 for _, _, v in rows)
    positions = [v["position"] for _, _, v in rows]
    lo, hi = min(positions), max(positions)
    if lo >= 0 and hi <= 100 and hi > _PERCENT_ABOVE:
        lo, hi = 0.0, 100.0
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    taken: set[str] = set()
    actors = [
        {
            "id": safe_id(name, taken, "actor"),
            "name": name,
            "capability": v["capability"],
            "stances": {
                "issue": {
                    "position": v["position"],
                    "salience": v["salience"] / (100 if per100 else 1),
                }
            },
        }
        for _, name, v in rows
    ]
    return scenario_from_dict(
        {
            "metadata": {
                "title": path.stem,
                "description": f"Imported from the BDM table {path.name} (salience read on "
                f"{'0..100' if per100 else '0..1'}; scale {lo:g}..{hi:g}).",
            },
            "issues": [
                {
                    "id": "issue",
                    "question": f"The issue of {path.stem}",
                    "scale": {"min": lo, "max": hi},
                }
            ],
            "actors": actors,
        },
        label,
    )
