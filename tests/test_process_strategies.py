"""Negotiation strategies: the published concession curves, tit-for-tat, and one suite every
strategy must pass."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import FIXTURES

from accord.process import (
    CURVES,
    STRATEGIES,
    HardLiner,
    OutcomeSpace,
    TimeDependent,
    TitForTat,
    Zeuthen,
    alternating_offers,
    concession_alpha,
    concession_target,
    parse_strategy,
    single_text,
)
from accord.process.strategies import Turn

FARATIN = json.loads((FIXTURES / "faratin1998_concession.json").read_text())


@pytest.mark.reference
@pytest.mark.parametrize(
    "case", FARATIN["curves"], ids=lambda c: f"{c['curve']}-b{c['beta']}-k{c['kappa']}-t{c['t']}"
)
def test_concession_curve_matches_faratin_1998(case):
    """α(t) and the target utility equal the values worked by hand from [Faratin1998]'s formulas."""
    a = concession_alpha(case["t"], beta=case["beta"], kappa=case["kappa"], curve=case["curve"])
    assert float(a) == pytest.approx(case["alpha"], abs=1e-12)
    u = concession_target(
        case["t"],
        case["u_min"],
        case["u_max"],
        beta=case["beta"],
        kappa=case["kappa"],
        curve=case["curve"],
    )
    assert float(u) == pytest.approx(case["u"], abs=1e-12)


@pytest.mark.reference
def test_named_curves_are_negmas_exponents():
    """NegMAS's a(t) = 1 − t^e with e = 4, 1, 0.25 is Faratin's polynomial curve with β = 1/e, κ =
    0.
    """
    t = np.linspace(0, 1, 11)
    for name, e in (("boulware", 4.0), ("linear", 1.0), ("conceder", 0.25)):
        assert CURVES[name] == 1 / e
        np.testing.assert_allclose(1 - concession_alpha(t, beta=CURVES[name]), 1 - t**e, atol=1e-15)


def _turn(received, prev, lo, hi):
    R = 1
    return Turn(
        0,
        np.full(R, 0.5),
        np.full(R, lo),
        np.full(R, hi),
        [np.array([x]) for x in received],
        np.array([prev]),
        np.array([0]),
        np.array([0]),
        np.array([received[-1]]),
    )


@pytest.mark.reference
@pytest.mark.parametrize("case", FARATIN["tit_for_tat"], ids=lambda c: f"{c['mode']}-d{c['delta']}")
def test_tit_for_tat_reciprocates_as_worked_by_hand(case):
    s = TitForTat(mode=case["mode"], delta=case["delta"])
    off, acc = s.targets(
        _turn(case["received"], case["previous_target"], case["u_min"], case["u_max"])
    )
    assert off[0] == pytest.approx(case["target"], abs=1e-12)
    assert acc[0] == pytest.approx(case["target"], abs=1e-12)


def test_tit_for_tat_opens_at_its_best():
    off, _ = TitForTat(delta=2).targets(_turn([0.3, 0.4], np.nan, 0.1, 0.9))
    assert off[0] == 0.9


def test_hard_liner_offers_its_best_and_accepts_only_above_firmness():
    off, acc = HardLiner(firmness=0.5).targets(_turn([0.3], 0.8, 0.2, 1.0))
    assert off[0] == 1.0 and acc[0] == pytest.approx(0.6)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("boulware", TimeDependent(beta=0.25)),
        ("Conceder", TimeDependent(beta=4.0)),
        ("time-dependent(beta=0.5, kappa=0.1)", TimeDependent(beta=0.5, kappa=0.1)),
        ("tit-for-tat(mode=absolute, delta=2)", TitForTat(mode="absolute", delta=2)),
        ("hard-liner(firmness=0.7)", HardLiner(firmness=0.7)),
        ({"name": "tft", "mode": "relative"}, TitForTat()),
        ("zeuthen", Zeuthen()),
    ],
)
def test_parse_strategy(text, expected):
    assert parse_strategy(text) == expected


@pytest.mark.parametrize(
    "bad, words",
    [
        ("stubborn", "unknown strategy"),
        ("boulware(beta)", "key=value"),
        ("tit-for-tat(mode=sideways)", "mode must be"),
        ("hard-liner(firmness=2)", "firmness must be"),
        ("time-dependent(colour=3)", "colour"),
        ({"mode": "relative"}, "needs `name`"),
        (3, "name or a mapping"),
    ],
)
def test_parse_strategy_rejects_with_a_reason(bad, words):
    with pytest.raises(ValueError, match=words):
        parse_strategy(bad)


def test_hyperparameters_are_stored_unchanged():
    s = TitForTat(mode="absolute", delta=3, noise=0.01)
    assert s.params() == {"mode": "absolute", "delta": 3, "noise": 0.01}
    assert TimeDependent(beta=0.25).describe() == "boulware"


# -- one suite for every strategy (Axelrod-style) ---------------------------------------------
ALL = sorted({type(make()) for make in STRATEGIES.values()}, key=lambda c: c.__name__)


def _space(rng, P=60, n=3, red=True):
    u = rng.random((P, n))
    ok = rng.random((P, n)) > (0.2 if red else 0.0)
    ok[np.argmax(u, axis=0), np.arange(n)] = True
    return OutcomeSpace(u, rng.uniform(0.0, 0.5, n), ok)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_strategy_respects_red_lines_and_no_deal(cls):
    rng = np.random.default_rng(7)
    for _ in range(5):
        sp = _space(rng)
        strat = [cls() for _ in range(3)]
        res = alternating_offers(sp, strat, rounds=30, runs=4)
        for r in np.flatnonzero(res.agreed):
            p = res.package[r]
            assert sp.acceptable[p].all()
            assert (sp.utility[p] >= sp.no_deal).all()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_strategy_targets_stay_in_the_rational_range(cls):
    rng = np.random.default_rng(3)
    sp = _space(rng, n=2, red=False)
    res = alternating_offers(sp, [cls(), TimeDependent(beta=1.0)], rounds=15, runs=3, trace=True)
    for turn in res.trace:
        offered = turn.offer[turn.offer >= 0]
        assert (sp.utility[offered, turn.actor] >= sp.no_deal[turn.actor] - 1e-12).all()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_strategy_is_deterministic_and_order_of_runs_free(cls):
    rng = np.random.default_rng(11)
    sp = _space(rng, n=2)
    a = alternating_offers(sp, [cls(), cls()], rounds=20, runs=3)
    b = alternating_offers(sp, [cls(), cls()], rounds=20, runs=3)
    np.testing.assert_array_equal(a.package, b.package)
    np.testing.assert_array_equal(a.round, b.round)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_strategy_plays_the_single_text_protocol(cls):
    rng = np.random.default_rng(5)
    sp = _space(rng, n=3)
    res = single_text(sp, [cls(), cls(), cls()], mediator=0, rounds=10, runs=2)
    for r in np.flatnonzero(res.agreed):
        assert (sp.utility[res.package[r]] >= sp.no_deal).all()


def test_random_absolute_tit_for_tat_needs_and_uses_the_streams():
    from accord.process import RunStreams

    rng = np.random.default_rng(2)
    sp = _space(rng, n=2, red=False)
    s = [TitForTat(mode="absolute", noise=0.05), TimeDependent(beta=1.0)]
    with pytest.raises(ValueError, match="random streams"):
        alternating_offers(sp, s, rounds=10, runs=2)
    a = alternating_offers(sp, s, rounds=10, runs=2, streams=RunStreams(4, 2))
    b = alternating_offers(sp, s, rounds=10, runs=2, streams=RunStreams(4, 2))
    np.testing.assert_array_equal(a.package, b.package)


def test_docs_run_as_doctests():
    import doctest

    import accord.process as pkg
    from accord.process import processes

    for mod in (pkg, processes):
        result = doctest.testmod(mod, verbose=False)
        assert result.attempted > 0 and result.failed == 0, mod.__name__
