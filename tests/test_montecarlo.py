"""Monte Carlo: sampling within bounds, red lines on their side, determinism, manifests, the CLI."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accord
from accord.cli import cli
from accord.models.registry import get_model, model_names
from accord.scenario import ScenarioError, scenario_from_dict
from accord.simulation import (
    load_run,
    rerun,
    sample,
    save_run,
    simulate,
    synthetic_scenario,
    uncertain_inputs,
    with_uncertainty,
)
from accord.simulation.montecarlo import QUANTILES, batch_forecast
from accord.simulation.sampling import UncertainInput, draw_seed

ROOT = Path(__file__).resolve().parents[1]
#: The models with batched kernels: fast enough for thousands of draws in a test.
FAST = ["compromise", "median", "ensemble"]


# -- sampling
# ---------------------------------------------------------------------------------------

shapes = st.sampled_from(["uniform", "triangular", "truncnorm", "beta"])


@st.composite
def uncertain(draw):
    low = draw(st.floats(-1e3, 1e3, allow_nan=False))
    width = draw(st.floats(0, 1e3, allow_nan=False))
    high = low + width
    shape = draw(shapes)
    t = draw(st.floats(0.01, 0.99)) if shape == "beta" else draw(st.floats(0, 1))
    value = min(max(low + t * width, low), high)
    if shape == "beta" and not low < value < high:
        shape = "uniform"
    sd = draw(st.one_of(st.none(), st.floats(1e-3, 1e3)))
    conc = draw(st.one_of(st.none(), st.floats(0.5, 100)))
    return UncertainInput("x", "drift", value, low, high, shape, sd, conc)


@given(
    uncertain(),
    st.lists(
        st.one_of(st.floats(0, 1), st.sampled_from([0.0, 5e-324, 2.2e-313, 1.0])),
        min_size=1,
        max_size=50,
    ),
)
@settings(max_examples=200, deadline=None)
def test_quantile_function_stays_in_range(inp, us):
    x = inp.ppf(np.array(us))
    assert np.all(np.isfinite(x))
    assert np.all(x >= inp.low) and np.all(x <= inp.high)


@given(uncertain())
@settings(max_examples=60, deadline=None)
def test_quantile_function_is_monotone(inp):
    x = inp.ppf(np.linspace(0, 1, 101))
    assert np.all(np.diff(x) >= -1e-9 * max(1.0, abs(inp.high)))


def _one_issue(pos, pos_range, red, red_range, sal=0.5):
    lo, hi = 0.0, 100.0

    def q(v, rng, shape):
        return (
            v
            if rng is None
            else {"value": v, "uncertainty": {"low": rng[0], "high": rng[1], "shape": shape}}
        )

    return scenario_from_dict(
        {
            "metadata": {"title": "one issue"},
            "issues": [{"id": "x", "question": "how much?", "scale": {"min": lo, "max": hi}}],
            "actors": [
                {
                    "id": "A",
                    "name": "A",
                    "capability": {"value": 1.0, "uncertainty": {"low": 0.5, "high": 1.5}},
                    "stances": {
                        "x": {
                            "position": q(pos, pos_range, "truncnorm"),
                            "salience": {
                                "value": sal,
                                "uncertainty": {"low": 0.0, "high": 1.0, "shape": "beta"},
                            },
                            "red_line": q(red, red_range, "uniform"),
                        }
                    },
                },
                {
                    "id": "B",
                    "name": "B",
                    "capability": 2.0,
                    "stances": {"x": {"position": 100 - pos, "salience": 0.7}},
                },
            ],
        }
    )


@st.composite
def stance_ranges(draw):
    pos = draw(st.floats(1, 99))
    pw = draw(st.floats(0, 40))
    red = draw(st.floats(0, 100))
    rw = draw(st.floats(0, 40))
    pr = (max(0.0, pos - pw), min(100.0, pos + pw))
    rr = (max(0.0, red - rw), min(100.0, red + rw))
    return pos, pr, red, rr


@given(stance_ranges(), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_draws_within_bounds_and_red_lines_on_their_side(ranges, seed):
    pos, pr, red, rr = ranges
    scn = _one_issue(pos, pr, red, rr)
    d = sample(scn, 200, seed=seed)
    for j, inp in enumerate(d.inputs):
        assert np.all(d.values[:, j] >= inp.low) and np.all(d.values[:, j] <= inp.high)
    assert np.all((d.salience >= 0) & (d.salience <= 1))
    assert np.all(d.capability >= 0)
    assert np.all((d.position >= 0) & (d.position <= 100))
    p, r = d.position[:, 0, 0], d.red_line[:, 0, 0]
    side = d.red_side[0, 0]
    nominal_side = np.sign(red - pos) or np.sign(0.5 * (rr[0] + rr[1]) - pos)
    assert side == nominal_side
    if side < 0:
        assert np.all(r <= p)
    elif side > 0:
        assert np.all(r >= p)
    else:
        assert np.all(r == p)
    assert np.all((r >= 0) & (r <= 100))


def test_draw_streams_are_spawned_children():
    children = np.random.SeedSequence(123).spawn(7)
    for d in (0, 3, 6):
        assert np.array_equal(children[d].generate_state(4), draw_seed(123, d).generate_state(4))


def test_a_draw_depends_only_on_seed_and_number():
    scn = synthetic_scenario(5, 2, seed=1)
    full = sample(scn, 50, seed=9)
    part = sample(scn, np.array([7, 31, 49]), seed=9)
    assert np.array_equal(part.values, full.values[[7, 31, 49]])
    assert np.array_equal(part.position, full.position[[7, 31, 49]], equal_nan=True)


def test_stance_capability_follows_drawn_actor_capability():
    scn = _one_issue(30, (20, 40), 10, (5, 15))
    d = sample(scn, 100, seed=0)
    actor_col = next(j for j, i in enumerate(d.inputs) if i.kind == "capability")
    assert np.array_equal(d.capability[:, 0, 0], d.values[:, actor_col])
    assert np.all(d.capability[:, 1, 0] == 2.0)


def test_beta_with_value_on_a_bound_is_a_located_error():
    with pytest.raises(ScenarioError) as exc:
        uncertain_inputs(_one_issue(30, None, 10, None, sal=0.0))
    assert "beta needs the value strictly inside" in str(exc.value)
    assert "actors[0].stances.x.salience.uncertainty.shape" in str(exc.value)


# -- batch kernels agree with the models' own forecast
# -------------------------------------------------


@pytest.mark.parametrize("name", [n for n in model_names()])
def test_batch_path_matches_per_draw_forecast(name):
    scn = synthetic_scenario(6, 3, seed=4)
    model = get_model(name)
    if model.tags.needs:  # the procedure model: an EU decision rule, A0 the Commission
        data = scn.model_dump()
        data["procedure"] = {"legislative": "co-decision", "council": "qmv", "commission": "A0"}
        scn = scenario_from_dict(data)
    draws = sample(scn, 25, seed=2)
    batch = batch_forecast(model, draws)
    for d in range(draws.n_draws):
        fc = model.forecast(draws.scenario_at(d), rng=np.random.default_rng(0))
        np.testing.assert_allclose(
            batch[d], [fc.value(i) for i in scn.issue_ids], rtol=1e-10, atol=1e-9
        )


def test_every_registered_model_declares_its_tags():
    # the Monte Carlo, the brief and the dashboard read these tags; nothing is probed
    from accord.models.base import ModelTags
    from accord.models.registry import MODELS

    for cls in MODELS:
        assert isinstance(cls.__dict__.get("tags"), ModelTags), f"{cls.__name__} declares no tags"
    round_based = {cls.name for cls in MODELS if cls.tags.round_based}
    assert round_based == {"bdm", "exchange", "smp"}


# -- results
# ----------------------------------------------------------------------------------------


@given(st.integers(0, 1000), st.integers(2, 6), st.integers(1, 3))
@settings(max_examples=10, deadline=None)
def test_quantiles_are_monotone(seed, n_actors, n_issues):
    res = simulate(
        synthetic_scenario(n_actors, n_issues, seed=seed),
        300,
        seed=seed,
        models=["compromise", "median"],
    )
    q = res.quantiles()
    cols = [f"q{round(p * 100):02d}" for p in QUANTILES]
    q = q.dropna(
        subset=cols
    )  # the Nash package has no quantiles when no draw has a zone of agreement
    assert np.all(np.diff(q[cols].to_numpy(), axis=1) >= 0)
    for _, row in q.iterrows():
        assert row["q05"] >= 0 and row["q95"] <= 100


def test_quantiles_match_numpy_on_the_stored_draws():
    res = simulate(
        with_uncertainty(accord.load_scenario("eu-emissions-1994"), share=0.2),
        2000,
        seed=3,
        models=["median"],
    )
    q = res.quantiles().set_index(["issue", "model"]).loc[("year", "median")]
    assert q["q50"] == np.quantile(res.forecasts[:, 0, 0], 0.5)
    assert 4 <= q["q05"] < q["q95"] <= 10


def test_red_line_breach_probability_counts_wrong_side_forecasts():
    scn = _one_issue(
        30, (20, 40), 60, (50, 70)
    )  # red line above A's position: forecasts above breach
    res = simulate(scn, 4000, seed=1, models=["compromise"])
    br = (
        res.red_line_breaches().set_index(["model", "actor", "issue"]).loc[("compromise", "A", "x")]
    )
    draws = sample(scn, res.index, seed=1)
    expected = np.mean(res.forecasts[:, 0, 0] > draws.red_line[:, 0, 0])
    assert br["p_breach"] == pytest.approx(expected)
    assert 0 < br["p_breach"] < 1


def test_same_seed_same_result_whatever_the_chunking():
    scn = synthetic_scenario(6, 2, seed=2)
    a = simulate(scn, 700, seed=11, chunk_size=700, models=FAST).to_frame()
    b = simulate(scn, 700, seed=11, chunk_size=64, models=FAST).to_frame()
    assert a.equals(b)
    c = simulate(scn, 700, seed=12, chunk_size=700, models=FAST).to_frame()
    assert not a.equals(c)


def test_default_chunks_one_in_process_several_with_workers_same_numbers():
    """Alone, the default is one chunk of every draw (up to DEFAULT_CHUNK_SIZE); with workers,
    N/8 so that they share the work; the numbers are the same, every model included."""
    from accord.simulation.montecarlo import (
        DEFAULT_CHUNK_SIZE,
        alone_chunk_size,
        default_chunk_size,
    )

    scn = synthetic_scenario(5, 2, seed=4)
    alone = simulate(scn, 600, seed=9)
    pooled = simulate(scn, 600, seed=9, workers=2)
    assert alone.chunk_size == 600 and pooled.chunk_size == default_chunk_size(600) < 600
    assert alone.to_frame().equals(pooled.to_frame())
    big = simulate(scn, 2 * DEFAULT_CHUNK_SIZE + 1, seed=9, models=FAST)
    assert big.chunk_size == alone_chunk_size(2 * DEFAULT_CHUNK_SIZE + 1)
    assert big.to_frame().equals(
        simulate(scn, 2 * DEFAULT_CHUNK_SIZE + 1, seed=9, models=FAST, chunk_size=300).to_frame()
    )


def test_alone_chunks_two_a_lane_between_1024_and_8192_draws():
    from accord.simulation.montecarlo import MAX_ALONE_CHUNK_SIZE, alone_chunk_size

    assert alone_chunk_size(600, threads=2) == 600 and alone_chunk_size(1024, threads=4) == 1024
    assert alone_chunk_size(10_000, threads=2) == 2500  # four chunks, two a lane
    assert alone_chunk_size(10_000, threads=1) == 5000
    assert alone_chunk_size(2049, threads=2) == 1024
    assert alone_chunk_size(10**6, threads=2) == MAX_ALONE_CHUNK_SIZE


@pytest.mark.slow
def test_per_draw_models_get_their_own_streams_whatever_the_workers():
    from accord.models.exchange import ExchangeModel

    scn = synthetic_scenario(4, 2, seed=5)
    model = ExchangeModel(gain="random", repetitions=2, rounds=3)  # stochastic, no batch path
    runs = [
        simulate(scn, 24, seed=3, workers=w, chunk_size=5, models=[model]).to_frame()
        for w in (1, 2)
    ]
    assert runs[0].equals(runs[1])
    single = simulate(scn, 24, seed=3, chunk_size=24, models=[model]).to_frame()
    assert runs[0].equals(single)


@pytest.mark.slow
def test_bit_identical_with_1_2_and_4_local_workers():
    scn = synthetic_scenario(6, 2, seed=5)
    frames = [
        simulate(scn, 2000, seed=77, workers=w, chunk_size=256, models=FAST).to_frame()
        for w in (1, 2, 4)
    ]
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2])


# -- manifest
# ---------------------------------------------------------------------------------------


def test_manifest_round_trip_and_rerun(tmp_path):
    scn = synthetic_scenario(5, 2, seed=8)
    res = simulate(scn, 900, seed=4, chunk_size=200, models=FAST)
    save_run(res, tmp_path)
    man = json.loads((tmp_path / "manifest.json").read_text())
    assert man["seed"] == 4 and man["draws_done"] == 900 and man["complete"] is True
    assert man["scenario"]["sha256"] == scn.content_hash()
    assert man["versions"]["accord"] == accord.__version__
    assert [m["name"] for m in man["models"]] == list(res.models)
    back = load_run(tmp_path)
    assert back.to_frame().equals(res.to_frame())
    assert back.quantiles().equals(res.quantiles())
    report = rerun(tmp_path, workers=2)
    assert report.identical and report.max_abs_difference == 0.0
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporaries


def test_tampered_results_are_refused(tmp_path):
    res = simulate(synthetic_scenario(3, 1, seed=1), 50, seed=0, models=FAST)
    save_run(res, tmp_path)
    data = (tmp_path / "draws.parquet").read_bytes()
    (tmp_path / "draws.parquet").write_bytes(data[:-10])
    with pytest.raises(ScenarioError, match="does not match the manifest"):
        load_run(tmp_path)


def test_keyboard_interrupt_keeps_finished_chunks():
    scn = synthetic_scenario(4, 1, seed=1)
    calls = []

    def stop_after_two(done, total):
        calls.append(done)
        if done == 2:
            raise KeyboardInterrupt

    res = simulate(scn, 1000, seed=3, chunk_size=100, on_chunk=stop_after_two, models=FAST)
    assert not res.complete and res.n_draws == 200 and res.n_requested == 1000
    full = simulate(scn, 1000, seed=3, chunk_size=100, models=FAST)
    # chunks side by side on lanes finish in any order: the kept ones are whole chunks
    kept, counts = np.unique(res.index // 100, return_counts=True)
    assert len(kept) == 2 and (counts == 100).all()
    assert np.array_equal(res.forecasts, full.forecasts[res.index])


# -- command line
# -----------------------------------------------------------------------------------


@pytest.fixture
def synth_file(tmp_path):
    path = tmp_path / "synth.yaml"
    path.write_text(
        yaml.safe_dump(synthetic_scenario(6, 2, seed=3).model_dump(mode="json", exclude_none=True))
    )
    return path


def test_cli_simulate_json_and_rerun(synth_file, tmp_path):
    out = tmp_path / "run"
    r = CliRunner().invoke(
        cli,
        [
            "simulate",
            str(synth_file),
            "--draws",
            "500",
            "--seed",
            "2",
            "-o",
            str(out),
            "--format",
            "json",
            "-m",
            "compromise,median",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["draws"] == 500 and data["models"] == ["compromise", "median"]
    assert {q["model"] for q in data["quantiles"]} >= {"compromise", "median"}
    assert (out / "manifest.json").exists() and (out / "draws.parquet").exists()
    r2 = CliRunner().invoke(cli, ["simulate", "--rerun", str(out), "-j", "2"])
    assert r2.exit_code == 0, r2.output
    assert "identical" in r2.output


def test_cli_simulate_table(synth_file):
    r = CliRunner().invoke(
        cli, ["simulate", str(synth_file), "--draws", "300", "-m", ",".join(FAST)]
    )
    assert r.exit_code == 0, r.output
    assert "P(red line breached" in r.output and "50 %" in r.output


def test_cli_rejects_unknown_model(synth_file):
    r = CliRunner().invoke(cli, ["simulate", str(synth_file), "-m", "nonsense"])
    assert r.exit_code == 2 and "unknown model" in r.output


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("second", [False, True], ids=["one Ctrl-C", "two Ctrl-C"])
def test_sigint_stops_cleanly_and_keeps_finished_draws(tmp_path, workers, second):
    """One Ctrl-C stops at once (the workers are ended, not waited for) and keeps every finished
    chunk; a second one exits at once, and whatever is on disk is whole (issue 18)."""
    path = tmp_path / "big.yaml"
    path.write_text(
        yaml.safe_dump(synthetic_scenario(30, 6, seed=1).model_dump(mode="json", exclude_none=True))
    )
    out = tmp_path / "run"
    n = 400_000
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "accord",
            "simulate",
            str(path),
            "--draws",
            str(n),
            "--chunk-size",
            "512",
            "--progress",
            "--no-bargaining",
            "-m",
            "median",
            "-o",
            str(out),
            "-j",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    seen = bytearray()
    progressed = threading.Event()

    def read():
        while chunk := proc.stderr.read1(4096):
            seen.extend(chunk)
            if re.search(rb"\b[1-9]\d{3,}/" + str(n).encode(), bytes(seen)):  # past start-up
                progressed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert progressed.wait(60), bytes(seen).decode(errors="replace")
    proc.send_signal(signal.SIGINT)
    if second:
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
    proc.wait(60)  # stops within seconds, not after the chunks in flight
    reader.join(5)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == 130, bytes(seen).decode(errors="replace")
    if second and not (out / "manifest.json").exists():
        assert not out.exists() or not any(out.iterdir())  # nothing half-written
        return
    man = json.loads((out / "manifest.json").read_text())
    assert man["complete"] is False and 0 < man["draws_done"] < n
    assert man["draws_done"] % 512 == 0  # whole chunks only
    res = load_run(out)
    assert res.n_draws == man["draws_done"]
    assert math.isfinite(float(res.forecasts.mean()))
    assert b"interrupted" in bytes(seen) or (second and b"aborted" in bytes(seen))
    again = rerun(out)
    assert again.identical


def test_python_module_entry_point_runs(synth_file):
    t0 = time.perf_counter()
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "simulate",
            str(synth_file),
            "--draws",
            "100",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["draws"] == 100
    assert time.perf_counter() - t0 < 120


def test_scenario_at_holds_every_drawn_value():
    scn = synthetic_scenario(4, 2, seed=6)
    d = sample(scn, 5, seed=1)
    one = d.scenario_at(3)
    assert (
        one.war.drift_per_month["i0"].value
        == d.values[3, [i.place for i in d.inputs].index("war.drift_per_month.i0")]
    )
    for j, inp in enumerate(d.inputs):
        if inp.kind in (
            "no_deal_cost",
            "status_quo",
            "discount_rate",
            "capability",
            "position",
            "salience",
        ):
            obj = one
            for part in inp.place.replace("[", ".[").split("."):
                obj = (
                    obj[int(part[1:-1])]
                    if part.startswith("[")
                    else (obj[part] if isinstance(obj, dict) else getattr(obj, part))
                )
            assert obj.value == d.values[3, j], inp.place
    assert scn.actors[0].stances["i0"].position.uncertainty is not None  # the original is untouched


def test_bargaining_outputs_flow_through_summaries_and_files(monkeypatch, tmp_path):
    """The engine's handling of per-draw bargaining arrays, with a stand-in analysis whose
    answers are known: zone exists iff the compromise lies above 50; 'Nash' = that compromise."""
    from accord.models.compromise import WeightedMean
    from accord.simulation import montecarlo

    def fake(draws, **_):
        wm = WeightedMean().forecast_arrays(draws)
        return {"zopa": wm[:, 0] > 50, "nash": np.where(wm[:, [0]] > 50, wm, np.nan)}

    monkeypatch.setattr(montecarlo, "analyse_arrays", fake)
    scn = synthetic_scenario(5, 2, seed=3)
    res = simulate(scn, 400, seed=2, models=["compromise"])
    fc = res.forecasts[:, 0, 0]
    assert res.p_zone_of_agreement() == pytest.approx(np.mean(fc > 50))
    q = res.quantiles().set_index(["issue", "model"])
    assert q.loc[("i0", "nash"), "q50"] == pytest.approx(np.median(fc[fc > 50]))
    assert "nash" in set(res.red_line_breaches()["model"])
    save_run(res, tmp_path)
    back = load_run(tmp_path)
    assert back.p_zone_of_agreement() == res.p_zone_of_agreement()
    assert np.array_equal(back.bargain["nash"], res.bargain["nash"], equal_nan=True)
    assert json.dumps(res.summary(), allow_nan=False)  # NaN (no package) becomes null


def test_round_based_models_receive_the_shock_schedule():
    from accord.simulation import parse_shock

    seen = {}

    from accord.models.base import Model, ModelTags

    class RoundModel(Model):
        name = "rounds-probe"
        tags = ModelTags(round_based=True)

        def forecast_arrays(self, draws, *, rng=None):
            r = draws.schedule.rounds(draws, 3)
            seen["mask"] = r["mask"]
            seen["start"] = draws.mask.copy()
            return np.zeros((draws.n_draws, len(draws.scenario.issues)))

    scn = synthetic_scenario(3, 1, seed=1)
    simulate(
        scn, 10, seed=0, models=[RoundModel()], shocks=[parse_shock("A1:leave@2")], bargaining=False
    )
    assert seen["start"][1, 0]  # present at round 0
    assert seen["mask"][:, 1, 0].tolist() == [True, True, False, False]


def _only_costs_uncertain(scn):
    """The scenario with every range removed but the war costs' (±40 %): draws whose zone
    opens at different months."""
    from accord.scenario import scenario_from_dict

    def strip(obj):
        if isinstance(obj, dict):
            return {k: strip(v) for k, v in obj.items() if k != "uncertainty"}
        if isinstance(obj, list):
            return [strip(v) for v in obj]
        return obj

    data = strip(scn.model_dump(mode="json", exclude_none=True))
    for actor in data["actors"]:
        cost = (actor.get("no_deal") or {}).get("cost_per_month")
        if cost and cost["value"] > 0:
            v = cost["value"]
            cost["uncertainty"] = {"low": 0.6 * v, "high": 1.4 * v, "shape": "uniform"}
    return scenario_from_dict(data)


def test_the_opening_month_of_each_draw_is_the_ripeness_scan_of_that_draw():
    """The Monte Carlo's first month with a zone (quarterly grid) equals the bargaining
    analysis's own ripeness scan run on each draw's scenario."""
    from accord.bargaining import analyse
    from accord.bargaining.arrays import RIPENESS_MONTHS

    scn = _only_costs_uncertain(accord.load_scenario("ukraine-2025"))
    res = simulate(scn, 12, seed=5, models=["compromise"])
    opens = res.bargain["opens"]
    assert np.isfinite(opens).sum() >= 3 and len(set(opens[np.isfinite(opens)])) >= 2
    from accord.simulation.sampling import sample

    draws = sample(scn, res.index, seed=5)
    for d in range(len(opens)):
        timeline = analyse(draws.scenario_at(d), months=max(RIPENESS_MONTHS), refine=False).timeline
        first = next((t for t in RIPENESS_MONTHS if timeline[t].zopa_size > 0), None)
        assert (first is None and np.isnan(opens[d])) or first == opens[d], d
    assert res.p_zone_by(0) == pytest.approx(res.p_zone_of_agreement())
    assert 0.0 <= res.p_zone_by(12) <= res.p_zone_by(120) <= 1.0
