"""KTAB's Spatial Model of Politics input: CSV and XML (``smpSchema.xsd``), and export to KTAB CSV.

CSV ([KTAB] ``SMPModel::csvRead``): line 1 ``name, description, nActors, nDims`` (further
fields ignored); line 2 a header (``Actor, Description, Power`` then a position and a salience
header per dimension; the position headers name the dimensions); then one row per actor
``name, description, capability, (position, salience) × nDims`` on 0..100; trailing commas
tolerated. KTAB refuses an actor whose saliences total more than 100; accord reads it (its
saliences are per issue) and the SMP model divides such saliences by their total.

XML ([KTAB] ``SMPModel::xmlRead`` and ``examples/smp/doc/smpSchema.xsd``): ``<Scenario>`` with
``name``, ``desc``, ``prngSeed``, optional ``<ModelParameters>`` (VictoryProbModel, PCEModel,
StateTransitions, VotingRule, BigRAdjust, BigRRange, ThirdPartyCommit, InterVecBrgn,
BargnModel), ``<Dimensions>`` of ``dName``, ``<Actors>`` of ``<Actor>`` (name, description,
capability, ``<Position>`` of ``dCoord``, ``<Salience>`` of ``dSal``) and optional
``<IdealAdjustment>`` of ``iaPair`` (adjustingIdeal, referencePos, adjust).

Both become a Scenario with one issue per dimension on 0..100, saliences divided by 100, and
``extensions["ktab"]``: the file's ``actor_order`` (KTAB breaks ties by it; the SMP model uses
it), and from XML the ``prng_seed``, ``model_parameters`` and ``ideal_adjustment``
(``{"actor", "reference", "adjust"}`` by actor id). Every fault is a :class:`ScenarioError`
naming the line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from xml.parsers import expat

from accord.io._util import finite_number as _num
from accord.io._util import safe_id, split_lines
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

from .ktab_write import COMMA_ESCAPE, scenario_to_ktab_csv, write_ktab_csv

__all__ = [
    "MODEL_PARAMETERS",
    "read_ktab_csv",
    "read_ktab_xml",
    "scenario_to_ktab_csv",
    "sniff_ktab_csv",
    "sniff_ktab_xml",
    "write_ktab_csv",
]

MAX_XML = 20 * 1024 * 1024
MAX_ACTORS = 100_000  # KTAB itself takes 3..250 (``Model::minNumActor``, ``maxNumActor``)
MAX_DIMS = 1000

#: ``<ModelParameters>`` elements and the values smpSchema.xsd allows (first: KTAB's default).
MODEL_PARAMETERS: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Proportional", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp", "Prop"),
    "BigRAdjust": ("OneThird", "Full", "TwoThirds", "Half", "No", "None"),
    "BigRRange": ("Mid", "Min", "Max"),
    "ThirdPartyCommit": ("SemiCommit", "NoCommit", "FullCommit"),
    "InterVecBrgn": ("S2P2", "S1P1", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}


# -- CSV ---------------------------------------------------------------------------------------
def _trimmed(cells: list[str]) -> list[str]:
    cells = [c.replace(COMMA_ESCAPE, ",") for c in cells]
    while cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


def sniff_ktab_csv(path: Path, text: str) -> bool:
    rows = [_trimmed(r) for _, r in split_lines("\n".join(text.splitlines()[:2]), ",")]
    return (
        len(rows) >= 2
        and len(rows[0]) >= 4
        and _num(rows[0][2]) is not None
        and _num(rows[0][3]) is not None
        and len(rows[1]) >= 3
    )


def _count(text: str) -> int | None:
    v = _num(text)
    return int(v) if v is not None and v == int(v) else None


def _build(label: str, title: str, desc: str, dims, actors, ktab: dict) -> Scenario:
    issues = [
        {
            "id": d_id,
            "name": d_name,
            "question": f"{d_name} (KTAB dimension {k + 1})",
            "scale": {"min": 0, "max": 100},
        }
        for k, (d_id, d_name) in enumerate(dims)
    ]
    return scenario_from_dict(
        {
            "metadata": {
                "title": title or Path(label).stem,
                "description": desc or f"Imported from the KTAB file {Path(label).name}.",
            },
            "issues": issues,
            "actors": actors,
            "extensions": {"ktab": ktab},
        },
        label,
    )


def _dimension_ids(names: list[str]) -> list[tuple[str, str]]:
    taken: set[str] = set()
    return [(safe_id(raw, taken, f"dim{k + 1}"), raw) for k, raw in enumerate(names)]


def read_ktab_csv(path: Path, text: str) -> Scenario:
    label = str(path)
    rows = [(ln, _trimmed(r)) for ln, r in split_lines(text, ",")]
    if not rows or len(rows[0][1]) < 4:
        raise ScenarioError(
            [
                Problem(
                    label,
                    f"line {rows[0][0] if rows else 1}",
                    "must be 'name, description, number of actors, number of dimensions'",
                    rows[0][1] if rows else "",
                )
            ]
        )
    first_line, first = rows[0]
    title, desc = first[0], first[1]
    n_actors, n_dims = _count(first[2]), _count(first[3])
    if (
        n_actors is None
        or n_dims is None
        or not 1 <= n_dims <= MAX_DIMS
        or not 1 <= n_actors <= MAX_ACTORS
    ):
        raise ScenarioError(
            [
                Problem(
                    label,
                    f"line {first_line}",
                    f"must give the number of actors (1..{MAX_ACTORS}) "
                    f"and of dimensions (1..{MAX_DIMS})",
                    first[2:4],
                )
            ]
        )
    header = rows[1][1] if len(rows) > 1 else []
    dims = _dimension_ids(
        [
            header[3 + 2 * k] if len(header) > 3 + 2 * k and header[3 + 2 * k] else f"dim{k + 1}"
            for k in range(n_dims)
        ]
    )
    problems: list[Problem] = []
    taken: set[str] = set()
    actors: list[dict[str, Any]] = []
    order: list[str] = []
    want = 3 + 2 * n_dims
    for lineno, row in rows[2:]:
        place = f"line {lineno}"
        if len(row) != want:
            problems.append(
                Problem(
                    label,
                    place,
                    f"must have {want} columns (name, description, "
                    f"capability and a position and salience per dimension)",
                    len(row),
                )
            )
            continue
        cap = _num(row[2])
        if cap is None or cap < 0:
            problems.append(
                Problem(label, place, "capability must be a number, zero or more", row[2])
            )
            continue
        stances, ok = {}, True
        for k, (d_id, _) in enumerate(dims):
            p, s = _num(row[3 + 2 * k]), _num(row[4 + 2 * k])
            if p is None or not 0 <= p <= 100:
                problems.append(
                    Problem(
                        label,
                        place,
                        f"position on dimension {k + 1} must be between 0 and 100",
                        row[3 + 2 * k],
                    )
                )
                ok = False
            if s is None or not 0 <= s <= 100:
                problems.append(
                    Problem(
                        label,
                        place,
                        f"salience on dimension {k + 1} must be between 0 and 100",
                        row[4 + 2 * k],
                    )
                )
                ok = False
            if p is not None and s is not None and ok:
                stances[d_id] = {"position": p, "salience": s / 100.0}
        if not row[0]:
            problems.append(Problem(label, place, "needs an actor name", row[0]))
            continue
        aid = safe_id(row[0], taken, f"actor{len(actors) + 1}")
        if any(a["name"] == row[0] for a in actors):
            problems.append(Problem(label, place, "repeats an actor name", row[0]))
        order.append(aid)
        actors.append(
            {
                "id": aid,
                "name": row[0],
                "description": row[1] or None,
                "capability": cap,
                "stances": stances,
            }
        )
    if len(actors) != n_actors and not problems:
        problems.append(
            Problem(
                label,
                f"line {first_line}",
                f"announces {n_actors} actors but the file has {len(actors)}",
                n_actors,
                "correct the count on line 1",
            )
        )
    if problems:
        raise ScenarioError(problems)
    return _build(label, title, desc, dims, actors, {"format": "csv", "actor_order": order})


# -- XML ---------------------------------------------------------------------------------------
def sniff_ktab_xml(path: Path, text: str) -> bool:
    return "<Scenario" in text[:2000] and "<Actors" in text


class _Located(ET.Element):
    """An element that remembers the line it starts on."""

    line: int = 0


def _parse_with_lines(label: str, text: str) -> ET.Element:
    """An ElementTree whose elements carry their line number as ``.line`` (built with expat,
    which knows the current line; ElementTree's own parser forgets it)."""
    parser = expat.ParserCreate()
    stack: list[ET.Element] = []
    root: list[ET.Element] = []

    def start(tag, attrs):
        el = _Located(tag, attrs)
        el.line = parser.CurrentLineNumber
        el.text = ""
        if stack:
            stack[-1].append(el)
        else:
            root.append(el)
        stack.append(el)

    def end(tag):
        stack.pop()

    def chars(data):
        if stack:
            stack[-1].text += data

    def refuse(*_args):
        raise ScenarioError(
            [
                Problem(
                    label,
                    f"line {parser.CurrentLineNumber}",
                    "declares a DTD or entities, which accord does not read",
                )
            ]
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise ScenarioError(
            [Problem(label, f"line {exc.lineno}", f"is not well-formed XML ({exc})")]
        ) from None
    return root[0]


def _line(el: ET.Element) -> str:
    return f"line {getattr(el, 'line', '?')}"


def _xml_settings(root: ET.Element, label: str, problems: list[Problem]) -> dict[str, Any]:
    """KTAB's <prngSeed> and <ModelParameters>, as ``extensions.ktab``."""
    ktab: dict[str, Any] = {"format": "xml"}
    seed_el = root.find("prngSeed")
    if seed_el is not None and (seed_el.text or "").strip():
        seed = (seed_el.text or "").strip()
        if seed.isdigit() and int(seed) < 2**64:
            ktab["prng_seed"] = int(seed)
        else:
            problems.append(
                Problem(label, _line(seed_el), "prngSeed must be a whole number below 2^64", seed)
            )
    params_el = root.find("ModelParameters")
    if params_el is not None:
        params = {}
        for key, allowed in MODEL_PARAMETERS.items():
            el = params_el.find(key)
            value = (el.text or "").strip() if el is not None else None
            if value is None:
                problems.append(Problem(label, _line(params_el), f"ModelParameters needs <{key}>"))
            elif value not in allowed:
                problems.append(
                    Problem(
                        label,
                        _line(el) if el is not None else "ModelParameters",
                        f"{key} must be one of {', '.join(allowed)}",
                        value,
                    )
                )
            else:
                params[key] = value
        ktab["model_parameters"] = params
    return ktab


def _xml_actor(
    a: ET.Element,
    a_idx: int,
    dims: list[tuple[str, str]],
    label: str,
    problems: list[Problem],
    names: dict[str, str],
    taken: set[str],
    actors: list[dict[str, Any]],
    order: list[str],
) -> None:
    """One <Actor>: appended to ``actors`` and ``order``, or its faults to ``problems``."""
    name = (a.findtext("name") or "").strip()
    if not name:
        problems.append(Problem(label, _line(a), "needs a <name>"))
        return
    cap_el = a.find("capability")
    cap = _num((cap_el.text or "") if cap_el is not None else "")
    if cap is None or cap <= 0:
        problems.append(
            Problem(
                label,
                _line(cap_el if cap_el is not None else a),
                "capability must be a positive number (KTAB's xmlRead)",
                None if cap_el is None else cap_el.text,
            )
        )
    coords = a.findall("./Position/dCoord")
    sals = a.findall("./Salience/dSal")
    if len(coords) != len(dims) or len(sals) != len(dims):
        problems.append(
            Problem(
                label,
                _line(a),
                f"needs {len(dims)} dCoord and dSal values",
                (len(coords), len(sals)),
            )
        )
        return
    stances = {}
    for k, (d_id, _) in enumerate(dims):
        p, s = _num(coords[k].text or ""), _num(sals[k].text or "")
        if p is None or not 0 <= p <= 100 or s is None or not 0 <= s <= 100:
            problems.append(
                Problem(
                    label,
                    _line(coords[k] if p is None or not 0 <= p <= 100 else sals[k]),
                    f"{name}: position and salience on dimension {k + 1} must lie in 0..100",
                    (coords[k].text, sals[k].text),
                )
            )
            continue
        stances[d_id] = {"position": p, "salience": s / 100.0}
    if name in names:
        problems.append(Problem(label, _line(a), "repeats an actor name", name))
    aid = safe_id(name, taken, f"actor{a_idx + 1}")
    names[name] = aid
    order.append(aid)
    actors.append(
        {
            "id": aid,
            "name": name,
            "description": (a.findtext("description") or "").strip() or None,
            "capability": cap if cap is not None and cap > 0 else 0.0,
            "stances": stances,
        }
    )


def _xml_adjustments(
    root: ET.Element, label: str, problems: list[Problem], names: dict[str, str], order: list[str]
) -> list[dict[str, Any]]:
    """KTAB's <IdealAdjustment> pairs, checked as KTAB's xmlRead does."""
    adjust: list[dict[str, Any]] = []
    for pair in root.findall("./IdealAdjustment/iaPair"):
        who, ref = (
            (pair.findtext("adjustingIdeal") or "").strip(),
            (pair.findtext("referencePos") or "").strip(),
        )
        amount = _num(pair.findtext("adjust") or "")
        if who not in names or ref not in names:
            problems.append(
                Problem(
                    label,
                    _line(pair),
                    "adjustingIdeal and referencePos must name actors",
                    (who, ref),
                )
            )
            continue
        if amount is None or not 0 <= amount <= 1:
            problems.append(
                Problem(
                    label, _line(pair), "adjust must be a number in 0..1", pair.findtext("adjust")
                )
            )
            continue
        adjust.append({"actor": names[who], "reference": names[ref], "adjust": amount})
    if adjust:
        # the matrix starts as the identity; listed pairs overwrite their entries (KTAB's xmlRead)
        mat: dict[tuple[str, str], float] = {(aid, aid): 1.0 for aid in order}
        for pair_spec in adjust:
            mat[(str(pair_spec["actor"]), str(pair_spec["reference"]))] = float(pair_spec["adjust"])
        for aid in order:
            total = sum(v for (who, _), v in mat.items() if who == aid)
            if total > 1 + 1e-10:
                problems.append(
                    Problem(
                        label,
                        "IdealAdjustment",
                        f"the adjustments of {aid}'s ideal (with the "
                        "identity's 1 where no pair is given) must total at most 1",
                        total,
                    )
                )
    return adjust


def read_ktab_xml(path: Path, text: str) -> Scenario:
    label = str(path)
    if len(text) > MAX_XML:
        raise ScenarioError([Problem(label, "file", f"is larger than {MAX_XML} bytes")])
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ScenarioError(
            [Problem(label, "file", "declares a DTD or entities, which accord does not read")]
        )
    root = _parse_with_lines(label, text)
    problems: list[Problem] = []
    if root.tag != "Scenario":
        raise ScenarioError(
            [Problem(label, _line(root), "the root element must be <Scenario>", root.tag)]
        )
    title = (root.findtext("name") or "").strip()
    desc = (root.findtext("desc") or "").strip()
    ktab = _xml_settings(root, label, problems)
    dim_els = root.findall("./Dimensions/dName")
    if not dim_els:
        problems.append(Problem(label, _line(root), "needs <Dimensions> with at least one <dName>"))
    dims = _dimension_ids([(d.text or "").strip() or f"dim{k + 1}" for k, d in enumerate(dim_els)])
    actors: list[dict[str, Any]] = []
    order: list[str] = []
    names: dict[str, str] = {}
    taken: set[str] = set()
    actor_els = root.findall("./Actors/Actor")
    if not actor_els:
        problems.append(Problem(label, _line(root), "needs <Actors> with at least one <Actor>"))
    for a_idx, a in enumerate(actor_els):
        _xml_actor(a, a_idx, dims, label, problems, names, taken, actors, order)
    adjust = _xml_adjustments(root, label, problems, names, order)
    if adjust:
        ktab["ideal_adjustment"] = adjust
    if problems:
        raise ScenarioError(problems)
    ktab["actor_order"] = order
    return _build(label, title, desc, dims, actors, ktab)
