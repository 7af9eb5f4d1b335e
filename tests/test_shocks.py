"""Shocks: parsing and validation with located errors; one-shot application; the unshocked run."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.cli import cli
from accord.models.compromise import weighted_mean
from accord.scenario import ScenarioError, scenario_from_dict
from accord.simulation import compare_shocks, parse_shock, sample, shocks_from_scenario, simulate
from accord.simulation.shocks import Shock, ShockSchedule, check_shocks


@pytest.fixture
def eu():
    return accord.load_scenario("eu-emissions-1994")


def test_parse_shock_syntax():
    assert parse_shock("US:leave@3") == Shock(actor="US", kind="leave", round=3)
    assert parse_shock("RU:salience.territory=0.4@2") == Shock(
        actor="RU", kind="salience", issue="territory", to=0.4, round=2
    )
    assert parse_shock("UA:capability*0.6") == Shock(actor="UA", kind="capability", scale=0.6)


@pytest.mark.parametrize(
    "text,place,rule",
    [
        ("US leave", "--shock", "is not a shock"),
        ("US:explode@2", "--shock.kind", "is invalid"),
        ("US:capability*-1", "--shock.scale", "is invalid"),
    ],
)
def test_parse_errors_name_place_and_rule(text, place, rule):
    with pytest.raises(ScenarioError) as exc:
        parse_shock(text)
    p = exc.value.problems[0]
    assert p.place == place and p.rule.startswith(rule)


@given(st.text(max_size=30))
@settings(max_examples=200, deadline=None)
def test_junk_shock_specs_give_scenario_errors_only(text):
    try:
        parse_shock(text)
    except ScenarioError as exc:
        assert exc.problems and all(p.place.startswith("--shock") for p in exc.problems)


def test_check_shocks_against_the_scenario(eu):
    bad = [
        parse_shock("XX:leave"),
        parse_shock("DE:salience.nope=0.3"),
        parse_shock("DE:salience=1.5"),
        parse_shock("FR:capability"),
        parse_shock("UK:leave@1"),
        parse_shock("UK:join@2"),
    ]
    with pytest.raises(ScenarioError) as exc:
        check_shocks(eu, bad)
    text = str(exc.value)
    assert "--shock[0].actor names an actor that does not exist, got 'XX'" in text
    assert "--shock[1].issue names an issue that does not exist" in text
    assert "--shock[2].to must be between 0 and 1 for a salience, got 1.5" in text
    assert "--shock[3] a capability shock needs exactly one of `to` and `scale`" in text
    assert "--shock[5].kind may appear once per actor" in text


def test_shocks_from_scenario_extensions(eu):
    data = eu.model_dump(mode="json", exclude_none=True)
    data["extensions"] = {
        "shocks": [
            {"actor": "DE", "kind": "leave", "round": 2, "label": "Germany walks out"},
            {"actor": "FR", "kind": "salience", "to": 0.1},
        ]
    }
    shocks = shocks_from_scenario(scenario_from_dict(data, "eu.yaml"), file="eu.yaml")
    assert [s.kind for s in shocks] == ["leave", "salience"] and shocks[
        0
    ].label == "Germany walks out"
    data["extensions"] = {
        "shocks": [{"actor": "DE", "kind": "leave", "rounds": 2}, {"actor": "ZZ", "kind": "join"}]
    }
    with pytest.raises(ScenarioError) as exc:
        shocks_from_scenario(scenario_from_dict(data, "eu.yaml"), file="eu.yaml")
    assert "eu.yaml: extensions.shocks[0].rounds is invalid" in str(exc.value)
    data["extensions"] = {"shocks": [{"actor": "ZZ", "kind": "join"}]}
    with pytest.raises(
        ScenarioError, match=r"extensions.shocks\[0\].actor names an actor that does not exist"
    ):
        shocks_from_scenario(scenario_from_dict(data, "eu.yaml"), file="eu.yaml")
    data["extensions"] = {"shocks": {"actor": "DE"}}
    with pytest.raises(ScenarioError, match="must be a list of shocks"):
        shocks_from_scenario(scenario_from_dict(data, "eu.yaml"), file="eu.yaml")


def _compromise(scn) -> float:
    arr = scn.arrays("year")
    return float(weighted_mean(arr.position, arr.weight))


def test_one_shot_leave_equals_removing_the_actor(eu):
    cmp = compare_shocks(eu, [parse_shock("DE:leave@4")], models=["compromise"], bargaining=False)
    row = cmp.frame.set_index("model").loc["compromise"]
    without = eu.model_copy(deep=True)
    without.actors = [a for a in without.actors if a.id != "DE"]
    assert row["unshocked"] == pytest.approx(_compromise(eu))
    assert row["shocked"] == pytest.approx(_compromise(without))
    assert row["change"] > 0  # Germany (early, 4) leaving moves the compromise later


def test_join_means_absent_in_the_unshocked_run(eu):
    cmp = compare_shocks(eu, [parse_shock("FR:join@3")], models=["compromise"], bargaining=False)
    row = cmp.frame.set_index("model").loc["compromise"]
    without = eu.model_copy(deep=True)
    without.actors = [a for a in without.actors if a.id != "FR"]
    assert row["unshocked"] == pytest.approx(_compromise(without))
    assert row["shocked"] == pytest.approx(_compromise(eu))


def test_salience_and_capability_jumps(eu):
    cmp = compare_shocks(
        eu,
        [parse_shock("UK:salience=0.1"), parse_shock("IT:capability*0")],
        models=["compromise"],
        bargaining=False,
    )
    changed = eu.model_copy(deep=True)
    changed.actor("UK").stances["year"].salience.value = 0.1
    changed.actor("IT").capability.value = 0.0
    assert cmp.frame.loc[0, "shocked"] == pytest.approx(_compromise(changed))


def test_schedule_rounds_apply_each_shock_from_its_round(eu):
    draws = sample(eu, 3, seed=0)
    sched = ShockSchedule(
        (parse_shock("DE:leave@2"), parse_shock("FR:join@1"), parse_shock("UK:salience=0.2@3"))
    )
    r = sched.rounds(draws, 4)
    de, fr, uk = (eu.actor_ids.index(a) for a in ("DE", "FR", "UK"))
    assert r["mask"][:, de, 0].tolist() == [True, True, False, False, False]
    assert r["mask"][:, fr, 0].tolist() == [False, True, True, True, True]
    assert r["salience"][0, :, uk, 0].tolist() == [0.9, 0.9, 0.9, 0.2, 0.2]
    assert np.all(r["capability"][:, 2:, de] == 0)


def test_monte_carlo_comparison_uses_common_draws():
    from accord.simulation import synthetic_scenario

    scn = synthetic_scenario(5, 2, seed=3)
    cmp = compare_shocks(
        scn, [parse_shock("A1:leave")], models=["compromise"], draws=500, seed=4, bargaining=False
    )
    base = simulate(scn, 500, seed=4, models=["compromise"], bargaining=False)
    q = base.quantiles().set_index(["issue", "model"])
    row = cmp.frame.set_index(["issue", "model"]).loc[("i0", "compromise")]
    assert row["unshocked"] == q.loc[("i0", "compromise"), "q50"]
    assert row["shocked_q05"] <= row["shocked"] <= row["shocked_q95"]


@pytest.mark.slow
def test_cli_shock_table_and_json(eu, tmp_path):
    r = CliRunner().invoke(
        cli, ["shock", "eu-emissions-1994", "--shock", "DE:leave@2", "-m", "compromise"]
    )
    assert r.exit_code == 0, r.output
    assert "unshocked" in r.output and "DE leave at round 2" in r.output
    r = CliRunner().invoke(
        cli,
        [
            "shock",
            "eu-emissions-1994",
            "--shock",
            "DE:leave",
            "--format",
            "json",
            "--draws",
            "50",
            "--no-bargaining",
        ],
    )
    data = json.loads(r.output)
    assert data["draws"] == 50 and data["shocks"][0]["actor"] == "DE"
    r = CliRunner().invoke(cli, ["shock", "eu-emissions-1994", "--shock", "XX:leave"])
    assert isinstance(r.exception, ScenarioError)
    assert "--shock[0] (XX:leave).actor names an actor that does not exist" in str(r.exception)
    r = CliRunner().invoke(cli, ["shock", "eu-emissions-1994"])
    assert r.exit_code == 2 and "no shocks" in r.output


def test_cli_simulate_with_shock(tmp_path):
    r = CliRunner().invoke(
        cli,
        [
            "simulate",
            "eu-emissions-1994",
            "--draws",
            "20",
            "--shock",
            "DE:leave",
            "--format",
            "json",
            "-o",
            str(tmp_path / "run"),
        ],
    )
    assert r.exit_code == 0, r.output
    man = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert man["shocks"] == [{"actor": "DE", "kind": "leave", "round": 0}]
