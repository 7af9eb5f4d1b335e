"""Importers: the classic BDM table, decide's TSV and CSV, KTAB's CSV all become a Scenario;
faulty files are rejected with every fault named by line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import accord
from accord.scenario import ScenarioError

from conftest import shared_file


def test_bdm_table_matches_the_shipped_eu_scenario(eu_scenario):
    scn = accord.load_scenario(shared_file("bdm", "eu_emissions_1994.csv"))
    a, b = scn.arrays("issue"), eu_scenario.arrays("year")
    np.testing.assert_array_equal(a.position, b.position)
    np.testing.assert_array_equal(a.capability, b.capability)
    np.testing.assert_array_equal(a.salience, b.salience)
    assert accord.forecast(scn, ["bdm"]).model("bdm").value("issue") == pytest.approx(
        accord.forecast(eu_scenario, ["bdm"]).model("bdm").value("year"))


def test_decide_tsv_cop21():
    scn = accord.load_scenario(shared_file("decide", "cop21.tsv"))
    assert len(scn.actors) == 15 and len(scn.issues) == 13
    usa = scn.actor("USA")
    assert usa.stances["differentiation"].position.value == pytest.approx(
        next(float(line.split("\t")[3]) for line in shared_file("decide", "cop21.tsv").read_text().splitlines()
             if line.startswith("'#D'\t'USA'\t'differentiation'")))


def test_decide_scale_labels_and_half_point_scale():
    labelled = accord.load_scenario(shared_file("decide", "cop21_with_scale_labels.csv"))
    assert any(len(i.scale.labels) >= 3 for i in labelled.issues)
    toll = accord.load_scenario(shared_file("decide", "road_toll.tsv"))
    assert (toll.issue("tol-hoogte").scale.min, toll.issue("tol-hoogte").scale.max) == (0.5, 7.0)


def test_decide_per_issue_power_becomes_stance_capability():
    scn = accord.load_scenario(shared_file("decide", "dutch_election_2012.csv"))
    assert len(scn.actors) == 11 and len(scn.issues) == 11


def test_copenhagen_with_errors_names_each_fault():
    path = shared_file("decide", "copenhagen_with_errors.tsv")
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    text = [str(p) for p in info.value.problems]
    assert text == [
        f"{path}: line 86 position must be between 0 and 100 (the issue's #M scale), got 160.0",
        f"{path}: line 87 power must be zero or more, got -0.247",
    ]
    proc = subprocess.run([sys.executable, "-m", "accord", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2 and "line 86" in proc.stderr and "line 87" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ktab_csv_examples():
    for name, actors, dims in (("dummyData_3Dim.csv", 7, 3), ("dummyData_6Dim.csv", 27, 6),
                               ("SOE-Pol-Comp.csv", 13, 2), ("dummyData-a160.csv", 160, 1)):
        scn = accord.load_scenario(shared_file("ktab", name))
        assert (len(scn.actors), len(scn.issues)) == (actors, dims), name
        assert all(0 <= q.value <= 1 for place, q in scn.quantities() if place.endswith("salience"))


def test_ktab_csv_faults_are_located(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("X,desc,3,1\nActor,Description,Power,P1,S1\nA,a,10,50,20\nB,b,-1,50,20\nC,c,10,150,20,\n")
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(bad)
    text = " | ".join(str(p) for p in info.value.problems)
    assert "line 4 capability must be a number, zero or more, got '-1'" in text
    assert "line 5 position on dimension 1 must be between 0 and 100, got '150'" in text


def test_ktab_xml(tmp_path):
    xml = tmp_path / "s.xml"
    xml.write_text("""<?xml version="1.0"?><Scenario><name>T</name><desc>d</desc><Dimensions><dName>Tax</dName></Dimensions>
<Actors><Actor><name>A</name><description>a</description><capability>10</capability><Position><dCoord>20</dCoord></Position>
<Salience><dSal>50</dSal></Salience></Actor><Actor><name>B</name><description>b</description><capability>5</capability>
<Position><dCoord>80</dCoord></Position><Salience><dSal>100</dSal></Salience></Actor></Actors></Scenario>""")
    scn = accord.load_scenario(xml)
    assert scn.actor("B").stances["Tax"].salience.value == 1.0
    xml.write_text(xml.read_text().replace("<dCoord>80</dCoord>", "<dCoord>800</dCoord>"))
    with pytest.raises(ScenarioError, match="must lie in 0..100"):
        accord.load_scenario(xml)
