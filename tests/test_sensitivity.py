"""Sensitivity: the SALib Sobol wrapper on the Ishigami function, tornado, critical actors."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.cli import cli
from accord.scenario import ScenarioError, scenario_from_dict
from accord.simulation import critical_actors, sobol, sobol_indices, tornado, with_uncertainty
from accord.simulation.sampling import UncertainInput
from accord.simulation.sensitivity import PARALLEL_MIN_ROWS


@pytest.fixture(scope="module")
def ishigami():
    return json.loads((FIXTURES / "ishigami_sobol.json").read_text())


def _ishigami(x: np.ndarray, a: float, b: float) -> np.ndarray:
    # [Ishigami1990]
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.mark.reference
def test_fixture_matches_the_closed_form(ishigami):
    """The published values follow from the closed-form variances ([Saltelli2008], §4.8)."""
    a, b, pi = ishigami["a"], ishigami["b"], math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    assert [round(v1 / v, 4), round(v2 / v, 4), 0.0] == ishigami["S1"]
    assert [round((v1 + v13) / v, 4), round(v2 / v, 4), round(v13 / v, 4)] == ishigami["ST"]


@pytest.mark.reference
def test_sobol_wrapper_recovers_ishigami_indices(ishigami):
    inputs = [
        UncertainInput(f"x{i}", "drift", 0.0, -math.pi, math.pi, "uniform") for i in (1, 2, 3)
    ]
    res = sobol_indices(
        lambda x: _ishigami(x, ishigami["a"], ishigami["b"]), inputs, n=2**14, seed=1
    )
    got = res.indices("y0")
    np.testing.assert_allclose(got["S1"], ishigami["S1"], atol=0.02)
    np.testing.assert_allclose(got["ST"], ishigami["ST"], atol=0.02)
    assert res.evaluations == 2**14 * 5
    assert (got["ST_conf"] < 0.05).all()


def test_sobol_wrapper_is_deterministic_and_checks_n():
    inputs = [
        UncertainInput(f"x{i}", "drift", 0.0, -math.pi, math.pi, "uniform") for i in (1, 2, 3)
    ]

    def f(x):
        return _ishigami(x, 7.0, 0.1)

    a = sobol_indices(f, inputs, n=256, seed=3).frame
    b = sobol_indices(f, inputs, n=256, seed=3).frame
    assert a.equals(b)
    with pytest.raises(ValueError, match="power of 2"):
        sobol_indices(f, inputs, n=1000)


@settings(max_examples=40, deadline=None)
@given(
    k=st.integers(1, 12),
    log_n=st.integers(3, 9),
    seed=st.integers(1, 2**31 - 1),
    constant=st.sampled_from(["none", "A", "all"]),
)
def test_saltelli_indices_are_salibs_numbers(k, log_n, seed, constant):
    """The indices computed for every input at once equal SALib's own ``analyze`` (one input at
    a time) on any Saltelli design, to float rounding; also where the A rows or every output
    are constant (SALib's zero-variance branches)."""
    from SALib.analyze import sobol as sobol_analyze

    from accord.simulation.saltelli import saltelli_indices

    n = 2**log_n
    y = np.random.default_rng(seed).standard_normal(n * (k + 2)) ** 3
    if constant == "A":
        y[:: k + 2] = 0.25
    elif constant == "all":
        y[:] = 1.5
    problem = {"num_vars": k, "names": [f"x{j}" for j in range(k)], "bounds": [[0.0, 1.0]] * k}
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        got = saltelli_indices(y, k, seed=seed)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        want = np.nan_to_num(np.asarray(ref[key], dtype=float))
        np.testing.assert_allclose(got[key], want, rtol=1e-9, atol=1e-12, err_msg=key)


def test_saltelli_indices_refuse_a_design_of_another_size():
    from accord.simulation.saltelli import saltelli_indices

    with pytest.raises(ValueError, match="not a Saltelli design of 3 inputs"):
        saltelli_indices(np.ones(11), 3, seed=1)


def _linear_scenario():
    """Compromise forecast = Σ c s x / Σ c s; only B's position is uncertain among positions."""
    return scenario_from_dict(
        {
            "metadata": {"title": "two actors"},
            "issues": [{"id": "x", "question": "how much?", "scale": {"min": 0, "max": 100}}],
            "actors": [
                {
                    "id": "A",
                    "name": "A",
                    "capability": 1.0,
                    "stances": {"x": {"position": 20, "salience": 0.5}},
                },
                {
                    "id": "B",
                    "name": "B",
                    "capability": {
                        "value": 1.0,
                        "uncertainty": {"low": 0.9, "high": 1.1, "shape": "uniform"},
                    },
                    "stances": {
                        "x": {
                            "position": {
                                "value": 60,
                                "uncertainty": {"low": 40, "high": 80, "shape": "uniform"},
                            },
                            "salience": 0.5,
                        }
                    },
                },
            ],
        }
    )


def test_tornado_swings_are_exact_on_a_linear_case():
    res = tornado(_linear_scenario(), models=["compromise"])
    top = res.top("compromise:x")
    # B's position from 40 to 80 moves the weighted mean (equal weights) from 30 to 50
    assert top.loc[0, "input"] == "actors[1].stances.x.position"
    assert top.loc[0, "at_low"] == pytest.approx(30.0) and top.loc[0, "at_high"] == pytest.approx(
        50.0
    )
    assert top.loc[0, "swing"] == pytest.approx(20.0)

    # B's capability 0.9 .. 1.1: forecast (20·0.5 + 60·0.5c)/(0.5 + 0.5c)
    def f(c):
        return (20 * 0.5 + 60 * 0.5 * c) / (0.5 + 0.5 * c)

    assert top.loc[1, "swing"] == pytest.approx(f(1.1) - f(0.9))
    assert res.base["compromise:x"] == pytest.approx(40.0)


def test_sobol_on_scenario_and_critical_actors():
    scn = with_uncertainty(accord.load_scenario("eu-emissions-1994"), share=0.2)
    res = sobol(scn, n=512, seed=0, models=["compromise"])
    idx = res.indices("compromise:year")
    assert len(idx) == 30
    assert (idx["ST"] >= -0.05).all() and idx["S1"].sum() <= 1.1
    ranking = critical_actors(res)
    assert {c.actor for c in ranking} == set(scn.actor_ids)
    assert [c.score for c in ranking] == sorted((c.score for c in ranking), reverse=True)
    # the weighted mean of a near-linear model: first-order indices explain most variance
    assert idx["S1"].sum() > 0.85


def test_sobol_on_linear_case_puts_variance_on_the_position():
    res = sobol(_linear_scenario(), n=1024, seed=2, models=["compromise"])
    idx = res.indices("compromise:x").set_index("input")
    assert idx.loc["actors[1].stances.x.position", "ST"] > 0.95
    assert critical_actors(res)[0].actor == "B"


def test_cli_sensitivity_without_uncertainty_is_a_located_error():
    r = CliRunner().invoke(cli, ["sensitivity", "eu-emissions-1994", "--format", "json"])
    assert isinstance(r.exception, ScenarioError) and "no uncertain inputs" in str(r.exception)


def test_cli_sensitivity_table(tmp_path):
    import yaml

    path = tmp_path / "lin.yaml"
    path.write_text(yaml.safe_dump(_linear_scenario().model_dump(mode="json", exclude_none=True)))
    r = CliRunner().invoke(cli, ["sensitivity", str(path), "-n", "256", "-m", "compromise"])
    assert r.exit_code == 0, r.output
    assert "critical actors" in r.output and "B position on x" in r.output
    r = CliRunner().invoke(cli, ["sensitivity", str(path), "-n", "100"])
    assert r.exit_code == 2 and "power of 2" in r.output


def test_cli_sensitivity_json(tmp_path):
    import yaml

    path = tmp_path / "lin.yaml"
    path.write_text(yaml.safe_dump(_linear_scenario().model_dump(mode="json", exclude_none=True)))
    r = CliRunner().invoke(
        cli, ["sensitivity", str(path), "-n", "128", "--format", "json", "-m", "compromise,median"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["critical_actors"][0]["actor"] == "B"
    assert data["sobol"]["evaluations"] == 128 * 4
    assert {row["output"] for row in data["tornado"]} == {"compromise:x", "median:x"}


def test_sobol_seed_zero_repeats_its_confidence_intervals():
    """SALib ignores a seed of 0 for its bootstrap; the wrapper must not (seed 0 is the CLI's
    default)."""
    inputs = [
        UncertainInput(f"x{i}", "drift", 0.0, -math.pi, math.pi, "uniform") for i in (1, 2, 3)
    ]

    def f(x):
        return _ishigami(x, 7.0, 0.1)

    a = sobol_indices(f, inputs, n=256, seed=0).frame
    b = sobol_indices(f, inputs, n=256, seed=0).frame
    assert a.equals(b)


def test_sobol_on_workers_gives_the_same_indices():
    scn = accord.load_scenario("ukraine-2025")
    kw = {"n": 128, "seed": 0, "models": ["compromise", "median"], "bargaining": True}
    one = sobol(scn, **kw)
    assert one.evaluations >= PARALLEL_MIN_ROWS  # large enough to be split over the workers
    two = sobol(scn, **kw, workers=2)
    assert one.frame.equals(two.frame)
    with pytest.raises(ValueError, match="workers must be at least 1"):
        sobol(scn, **kw, workers=0)


def test_no_model_reads_the_bargaining_only_inputs():
    """The Sobol design runs once the rows that differ only in these inputs: that is exact only
    while no forecasting model reads them (a model that starts to must fail here)."""
    from accord.models.registry import MODELS
    from accord.simulation.montecarlo import evaluate
    from accord.simulation.sampling import inputs_at, uncertain_inputs
    from accord.simulation.sensitivity import BARGAINING_ONLY_KINDS

    scn = accord.load_scenario("ukraine-2025")
    inputs = uncertain_inputs(scn)
    inert = [j for j, x in enumerate(inputs) if x.kind in BARGAINING_ONLY_KINDS]
    assert len(inert) >= 10  # red lines and war costs
    base = np.array([x.value for x in inputs])
    design = np.repeat(base[None, :], 1 + 2 * len(inert), axis=0)
    for r, j in enumerate(inert):
        design[1 + 2 * r, j], design[2 + 2 * r, j] = inputs[j].low, inputs[j].high
    rows = np.zeros(len(design), dtype=np.int64)  # one random stream for every row
    draws = inputs_at(scn, inputs, design, rows, seed=0)
    from accord.models.base import not_applicable

    models = [m() for m in MODELS if not_applicable(m, scn) is None]
    fc, _ = evaluate(draws, models, bargaining=False)
    np.testing.assert_array_equal(fc, np.broadcast_to(fc[:1], fc.shape))


def test_sobol_runs_each_row_that_matters_once(monkeypatch):
    """Rows differing only in bargaining-only inputs run once; the indices are unchanged, and
    those inputs explain none of the forecasts' variance."""
    from accord.simulation import sensitivity

    scn = accord.load_scenario("ukraine-2025")
    seen: list[int] = []
    block = sensitivity._outputs_block

    def counting(*args):
        seen.append(len(args[-1]))
        return block(*args)

    monkeypatch.setattr(sensitivity, "_outputs_block", counting)
    res = sobol(scn, n=16, seed=0, models=["compromise", "median"])
    k = len(res.inputs)
    read = sum(x.kind not in sensitivity.BARGAINING_ONLY_KINDS for x in res.inputs)
    assert sum(seen) == 16 * (read + 2) < res.evaluations == 16 * (k + 2)
    inert = res.frame[res.frame["kind"].isin(sensitivity.BARGAINING_ONLY_KINDS)]
    assert (inert["ST"] == 0).all() and (inert["S1"] == 0).all()
