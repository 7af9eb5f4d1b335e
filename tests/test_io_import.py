"""KTAB's SMP CSV and XML become a Scenario; faulty files are rejected with every fault named by
line. (The BDM table, decide, GENIUS, the stance table and the workbook have their own
tests/test_io_*.py.)"""

from __future__ import annotations

import pytest
from conftest import shared_file

import accord
from accord.scenario import ScenarioError


def test_ktab_csv_examples():
    for name, actors, dims in (
        ("dummyData_3Dim.csv", 7, 3),
        ("dummyData_6Dim.csv", 27, 6),
        ("SOE-Pol-Comp.csv", 13, 2),
        ("dummyData-a160.csv", 160, 1),
    ):
        scn = accord.load_scenario(shared_file("ktab", name))
        assert (len(scn.actors), len(scn.issues)) == (actors, dims), name
        assert all(0 <= q.value <= 1 for place, q in scn.quantities() if place.endswith("salience"))


def test_ktab_csv_faults_are_located(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "X,desc,3,1\nActor,Description,Power,P1,S1\nA,a,10,50,20\nB,b,-1,50,20\nC,c,10,150,20,\n"
    )
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
