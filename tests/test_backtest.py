"""Backtesting on DEU III: the importer reproduces the published baselines; the ensemble never
sees the test split."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date

import numpy as np
import pytest
from conftest import FIXTURES, shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.backtest import backtest, capabilities_for, fit_stacking_weights, read_deu
from accord.backtest.deu import parse_deu_date
from accord.models.ensemble import Ensemble


@pytest.fixture(scope="module")
def deu():
    return read_deu(shared_file("deu3", "deu3.tsv"))


@pytest.mark.reference
def test_importer_reproduces_the_known_baselines(deu):
    res = backtest(deu, ["compromise", "median"], ensemble=False)
    summary = res.summary().set_index("model")
    with open(FIXTURES / "deu3_baselines.csv") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    for row in rows:
        assert round(summary.loc[row["baseline"], "mae"], 1) == float(row["mae"]), row
    # 353 issues carry an outcome; the compromise model with equal capabilities IS the
    # salience-weighted mean, and the median voter the salience-weighted median actor
    assert summary.loc["baseline:salience_mean", "n"] == 353
    assert summary.loc["compromise", "mae"] == pytest.approx(
        summary.loc["baseline:salience_mean", "mae"]
    )
    assert summary.loc["median", "mae"] == pytest.approx(
        summary.loc["baseline:median_actor", "mae"]
    )


def test_reader_reports_gdp_row_and_date_repairs(deu):
    assert len(deu.proposals) == 141
    assert sum(len(p.issues) for p in deu.proposals) == 364
    assert (
        deu.gdp["de"] == pytest.approx(4.1)
        and deu.gdp["fr"] == pytest.approx(2.8)
        and "com" not in deu.gdp
    )
    text = " | ".join(deu.notes)
    assert "GDP row" in text and "repaired yy-mm-dd misreading" in text
    years = [p.year for p in deu.proposals]
    assert None not in years and min(years) == 1996 and max(years) <= 2019


@pytest.mark.parametrize(
    "text, expected",
    [
        ("26-01-00", date(2000, 1, 26)),
        ("13-12-2016", date(2016, 12, 13)),
        ("2014-07-04", date(2004, 7, 14)),
        ("1930-05-01", date(2001, 5, 30)),
        ("2017-04-18", date(2017, 4, 18)),
        ("999", None),
        ("31-02-99", None),
    ],
)
def test_deu_dates(text, expected):
    assert parse_deu_date(text)[0] == expected


def test_capability_sets_follow_the_treaty_period():
    assert capabilities_for("council", date(1996, 3, 1))["de"] == 10
    assert capabilities_for("council", date(2006, 3, 1))["pl"] == 27
    assert capabilities_for("council", date(2016, 3, 1))["de"] == pytest.approx(80.78)
    eu15 = capabilities_for("council", date(1999, 1, 1), institution_share=0.1)
    assert eu15["com"] == pytest.approx(8.7)  # 10 % of the 87 Council votes
    with pytest.raises(ValueError, match="capability set must be one of"):
        capabilities_for("votes", None)


def test_stacking_recovers_a_perfect_component():
    rng = np.random.default_rng(1)
    y = rng.uniform(0, 100, 60)
    F = np.column_stack([y + rng.normal(0, 20, 60), y, rng.uniform(0, 100, 60)])
    np.testing.assert_allclose(fit_stacking_weights(F, y), [0, 1, 0], atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.integers(2, 4))
def test_stacking_weights_are_convex(seed, k):
    rng = np.random.default_rng(seed)
    F = rng.uniform(0, 100, (30, k))
    w = fit_stacking_weights(F, rng.uniform(0, 100, 30))
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0)


def test_ensemble_never_sees_the_test_split(deu):
    """Scrambling every test-period outcome must leave the fitted weights unchanged."""
    res = backtest(deu, ["compromise", "median"])
    scrambled = type(deu)(
        deu.path,
        tuple(
            p
            if (p.year or 0) < 2004
            else type(p)(
                p.proposal_id,
                p.name,
                p.introduced,
                p.procedure,
                p.voting_rule,
                tuple(
                    type(i)(
                        i.issue_id,
                        i.position,
                        i.salience,
                        i.reference_point,
                        None if i.outcome is None else 100 - i.outcome,
                    )
                    for i in p.issues
                ),
            )
            for p in deu.proposals
        ),
        deu.gdp,
        deu.notes,
    )
    res2 = backtest(scrambled, ["compromise", "median"])
    assert res.ensemble_weights == res2.ensemble_weights
    assert (
        set(res.rows.loc[res.rows.split == "test", "year"])
        and res.rows.loc[res.rows.split == "test", "year"].min() >= 2004
    )


def test_ensemble_model_combines_components(eu_scenario):
    ens = Ensemble(weights={"compromise": 3, "median": 1}).forecast(eu_scenario)
    assert ens.value("year") == pytest.approx(0.75 * 5.003 / 0.677 + 0.25 * 7.0)
    with pytest.raises(ValueError, match="non-negative"):
        Ensemble(weights={"compromise": 0}).forecast(eu_scenario)


def test_cli_backtest_json_and_weights(tmp_path):
    path = shared_file("deu3", "deu3.tsv")
    weights = tmp_path / "w.json"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "backtest",
            str(path),
            "-m",
            "compromise,median",
            "--format",
            "json",
            "--save-weights",
            str(weights),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    test = {r["model"]: r for r in data["test"]}
    assert test["compromise"]["n"] == test["baseline:salience_mean"]["n"] > 100
    saved = json.loads(weights.read_text())
    assert saved["weights"] == data["ensemble_weights"] and "training split" in saved["provenance"]


def test_cli_backtest_bad_file(tmp_path):
    bad = tmp_path / "x.tsv"
    bad.write_text("a\tb\n1\t2\n")
    p = subprocess.run(
        [sys.executable, "-m", "accord", "backtest", str(bad)], capture_output=True, text=True
    )
    assert (
        p.returncode == 2
        and "lacks the official DEU columns" in p.stderr
        and "Traceback" not in p.stderr
    )


def test_conformal_intervals_cover_as_promised(deu):
    """80 % intervals from training errors must cover 75-85 % of held-out outcomes."""
    res = backtest(deu, ["compromise", "median"], capabilities="equal")
    iv = res.intervals().set_index("model")
    for model in ("compromise", "ensemble"):
        assert 0.75 <= iv.loc[model, "cover80"] <= 0.85, iv
        assert 0.40 <= iv.loc[model, "cover50"] <= 0.60, iv
        assert iv.loc[model, "halfwidth50"] < iv.loc[model, "halfwidth80"]


def test_auto_capabilities_are_chosen_on_training_data_only(deu):
    res = backtest(deu, ["compromise", "median"], capabilities="auto")
    note = [n for n in res.notes if n.startswith("capability set chosen on the training split")]
    assert len(note) == 1 and "(chosen)" in note[0]
    assert res.capabilities.startswith("auto -> ")


@pytest.mark.slow
@pytest.mark.reference
def test_the_shipped_ensemble_weights_are_what_the_backtest_fits():
    """The shipped weights (ensemble_weights.json) equal what `accord backtest DEU
    --save-weights` fits now, so they are never stale against the models they combine."""
    from accord.backtest import backtest, read_deu
    from accord.models.ensemble import shipped_weights

    data = read_deu(shared_file("deu3", "deu3.tsv"))
    res = backtest(data, None, split="year", test_from=2004, capabilities="auto")
    shipped = shipped_weights()["weights"]
    assert set(shipped) == set(res.ensemble_weights)
    for name, w in res.ensemble_weights.items():
        assert shipped[name] == pytest.approx(w, abs=1e-12), name


def test_smoothed_coverage_counts_edge_ties_at_random_never_more_than_the_closed_interval(deu):
    """The single split reports both: the closed interval counts every error equal to the
    half-width as covered, the smoothed rule ([Vovk2005, sec. 2.4]) only some of them."""
    res = backtest(deu, ["compromise", "median"], capabilities="equal")
    iv = res.intervals(seed=3).set_index("model")
    for q in (50, 80):
        assert (iv[f"cover{q}_smoothed"] <= iv[f"cover{q}"] + 1e-12).all(), iv
    ties = iv.loc["baseline:median_actor"]  # forecasts on a few values: its errors tie
    assert ties["cover50_smoothed"] < ties["cover50"]
    again = res.intervals(seed=3).set_index("model")
    assert again.equals(iv)  # seeded: the same figures every run
