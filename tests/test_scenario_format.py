"""The YAML scenario format: validation reports every problem with its place, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import accord
from accord.scenario import ScenarioError, scenario_from_dict
from accord.scenario.model import Scenario

MINIMAL = {
    "metadata": {"title": "toy"},
    "sources": [{"id": "s1", "title": "A source"}],
    "issues": [
        {
            "id": "x",
            "question": "How much?",
            "scale": {"min": 0, "max": 100, "labels": {0: "none", 100: "all"}},
        }
    ],
    "actors": [
        {
            "id": "a",
            "name": "A",
            "capability": 1,
            "stances": {"x": {"position": 10, "salience": 0.5}},
        },
        {
            "id": "b",
            "name": "B",
            "capability": {"value": 2, "evidence": {"source": "s1", "quote": "q"}},
            "stances": {"x": {"position": 90, "salience": 1.0, "red_line": 50}},
        },
    ],
}


def _bad(**patch):
    data = json.loads(json.dumps(MINIMAL))
    for path, value in patch.items():
        cur = data
        keys = path.split("__")
        for k in keys[:-1]:
            cur = cur[int(k)] if k.isdigit() else cur[k]
        cur[keys[-1]] = value
    return data


def test_minimal_scenario_loads_and_bare_numbers_become_quantities():
    scn = scenario_from_dict(MINIMAL)
    assert scn.actor("a").capability.value == 1.0
    arr = scn.arrays("x")
    assert arr.actor_ids == ("a", "b")
    assert arr.weight.tolist() == [0.5, 2.0]
    cov = scn.evidence_coverage()
    assert (cov.total, cov.quoted, cov.judgement) == (7, 1, 0)


def test_every_problem_is_reported_at_once_with_its_place():
    data = _bad(
        actors__0__stances={
            "x": {"position": 150, "salience": 1.7},
            "nope": {"position": 1, "salience": 0},
        }
    )
    data["actors"][1]["capability"]["evidence"]["source"] = "missing"
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, "toy.yaml")
    text = [str(p) for p in info.value.problems]
    assert "toy.yaml: actors[0].stances.x.position must be between 0 and 100, got 150.0" in text
    assert "toy.yaml: actors[0].stances.x.salience must be between 0 and 1, got 1.7" in text
    assert any(
        t.startswith("toy.yaml: actors[0].stances names an issue that does not exist, got 'nope'")
        for t in text
    )
    assert any(
        "actors[1].capability.evidence.source must name an entry in `sources`" in t for t in text
    )
    assert len(text) == 4


def test_type_errors_name_the_field():
    data = _bad(actors__1__stances={"x": {"position": "far", "salience": 0.2}})
    del data["issues"][0]["question"]
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, "toy.yaml")
    text = [str(p) for p in info.value.problems]
    assert any(
        t.startswith("toy.yaml: actors[1].stances.x.position must be a number")
        and t.endswith("got 'far'")
        for t in text
    ), text
    assert "toy.yaml: issues[0].question is required; add it" in text


def test_duplicate_ids_and_unknown_fields():
    data = _bad(actors__1__id="a")
    data["actors"][0]["colour"] = "red"
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, "toy.yaml")
    text = " | ".join(str(p) for p in info.value.problems)
    assert "actors[0].colour is not a known field" in text


def test_yaml_places_carry_line_numbers(tmp_path: Path):
    data = _bad(actors__0__stances={"x": {"position": 10, "salience": 3}})
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(f)
    (p,) = info.value.problems
    assert p.place == "actors[0].stances.x.salience"
    assert p.line is not None and "salience" in f.read_text().splitlines()[p.line - 1]


def test_yaml_syntax_error_names_line(tmp_path: Path):
    f = tmp_path / "broken.yaml"
    f.write_text("metadata:\n  title: [unclosed\nactors: []\n")
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(f)
    assert "is not valid YAML" in str(info.value)
    assert "line" in info.value.problems[0].place


def test_json_schema_is_valid_and_names_fields():
    schema = Scenario.model_json_schema()
    assert set(schema["required"]) >= {"metadata", "actors", "issues"}
    assert "Quantity" in schema["$defs"] and "Evidence" in schema["$defs"]


def test_cli_validate_reports_and_exits_nonzero(tmp_path: Path):
    data = _bad(actors__0__stances={"x": {"position": 10, "salience": -1}})
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(data))
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "validate", str(f)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "actors[0].stances.x.salience (line 8) must be between 0 and 1, got -1.0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_scale_describe_nearest_label():
    scn = scenario_from_dict(MINIMAL)
    scale = scn.issue("x").scale
    assert scale.describe(0) == "none"
    assert scale.describe(70) == "≈ all (100)"
