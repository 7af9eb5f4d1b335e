"""The classic BDM table (Actor, Capability, Position, Salience) read into a one-issue Scenario."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shared_file

import accord
from accord.scenario import ScenarioError


@pytest.mark.reference
def test_eu_table_equals_the_shipped_scenario(eu_scenario):
    """Bueno de Mesquita (1994, p. 78) via ../shared/data/bdm; the shipped scenario re-enters it."""
    scn = accord.load_scenario(shared_file("bdm", "eu_emissions_1994.csv"))
    a, b = scn.arrays("issue"), eu_scenario.arrays("year")
    for field in ("position", "capability", "salience"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert (a.scale_min, a.scale_max) == (4, 10)
    assert scn.evidence_coverage().share_evidenced == 0


def test_salience_on_0_100_and_columns_in_any_order(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("\n\n salience ,ACTOR,Position,capability,Note\n80,Us,20,3,x\n40,Them,90,1,y\n")
    scn = accord.load_scenario(path)
    assert [a.name for a in scn.actors] == ["Us", "Them"]
    np.testing.assert_allclose(scn.arrays("issue").salience, [0.8, 0.4])
    assert (scn.issue("issue").scale.min, scn.issue("issue").scale.max) == (0, 100)
    assert "0..100" in scn.metadata.description


def test_faults_named_by_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Actor,Capability,Position,Salience\nA,1,2,0.5\nA,x,2,0.5\nB,-1,3,150\nC,1\n")
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    got = [(p.place, p.rule) for p in info.value.problems]
    assert got == [
        ("line 3", "capability must be a number"),
        ("line 3", "repeats actor 'A' (first on line 2)"),
        ("line 4", "capability must be zero or more"),
        ("line 4", "salience must be between 0 and 1 (or 0 and 100)"),
        ("line 5", "has 2 columns, the header needs 4"),
    ]


def test_names_with_odd_characters_get_distinct_ids(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text(
        'Actor,Capability,Position,Salience\n"EU, Council",1,2,0.5\nEU Council,1,4,0.5\n'
    )
    scn = accord.load_scenario(path)
    assert scn.actor_ids == ["EU_Council", "EU_Council_2"]
    assert scn.actors[0].name == "EU, Council"
