"""The procedure-aware compromise as a registered model: the scenario's ``procedure:`` field
(validated at the door), the model's hand-computable weights, what happens on a scenario
without a procedure, and the shipped shares against the backtest's own fit."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.forecast import forecast
from accord.models.base import not_applicable
from accord.models.ensemble import Ensemble
from accord.models.procedure import PROCEDURE_SHARES, ProcedureCompromise
from accord.scenario import ScenarioError, scenario_from_dict


def eu_case(procedure: dict | None, council=((10, 30.0), (5, 60.0), (2, 90.0))) -> dict:
    """Commission at 0, Parliament at 100, three member states (votes, position); every
    salience 1, so the forecast is the capability-weighted mean."""
    actors = [
        {"id": "COM", "name": "Commission", "capability": 1, "stances": {"x": _stance(0.0)}},
        {"id": "EP", "name": "Parliament", "capability": 1, "stances": {"x": _stance(100.0)}},
    ]
    for k, (votes, pos) in enumerate(council):
        actors.append(
            {
                "id": f"M{k}",
                "name": f"Member {k}",
                "capability": votes,
                "stances": {"x": _stance(pos)},
            }
        )
    data = {
        "metadata": {"title": "hand-made EU case"},
        "actors": actors,
        "issues": [{"id": "x", "question": "how far?", "scale": {"min": 0, "max": 100}}],
    }
    if procedure is not None:
        data["procedure"] = procedure
    return data


def _stance(pos: float) -> dict:
    return {"position": pos, "salience": 1.0}


def value(data: dict, **kw) -> float:
    return ProcedureCompromise(**kw).forecast(scenario_from_dict(data)).value("x")


@pytest.mark.parametrize("legislative", ["co-decision", "consultation"])
def test_weights_are_the_hand_computed_shares(legislative):
    c, e = PROCEDURE_SHARES[legislative]
    proc = {"legislative": legislative, "council": "qmv", "commission": "COM", "parliament": "EP"}
    council = (1 - c - e) * (10 * 30 + 5 * 60 + 2 * 90) / 17  # QMV: shares by votes
    assert value(eu_case(proc)) == pytest.approx(c * 0 + e * 100 + council)
    unan = (1 - c - e) * (30 + 60 + 90) / 3  # unanimity: every member alike
    assert value(eu_case({**proc, "council": "unanimity"})) == pytest.approx(e * 100 + unan)


def test_given_shares_replace_the_shipped_ones_and_a_powerless_parliament_drops_out():
    proc = {
        "legislative": "consultation",
        "council": "qmv",
        "commission": "COM",
        "parliament": "EP",
    }
    v = value(eu_case(proc), shares={"consultation": [0.25, 0.0]})
    assert v == pytest.approx(0.75 * (10 * 30 + 5 * 60 + 2 * 90) / 17)


def test_an_actor_outside_the_institutions_gets_no_weight():
    proc = {
        "legislative": "co-decision",
        "council": "qmv",
        "commission": "COM",
        "parliament": "EP",
        "council_members": ["M0", "M1"],
    }
    c, e = PROCEDURE_SHARES["co-decision"]
    expected = e * 100 + (1 - c - e) * (10 * 30 + 5 * 60) / 15  # M2 (at 90) plays no part
    assert value(eu_case(proc)) == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.5, 50), st.floats(0, 100)), min_size=1, max_size=6),
    st.sampled_from(["co-decision", "consultation"]),
    st.sampled_from(["qmv", "unanimity"]),
)
def test_the_forecast_is_a_mean_of_positions_and_unanimity_ignores_votes(council, leg, rule):
    """Property: the forecast lies among the positions; under unanimity, the members' votes
    (capabilities) play no part."""
    proc = {"legislative": leg, "council": rule, "commission": "COM", "parliament": "EP"}
    v = value(eu_case(proc, tuple(council)))
    positions = [0.0, 100.0, *(p for _c, p in council)]
    assert min(positions) - 1e-9 <= v <= max(positions) + 1e-9
    if rule == "unanimity":
        equal = tuple((1.0, p) for _c, p in council)
        assert v == pytest.approx(value(eu_case(proc, equal)), abs=1e-9)


def test_without_a_procedure_the_model_does_not_apply_and_says_what_to_add():
    scn = scenario_from_dict(eu_case(None))
    assert not_applicable(ProcedureCompromise, scn) == "the scenario has no `procedure:`"
    assert "procedure" not in forecast(scn).model_names  # "every model": left out
    with pytest.raises(ValueError, match=r"needs the scenario's `procedure:`.*has none; add it"):
        ProcedureCompromise().forecast(scn)
    with pytest.raises(ValueError, match="needs the scenario's `procedure:`"):
        forecast(scn, ["compromise", "procedure"])  # asked for by name: raises
    with_proc = eu_case({"legislative": "co-decision", "council": "qmv", "commission": "COM"})
    assert "procedure" in forecast(scenario_from_dict(with_proc)).model_names


def test_the_ukraine_forecast_and_the_shipped_ensemble_leave_the_model_out():
    scn = accord.load_scenario("ukraine-2025-07")
    assert scn.procedure is None
    assert forecast(scn).model_names == [
        "compromise",
        "median",
        "bdm",
        "exchange",
        "smp",
        "ensemble",
    ]
    assert "procedure" not in Ensemble().components()


@pytest.mark.parametrize(
    "procedure, message",
    [
        (
            {"legislative": "cooperation", "council": "qmv"},
            "case.yaml: procedure.legislative must be one of 'co-decision', 'consultation', "
            "got 'cooperation'; write `co-decision`",
        ),
        (
            {"legislative": "co-decision", "council": "majority"},
            "case.yaml: procedure.council must be one of 'qmv', 'unanimity', got 'majority'",
        ),
        (
            {"legislative": "co-decision", "council": "qmv", "commission": "Com"},
            "case.yaml: procedure.commission must name an actor, got 'Com'; use one of",
        ),
        (
            {
                "legislative": "co-decision",
                "council": "qmv",
                "commission": "COM",
                "council_members": ["M0", "COM"],
            },
            "case.yaml: procedure.council_members[1] is already the commission, got 'COM'",
        ),
        (
            {"legislative": "co-decision", "council": "qmv", "council_members": []},
            "case.yaml: procedure leaves the Council without a member",
        ),
        (
            {
                "legislative": "co-decision",
                "council": "qmv",
                "commission": "EP",
                "parliament": "EP",
            },
            "case.yaml: procedure.parliament must not be the Commission too",
        ),
    ],
)
def test_a_bad_procedure_is_refused_naming_the_file_the_place_and_the_fix(procedure, message):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(eu_case(procedure), "case.yaml")
    assert message in str(err.value)


def test_deu_codes_and_aliases_are_read():
    scn = scenario_from_dict(eu_case({"legislative": "COD", "council": "Unan"}))
    assert scn.procedure is not None
    assert (scn.procedure.legislative, scn.procedure.council, scn.procedure.code) == (
        "co-decision",
        "unanimity",
        "COD",
    )


def test_bad_shares_raise_with_the_house_template():
    for bad in ({"co-decision": [0.6, 0.5]}, {"cooperation": [0.1, 0.1]}, {"consultation": 0.2}):
        with pytest.raises(ValueError, match=r"^shares must be a mapping of procedures .*; got "):
            ProcedureCompromise(shares=bad)


def test_deu_proposals_carry_their_procedure():
    from accord.backtest import read_deu
    from accord.backtest.deu import proposal_scenario

    data = read_deu(shared_file("deu3", "deu3.tsv"))
    seen = set()
    for prop in data.proposals:
        scn = proposal_scenario(prop, {a: 1.0 for a in ("com", "ep")})
        if scn is None or scn.procedure is None:
            assert scn is None or prop.procedure not in ("COD", "CNS")
            continue
        assert scn.procedure.code == prop.procedure
        assert scn.procedure.council == ("unanimity" if prop.voting_rule == "Unan" else "qmv")
        assert scn.procedure.commission in (None, "com") and scn.procedure.parliament in (
            None,
            "ep",
        )
        seen.add((scn.procedure.code, scn.procedure.council))
    assert seen == {("COD", "qmv"), ("COD", "unanimity"), ("CNS", "qmv"), ("CNS", "unanimity")}


@pytest.mark.reference
def test_the_shipped_shares_are_the_backtest_fit_before_2000():
    """PROCEDURE_SHARES equal what the backtest's grid search fits on the DEU III proposals
    introduced before 2000 (the first rolling fold's training set), so they are never stale."""
    from accord.backtest import read_deu
    from accord.backtest.procedure import fit_procedure_weights

    data = read_deu(shared_file("deu3", "deu3.tsv"))
    train = [p.proposal_id for p in data.proposals if p.year is not None and p.year < 2000]
    fit = fit_procedure_weights(data, train)
    for name, code in (("co-decision", "COD"), ("consultation", "CNS")):
        assert PROCEDURE_SHARES[name] == pytest.approx(fit.shares(code), abs=1e-12), name
    assert np.isfinite(fit.train_mae["pooled"])


def test_the_backtest_scores_it_but_never_stacks_it():
    """On DEU it runs on every proposal with a procedure; the stacking ensemble combines only
    the models that apply to every scenario, so it is scored beside the ensemble, not in it."""
    from accord.backtest import read_deu, rolling_backtest

    data = read_deu(shared_file("deu3", "deu3.tsv"))
    res = rolling_backtest(
        data, ["compromise", "procedure"], first_year=2007, capabilities="council"
    )
    rows = res.rows[res.rows.model == "procedure"]
    assert len(rows) and (rows.failure == "").all()
    assert all(set(f["ensemble_weights"]) == {"compromise"} for f in res.folds)
    assert {"procedure", "ensemble"} <= set(res.models)
    cal = res.calibration(n_resamples=200)
    assert set(cal.model) == set(res.models) and cal.coverage.between(0, 1).all()


def test_the_cli_refuses_the_model_on_a_scenario_without_a_procedure(tmp_path):
    import yaml
    from click.testing import CliRunner

    from accord.cli import cli

    res = CliRunner().invoke(cli, ["forecast", "ukraine-2025", "-m", "procedure"])
    assert res.exit_code == 2 and "procedure does not apply" in res.output
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(eu_case({"legislative": "assent", "council": "qmv"})))
    res = CliRunner().invoke(cli, ["validate", str(path)])
    text = res.output + str(res.exception or "")  # the entry point prints a ScenarioError
    assert res.exit_code != 0
    assert f"{path}: procedure.legislative (line " in text  # the file, the place, the line
    assert "must be one of 'co-decision', 'consultation', got 'assent'; write" in text
