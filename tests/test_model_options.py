"""Model options from the scenario and from ``--model-param``, checked by the parameter tables."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import accord
from accord.cli import cli
from accord.models.expected_utility import ExpectedUtility
from accord.models.options import build_models, parse_model_params
from accord.scenario import ScenarioError


def test_values_are_read_by_their_declared_type():
    got = parse_model_params(
        [
            "bdm.rounds=20",
            "bdm.stop_after=none",
            "compromise.use_salience=false",
            "exchange.p=0.25",
            "smp.voting_rule=Binary",
        ]
    )
    assert got == {
        "bdm": {"rounds": 20, "stop_after": None},
        "compromise": {"use_salience": False},
        "exchange": {"p": 0.25},
        "smp": {"voting_rule": "Binary"},
    }


def test_every_bad_option_is_reported_at_once():
    with pytest.raises(ScenarioError) as err:
        parse_model_params(["bdm.rounds=-1", "bdm.nope=1", "nobody.x=1", "junk", "bdm.rounds=ten"])
    texts = [str(p) for p in err.value.problems]
    assert len(texts) == 5
    assert "rounds must be an integer between 0 and 1000" in texts[0]
    assert "names an option bdm does not have" in texts[1]
    assert "names a model that does not exist" in texts[2]
    assert "is not a model option" in texts[3]
    assert "got 'ten'" in texts[4]


def test_options_reach_the_model():
    scn = accord.load_scenario("eu-emissions-1994")
    (m,) = build_models(["bdm"], scn, ["bdm.offer_rule=scholz", "bdm.rounds=8"])
    assert m.get_params()["offer_rule"] == "scholz" and m.rounds == 8
    expected = ExpectedUtility.scholz_replication(rounds=8, cycle_rule="mean").forecast(scn)
    assert accord.forecast(scn, [m]).model("bdm").value("year") == expected.value("year")


def test_cli_forecast_takes_model_params():
    args = ["forecast", "eu-emissions-1994", "-m", "bdm", "--no-save", "--format", "json"]
    r = CliRunner().invoke(cli, [*args, "--model-param", "bdm.rounds=2"])
    two = json.loads(r.output)["issues"][0]["forecasts"]["bdm"]["value"]
    r = CliRunner().invoke(cli, [*args, "--model-param", "bdm.rounds=10"])
    ten = json.loads(r.output)["issues"][0]["forecasts"]["bdm"]["value"]
    assert two != ten
    r = CliRunner().invoke(cli, [*args, "--model-param", "bdm.vote_risk=bogus"])
    assert r.exit_code != 0
    assert "vote_risk must be one of 'own', 'one'" in str(r.exception) + r.output
