"""KTAB's Spatial Model of Politics input: CSV (and XML per KTAB's smpSchema.xsd).

CSV: line 1 ``name, description, nActors, nDims`` (further fields ignored); line 2 a header; then one row per actor
``name, description, capability, (position, salience) × nDims`` on 0..100; trailing commas
tolerated ([KTAB], ``SMPModel::csvRead``). Saliences become 0..1; dimensions become issues
on 0..100 named by the header.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from accord.io._util import finite_number as _num
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = ["sniff_ktab_csv", "read_ktab_csv", "sniff_ktab_xml", "read_ktab_xml"]

MAX_XML = 20 * 1024 * 1024




def _rows(text: str):
    for lineno, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        yield lineno, cells


def sniff_ktab_csv(path: Path, text: str) -> bool:
    rows = [r for _, r in _rows("\n".join(text.splitlines()[:2]))]
    return (len(rows) >= 2 and len(rows[0]) >= 4 and _num(rows[0][2]) is not None
            and _num(rows[0][3]) is not None and len(rows[1]) >= 3)


def _slug(text: str, fallback: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or fallback


def _build(label, title, desc, dims, actors) -> Scenario:
    issues = [{"id": d_id, "name": d_name, "question": f"{d_name} (KTAB dimension {k + 1})",
               "scale": {"min": 0, "max": 100}} for k, (d_id, d_name) in enumerate(dims)]
    return scenario_from_dict({"metadata": {"title": title or Path(label).stem,
                                            "description": desc or f"Imported from the KTAB file {Path(label).name}."},
                               "issues": issues, "actors": actors}, label)


def read_ktab_csv(path: Path, text: str) -> Scenario:
    label = str(path)
    rows = list(_rows(text))
    problems: list[Problem] = []
    _, first = rows[0]
    title, desc = first[0], first[1]
    n_actors, n_dims = int(_num(first[2]) or 0), int(_num(first[3]) or 0)
    if not 1 <= n_dims <= 1000 or not 1 <= n_actors <= 100_000:
        raise ScenarioError([Problem(label, "line 1", "must give the number of actors (1..100000) and of "
                                     "dimensions (1..1000)", first[2:4])])
    header = rows[1][1] if len(rows) > 1 else []
    dims = []
    for k in range(n_dims):
        raw = header[3 + 2 * k] if len(header) > 3 + 2 * k else f"dim{k + 1}"
        dims.append((_slug(raw, f"dim{k + 1}"), raw))
    ids = set()
    actors = []
    for lineno, row in rows[2:]:
        if not row:
            continue
        want = 3 + 2 * n_dims
        if len(row) != want:
            problems.append(Problem(label, f"line {lineno}", f"must have {want} columns (name, description, "
                                    f"capability and a position and salience per dimension)", len(row)))
            continue
        cap = _num(row[2])
        if cap is None or cap < 0:
            problems.append(Problem(label, f"line {lineno}", "capability must be a number, zero or more", row[2]))
            continue
        stances = {}
        for k, (d_id, _) in enumerate(dims):
            p, s = _num(row[3 + 2 * k]), _num(row[4 + 2 * k])
            if p is None or not 0 <= p <= 100:
                problems.append(Problem(label, f"line {lineno}", f"position on dimension {k + 1} must be between 0 and 100", row[3 + 2 * k]))
            if s is None or not 0 <= s <= 100:
                problems.append(Problem(label, f"line {lineno}", f"salience on dimension {k + 1} must be between 0 and 100", row[4 + 2 * k]))
            if p is not None and s is not None:
                stances[d_id] = {"position": min(max(p, 0), 100), "salience": min(max(s, 0), 100) / 100.0}
        aid = _slug(row[0], f"actor{len(actors)}")
        if aid in ids:
            problems.append(Problem(label, f"line {lineno}", "repeats an actor name", row[0]))
        ids.add(aid)
        actors.append({"id": aid, "name": row[0], "description": row[1] or None, "capability": cap, "stances": stances})
    if len(actors) != n_actors and not problems:
        problems.append(Problem(label, "line 1", f"announces {n_actors} actors but the file has {len(actors)}", n_actors,
                                "correct the count on line 1"))
    if problems:
        raise ScenarioError(problems)
    return _build(label, title, desc, dims, actors)


def sniff_ktab_xml(path: Path, text: str) -> bool:
    return "<Scenario" in text[:2000] and "<Actors" in text


def read_ktab_xml(path: Path, text: str) -> Scenario:
    label = str(path)
    if len(text) > MAX_XML:
        raise ScenarioError([Problem(label, "file", f"is larger than {MAX_XML} bytes")])
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ScenarioError([Problem(label, "file", "declares a DTD or entities, which accord does not read")])
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ScenarioError([Problem(label, f"line {exc.position[0]}", f"is not well-formed XML ({exc})")]) from None
    problems = []
    title = (root.findtext("name") or "").strip()
    desc = (root.findtext("desc") or "").strip()
    dims = [(_slug(d.text or "", f"dim{k + 1}"), (d.text or f"dim{k + 1}").strip())
            for k, d in enumerate(root.findall("./Dimensions/dName"))]
    actors, ids = [], set()
    for a_idx, a in enumerate(root.findall("./Actors/Actor")):
        name = (a.findtext("name") or f"actor{a_idx}").strip()
        cap = _num((a.findtext("capability") or "").strip())
        coords = [_num((c.text or "").strip()) for c in a.findall("./Position/dCoord")]
        sals = [_num((c.text or "").strip()) for c in a.findall("./Salience/dSal")]
        if cap is None or cap < 0:
            problems.append(Problem(label, f"Actors/Actor[{a_idx}]/capability", "must be a number, zero or more", cap))
        if len(coords) != len(dims) or len(sals) != len(dims):
            problems.append(Problem(label, f"Actors/Actor[{a_idx}]", f"needs {len(dims)} dCoord and dSal values",
                                    (len(coords), len(sals))))
            continue
        stances = {}
        for k, (d_id, _) in enumerate(dims):
            p, s = coords[k], sals[k]
            if p is None or not 0 <= p <= 100 or s is None or not 0 <= s <= 100:
                problems.append(Problem(label, f"Actors/Actor[{a_idx}]/dimension {k + 1}", "position and salience must lie in 0..100", (p, s)))
                continue
            stances[d_id] = {"position": p, "salience": s / 100.0}
        aid = _slug(name, f"actor{a_idx}")
        if aid in ids:
            problems.append(Problem(label, f"Actors/Actor[{a_idx}]/name", "repeats an actor name", name))
        ids.add(aid)
        actors.append({"id": aid, "name": name, "description": (a.findtext("description") or "").strip() or None,
                       "capability": cap or 0.0, "stances": stances})
    if problems:
        raise ScenarioError(problems)
    return _build(label, title, desc, dims, actors)
