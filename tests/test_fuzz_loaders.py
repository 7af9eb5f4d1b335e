"""Loaders fed junk: the only outcomes are a Scenario or a ScenarioError naming the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accord
from accord.scenario import Scenario, ScenarioError

SUFFIXES = (".yaml", ".csv", ".tsv", ".xml", ".txt")
fuzz = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"junk{suffix}"
        path.write_bytes(data)
        try:
            result = accord.load_scenario(path)
        except ScenarioError as exc:
            assert exc.problems, "a ScenarioError must name at least one problem"
            assert all(str(path) in str(p) for p in exc.problems)
        else:
            assert isinstance(result, Scenario)


@fuzz
@given(st.sampled_from(SUFFIXES), st.binary(max_size=400))
def test_random_bytes(suffix, data):
    _outcome(suffix, data)


@fuzz
@given(st.sampled_from(SUFFIXES), st.text(max_size=400))
def test_random_text(suffix, text):
    _outcome(suffix, text.encode("utf-8", "surrogatepass") if False else text.encode("utf-8", "replace"))


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids, max_size=4),
    max_leaves=25,
)


@fuzz
@given(json_like)
def test_random_yaml_structures(obj):
    _outcome(".yaml", yaml.safe_dump(obj).encode())


def _mutations():
    base = yaml.safe_load(Path(accord.scenario.shipped_scenarios()["eu-emissions-1994"]).read_text())
    paths = [("actors", 0, "capability", "value"), ("actors", 3, "stances", "year", "salience", "value"),
             ("issues", 0, "scale", "min"), ("issues", 0, "id"), ("metadata",), ("actors", 1, "stances")]
    return base, paths


@fuzz
@given(st.integers(0, 5), json_like)
def test_mutated_valid_scenario(which, value):
    base, paths = _mutations()
    cur = base
    path = paths[which]
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = value
    _outcome(".yaml", yaml.safe_dump(base).encode())


@fuzz
@given(st.lists(st.sampled_from(["#A", "#P", "#M", "#D", "#/", "#O", "'#D'", "x"]), min_size=1, max_size=12),
       st.lists(st.text(alphabet="ab01.-9 '", max_size=6), max_size=6))
def test_decide_like_lines(tags, cells):
    lines = ["\t".join([t, *cells]) for t in tags]
    _outcome(".tsv", "\n".join(lines).encode())


@fuzz
@given(st.integers(-2, 5), st.integers(-1, 3), st.lists(st.lists(st.text(alphabet="0123456789.-ab", max_size=5),
                                                                  max_size=8), max_size=6))
def test_ktab_like_csv(n_actors, n_dims, rows):
    text = f"S,d,{n_actors},{n_dims}\nActor,Desc,Power,P1,S1\n" + "\n".join(",".join(r) for r in rows)
    _outcome(".csv", text.encode())


def test_absurd_ktab_header_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("S,d,5,999999999\nActor,Desc,Power,P1,S1\nA,a,1,2,3\n")
    try:
        accord.load_scenario(path)
    except ScenarioError as exc:
        assert "number of actors" in str(exc)
    else:
        raise AssertionError("a billion dimensions must be refused")
