"""Rolling-origin backtest: nothing is fitted on a test fold, every scored issue is scored once,
failures are counted (never dropped), and the paired bootstrap gives hand-computable answers."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import shared_file

from accord.backtest import backtest, paired_bootstrap, read_deu, rolling_backtest
from accord.backtest.rolling import REFERENCE_MODEL, conformal_halfwidth
from accord.cli import cli
from accord.models.base import IssueForecast, ModelForecast
from accord.models.compromise import WeightedMean
from accord.models.median import weighted_median

#: The flaky model raises on the first proposal of this id and returns NaN on the second.
RAISES_ON, NAN_ON = "d00032", "n04164"


class Flaky(WeightedMean):
    """The compromise model, but raising on one proposal and returning NaN on another."""

    name = "flaky"

    def forecast(self, scenario, *, rng=None):
        title = scenario.metadata.title
        if f"proposal {RAISES_ON} " in title:
            raise RuntimeError("flaky by design")
        fc = super().forecast(scenario, rng=rng)
        if f"proposal {NAN_ON} " in title:
            nan = {k: IssueForecast(k, float("nan")) for k in fc.issues}
            return ModelForecast(self.name, nan)
        return ModelForecast(self.name, fc.issues, fc.params)


@pytest.fixture(scope="module")
def deu():
    return read_deu(shared_file("deu3", "deu3.tsv"))


@pytest.fixture(scope="module")
def rolled(deu):
    return rolling_backtest(deu, ["compromise", "median", Flaky()], capabilities="equal")


def _scored_issues(deu, first_year=2000):
    return {
        (p.proposal_id, i.issue_id)
        for p in deu.proposals
        if p.year is not None and p.year >= first_year
        for i in p.issues
        if i.outcome is not None
    }


# -- the paired bootstrap ------------------------------------------------------------------------


def test_bootstrap_of_identical_models_is_exactly_zero():
    rng = np.random.default_rng(3)
    loss = rng.uniform(0, 50, 40)
    res = paired_bootstrap(loss, loss.copy(), rng.integers(0, 12, 40), rng=rng)
    assert (res.difference, res.low, res.high) == (0.0, 0.0, 0.0)
    assert res.n_resamples == 2000 and res.level == 0.95


def test_bootstrap_of_a_model_better_by_a_constant_is_minus_that_constant():
    rng = np.random.default_rng(4)
    reference = rng.integers(2, 60, 50).astype(float)
    res = paired_bootstrap(reference - 2.0, reference, rng.integers(0, 9, 50), rng=rng)
    assert (res.difference, res.low, res.high) == (-2.0, -2.0, -2.0)


def test_bootstrap_resamples_whole_proposals():
    """Group a: two issues 1 point better, group b: one issue 3 points worse. A resample draws
    (a, a) → −4/4 = −1, (a, b) → (−2 + 3)/3 = 1/3, or (b, b) → 6/2 = 3, each issue of a
    drawn group counted, so those are the only values and the 95 % interval is [−1, 3]."""
    loss, reference = np.array([0.0, 0.0, 3.0]), np.array([1.0, 1.0, 0.0])
    res = paired_bootstrap(loss, reference, np.array(["a", "a", "b"]), rng=np.random.default_rng(0))
    assert res.difference == pytest.approx(1 / 3) and res.n_groups == 2
    assert (res.low, res.high) == (-1.0, 3.0)


def test_bootstrap_is_seeded_and_checks_its_input():
    rng = np.random.default_rng(5)
    loss, ref, groups = rng.uniform(0, 9, 30), rng.uniform(0, 9, 30), rng.integers(0, 6, 30)
    one = paired_bootstrap(loss, ref, groups, n_resamples=300, rng=np.random.default_rng(9))
    two = paired_bootstrap(loss, ref, groups, n_resamples=300, rng=np.random.default_rng(9))
    assert one == two and one.low < one.difference < one.high
    with pytest.raises(ValueError, match="reference must be of the loss's shape"):
        paired_bootstrap(loss, ref[:3], groups, rng=rng)
    with pytest.raises(ValueError, match="loss and reference must be finite"):
        paired_bootstrap(np.r_[loss[:-1], np.nan], ref, groups, rng=rng)
    with pytest.raises(ValueError, match="n_resamples must be at least 1; got 0"):
        paired_bootstrap(loss, ref, groups, n_resamples=0, rng=rng)


def test_conformal_halfwidth_is_the_split_conformal_order_statistic():
    errors = np.arange(1.0, 10.0)  # n = 9: rank ⌈10 q⌉
    assert conformal_halfwidth(errors, 0.5) == 5.0 and conformal_halfwidth(errors, 0.8) == 8.0
    assert conformal_halfwidth(errors, 0.95) == 9.0 and np.isnan(conformal_halfwidth([], 0.5))


# -- folds -----------------------------------------------------------------------------------


def test_every_scored_issue_appears_in_exactly_one_fold(deu, rolled):
    expected = _scored_issues(deu)
    for _model, grp in rolled.rows.groupby("model"):
        keys = list(zip(grp.proposal, grp.issue, strict=True))
        assert len(keys) == len(set(keys)) and set(keys) == expected
        assert (grp.fold == grp.year).all()
    assert rolled.issues == len(expected) and [f["year"] for f in rolled.folds] == sorted(
        {p.year for p in deu.proposals if p.year >= 2000}
    )
    assert sum(f["test_issues"] for f in rolled.folds) == len(expected)


def _scrambled(deu, year, how):
    """The data with every outcome of the proposals of ``year`` replaced: by 100 − outcome
    (``flip``) or by the salience-weighted median actor's position (``median``, which pulls
    the stacking weights towards the median model wherever those outcomes are fitted on)."""

    def scramble(prop, issue):
        if issue.outcome is None:
            return issue
        if how == "flip":
            return replace(issue, outcome=100 - issue.outcome)
        median = weighted_median(
            np.array(list(issue.position.values())),
            np.array([issue.salience[a] for a in issue.position]),
        )
        return replace(issue, outcome=float(median))

    props = tuple(
        p if p.year != year else replace(p, issues=tuple(scramble(p, i) for i in p.issues))
        for p in deu.proposals
    )
    return replace(deu, proposals=props)


@pytest.fixture(scope="module")
def rolled_auto(deu):
    return rolling_backtest(deu, ["compromise", "median"], capabilities="auto")


@pytest.mark.parametrize("how", ["flip", "median"])
def test_scrambling_a_folds_outcomes_leaves_its_forecasts_unchanged(deu, rolled_auto, how):
    """Nothing of fold 2005 (capability choice, ensemble weights, interval half-widths, so
    forecasts and interval centres) may depend on the outcomes of 2005; what the next fold
    fits does move, so the check is not vacuous."""
    res = rolled_auto
    res2 = rolling_backtest(
        _scrambled(deu, 2005, how), ["compromise", "median"], capabilities="auto"
    )
    cols = ["proposal", "issue", "model", "forecast", "halfwidth50", "halfwidth80", "capabilities"]
    cols += ["halfwidth50_exchangeable", "halfwidth80_exchangeable"]
    for year in (2000, 2004, 2005):
        one = res.rows.loc[res.rows.fold == year, cols].reset_index(drop=True)
        two = res2.rows.loc[res2.rows.fold == year, cols].reset_index(drop=True)
        pd.testing.assert_frame_equal(one, two)
    same = {f["year"]: f for f in res.folds if f["year"] <= 2005}
    assert same == {f["year"]: f for f in res2.folds if f["year"] <= 2005}
    out = res.rows.loc[res.rows.fold == 2005, "outcome"].to_numpy()
    assert not np.array_equal(out, res2.rows.loc[res2.rows.fold == 2005, "outcome"].to_numpy())
    later = ["halfwidth50", "halfwidth80"]
    assert not res.rows.loc[res.rows.fold == 2006, later].equals(
        res2.rows.loc[res2.rows.fold == 2006, later]
    )
    next_fold = [next(f for f in r.folds if f["year"] == 2006) for r in (res, res2)]
    assert next_fold[0]["capability_train_mae"] != next_fold[1]["capability_train_mae"]
    if how == "median":
        assert next_fold[0]["ensemble_weights"] != next_fold[1]["ensemble_weights"]


def test_rolling_forecasts_are_the_split_schemes_forecasts(deu, rolled):
    """The models' own forecasts use no outcome: same seeds, same numbers as a split run."""
    split = backtest(deu, ["compromise", "median"], capabilities="equal", ensemble=False)
    key = ["proposal", "issue", "model"]
    left = rolled.rows[rolled.rows.model.isin(["compromise", "median"])].set_index(key)
    right = split.rows.set_index(key).loc[left.index]
    np.testing.assert_array_equal(left.forecast.to_numpy(), right.forecast.to_numpy())


# -- every model on the same issues ----------------------------------------------------------


def test_failures_are_counted_and_excluded_from_the_common_issues(deu, rolled):
    bad = {
        p.proposal_id: sum(i.outcome is not None for i in p.issues)
        for p in deu.proposals
        if p.proposal_id in (RAISES_ON, NAN_ON)
    }
    cov = rolled.coverage().set_index("model")
    assert cov.loc["flaky", "failures"] == sum(bad.values()) > 0
    assert cov.loc["flaky", "failed_proposals"] == 2
    assert cov.loc["ensemble", "failures"] >= sum(bad.values())
    assert cov.loc["flaky", "failure_share"] == pytest.approx(
        sum(bad.values()) / len(_scored_issues(deu))
    )
    reasons = rolled.failure_reasons()
    flaky = reasons[reasons.model == "flaky"].set_index("reason")["issues"].to_dict()
    assert flaky == {
        "raised RuntimeError: flaky by design": bad[RAISES_ON],
        "not finite": bad[NAN_ON],
    }
    common = rolled.common()
    assert not common.proposal.isin(list(bad)).any() and (common.failure == "").all()
    n_common = common.drop_duplicates(["proposal", "issue"]).shape[0]
    # the reference point is missing on many issues: the common set is what every model has
    rp = rolled.rows[(rolled.rows.model == "baseline:reference_point")]
    assert n_common <= (rp.failure == "").sum() < rolled.issues
    summary = rolled.summary()
    assert (summary.n == n_common).all() and set(summary.model) == set(rolled.models)


def test_headline_compares_every_model_with_the_salience_weighted_mean(rolled):
    head = rolled.headline(n_resamples=200).set_index("model")
    assert list(head.index) == list(head.sort_values(["mae"]).index)
    ref = head.loc[REFERENCE_MODEL]
    assert (ref.difference, ref.low, ref.high) == (0.0, 0.0, 0.0)
    # the compromise model with equal capabilities is the salience-weighted mean
    assert abs(head.loc["compromise", "difference"]) < 1e-9
    med = head.loc["median"]
    assert med.difference == pytest.approx(med.mae - ref.mae)
    assert med.low < med.difference < med.high
    for q in ("cover50", "cover80"):
        assert head[q].between(0, 1).all()
    by_proc = rolled.summary(("model", "procedure"))
    assert set(by_proc.procedure) == {"COD", "CNS"}
    assert set(rolled.summary(("model", "period")).period) >= {"2002-2010 (DEU II)"}


def test_first_year_must_leave_data_on_both_sides(deu):
    with pytest.raises(ValueError, match="first_year must be after the earliest year"):
        rolling_backtest(deu, ["compromise"], first_year=1996)
    with pytest.raises(ValueError, match="first_year must be at most the latest year"):
        rolling_backtest(deu, ["compromise"], first_year=2030)
    with pytest.raises(ValueError, match="baselines must be among"):
        rolling_backtest(deu, ["compromise"], baselines=["baseline:oracle"])


# -- the command line ------------------------------------------------------------------------


def _cli(*args):
    path = shared_file("deu3", "deu3.tsv")
    return subprocess.run(
        [sys.executable, "-m", "accord", "backtest", str(path), *args],
        capture_output=True,
        text=True,
    )


def test_cli_rolling_json():
    p = _cli(
        "--scheme",
        "rolling",
        "-m",
        "compromise,median",
        "--capabilities",
        "equal",
        "--first-year",
        "2004",
        "--resamples",
        "200",
        "--seed",
        "3",
        "--format",
        "json",
    )
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["scheme"] == "rolling" and data["first_year"] == 2004
    assert data["bootstrap"] == {"resamples": 200, "seed": 3, "level": 0.95}
    head = {r["model"]: r for r in data["headline"]}
    assert {r["n"] for r in head.values()} == {data["common_issues"]}
    assert head[REFERENCE_MODEL]["difference"] == 0.0
    assert min(f["year"] for f in data["folds"]) == 2004
    assert {r["model"] for r in data["coverage"]} == set(head)
    # coverage per fold: every fold and model, each fold's issues summing to the common ones
    folds = {f["year"] for f in data["folds"]}
    by_fold = [r for r in data["by_fold"] if r["model"] == REFERENCE_MODEL]
    assert {r["fold"] for r in by_fold} <= folds and sum(r["n"] for r in by_fold) == (
        data["common_issues"]
    )
    assert all(0 <= r["cover80"] <= 1 and "cover80_exchangeable" in r for r in by_fold)


def test_cli_rolling_table_says_how_many_issues_are_common():
    path = str(shared_file("deu3", "deu3.tsv"))
    args = ["--scheme", "rolling", "-m", "median", "--capabilities", "equal", "--resamples", "50"]
    r = CliRunner().invoke(cli, ["backtest", path, *args])
    assert r.exit_code == 0, r.output
    assert "common" in r.output and "failed on" in r.output and "by procedure" in r.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--scheme", "rolling", "--test-from", "2005"], "--test-from applies to --scheme split"),
        (["--first-year", "2001"], "--first-year applies to --scheme rolling"),
        (["--scheme", "rolling", "--first-year", "1990"], "first_year must be after"),
        (["--scheme", "rolling", "--baselines", "median_actor"], "must include salience_mean"),
    ],
)
def test_cli_rejects_options_of_the_other_scheme(args, message):
    path = str(shared_file("deu3", "deu3.tsv"))
    r = CliRunner().invoke(cli, ["backtest", path, *args, "-m", "compromise"])
    assert r.exit_code == 2 and message in r.output, r.output


def test_conformal_intervals_are_per_procedure_where_the_training_errors_allow():
    """A model errs more under one procedure: its interval there is wider; a procedure with too
    few training errors (fewer than MIN_PER_PROCEDURE) falls back to the pooled interval."""
    import pandas as pd

    from accord.backtest.rolling import (
        MIN_PER_PROCEDURE,
        conformal_by_procedure,
        conformal_halfwidth,
    )

    n = MIN_PER_PROCEDURE
    errs = pd.DataFrame(
        {
            "model": ["m"] * (2 * n + 5),
            "procedure": ["COD"] * n + ["CNS"] * n + ["AVC"] * 5,
            "err": [1.0] * n + [9.0] * n + [5.0] * 5,
        }
    )
    test = pd.DataFrame({"model": ["m", "m", "m"], "procedure": ["COD", "CNS", "AVC"]})
    half = conformal_by_procedure(errs, test, 0.8)
    assert half[0] == 1.0 and half[1] == 9.0
    assert half[2] == conformal_halfwidth(errs.err.to_numpy(), 0.8)  # pooled


def test_smoothed_conformal_covers_exactly_with_ties():
    """Errors on three values tie at the half-width; the smoothed rule ([Vovk2005], §2.4)
    still covers at the nominal level, where the closed interval over-covers."""
    from accord.backtest.conformal import conformal_halfwidth, smoothed_covered

    rng = np.random.default_rng(0)
    hits, closed = [], []
    for _ in range(4000):
        errs = rng.choice([0.0, 20.0, 50.0], size=30)
        cal, s = errs[:29], errs[29]
        hits.append(smoothed_covered(cal, s, 0.5, rng.uniform()))
        closed.append(s <= conformal_halfwidth(cal, 0.5))
    assert abs(np.mean(hits) - 0.5) < 0.03
    assert np.mean(closed) > 0.55


def test_progress_names_every_proposal_and_every_fold(deu):
    """`on_stage` hears each proposal before its models run and each fold before it is fitted
    (the CLI's progress line); it changes nothing in the result."""
    heard: list[str] = []
    res = rolling_backtest(deu, ["compromise"], first_year=2010, on_stage=heard.append)
    proposals = [h for h in heard if h.startswith("every model on proposal")]
    assert len(proposals) == len(deu.proposals)
    assert proposals[-1].startswith(f"every model on proposal {len(deu.proposals)} of ")
    folds = [h for h in heard if h.startswith("fold ")]
    assert [int(h.split()[1].rstrip(":")) for h in folds] == [f["year"] for f in res.folds]
    quiet = rolling_backtest(deu, ["compromise"], first_year=2010)
    pd.testing.assert_frame_equal(res.rows, quiet.rows)
