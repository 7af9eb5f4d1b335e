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


KTAB_XML = """<?xml version="1.0"?>
<Scenario><name>Tax reform</name><desc>a KTAB XML with non-default model parameters</desc>
<prngSeed>7</prngSeed>
<ModelParameters><VictoryProbModel>Square</VictoryProbModel><PCEModel>MarkovIncentive</PCEModel>
<StateTransitions>Deterministic</StateTransitions><VotingRule>Binary</VotingRule>
<BigRAdjust>Half</BigRAdjust><BigRRange>Min</BigRRange><ThirdPartyCommit>FullCommit</ThirdPartyCommit>
<InterVecBrgn>S1P1</InterVecBrgn><BargnModel>InitRcvrInterp</BargnModel></ModelParameters>
<Dimensions><dName>Tax</dName><dName>Spend</dName></Dimensions><Actors>{actors}</Actors></Scenario>
"""


def _ktab_xml(tmp_path):
    rows = [
        ("A", 30, 10, 80, 60, 40),
        ("B", 20, 90, 20, 50, 50),
        ("C", 25, 55, 60, 70, 30),
        ("D", 15, 30, 35, 40, 60),
        ("E", 10, 70, 90, 55, 45),
    ]
    actors = "".join(
        f"<Actor><name>{n}</name><description>{n}</description><capability>{c}</capability>"
        f"<Position><dCoord>{p1}</dCoord><dCoord>{p2}</dCoord></Position>"
        f"<Salience><dSal>{s1}</dSal><dSal>{s2}</dSal></Salience></Actor>"
        for n, c, p1, p2, s1, s2 in rows
    )
    path = tmp_path / "tax.xml"
    path.write_text(KTAB_XML.format(actors=actors))
    return path


def test_a_ktab_files_model_parameters_reach_every_command(tmp_path):
    """Written from KTAB's documented <ModelParameters> (smpSchema.xsd): accord forecast gives
    the same SMP result as the Python API with SMP.from_ktab_parameters."""
    from accord.models.smp import SMP

    path = _ktab_xml(tmp_path)
    scn = accord.load_scenario(path)
    params = scn.extensions["ktab"]["model_parameters"]
    api = SMP.from_ktab_parameters(params).forecast(scn)
    default = SMP().forecast(scn)
    r = CliRunner().invoke(
        cli, ["forecast", str(path), "-m", "smp", "--no-save", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    got = {i["issue"]: i["forecasts"]["smp"]["value"] for i in json.loads(r.output)["issues"]}
    for issue in scn.issue_ids:
        assert got[issue] == pytest.approx(api.value(issue), abs=1e-6)
    assert any(abs(api.value(i) - default.value(i)) > 1e-6 for i in scn.issue_ids), (
        "the file's options must change the result, or the test proves nothing"
    )
    (m,) = build_models(["smp"], scn, ["smp.voting_rule=Proportional"])  # the user's word wins
    assert m.voting_rule == "Proportional" and m.victory_model == "Square"
