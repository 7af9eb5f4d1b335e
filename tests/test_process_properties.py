"""Invariants of the protocols (hypothesis): deals are rational, perfect information and patient
parties end at the Nash solution, and the lock-step batch equals the negotiations run one by one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.bargaining import analyse, build_space, nash
from accord.process import (
    Beliefs,
    HardLiner,
    OutcomeSpace,
    RunStreams,
    TimeDependent,
    TitForTat,
    Zeuthen,
    alternating_offers,
    from_package_space,
    single_text,
)

STRATS = st.sampled_from(
    [
        TimeDependent(beta=0.25),
        TimeDependent(beta=1.0),
        TimeDependent(beta=4.0),
        TimeDependent(beta=2.0, kappa=0.3, curve="exponential"),
        TitForTat(),
        TitForTat(mode="absolute", delta=2),
        HardLiner(firmness=0.3),
        Zeuthen(),
    ]
)


@st.composite
def grid_spaces(draw, max_actors=4):
    """A Cartesian package grid with spatial utilities, red lines and no-deal payoffs."""
    n = draw(st.integers(2, max_actors))
    m = draw(st.integers(1, 3))
    g = draw(st.integers(2, 6))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.0, 100.0, g)
    packages = np.stack(np.meshgrid(*[grid] * m, indexing="ij"), axis=-1).reshape(-1, m)
    pos = rng.uniform(0, 100, (n, m))
    w = rng.dirichlet(np.ones(m), size=n)
    u = 1.0 - (np.abs(packages[:, None, :] - pos[None]) / 100.0 * w[None]).sum(axis=-1)
    red = np.where(rng.random((n, m)) < 0.4, rng.uniform(0, 100, (n, m)), np.nan)
    side = np.where(np.isnan(red), np.nan, np.where(red < pos, -1.0, 1.0))
    ok = np.ones((len(packages), n), dtype=bool)
    for i in range(n):
        for k in range(m):
            if side[i, k] < 0:
                ok[:, i] &= packages[:, k] >= red[i, k]
            elif side[i, k] > 0:
                ok[:, i] &= packages[:, k] <= red[i, k]
    d = rng.uniform(0.0, 0.8, n)
    return OutcomeSpace(
        u, d, ok, packages, red, side, np.full(m, 100.0), np.zeros(m), np.full(m, 100.0)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    space=grid_spaces(),
    strats=st.lists(STRATS, min_size=4, max_size=4),
    rounds=st.integers(1, 25),
    spread=st.floats(0.0, 0.3),
    seed=st.integers(0, 1000),
)
def test_a_deal_is_never_below_any_partys_no_deal_or_across_a_red_line(
    space, strats, rounds, spread, seed
):
    n, R = space.n_actors, 3
    beliefs = Beliefs.draw(
        space,
        R,
        no_deal_sd=np.full(n, spread),
        red_line_sd=np.full((n, space.packages.shape[1]), 30 * spread),
        streams=RunStreams(seed, R),
    )

    # the no-deal payoff moves during the talks (war costs): the test is against the payoff at the
    # deal's round
    def schedule(s):
        return space.no_deal - 0.01 * s

    for res in (
        alternating_offers(
            space,
            strats[:n],
            rounds=rounds,
            runs=R,
            beliefs=beliefs.copy(),
            offer_policy="believed",
            no_deal=schedule,
        ),
        alternating_offers(space, strats[:n], rounds=rounds, runs=R, no_deal=schedule),
        single_text(
            space,
            strats[:n],
            mediator=0,
            rounds=rounds,
            runs=R,
            beliefs=beliefs.copy(),
            no_deal=schedule,
            streams=RunStreams(seed + 1, R),
        ),
    ):
        for r in np.flatnonzero(res.agreed):
            p = res.package[r]
            assert (space.utility[p] >= schedule(res.round[r]) - 1e-12).all()
            assert space.acceptable[p].all()
        assert (res.package[~res.agreed] == -1).all()


@settings(max_examples=80, deadline=None)
@given(space=grid_spaces(max_actors=3), first=st.integers(0, 2))
def test_perfect_information_and_patient_parties_reach_the_nash_solution(space, first):
    """Zeuthen's monotonic concession, perfect information, no deadline pressure [Harsanyi1956].

    Tolerance: the agreed package's Nash product is at least 99% of the largest Nash product on
    the grid (in practice it is the grid's Nash package itself); without a zone of agreement
    there is no deal.
    """
    n = space.n_actors
    order = [(first + k) % n for k in range(n)]
    res = alternating_offers(space, [Zeuthen()] * n, rounds=space.n_packages * n + 2, order=order)
    feasible = space.acceptable.all(axis=1)
    rows = np.flatnonzero(feasible)
    k = nash(space.utility[rows], space.no_deal) if len(rows) else None
    if k is None:
        assert not res.agreed[0]
        return
    assert res.agreed[0]
    best = np.prod(space.utility[rows[k]] - space.no_deal)
    got = np.prod(space.utility[res.package[0]] - space.no_deal)
    assert got >= 0.99 * best


def _two_party_scenario():
    import accord
    from accord.scenario import Scenario

    data = {
        "metadata": {"title": "two parties"},
        "issues": [
            {
                "id": "x",
                "question": "x?",
                "scale": {"min": 0, "max": 100, "labels": {0: "A", 100: "B"}},
                "status_quo": 50,
            },
            {
                "id": "y",
                "question": "y?",
                "scale": {"min": 0, "max": 10, "labels": {0: "none", 10: "all"}},
                "status_quo": 0,
            },
        ],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 1,
                "no_deal": {"utility": 0.35},
                "stances": {
                    "x": {"position": 0, "salience": 0.8, "red_line": 70},
                    "y": {"position": 0, "salience": 0.2},
                },
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "no_deal": {"utility": 0.3},
                "stances": {
                    "x": {"position": 100, "salience": 0.5},
                    "y": {"position": 10, "salience": 0.5},
                },
            },
        ],
    }
    _ = accord
    return Scenario.model_validate(data)


@pytest.mark.reference
def test_patient_parties_reach_the_bargaining_analysis_nash_package():
    """On a scenario's package grid, Zeuthen with perfect information ends at the Nash package of
    :func:`accord.bargaining.analyse` (tolerance: the same package)."""
    scn = _two_party_scenario()
    result = analyse(scn, months=0)
    space = from_package_space(build_space(scn))
    for order in ([0, 1], [1, 0]):
        res = alternating_offers(space, [Zeuthen(), Zeuthen()], rounds=200, order=order)
        assert res.agreed[0]
        got = {
            i: float(v) for i, v in zip(scn.issue_ids, space.packages[res.package[0]], strict=True)
        }
        assert got == result.solutions["nash"].values


@settings(max_examples=30, deadline=None)
@given(
    space=grid_spaces(max_actors=3),
    strats=st.lists(STRATS.filter(lambda s: not isinstance(s, Zeuthen)), min_size=3, max_size=3),
    rounds=st.integers(1, 20),
    seed=st.integers(0, 99),
)
def test_the_lock_step_batch_equals_each_negotiation_alone(space, strats, rounds, seed):
    """Runs never interact: a batch with a utility matrix and no-deal payoffs per run gives each
    run the result it gets alone."""
    n, R = space.n_actors, 4
    rng = np.random.default_rng(seed)
    u = space.utility[None] * rng.uniform(0.8, 1.0, (R, 1, n))
    d = space.no_deal[None] * rng.uniform(0.5, 1.0, (R, n))
    batch = alternating_offers(OutcomeSpace(u, d, space.acceptable), strats[:n], rounds=rounds)
    for r in range(R):
        alone = alternating_offers(
            OutcomeSpace(u[r], d[r], space.acceptable), strats[:n], rounds=rounds
        )
        assert (batch.agreed[r], batch.package[r], batch.round[r]) == (
            alone.agreed[0],
            alone.package[0],
            alone.round[0],
        )


def test_beliefs_narrow_with_signals_and_runs_do_not_depend_on_the_batch_size():
    rng = np.random.default_rng(0)
    space = OutcomeSpace(
        rng.random((8, 3)),
        [0.2, 0.3, 0.4],
        None,
        np.arange(8.0)[:, None],
        np.array([[2.0], [np.nan], [6.0]]),
        np.array([[-1.0], [np.nan], [1.0]]),
        np.array([10.0]),
        np.array([0.0]),
        np.array([10.0]),
    )
    sd_nd, sd_rl = np.full(3, 0.1), np.full((3, 1), 2.0)
    b20 = Beliefs.draw(space, 20, no_deal_sd=sd_nd, red_line_sd=sd_rl, streams=RunStreams(5, 20))
    b5 = Beliefs.draw(space, 5, no_deal_sd=sd_nd, red_line_sd=sd_rl, streams=RunStreams(5, 5))
    np.testing.assert_array_equal(b20.no_deal[:5], b5.no_deal)
    assert (b20.no_deal[:, np.arange(3), np.arange(3)] == space.no_deal).all()  # own payoff known
    before = np.abs(b20.red_line[:, 1, 0, 0] - 2.0).mean()
    streams = RunStreams(6, 20)
    for _ in range(8):
        b20.signal(space, streams, pairs=np.ones((3, 3), dtype=bool), noise=1.0)
    assert b20.no_deal_sd[0, 0, 1] == pytest.approx(0.1 / 3.0)  # σ/√(k+1), k = 8
    assert np.abs(b20.red_line[:, 1, 0, 0] - 2.0).mean() < before
    assert np.isnan(b20.red_line[:, 0, 1, 0]).all()  # no red line stays none


@settings(max_examples=40, deadline=None)
@given(
    levels=st.integers(2, 4),
    strats=st.lists(STRATS.filter(lambda s: not isinstance(s, Zeuthen)), min_size=2, max_size=2),
    rounds=st.integers(1, 20),
    seed=st.integers(0, 999),
)
def test_a_run_is_the_same_alone_and_in_a_batch_when_utilities_tie(levels, strats, rounds, seed):
    """Tie-heavy domains (utilities on a few levels, so many packages tie exactly): the batch
    with a matrix per run gives each run the result it gets alone (one stable tie order)."""
    rng = np.random.default_rng(seed)
    P, n, R = 40, 2, 5
    u = rng.integers(0, levels, (R, P, n)) / levels  # exact ties everywhere
    d = np.full((R, n), 0.1)
    ok = np.ones((P, n), dtype=bool)
    batch = alternating_offers(OutcomeSpace(u, d, ok), strats, rounds=rounds)
    for r in range(R):
        alone = alternating_offers(OutcomeSpace(u[r], d[r], ok), strats, rounds=rounds)
        assert (batch.agreed[r], batch.package[r], batch.round[r]) == (
            alone.agreed[0],
            alone.package[0],
            alone.round[0],
        )
