"""The casebook (accord.casebook) and its backtest (accord.backtest.casebook, `accord backtest
casebook`): the cases are valid and fully evidenced, the command reports every model on every
issue, and the scores are right on hand-made cases."""

from __future__ import annotations

import json
import re
from importlib import resources

import numpy as np
import pytest
from click.testing import CliRunner

from accord.backtest.casebook import (
    STATUS_QUO_BASELINE,
    Case,
    casebook_backtest,
    casebook_cases,
    read_outcome,
    score_term,
    zone_check,
)
from accord.casebook import CASES, case_path
from accord.cli import cli
from accord.forecast import forecast
from accord.models.compromise import WeightedMean
from accord.models.registry import model_names
from accord.scenario import scenario_from_dict

YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


@pytest.fixture(scope="module")
def cases():
    return {c.name: c for c in casebook_cases()}


@pytest.fixture(scope="module")
def cli_run():
    r = CliRunner().invoke(cli, ["backtest", "casebook", "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_the_listed_cases_are_the_shipped_files():
    folder = resources.files("accord") / "casebook"
    files = sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))
    assert files == sorted(CASES) and len(CASES) >= 5


@pytest.mark.parametrize("name", CASES)
def test_every_case_validates_without_warnings(name):
    r = CliRunner().invoke(cli, ["validate", str(case_path(name)), "--format", "json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["valid"] and report["warnings"] == []
    assert 3 <= report["actors"] <= 6 and 2 <= report["issues"] <= 5


@pytest.mark.parametrize("name", CASES)
def test_every_agreed_value_is_one_of_its_issues_labels(cases, name):
    case = cases[name]
    assert set(case.outcome) == set(case.scenario.issue_ids)
    for issue in case.scenario.issues:
        assert (issue.scale.min, issue.scale.max) == (0, 100)
        assert len(issue.scale.labels) >= 3
        assert case.outcome[issue.id] in issue.scale.labels
    assert YEAR.search(case.outcome_date) and case.outcome_source.strip()


@pytest.mark.parametrize("name", CASES)
def test_every_number_has_evidence_naming_a_date(cases, name):
    scn = cases[name].scenario
    assert scn.evidence_coverage().unsupported == 0
    for place, q in scn.quantities():
        assert q.evidence is not None, place
        if q.evidence.source is not None:  # a quote: its source carries the date
            text = next(s.date or "" for s in scn.sources if s.id == q.evidence.source)
        else:
            text = q.evidence.judgement or ""
        assert YEAR.search(text), f"{name}: {place}: the evidence names no date: {text!r}"
        if q.uncertainty is not None:
            assert q.uncertainty.evidence is not None, f"{name}: {place}.uncertainty"


def test_the_command_reports_every_model_on_every_issue(cli_run, cases):
    """Every registered model that applies to a case (none has an EU `procedure:`, so the
    procedure model is left out), and the status-quo baseline."""
    models = [*(m for m in model_names() if m != "procedure"), STATUS_QUO_BASELINE]
    assert cli_run["models"] == models
    got = {(r["case"], r["issue"], r["model"]) for r in cli_run["rows"]}
    want = {(c.name, i, m) for c in cases.values() for i in c.scenario.issue_ids for m in models}
    assert got == want and len(cli_run["rows"]) == len(want)
    assert [s["model"] for s in cli_run["summary"]] == models
    assert {c["case"] for c in cli_run["cases"]} == set(CASES)
    for c in cli_run["cases"]:
        assert c["zone"]["verdict"] in ("no zone", "inside the zone", "outside the zone")


def test_the_table_names_every_case_and_model():
    r = CliRunner().invoke(cli, ["backtest", "casebook", "-m", "compromise,median"])
    assert r.exit_code == 0, r.output
    for name in (*CASES, "compromise", "median", STATUS_QUO_BASELINE, "zone of agreement"):
        assert name in r.output


def test_the_forecasts_are_accord_forecast_s(cli_run, cases):
    scn = cases["jcpoa-2015"].scenario
    ref = {s.issue_id: s.values for s in forecast(scn, seed=0).issues()}
    for r in cli_run["rows"]:
        if r["case"] == "jcpoa-2015" and r["model"] != STATUS_QUO_BASELINE:
            assert r["forecast"] == pytest.approx(ref[r["issue"]][r["model"]], abs=1e-12)


class _Broken(WeightedMean):
    name = "broken"

    def forecast(self, scenario, *, rng=None):
        raise RuntimeError("boom")


class _Fine(WeightedMean):
    name = "fine"


def test_a_failing_model_is_reported_not_dropped(cases):
    two = [cases["dayton-1995"], cases["brexit-2019"]]
    res = casebook_backtest(two, [WeightedMean(), _Broken()])
    ref = casebook_backtest(two, [WeightedMean(), _Fine()])
    broken = res.rows[res.rows.model == "broken"]
    assert len(broken) == 6 and (broken.failed == "RuntimeError: boom").all()
    assert broken.forecast.isna().all() and not broken.nearest_is_agreed.any()
    assert res.failures == {"broken": {c.name: "RuntimeError: boom" for c in two}}
    summary = res.summary().set_index("model")
    assert summary.loc["broken", "failed"] == 6 and summary.loc["broken", "n"] == 0
    # the others keep the very numbers of the run in which nothing failed
    ok = res.rows[res.rows.model == "compromise"].forecast.to_numpy()
    assert np.allclose(ok, ref.rows[ref.rows.model == "compromise"].forecast.to_numpy())
    assert summary.loc["compromise", "failed"] == 0


def test_a_forecast_10_points_off_the_agreed_term_scores_error_10():
    issue = _tiny().issue("x")  # terms at 0, 40, 55, 100; agreed 40
    off = score_term(issue, 50.0, 40.0)  # 10 above the agreed term, 5 from the term at 55
    assert (off.error, off.abs_error, off.nearest, off.nearest_is_agreed) == (10, 10, 55, False)
    below = score_term(issue, 30.0, 40.0)  # 10 below, nearer 40 than 0
    assert (below.error, below.abs_error, below.nearest, below.nearest_is_agreed) == (
        -10,
        10,
        40,
        True,
    )
    assert score_term(issue, 47.0, 40.0).nearest_is_agreed  # 7 from 40, 8 from 55
    assert not score_term(issue, 48.0, 40.0).nearest_is_agreed  # 8 from 40, 7 from 55


def test_nearest_term_ties_go_to_the_lower_point():
    issue = _tiny(labels=(0, 40, 60, 100)).issue("x")
    tie = score_term(issue, 50.0, 40.0)  # 10 from 40 and 10 from 60
    assert tie.nearest == 40 and tie.nearest_is_agreed
    assert score_term(issue, 50.0, 60.0).nearest_is_agreed is False


def test_scores_of_a_hand_made_case_end_to_end():
    scn = _tiny()  # equal weights: the weighted mean of 30 and 70 is 50
    case = Case("tiny", scn, {"x": 40.0}, "2000-01-01", "hand-made")
    res = casebook_backtest([case], ["compromise"])
    row = res.rows[res.rows.model == "compromise"].iloc[0]
    assert row.forecast == pytest.approx(50) and row.error == pytest.approx(10)
    assert row.nearest == 55 and not row.nearest_is_agreed
    sq = res.rows[res.rows.model == STATUS_QUO_BASELINE].iloc[0]
    assert sq.error == pytest.approx(60) and sq.nearest == 100
    summary = res.summary().set_index("model")
    assert summary.loc["compromise", "mae"] == pytest.approx(10)
    assert summary.loc["compromise", "term_hit"] == 0
    assert summary.loc["compromise", "within10"] == 1


def test_the_zone_check_inside_outside_and_no_zone():
    scn = _tiny()
    inside = zone_check(scn, {"x": 50.0}, months=12)
    assert inside.verdict == "inside the zone" and inside.agreed_from == 0
    # 0 is worse than no deal (100) for the actor at 70: outside, and it stays outside
    outside = zone_check(scn, {"x": 0.0}, months=12)
    assert outside.verdict == "outside the zone" and outside.rejecting == ("b",)
    blocked = zone_check(_tiny(red_lines=(40, 60)), {"x": 50.0}, months=12)
    assert blocked.verdict == "no zone" and set(blocked.breaking) == {"a", "b"}
    assert blocked.opens_at is None and blocked.agreed_from is None


def test_outcomes_off_the_labels_are_refused():
    scn = _tiny(outcome={"x": 45})
    with pytest.raises(ValueError, match=r"outcome.x must be one of the issue's labelled points"):
        read_outcome(scn, "tiny.yaml")
    with pytest.raises(ValueError, match=r"must name issues of the scenario; got \['y'\]"):
        read_outcome(_tiny(outcome={"x": 40, "y": 0}), "tiny.yaml")
    with pytest.raises(ValueError, match=r"outcome.x must be a number; got None"):
        read_outcome(_tiny(outcome={}), "tiny.yaml")


def test_deu_options_are_refused_with_the_casebook():
    r = CliRunner().invoke(cli, ["backtest", "casebook", "--scheme", "rolling"])
    assert r.exit_code == 2 and "--scheme applies to a DEU dataset only" in r.output


def _tiny(*, labels=(0, 40, 55, 100), red_lines=(None, None), outcome=None):
    def stance(pos, red):
        st = {"position": pos, "salience": 0.5}
        if red is not None:
            st["red_line"] = red
        return {"x": st}

    return scenario_from_dict(
        {
            "metadata": {"title": "tiny"},
            "issues": [
                {
                    "id": "x",
                    "question": "?",
                    "scale": {"labels": {p: f"term {p}" for p in labels}},
                    "status_quo": 100,
                }
            ],
            "actors": [
                {"id": "a", "name": "a", "capability": 1, "stances": stance(30, red_lines[0])},
                {"id": "b", "name": "b", "capability": 1, "stances": stance(70, red_lines[1])},
            ],
            "extensions": {
                "casebook": {
                    "outcome": {"x": 40} if outcome is None else outcome,
                    "outcome_date": "2000-01-01",
                    "outcome_source": "hand-made",
                }
            },
        }
    )
