"""The exchange model (accord.models.exchange: one batched round kernel) against the oracle, its
former one-run implementation kept verbatim in tests/oracles/exchange_oracle.py.

Both must give the same exchanges, bit for bit, in the same order: on CoP21 (with the default
tie rule and with the reference's ties replayed), on random scenarios, on Monte Carlo draws,
for the randomized-gain variant with a fixed seed, and with shocks. The kernel must also give
a case the same result alone or in any batch, whichever way it finds touched candidates.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import exchange_oracle as oracle
from test_exchange import cop21, props, reference_rows, replay, scenarios

import accord
from accord.models import exchange
from accord.models.exchange import ExchangeModel, kernel, run_batch, run_exchange_model
from accord.scenario import scenario_from_dict
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.shocks import parse_shock
from accord.simulation.montecarlo import evaluate
from accord.simulation.sampling import sample
from accord.simulation.synthetic import synthetic_scenario, with_uncertainty


def assert_same_run(new, old) -> None:
    """Two runs equal bit for bit: exchanges (every field), positions, starts, outcomes."""
    assert [dataclasses.astuple(e) for e in new.exchanges] == [
        dataclasses.astuple(e) for e in old.exchanges
    ]
    assert new.actor_ids == old.actor_ids and new.issue_ids == old.issue_ids
    np.testing.assert_array_equal(new.positions, old.positions)
    np.testing.assert_array_equal(new.start_positions, old.start_positions)
    np.testing.assert_array_equal(new.nbs, old.nbs)


def test_the_public_names_are_where_they_were():
    for name in (
        "ExchangeModel",
        "ExchangeRun",
        "RealizedExchange",
        "run_exchange_model",
        "CONSTANTS",
        "nbs",
        "next_start",
        "BATCH_CHUNK",
    ):
        assert hasattr(exchange, name), name
    assert set(oracle.CONSTANTS) <= set(exchange.CONSTANTS)
    for key, (value, _source) in oracle.CONSTANTS.items():
        assert exchange.CONSTANTS[key][0] == value


# -- CoP21 ----------------------------------------------------------------------------------------


@pytest.mark.reference
def test_cop21_ten_rounds_equal_the_oracle():
    scn = cop21()
    assert_same_run(run_exchange_model(scn, rounds=10), oracle.run_exchange_model(scn, rounds=10))


@pytest.mark.reference
def test_cop21_round1_with_the_reference_ties_equals_the_oracle():
    rows = reference_rows()
    choose_new, log_new = replay(rows)
    choose_old, log_old = replay(rows)
    scn = cop21()
    new = run_exchange_model(scn, rounds=1, choose=choose_new)
    old = oracle.run_exchange_model(scn, rounds=1, choose=choose_old)
    assert_same_run(new, old)
    assert log_new == log_old and [k for _, k in log_new if k] != []


@pytest.mark.reference
def test_cop21_forecast_and_trace_equal_the_oracle():
    scn = cop21()
    new, old = ExchangeModel().forecast(scn), oracle.ExchangeModel().forecast(scn)
    for issue in scn.issue_ids:
        a, b = new.issues[issue], old.issues[issue]
        assert a.value == b.value and a.details == b.details
        assert a.trace.actor_ids == b.trace.actor_ids and a.trace.events == b.trace.events
        np.testing.assert_array_equal(a.trace.positions, b.trace.positions)
        np.testing.assert_array_equal(a.trace.forecast, b.trace.forecast)


@pytest.mark.reference
def test_cop21_randomized_gain_with_a_fixed_seed_equals_the_oracle():
    scn = cop21()
    kw = {"gain": "random", "p": 0.5, "repetitions": 3, "rounds": 4}
    new = ExchangeModel(**kw).runs(scn, rng=np.random.default_rng(7))
    old = oracle.ExchangeModel(**kw).runs(scn, rng=np.random.default_rng(7))
    assert len(new) == len(old) == 3
    for a, b in zip(new, old, strict=True):
        assert_same_run(a, b)
    fa = ExchangeModel(**kw).forecast(scn, rng=np.random.default_rng(7))
    fb = oracle.ExchangeModel(**kw).forecast(scn, rng=np.random.default_rng(7))
    assert {k: v.value for k, v in fa.issues.items()} == {k: v.value for k, v in fb.issues.items()}


# -- random scenarios -----------------------------------------------------------------------------


@props
@given(scenarios(), st.integers(1, 4))
def test_random_scenarios_equal_the_oracle(scn, rounds):
    assert_same_run(
        run_exchange_model(scn, rounds=rounds), oracle.run_exchange_model(scn, rounds=rounds)
    )


@props
@given(scenarios(), st.floats(0.05, 1.0), st.integers(0, 2**32 - 1))
def test_randomized_gain_on_random_scenarios_equals_the_oracle(scn, p, seed):
    kw = {"gain": "random", "p": p, "repetitions": 2, "rounds": 3}
    new = ExchangeModel(**kw).runs(scn, rng=np.random.default_rng(seed))
    old = oracle.ExchangeModel(**kw).runs(scn, rng=np.random.default_rng(seed))
    for a, b in zip(new, old, strict=True):
        assert_same_run(a, b)


@props
@given(scenarios(), st.sampled_from([0.25, 4.0, 1024.0]))
def test_the_scale_of_capabilities_changes_nothing(scn, factor):
    """Capabilities scaled by a power of two: every weight scales exactly (but for subnormal
    numbers), so the same exchanges are realised in the same order, with the same numbers up
    to rounding."""
    data = scn.model_dump()
    for a in data["actors"]:
        a["capability"]["value"] *= factor
    scaled = scenario_from_dict(data)
    a, b = run_exchange_model(scn, rounds=3), run_exchange_model(scaled, rounds=3)

    def who(e):
        return (e.round, e.actor, e.supply_issue, e.partner, e.partner_supply_issue)

    assert [who(e) for e in a.exchanges] == [who(e) for e in b.exchanges]
    for e, f in zip(a.exchanges, b.exchanges, strict=True):
        np.testing.assert_allclose(
            dataclasses.astuple(f)[4:7], dataclasses.astuple(e)[4:7], rtol=1e-9, atol=1e-9
        )
        assert f.gain == pytest.approx(e.gain, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(b.nbs, a.nbs, rtol=1e-9, atol=1e-9)


# -- alone or in a batch --------------------------------------------------------------------------


def _cases(seed: int, n_draws: int):
    scn = synthetic_scenario(6, 4, seed=seed)
    d = sample(scn, n_draws, seed=seed)
    from accord.models.exchange.run import canonical

    order, _x, _s, _c, _has, lo, span = canonical(scn)
    pos = np.asarray(d.position, dtype=float)[:, order]
    has = np.asarray(d.mask, dtype=bool)[order][None] & ~np.isnan(pos)
    x = np.where(has, (np.nan_to_num(pos) - lo) / span * 100.0, 0.0)
    s = np.where(has, np.asarray(d.salience, dtype=float)[:, order], 0.0)
    c = np.where(has, np.asarray(d.capability, dtype=float)[:, order], 0.0)
    return x, s, c, has


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), rounds=st.integers(1, 4))
def test_a_case_is_the_same_alone_or_in_any_batch(seed, rounds):
    n = kernel.INDEX_LOOKUP_MAX + 6  # above the limit: the batch compares keys
    x, s, c, has = _cases(seed, n)
    whole = run_batch(x, s, c, has, rounds=rounds, record=True)
    small = run_batch(x[:5], s[:5], c[:5], has[:5], rounds=rounds, record=True)
    np.testing.assert_array_equal(small.nbs, whole.nbs[:5])
    assert small.events == whole.events[:5]
    for d in (0, 3, n - 1):
        alone = run_batch(
            x[d : d + 1], s[d : d + 1], c[d : d + 1], has[d : d + 1], rounds=rounds, record=True
        )
        np.testing.assert_array_equal(alone.nbs[0], whole.nbs[d])
        np.testing.assert_array_equal(alone.positions[0], whole.positions[d])
        assert alone.events[0] == whole.events[d]


def test_randomized_repetitions_are_the_same_batched_or_one_by_one():
    scn = synthetic_scenario(5, 3, seed=3)
    seqs = np.random.SeedSequence(11).spawn(4)
    together = exchange.run.run_exchange_models(
        scn, rounds=3, gain="random", p=0.7, rngs=[np.random.default_rng(q) for q in seqs]
    )
    seqs = np.random.SeedSequence(11).spawn(4)
    for run, q in zip(together, seqs, strict=True):
        alone = run_exchange_model(
            scn, rounds=3, gain="random", p=0.7, rng=np.random.default_rng(q)
        )
        assert_same_run(run, alone)


# -- Monte Carlo draws ----------------------------------------------------------------------------


def _oracle_per_draw(scn, draws, **kw):
    model = oracle.ExchangeModel(**kw)
    return np.array(
        [
            [model.forecast(draws.scenario_at(d)).issues[i.id].value for i in scn.issues]
            for d in range(draws.n_draws)
        ]
    )


def test_monte_carlo_draws_equal_the_oracle():
    scn = accord.load_scenario("ukraine-2025")
    draws = sample(scn, 25, seed=5)
    np.testing.assert_array_equal(
        ExchangeModel().forecast_arrays(draws), _oracle_per_draw(scn, draws)
    )


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 8), m=st.integers(2, 4))
def test_monte_carlo_draws_of_random_scenarios_equal_the_oracle(seed, n, m):
    scn = synthetic_scenario(n, m, seed=seed)
    draws = sample(scn, 6, seed=seed)
    np.testing.assert_array_equal(
        ExchangeModel(rounds=3).forecast_arrays(draws), _oracle_per_draw(scn, draws, rounds=3)
    )


@pytest.mark.reference
def test_cop21_monte_carlo_draws_equal_the_oracle():
    from conftest import shared_file

    scn = with_uncertainty(accord.load_scenario(shared_file("decide", "cop21.tsv")), share=0.1)
    draws = sample(scn, 2, seed=4)
    np.testing.assert_array_equal(
        ExchangeModel().forecast_arrays(draws), _oracle_per_draw(scn, draws)
    )


def test_randomized_monte_carlo_draws_equal_the_oracle():
    scn = synthetic_scenario(5, 3, seed=8)
    draws = sample(scn, 4, seed=2)
    kw = {"gain": "random", "repetitions": 3, "rounds": 3}
    np.testing.assert_array_equal(
        ExchangeModel(**kw).forecast_arrays(draws),
        oracle.ExchangeModel(**kw).forecast_arrays(draws),
    )


# -- shocks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shocks",
    [["us_admin:leave@0"], ["us_admin:leave@3"], ["russia:leave@2", "us_admin:leave@5"], []],
)
@pytest.mark.parametrize("gain", ["equal", "random"])
def test_shocks_equal_the_oracle(shocks, gain):
    scn = accord.load_scenario("ukraine-2025")
    known = set(scn.actor_ids)
    shocks = [s for s in shocks if s.split(":")[0] in known]
    kw = {"gain": gain, "repetitions": 2, "rounds": 6}
    for arrays in (ScenarioArrays.from_scenario(scn, seed=1), sample(scn, 3, seed=9)):
        fc, _ = evaluate(
            arrays,
            [ExchangeModel(**kw), oracle.ExchangeModel(**kw)],
            shocks=[parse_shock(s) for s in shocks],
            bargaining=False,
        )
        np.testing.assert_array_equal(fc[:, 0], fc[:, 1])
