"""KTAB SMP files: CSV and XML (smpSchema.xsd) into a Scenario, faults with line numbers, CSV
export.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.io.ktab import read_ktab_csv, read_ktab_xml, scenario_to_ktab_csv, write_ktab_csv
from accord.scenario import ScenarioError, scenario_from_dict

HEAD = "S,desc,3,2\nActor,Description,Power,Tax Position,Tax Salience,Aid Position,Aid Salience\n"


def problems(text: str, suffix: str = ".csv", tmp_path=None) -> str:
    reader = read_ktab_csv if suffix == ".csv" else read_ktab_xml
    with pytest.raises(ScenarioError) as info:
        reader(__import__("pathlib").Path(f"f{suffix}"), text)
    return " | ".join(str(p) for p in info.value.problems)


@pytest.mark.parametrize(
    "name, n, m, dim0",
    [
        ("dummyData_3Dim.csv", 7, 3, "Pstn1"),
        ("SOE-Policy.csv", 26, 1, "Policy Position"),
        ("SOE-Pol-Comp.csv", 13, 2, "Policy Position"),
        ("dummyData_6Dim.csv", 27, 6, "Dim0 Position"),
    ],
)
def test_ktab_examples(name, n, m, dim0):
    scn = accord.load_scenario(shared_file("ktab", name))
    assert (len(scn.actors), len(scn.issues)) == (n, m)
    assert scn.issues[0].name == dim0 and (scn.issues[0].scale.min, scn.issues[0].scale.max) == (
        0,
        100,
    )
    assert scn.extensions["ktab"]["actor_order"] == scn.actor_ids
    assert scn.extensions["ktab"]["format"] == "csv"


def test_csv_values():
    scn = read_ktab_csv(
        __import__("pathlib").Path("x.csv"),
        HEAD + "A,a,10,20,30,40,50,\nB,b,5,60,20,10,0\nC,,1,0,100,100,0,,\n",
    )
    a = scn.actor("A")
    assert a.capability.value == 10 and a.description == "a"
    assert a.stances["Tax_Position"].position.value == 20
    assert a.stances["Tax_Position"].salience.value == pytest.approx(0.3)
    assert a.stances["Aid_Position"].salience.value == pytest.approx(0.5)
    assert scn.actor("C").stances["Tax_Position"].salience.value == 1.0


def test_csv_faults_name_their_lines():
    text = problems(HEAD + "A,a,10,20,30,40\nB,b,x,60,20,10,0\nC,c,1,0,abc,100,0\nD,d,1,1,1,1,1\n")
    assert "line 3 must have 7 columns" in text
    assert "line 4 capability must be a number, zero or more, got 'x'" in text
    assert "line 5 salience on dimension 1 must be between 0 and 100, got 'abc'" in text
    text = problems(HEAD + "A,a,10,20,30,40,50\nB,b,5,60,20,10,0\n")
    assert "line 1 announces 3 actors but the file has 2" in text
    assert "line 1" in problems("just a title\n")
    assert "number of actors" in problems("S,d,three,2\nActor\n")
    assert "repeats an actor name" in problems(
        HEAD + "A,a,1,1,1,1,1\nA,a,1,1,1,1,1\nB,b,1,1,1,1,1\n"
    )


XML = """<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>Three</name>
  <desc>a test</desc>
  <prngSeed>15455440707583219804</prngSeed>
  <ModelParameters>
    <VictoryProbModel>Square</VictoryProbModel>
    <PCEModel>Conditional</PCEModel>
    <StateTransitions>Deterministic</StateTransitions>
    <VotingRule>Proportional</VotingRule>
    <BigRAdjust>Half</BigRAdjust>
    <BigRRange>Mid</BigRRange>
    <ThirdPartyCommit>SemiCommit</ThirdPartyCommit>
    <InterVecBrgn>S2P2</InterVecBrgn>
    <BargnModel>InitOnlyInterp</BargnModel>
  </ModelParameters>
  <Dimensions><dName>Tax</dName><dName>Aid</dName></Dimensions>
  <Actors>
    <Actor><name>Alice</name><description>a</description><capability>100</capability>
      <Position><dCoord>10</dCoord><dCoord>90</dCoord></Position>
      <Salience><dSal>40</dSal><dSal>30</dSal></Salience></Actor>
    <Actor><name>Bob</name><description>b</description><capability>50</capability>
      <Position><dCoord>70</dCoord><dCoord>20</dCoord></Position>
      <Salience><dSal>60</dSal><dSal>10</dSal></Salience></Actor>
    <Actor><name>Carol</name><description>c</description><capability>30</capability>
      <Position><dCoord>50</dCoord><dCoord>50</dCoord></Position>
      <Salience><dSal>20</dSal><dSal>20</dSal></Salience></Actor>
  </Actors>
  <IdealAdjustment>
    <iaPair><adjustingIdeal>Alice</adjustingIdeal><referencePos>Alice</referencePos><adjust>0.8</adjust></iaPair>
    <iaPair><adjustingIdeal>Alice</adjustingIdeal><referencePos>Bob</referencePos><adjust>0.1</adjust></iaPair>
  </IdealAdjustment>
</Scenario>
"""


def test_xml_reads_everything_the_schema_holds(tmp_path):
    path = tmp_path / "three.xml"
    path.write_text(XML)
    scn = accord.load_scenario(path)
    assert scn.metadata.title == "Three" and [i.id for i in scn.issues] == ["Tax", "Aid"]
    assert scn.actor("Bob").stances["Tax"].position.value == 70
    assert scn.actor("Bob").stances["Tax"].salience.value == pytest.approx(0.6)
    k = scn.extensions["ktab"]
    assert k["prng_seed"] == 15455440707583219804 and k["actor_order"] == ["Alice", "Bob", "Carol"]
    assert k["model_parameters"]["VictoryProbModel"] == "Square"
    assert k["ideal_adjustment"] == [
        {"actor": "Alice", "reference": "Alice", "adjust": 0.8},
        {"actor": "Alice", "reference": "Bob", "adjust": 0.1},
    ]
    from accord.models.smp import SMP, smp_inputs

    acc = smp_inputs(scn).accommodation
    np.testing.assert_allclose(acc, [[0.8, 0.1, 0], [0, 1, 0], [0, 0, 1]])
    assert SMP.from_ktab_parameters(k["model_parameters"]).big_r_adjust == "Half"


def test_xml_and_csv_of_the_same_data_agree(tmp_path):
    csv_text = (
        "Three,a test,3,2\nActor,Description,Power,Tax,Tax Sal,Aid,Aid Sal\n"
        "Alice,a,100,10,40,90,30\nBob,b,50,70,60,20,10\nCarol,c,30,50,20,50,20\n"
    )
    from pathlib import Path

    a = read_ktab_csv(Path("t.csv"), csv_text)
    b = read_ktab_xml(Path("t.xml"), XML)
    for actor in a.actors:
        other = b.actor(actor.id)
        assert actor.capability.value == other.capability.value
        assert [s.position.value for s in actor.stances.values()] == [
            s.position.value for s in other.stances.values()
        ]
        assert [s.salience.value for s in actor.stances.values()] == [
            s.salience.value for s in other.stances.values()
        ]


def test_xml_faults_name_their_lines():
    text = problems(XML.replace("<dCoord>70</dCoord>", "<dCoord>170</dCoord>"), ".xml")
    assert "line 23" in text and "must lie in 0..100" in text
    text = problems(
        XML.replace("<BigRRange>Mid</BigRRange>", "<BigRRange>Middle</BigRRange>"), ".xml"
    )
    assert "line 12 BigRRange must be one of Mid, Min, Max, got 'Middle'" in text
    text = problems(
        XML.replace("<capability>50</capability>", "<capability>0</capability>"), ".xml"
    )
    assert "line 22 capability must be a positive number" in text
    text = problems(
        XML.replace("<referencePos>Bob</referencePos>", "<referencePos>Dave</referencePos>"), ".xml"
    )
    assert "must name actors" in text
    text = problems(XML.replace("<adjust>0.1</adjust>", "<adjust>0.5</adjust>"), ".xml")
    assert "must total at most 1" in text
    assert "line 3" in problems(XML.replace("<name>Three</name>", "<name>Three</nam>"), ".xml")
    assert "DTD" in problems(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Scenario/>', ".xml"
    )
    assert "prngSeed" in problems(XML.replace("15455440707583219804", "seed"), ".xml")


def test_export_round_trip(tmp_path):
    scn = accord.load_scenario(shared_file("ktab", "dummyData_3Dim.csv"))
    text, losses = scenario_to_ktab_csv(scn)
    assert losses == []
    back = read_ktab_csv(__import__("pathlib").Path("back.csv"), text)
    assert back.actor_ids == scn.actor_ids
    for a, b in zip(scn.actors, back.actors, strict=True):
        assert a.capability.value == b.capability.value
        for (_ia, sa), sb in zip(a.stances.items(), b.stances.values(), strict=True):
            assert sa.position.value == pytest.approx(sb.position.value, abs=1e-9)
            assert sa.salience.value == pytest.approx(sb.salience.value, abs=1e-12)
    out = tmp_path / "x.csv"
    assert write_ktab_csv(scn, out) == [] and out.read_text() == text


def test_commas_and_line_breaks_in_texts():
    """KTAB's CSV reader unescapes "$$" to a comma (``set_delimiter(',', "$$")``); the writer
    escapes.
    """
    from pathlib import Path

    scn = read_ktab_csv(
        Path("x.csv"),
        "S,a$$b,3,1\nActor,Description,Power,P,S\nA,one$$ two,1,1,1\nB,b,1,1,1\nC,c,1,1,1\n",
    )
    assert scn.actor("A").description == "one, two" and scn.metadata.description == "a,b"
    data = scn.model_dump()
    data["actors"][1]["description"] = "first line\nsecond, line"
    text, losses = scenario_to_ktab_csv(scenario_from_dict(data))
    assert any("line break" in x for x in losses)
    back = read_ktab_csv(Path("y.csv"), text)
    assert back.actor("B").description == "first line second, line"
    assert back.actor("A").description == "one, two"


def test_export_reports_what_ktab_cannot_hold():
    scn = accord.load_scenario("eu-emissions-1994")
    text, losses = scenario_to_ktab_csv(scn)
    assert any("scale 4..10 written as 0..100" in x for x in losses)
    back = read_ktab_csv(__import__("pathlib").Path("back.csv"), text)
    issue = scn.issues[0]
    for a in scn.actors:
        x = a.stances[issue.id].position.value
        want = (x - issue.scale.min) / (issue.scale.max - issue.scale.min) * 100
        assert back.actor(back.actor_ids[scn.actor_ids.index(a.id)]).stances[
            back.issues[0].id
        ].position.value == pytest.approx(want)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0.01, 1e4),
            st.lists(st.tuples(st.floats(0, 100), st.floats(0, 50)), min_size=2, max_size=2),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_valid_table_round_trips(rows):
    from pathlib import Path

    lines = [f"Gen,generated,{len(rows)},2", "Actor,Description,Power,P1,S1,P2,S2"]
    for k, (cap, dims) in enumerate(rows):
        lines.append(",".join([f"A{k}", "d", repr(cap)] + [f"{p!r},{s!r}" for p, s in dims]))
    scn = read_ktab_csv(Path("g.csv"), "\n".join(lines) + "\n")
    text, losses = scenario_to_ktab_csv(scn)
    assert losses == []
    again = read_ktab_csv(Path("g2.csv"), text)
    assert scenario_from_dict(again.model_dump()).actor_ids == scn.actor_ids
    for a, b in zip(scn.actors, again.actors, strict=True):
        assert a.capability.value == pytest.approx(b.capability.value, rel=1e-9)
        for sa, sb in zip(a.stances.values(), b.stances.values(), strict=True):
            assert sa.position.value == pytest.approx(sb.position.value, abs=1e-8)
            assert sa.salience.value == pytest.approx(sb.salience.value, abs=1e-10)
