"""One invariant suite that every registered forecasting model must pass ([STYLE] check suite).

For each model in the registry: forecasts stay on each issue's scale; reordering actors changes
nothing; multiplying every capability by one constant changes nothing; the same seed gives the
same result. A model class that exists in ``accord.models`` but is missing from the registry
fails ``test_every_model_class_is_registered``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accord.models
from accord.models.registry import MODELS
from accord.scenario import Scenario, scenario_from_dict

SCALES = [(0.0, 100.0), (4.0, 10.0), (-1.0, 1.0)]


def random_scenario(seed: int, n_actors: int, n_issues: int) -> Scenario:
    """A random but well-formed scenario: continuous values, so exact ties are improbable."""
    rng = np.random.default_rng(seed)
    issues = []
    for k in range(n_issues):
        lo, hi = SCALES[k % len(SCALES)]
        issues.append(
            {
                "id": f"i{k}",
                "question": f"issue {k}?",
                "scale": {"min": lo, "max": hi, "labels": {lo: "low end", hi: "high end"}},
            }
        )
    actors = []
    for a in range(n_actors):
        stances = {}
        for k in range(n_issues):
            lo, hi = SCALES[k % len(SCALES)]
            stances[f"i{k}"] = {
                "position": float(rng.uniform(lo, hi)),
                "salience": float(rng.uniform(0.05, 1.0)),
            }
        actors.append(
            {
                "id": f"a{a}",
                "name": f"Actor {a}",
                "capability": float(rng.uniform(0.1, 10.0)),
                "stances": stances,
            }
        )
    return scenario_from_dict(
        {
            "metadata": {"title": f"random {seed}"},
            "actors": actors,
            "issues": issues,
            "procedure": random_procedure(rng, [a["id"] for a in actors]),
        }
    )


def random_procedure(rng: np.random.Generator, ids: list[str]) -> dict:
    """An EU decision rule for the models that need one (``tags.needs``; the others ignore
    it): a random procedure and voting rule, the first actor the Commission and the second
    the Parliament (each left out at random), every other actor in the Council."""
    out = {
        "legislative": str(rng.choice(["co-decision", "consultation"])),
        "council": str(rng.choice(["qmv", "unanimity"])),
    }
    if rng.uniform() < 0.8:
        out["commission"] = ids[0]
    if rng.uniform() < 0.8:
        out["parliament"] = ids[1]
    return out


def with_procedure(scn: Scenario, seed: int = 0) -> Scenario:
    """``scn`` with a random procedure (as :func:`random_scenario` gives every scenario)."""
    data = scn.model_dump()
    data["procedure"] = random_procedure(np.random.default_rng(seed), scn.actor_ids)
    return scenario_from_dict(data)


def permuted(scn: Scenario, order: list[int]) -> Scenario:
    data = scn.model_dump()
    data["actors"] = [data["actors"][i] for i in order]
    return scenario_from_dict(data)


def scaled_capabilities(scn: Scenario, factor: float) -> Scenario:
    data = scn.model_dump()
    for a in data["actors"]:
        a["capability"]["value"] *= factor
        for stance in a["stances"].values():
            if stance.get("capability"):
                stance["capability"]["value"] *= factor
    return scenario_from_dict(data)


def values(model, scn: Scenario, seed: int = 0) -> np.ndarray:
    fc = model.forecast(scn, rng=np.random.default_rng(seed))
    return np.array([fc.issues[i.id].value for i in scn.issues])


scenario_args = st.tuples(st.integers(0, 2**32 - 1), st.integers(3, 7), st.integers(1, 3))
suite = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(params=MODELS, ids=lambda m: m.name)
def model(request):
    return request.param()


def test_registry_names_are_unique_and_documented():
    names = [m.name for m in MODELS]
    assert len(names) == len(set(names))
    for m in MODELS:
        assert m.label and m.citation.startswith("["), m
        assert "[" in (m.__doc__ or ""), f"{m.__name__} docstring must cite its source"


def test_every_model_class_is_registered():
    found = set()
    for info in pkgutil.walk_packages(accord.models.__path__, prefix="accord.models."):
        mod = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if obj.__module__ != mod.__name__ or inspect.isabstract(obj):
                continue
            if (
                isinstance(getattr(obj, "name", None), str)
                and obj.name
                and callable(getattr(obj, "forecast", None))
            ):
                found.add(obj)
    missing = found - set(MODELS)
    assert not missing, f"model classes missing from accord.models.registry.MODELS: {missing}"


@suite
@given(scenario_args)
def test_forecast_lies_on_the_issue_scale(model, args):
    scn = random_scenario(*args)
    v = values(model, scn)
    for x, issue in zip(v, scn.issues, strict=True):
        assert issue.scale.min - 1e-9 <= x <= issue.scale.max + 1e-9


@suite
@given(scenario_args, st.randoms(use_true_random=False))
def test_actor_order_is_irrelevant(model, args, rnd):
    scn = random_scenario(*args)
    order = list(range(len(scn.actors)))
    rnd.shuffle(order)
    np.testing.assert_allclose(
        values(model, permuted(scn, order)), values(model, scn), rtol=1e-9, atol=1e-9
    )


@suite
@given(scenario_args, st.floats(0.01, 1000.0))
def test_scaling_every_capability_is_irrelevant(model, args, factor):
    scn = random_scenario(*args)
    np.testing.assert_allclose(
        values(model, scaled_capabilities(scn, factor)), values(model, scn), rtol=1e-7, atol=1e-7
    )


@suite
@given(scenario_args, st.integers(0, 2**32 - 1))
def test_same_seed_same_result(model, args, seed):
    scn = random_scenario(*args)
    assert values(model, scn, seed).tolist() == values(model, scn, seed).tolist()


def test_trace_is_consistent_with_result(model):
    scn = random_scenario(7, 6, 2)
    fc = model.forecast(scn, rng=np.random.default_rng(0))
    for issue in scn.issues:
        res = fc.issues[issue.id]
        if res.trace is None:
            continue
        assert res.trace.positions.shape[0] == len(res.trace.forecast)
        assert res.trace.positions.shape[1] == len(res.trace.actor_ids)
        conv = res.details.get("convergence", {})
        if conv.get("status") == "cycle":  # a cycle is reported as its mean over one period
            k = conv["period"]
            assert res.value == pytest.approx(float(np.mean(res.trace.forecast[-k:])))
        else:
            assert res.trace.forecast[-1] == pytest.approx(res.value)


def test_eu_case_with_ties_is_order_free(model, eu_scenario):
    """The EU table has many equal positions: models must not depend on the listing order."""
    eu = with_procedure(eu_scenario) if model.tags.needs else eu_scenario
    rev = permuted(eu, list(range(len(eu.actors)))[::-1])
    np.testing.assert_allclose(values(model, rev), values(model, eu), atol=1e-9)


# -- the declared protocol: tags, parameter tables, one array entry point ----------------------


def _bad_values(p):
    """Values that break a parameter's row: a wrong type, and out of its choices or range."""
    out = ["bogus-value"] if p.type is not str else [123]
    if p.choices is not None:
        out.append("bogus")
    if p.low is not None:
        out.append(p.type(p.low) - (1 if p.type is int else 0.5))
    if p.high is not None:
        out.append(p.type(p.high) + (1 if p.type is int else 0.5))
    if p.type in (int, float) and p.type is not bool:
        out.append(True)  # a bool is not a number here
    return out


def test_every_model_declares_tags_and_a_parameter_table(model):
    from accord.models.base import ModelTags
    from accord.models.params import Param

    cls = type(model)
    assert isinstance(cls.tags, ModelTags)
    assert all(isinstance(p, Param) for p in cls.PARAMS)
    assert list(model.get_params()) == [p.name for p in cls.PARAMS]
    # the table's defaults are the constructor's defaults
    assert model.get_params() == {p.name: p.default for p in cls.PARAMS}


def test_invalid_parameters_raise_with_the_house_template(model):
    cls = type(model)
    for p in cls.PARAMS:
        for bad in _bad_values(p):
            with pytest.raises(
                ValueError, match=rf"^{p.name} must be .*; got {re.escape(repr(bad))}$"
            ):
                cls(**{p.name: bad})


def test_bdm_error_message_reads_as_documented():
    from accord.models.expected_utility import ExpectedUtility

    with pytest.raises(ValueError) as err:
        ExpectedUtility(vote_risk="bogus")
    assert str(err.value) == "vote_risk must be one of 'own', 'one'; got 'bogus'"
    with pytest.raises(ValueError, match="rounds must be an integer between 0 and 1000; got -3"):
        ExpectedUtility(rounds=-3)


def test_params_round_trip_forecasts_the_same(model):
    scn = random_scenario(11, 5, 2)
    clone = type(model)(**model.get_params())
    np.testing.assert_array_equal(values(clone, scn), values(model, scn))


def _option_sets():
    """Every registered model with each non-default choice of each parameter, one at a time."""
    for cls in MODELS:
        for p in cls.PARAMS:
            for c in p.choices or ():
                if c != p.default:
                    yield pytest.param(cls, {p.name: c}, id=f"{cls.name}-{p.name}={c}")


@pytest.mark.slow
@pytest.mark.parametrize("cls, kw", list(_option_sets()))
def test_every_option_passes_the_invariants(cls, kw):
    model = cls(**kw)
    scn = random_scenario(5, 5, 2)
    v = values(model, scn)
    for x, issue in zip(v, scn.issues, strict=True):
        assert issue.scale.min - 1e-9 <= x <= issue.scale.max + 1e-9
    order = list(range(len(scn.actors)))[::-1]
    np.testing.assert_allclose(values(model, permuted(scn, order)), v, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        values(model, scaled_capabilities(scn, 7.5)), v, rtol=1e-7, atol=1e-7
    )


def test_a_batch_equals_one_run_per_draw(model):
    from accord.simulation.sampling import sample
    from accord.simulation.synthetic import synthetic_scenario

    scn = with_procedure(synthetic_scenario(5, 2, seed=3))
    draws = sample(scn, 8, seed=1)
    whole = model.forecast_arrays(draws)
    assert whole.shape == (8, len(scn.issues))
    for d in range(draws.n_draws):
        np.testing.assert_allclose(
            model.forecast_arrays(draws.take(np.array([d])))[0], whole[d], rtol=0, atol=1e-9
        )


def test_forecast_equals_the_one_draw_array_case(model):
    from accord.scenario.arrays import ScenarioArrays

    scn = random_scenario(3, 5, 2)
    one = model.forecast_arrays(ScenarioArrays.from_scenario(scn), rng=np.random.default_rng(0))
    np.testing.assert_allclose(one[0], values(model, scn), rtol=0, atol=1e-9)


# -- invariance to the direction of every scale -------------------------------------------------


def mirrored(scn: Scenario) -> Scenario:
    """The same negotiation with every scale flipped: x -> min + max - x."""
    data = scn.model_dump()
    ends = {i["id"]: (i["scale"]["min"], i["scale"]["max"]) for i in data["issues"]}

    def flip(q, issue):
        if q is None:
            return None
        lo, hi = ends[issue]
        q = dict(q)
        q["value"] = lo + hi - q["value"]
        if q.get("uncertainty"):
            u = dict(q["uncertainty"])
            u["low"], u["high"] = lo + hi - u["high"], lo + hi - u["low"]
            q["uncertainty"] = u
        return q

    for issue in data["issues"]:
        lo, hi = ends[issue["id"]]
        issue["scale"]["labels"] = {lo + hi - k: v for k, v in issue["scale"]["labels"].items()}
        issue["status_quo"] = flip(issue.get("status_quo"), issue["id"])
    for actor in data["actors"]:
        for issue_id, stance in actor["stances"].items():
            stance["position"] = flip(stance["position"], issue_id)
            stance["red_line"] = flip(stance.get("red_line"), issue_id)
    return scenario_from_dict(data)


#: Option sets known to break the mirror contract, each with the reason (strict: the test
#: fails once the model is fixed, so the mark must then go). None today: the exchange model's
#: randomized variant draws in an orientation-free candidate order, the SMP's threshold rules
#: ignore rounding noise.
_KNOWN_ORIENTED: dict[tuple[str, str, str], pytest.MarkDecorator] = {}


def _invariant_option_sets():
    """The defaults and every non-default choice of every model, except named replication
    variants (kept to reproduce a published implementation that breaks the invariance)."""
    for cls in MODELS:
        yield pytest.param(cls, {}, id=f"{cls.name}-defaults")
        for p in cls.PARAMS:
            for c in p.choices or ():
                if c != p.default and c not in p.replication:
                    marks = _KNOWN_ORIENTED.get((cls.name, p.name, c), ())
                    yield pytest.param(cls, {p.name: c}, id=f"{cls.name}-{p.name}={c}", marks=marks)


@pytest.mark.parametrize("cls, kw", list(_invariant_option_sets()))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_args)
def test_flipping_every_scale_mirrors_the_forecast(cls, kw, args):
    model = cls(**kw)
    scn = random_scenario(*args)
    ends = np.array([i.scale.min + i.scale.max for i in scn.issues])
    np.testing.assert_allclose(
        values(model, mirrored(scn)), ends - values(model, scn), rtol=1e-7, atol=1e-7
    )


def test_the_scholz_replication_is_kept_but_not_the_default():
    from accord.models.expected_utility import ExpectedUtility

    assert ExpectedUtility().offer_rule == "closest"
    assert ExpectedUtility.scholz_replication().offer_rule == "scholz"


def test_smp_pwcompinterp_mirrors_on_the_case_hypothesis_found():
    """Found by hypothesis in session 5: the two orientations parted by one grid step where a
    PWCompInterp bargain fell exactly on a half step (KTAB's round-half-up is not
    mirror-symmetric; round4 now takes a half towards the centre)."""
    from accord.models.smp import SMP

    model = SMP(bargain_model="PWCompInterp")
    scn = random_scenario(18981, 5, 3)
    ends = np.array([i.scale.min + i.scale.max for i in scn.issues])
    np.testing.assert_allclose(
        values(model, mirrored(scn)), ends - values(model, scn), rtol=1e-7, atol=1e-7
    )
