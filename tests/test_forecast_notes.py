"""What is said next to each number: convergence, red lines, discrete options, agreement, the
declared consensus (the trust issue's proof on the shipped scenarios)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import accord
from accord.cli import cli
from accord.forecast import CONSENSUS_MODEL
from accord.forecast_notes import agreement, red_line_breaches, snap
from accord.models.expected_utility import ExpectedUtility

#: The first version of the default scenario, kept as a fixture (tests/data/README.md): BDM
#: cycles on its recognition issue, and the exchange model breaks Russia's NATO red line on it.
V1 = Path(__file__).parent / "data" / "scenarios" / "ukraine-2025-v1.yaml"


@pytest.fixture(scope="module")
def ukraine():
    return accord.load_scenario(V1)


@pytest.fixture(scope="module")
def result(ukraine):
    return accord.forecast(ukraine)


def test_bdm_reports_that_recognition_does_not_settle(ukraine):
    default = ExpectedUtility().forecast(ukraine).issues["recognition"].details["convergence"]
    assert default["status"] != "converged"
    repl = ExpectedUtility.scholz_replication().forecast(ukraine).issues["recognition"]
    conv = repl.details["convergence"]
    assert conv["status"] == "cycle" and conv["period"] == 2
    assert (conv["low"], conv["high"]) == (0.0, 100.0)
    assert repl.value == 100.0  # the replication keeps the last round, flagged


def test_a_cycle_is_reported_as_its_mean_by_default():
    scn = accord.load_scenario(V1)
    m = ExpectedUtility(offer_rule="scholz")  # cycles on recognition; default cycle rule
    fc = m.forecast(scn).issues["recognition"]
    assert fc.details["convergence"]["status"] == "cycle"
    assert fc.value == pytest.approx(50.0)


@pytest.mark.parametrize("name", ["ukraine-2024-11", "ukraine-2025-07", "eu-emissions-1994", V1])
def test_every_discrete_forecast_is_an_admissible_option(name):
    scn = accord.load_scenario(name)
    res = accord.forecast(scn)
    for s in res.issues():
        issue = scn.issue(s.issue_id)
        if issue.scale.discrete:
            assert set(s.values.values()) <= set(issue.scale.labels), s.issue_id


def test_snapping_respects_the_direction_of_the_scale():
    from accord.scenario import Issue

    issue = Issue.model_validate(
        {
            "id": "x",
            "question": "?",
            "scale": {
                "min": 0,
                "max": 10,
                "discrete": True,
                "labels": {0: "a", 3: "b", 7: "c", 10: "d"},
            },
        }
    )
    # 5.0 is its own mirror image, halfway between two options equally near the middle: the
    # one case no rule can decide symmetrically (it goes to the lower, as documented)
    for v in [0.0, 1.4, 1.5, 2.0, 6.1, 8.5, 9.9]:
        assert 10 - snap(issue, v) == snap(issue, 10 - v)
    assert snap(issue, 5.0) in (3, 7) and snap(issue, 1.5) in (0, 3)


def test_red_line_breaches_are_named(result, ukraine):
    nato = {s.issue_id: s for s in result.issues()}["nato"]
    assert result.model("exchange").value("nato") > 55
    assert any("red line (55)" in n for n in nato.notes["exchange"])
    # on the red line itself nothing is broken
    assert red_line_breaches(ukraine, ukraine.issue("nato"), 55.0) == []


def test_agreement_is_said_in_deal_terms(ukraine):
    issue = ukraine.issue("nato")
    assert agreement(issue, {"a": 55.0, "b": 55.2}).startswith("every model lands on the same")
    assert "far apart" in agreement(issue, {"a": 0.0, "b": 100.0})


def test_the_consensus_is_the_declared_model(result):
    for s in result.issues():
        assert s.consensus == s.values[CONSENSUS_MODEL]
    data = result.to_dict()
    assert data["consensus_model"] == CONSENSUS_MODEL
    first = data["issues"][0]
    assert "agreement" in first and "notes" in first["forecasts"]["exchange"]


def test_cli_prints_the_notes_next_to_the_numbers():
    r = CliRunner().invoke(cli, ["forecast", "--no-save"], terminal_width=200)
    assert r.exit_code == 0, r.output
    assert "breaks" in r.output and "consensus" in r.output
    r = CliRunner().invoke(cli, ["forecast", "--no-save", "--format", "json"])
    data = json.loads(r.output)
    conv = data["issues"][1]["forecasts"]["bdm"]["convergence"]
    assert conv["status"] in ("cycle", "moving")


def test_every_round_based_model_reports_its_convergence(result):
    """SMP and the exchange model have their per-round trace classified (BDM reports its own);
    one-shot models have no rounds and report none."""
    from accord.models.registry import MODELS

    data = result.to_dict()
    round_based = {cls.name for cls in MODELS if cls.tags.round_based}
    for issue in data["issues"]:
        for name, f in issue["forecasts"].items():
            if name in round_based:
                assert f["convergence"]["status"] in ("converged", "cycle", "moving"), name
            elif name != "ensemble":
                assert f["convergence"] is None, name
    exchange_nato = next(i for i in data["issues"] if i["issue"] == "nato")["forecasts"]["exchange"]
    assert exchange_nato["convergence"]["status"] == "moving"  # 10 fixed rounds, still trading


def test_monte_carlo_spreads_on_a_discrete_issue_are_over_its_options():
    """The single forecast of a discrete issue is an admissible option; so is every quantile of
    its Monte Carlo spread (each draw snapped by the same rule), while the stored draws keep the
    models' raw values."""
    import numpy as np

    from accord.forecast_notes import snap_many
    from accord.simulation import simulate

    scn = accord.load_scenario("ukraine-2025-07")
    issue = scn.issue("recognition")
    values = np.concatenate([np.linspace(0, 100, 401), [12.5, 37.5, 62.5, 87.5]])  # ties too
    assert snap_many(issue, values).tolist() == [snap(issue, v) for v in values]
    res = simulate(scn, 60, seed=1, models=["compromise", "bdm"])
    q = res.quantiles()
    rows = q[(q["issue"] == "recognition") & (q["model"] != "nash")]
    cols = [c for c in rows.columns if c.startswith("q")]
    assert set(rows[cols].to_numpy().ravel()) <= set(issue.scale.labels)
    k = scn.issue_ids.index("recognition")
    assert not set(np.unique(res.forecasts[:, :, k])) <= set(issue.scale.labels)  # raw kept


def test_the_consensus_says_when_a_model_it_leans_on_does_not_settle():
    """The stack puts weight on the SMP, which cycles on the default scenario's territory issue;
    the consensus's note names it and gives the range the stack takes over the SMP's last
    rounds (the weighted sum of its cycle's ends and the settled components' values), and no
    note appears where every component settled."""
    from accord.models.ensemble import Ensemble
    from accord.models.smp import SMP

    scn = accord.load_scenario("ukraine-2025-07")
    weights = {"compromise": 0.8, "smp": 0.2}
    fc = Ensemble(weights=weights).forecast(scn).issues["territory"]
    smp = SMP().forecast(scn).issues["territory"]
    cyc = smp.details.get("convergence") or {}
    if not cyc:
        from accord.forecast_notes import convergence

        cyc = convergence(smp, scn.issue("territory"))
    assert cyc["status"] != "converged"  # the premise: the SMP cycles here
    conv = fc.details["convergence"]
    comp = fc.details["components"]["compromise"]
    assert conv["inherited"] == ["smp"] and conv["status"] == cyc["status"]
    assert conv["low"] == pytest.approx(0.8 * comp + 0.2 * cyc["low"])
    assert conv["high"] == pytest.approx(0.8 * comp + 0.2 * cyc["high"])
    assert "smp (weight 0.20" in conv["text"]
    settled = Ensemble(weights={"compromise": 0.5, "median": 0.5}).forecast(scn)
    assert all("convergence" not in f.details for f in settled.issues.values())
