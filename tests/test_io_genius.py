"""GENIUS domains and utility spaces read into a Scenario (fixtures written for these tests:
tests/fixtures/genius/holiday_*.xml, in GENIUS's XML layout [Lin2014])."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

import accord
from accord.io.genius import read_genius
from accord.scenario import ScenarioError

G = FIXTURES / "genius"


def test_domain_and_utility_spaces_become_a_scenario():
    scn, notes = read_genius(G / "holiday_domain.xml")
    assert scn.actor_ids == ["holiday_alice", "holiday_bob"]
    dest = scn.issue("Destination").scale
    assert dest.discrete and (dest.min, dest.max) == (0, 2)
    assert dest.labels == {0.0: "Beach", 1.0: "City", 2.0: "Mountains"}
    budget = scn.issue("Budget").scale
    assert (budget.min, budget.max, budget.discrete) == (500, 3000, False)
    alice, bob = scn.actors
    # position = best option: Alice City (10 of 2/10/4); Bob Beach; Bob's Duration tie 4/4 -> the
    # first, "2 weeks"
    assert {k: s.position.value for k, s in alice.stances.items()} == {
        "Destination": 1,
        "Duration": 2,
        "Budget": 500,
    }
    assert {k: s.position.value for k, s in bob.stances.items()} == {
        "Destination": 0,
        "Duration": 1,
        "Budget": 1800,
    }
    # salience = weight; Bob's weights 0.4/1.0/0.6 sum to 2 and are normalised
    assert [alice.stances[i].salience.value for i in ("Destination", "Duration", "Budget")] == [
        0.5,
        0.3,
        0.2,
    ]
    assert [bob.stances[i].salience.value for i in ("Destination", "Duration", "Budget")] == [
        0.2,
        0.5,
        0.3,
    ]
    assert alice.capability.value == bob.capability.value == 1
    assert alice.no_deal is None and bob.no_deal.utility.value == 0.4  # reservation value
    text = " | ".join(notes)
    assert "holiday_alice on Duration" in text and "not single-peaked" in text
    assert "holiday_bob: weights sum to 2; normalised to 1" in text
    assert "discount factors not represented: holiday_bob 0.9" in text
    assert "Not represented" in scn.metadata.description
    assert scn.evidence_coverage().share_evidenced == 0


def test_load_scenario_from_the_domain_or_a_profile_gives_the_same():
    a = accord.load_scenario(G / "holiday_domain.xml")
    b = accord.load_scenario(G / "holiday_bob.xml")
    assert a == b
    result = accord.forecast(a, ["compromise"])
    assert 0 <= result.model("compromise").value("Destination") <= 2


def test_chosen_profiles_and_a_profile_alone(tmp_path):
    scn, _ = read_genius(G / "holiday_domain.xml", [G / "holiday_bob.xml"])
    assert scn.actor_ids == ["holiday_bob"]
    shutil.copy(G / "holiday_alice.xml", tmp_path / "alice.xml")
    alone = accord.load_scenario(tmp_path / "alice.xml")
    assert alone.actor_ids == ["alice"] and alone.issue("Duration").scale.labels[2.0] == "3 weeks"


def test_domain_without_profiles_is_refused(tmp_path):
    shutil.copy(G / "holiday_domain.xml", tmp_path / "d.xml")
    with pytest.raises(ScenarioError, match="no utility space"):
        accord.load_scenario(tmp_path / "d.xml")


def _folder(tmp_path, alice_text):
    shutil.copy(G / "holiday_domain.xml", tmp_path / "holiday_domain.xml")
    (tmp_path / "holiday_alice.xml").write_text(alice_text)
    return tmp_path / "holiday_domain.xml"


def test_profile_faults_are_named_by_file_and_line(tmp_path):
    text = (G / "holiday_alice.xml").read_text()
    text = text.replace(
        'value="Mountains" evaluation="4"', 'value="Mountains"'
    )  # of the issue on line 5
    text = text.replace(
        '<weight index="3" value="0.2"/>', '<weight index="3" value="-1"/>'
    )  # line 20
    domain = _folder(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(domain)
    got = {(p.file.rsplit("/", 1)[-1], p.place, p.rule) for p in info.value.problems}
    assert ("holiday_alice.xml", "line 20", "weight must be a number, zero or more") in got
    assert (
        "holiday_alice.xml",
        "line 5",
        "gives no evaluation to the options 'Mountains' of issue 'Destination'",
    ) in got


def test_unknown_option_and_malformed_xml(tmp_path):
    text = (G / "holiday_alice.xml").read_text()
    domain = _folder(tmp_path, text.replace('value="Beach"', 'value="Moon"'))
    with pytest.raises(
        ScenarioError, match="lists options of 'Destination' that differ from the domain's"
    ):
        accord.load_scenario(domain)
    domain = _folder(tmp_path, text.replace("</issue>", "</isue>", 1))
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(domain)
    assert [(p.place, p.rule) for p in info.value.problems] == [
        ("line 9", "is not well-formed XML: mismatched tag")
    ]


def test_entity_declarations_are_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        "<utility_space><objective/></utility_space>"
    )
    with pytest.raises(ScenarioError, match="DOCTYPE or ENTITY"):
        accord.load_scenario(bomb)
