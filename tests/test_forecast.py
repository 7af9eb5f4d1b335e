"""The main job: `accord forecast` and its Python API, on the shipped scenarios."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import accord
from accord.models.compromise import weighted_mean
from accord.models.median import condorcet_winner, weighted_median


def test_weighted_mean_and_median_by_hand(eu_scenario):
    """EU table (BDM 1994, p. 78): Σcs = 0.677 and Σcsx = 5.003, so the mean is 7.390; by
    position the weight is 0.248 at year 4 and reaches 0.341 ≥ 0.3385 (half) at year 7."""
    arr = eu_scenario.arrays("year")
    w = arr.capability * arr.salience
    assert float(weighted_mean(arr.position, w)) == pytest.approx(5.003 / 0.677, abs=1e-12)
    assert float(weighted_median(arr.position, w)) == 7.0
    assert condorcet_winner(arr.position, w) == 7.0


def test_weighted_median_batches_and_ties():
    # exact half split resolves to the lower middle position
    assert weighted_median(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == 1.0
    batch = weighted_median(
        np.array([[1.0, 2.0, 3.0], [5.0, 0.0, 9.0]]), np.array([[1, 1, 5.0], [1, 1, 1.0]])
    )
    assert batch.tolist() == [3.0, 5.0]


def test_condorcet_winner_can_be_absent_only_off_one_dimension():
    # On one dimension with symmetric preferences the weighted median is never beaten.
    rng = np.random.default_rng(3)
    for _ in range(50):
        x, w = rng.uniform(0, 100, 7), rng.uniform(0.1, 1, 7)
        assert condorcet_winner(x, w) == pytest.approx(float(weighted_median(x, w)))


def test_forecast_api_frame(eu_scenario):
    res = accord.forecast(eu_scenario, models=["compromise", "median"])
    frame = res.to_frame()
    assert list(frame.columns) == ["issue", "model", "forecast", "label", "spread"]
    assert frame.shape == (2, 5)
    assert frame.loc[frame.model == "median", "label"].item().startswith("intermediate date")
    assert res.issues()[0].spread == pytest.approx(5.003 / 0.677 - 7.0)


def test_cli_forecast_json_and_csv():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "forecast",
            "eu-emissions-1994",
            "--format",
            "json",
            "-m",
            "compromise,median",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    assert data["issues"][0]["forecasts"]["median"]["value"] == 7.0
    assert data["evidence"]["share_evidenced"] == 1.0
    csv_out = subprocess.run(
        [sys.executable, "-m", "accord", "forecast", "eu-emissions-1994", "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert csv_out.splitlines()[0] == "issue,model,forecast,label,spread"


def test_cli_unknown_model_and_missing_file_exit_cleanly(tmp_path):
    p = subprocess.run(
        [sys.executable, "-m", "accord", "forecast", "eu-emissions-1994", "-m", "nope"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "unknown model 'nope'" in p.stderr and "Traceback" not in p.stderr
    p = subprocess.run(
        [sys.executable, "-m", "accord", "forecast", str(tmp_path / "none.yaml")],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "does not exist" in p.stderr and "Traceback" not in p.stderr


def test_explain_narrates_every_round(eu_scenario):
    from accord.explain import narrate

    res = accord.forecast(eu_scenario)
    for mf in res.models:
        lines = narrate(eu_scenario, mf.issues["year"])
        assert lines[-1].startswith("final forecast")


def test_package_docstring_example_runs():
    import doctest

    result = doctest.testmod(accord, verbose=False)
    assert result.attempted >= 2 and result.failed == 0


def test_the_ensemble_reuses_the_forecasts_made_beside_it(monkeypatch):
    """In one ``forecast`` call the ensemble stacks the component forecasts the call has just
    made (as the Monte Carlo does) instead of running them again: each component runs once,
    and the stack equals the ensemble run alone."""
    from accord.forecast import forecast
    from accord.models.ensemble import Ensemble
    from accord.models.smp.model import SMP

    scn = accord.load_scenario("ukraine-2025-07")
    alone = Ensemble().forecast(scn, rng=np.random.default_rng(0))
    calls = []
    real = SMP.forecast

    def counted(self, scenario, **kw):
        calls.append(1)
        return real(self, scenario, **kw)

    monkeypatch.setattr(SMP, "forecast", counted)
    res = forecast(scn)
    assert len(calls) == 1
    ens = next(m for m in res.models if m.model == "ensemble")
    smp = next(m for m in res.models if m.model == "smp")
    for issue in scn.issues:
        assert ens.value(issue.id) == alone.value(issue.id)
        assert ens.issues[issue.id].details["components"]["smp"] == smp.value(issue.id)
