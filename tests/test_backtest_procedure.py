"""DEU-specific backtest models: the procedure-aware compromise (its fit on a hand-made data set
equals the hand-computed optimum, and nothing is fitted on a test fold) and the Nash bargaining
solution with the reference point as the disagreement point (its closed form)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import shared_file

from accord.backtest import backtest, read_deu, rolling_backtest
from accord.backtest.capabilities import COUNCIL_WEIGHTS_EU15
from accord.backtest.deu import DeuData, DeuIssue, DeuProposal
from accord.backtest.procedure import DEU_MODELS as MODEL_NAMES
from accord.backtest.procedure import (
    council_weights,
    deu_model_forecasts,
    fit_procedure_weights,
    nash_reference_point,
    procedure_capabilities,
    procedure_forecasts,
)
from accord.cli import cli

#: Introduced on this day, a proposal falls in the EU15 period (15 member states).
EU15_DAY = date(2000, 3, 1)
STATES = sorted(COUNCIL_WEIGHTS_EU15)


def _issue(iid, outcome, com=None, ep=None, council=0.0, rp=None):
    """Every EU15 member state at ``council`` with salience 50; the Commission and the
    Parliament at their positions (absent when None), salience 50."""
    pos = {a: council for a in STATES}
    if com is not None:
        pos["com"] = com
    if ep is not None:
        pos["ep"] = ep
    return DeuIssue(iid, pos, {a: 50.0 for a in pos}, rp, outcome)


def _proposal(pid, procedure, issues, rule="QMV", day=EU15_DAY):
    return DeuProposal(pid, f"proposal {pid}", day, procedure, rule, tuple(issues))


@pytest.fixture
def hand():
    """With every member state at 0 (so the Council's summed weight × salience is
    (1 − c − e)·50), a Commission at 100 and a Parliament at 100 give forecasts
    100 (c + e) [both], 100 c / (1 − e) [Commission only], 100 e / (1 − c) [Parliament only].

    COD: outcomes 30 (both) and 12.5 (Commission only) → c + e = 0.3 and c = 0.125 (1 − e):
    the unique zero-error pair is c = 0.1, e = 0.2. CNS: outcomes 25 (Commission only) and 0
    (Parliament only) → e = 0 and c = 0.25. A third proposal (test) must not count."""
    return DeuData(
        "hand-made",
        (
            _proposal("cod", "COD", [_issue("1", 30.0, 100, 100), _issue("2", 12.5, com=100)]),
            _proposal("cns", "CNS", [_issue("1", 25.0, com=100), _issue("2", 0.0, ep=100)]),
            _proposal("test", "COD", [_issue("1", 90.0, 100, 100), _issue("2", 99.0, com=100)]),
        ),
        {},
    )


def test_fitted_shares_are_the_hand_computed_optimum(hand):
    w = fit_procedure_weights(hand, ["cod", "cns"])
    assert w.commission == {"COD": pytest.approx(0.1), "CNS": pytest.approx(0.25)}
    assert w.parliament == {"COD": pytest.approx(0.2), "CNS": 0.0}
    assert w.train_mae["COD"] == pytest.approx(0.0, abs=1e-12)
    assert w.train_mae["CNS"] == pytest.approx(0.0, abs=1e-12)
    assert w.n_train == {"COD": 2, "CNS": 2, "pooled": 4}
    fc = procedure_forecasts(hand, w)
    assert fc[("cod", "1")] == pytest.approx(30.0) and fc[("cod", "2")] == pytest.approx(12.5)
    assert fc[("test", "1")] == pytest.approx(30.0)  # the test outcome (90) played no part
    # the pooled pair minimises the MAE over all four training issues on the grid
    grid = [(i / 20, j / 20) for i in range(20) for j in range(20 - i)]

    def mae(c, e):
        pred = [100 * (c + e), 100 * c / (1 - e), 100 * c / (1 - e), 100 * e / (1 - c)]
        return np.mean(np.abs(np.array(pred) - [30.0, 12.5, 25.0, 0.0]))

    best = min(grid, key=lambda ce: (mae(*ce), ce))
    assert w.pooled == pytest.approx(best) and w.train_mae["pooled"] == pytest.approx(mae(*best))


def test_a_procedure_without_training_issues_gets_the_pooled_fit(hand):
    w = fit_procedure_weights(hand, ["cod"])
    assert set(w.commission) == {"COD"} and w.pooled == (w.commission["COD"], w.parliament["COD"])
    assert w.shares("CNS") == w.pooled


def test_council_weights_follow_the_voting_rule():
    qmv = council_weights(_proposal("q", "CNS", [], rule="QMV"))
    unan = council_weights(_proposal("u", "CNS", [], rule="Unan"))
    assert qmv["de"] == pytest.approx(10 / 87) and qmv["lu"] == pytest.approx(2 / 87)
    assert set(unan) == set(qmv) and all(v == pytest.approx(1 / 15) for v in unan.values())
    nice = council_weights(_proposal("n", "COD", [], day=date(2007, 1, 1)))
    assert nice["pl"] == pytest.approx(27 / 352)  # the Nice table of capabilities.py
    caps = procedure_capabilities(
        _proposal("u", "CNS", [], rule="Unan"), fit_procedure_weights(hand_data(), ["cns"])
    )
    assert caps["ep"] == 0.0 and caps["com"] == pytest.approx(0.25)
    assert sum(caps.values()) == pytest.approx(1.0)


def hand_data():
    return DeuData(
        "hand-made",
        (_proposal("cns", "CNS", [_issue("1", 25.0, com=100), _issue("2", 0.0, ep=100)]),),
        {},
    )


def test_bad_grid_steps_and_model_names_raise():
    with pytest.raises(ValueError, match="step must divide 1"):
        fit_procedure_weights(hand_data(), ["cns"], step=0.3)
    with pytest.raises(ValueError, match="DEU model must be one of"):
        deu_model_forecasts("oracle", hand_data(), ["cns"])
    with pytest.raises(ValueError, match="deu_models must be distinct names among"):
        backtest(hand_data(), [], deu_models=["procedure", "procedure"])


# -- the Nash bargaining solution with the reference point as disagreement ----------------------


@pytest.mark.parametrize(
    "a, b, w1, w2",
    [
        (20, 80, 1, 3),
        (20, 80, 3, 1),
        (20, 30, 1, 9),
        (20, 30, 1, 1),
        (10, 90, 2, 5),
        (35, 50, 1, 4),
    ],
)
def test_two_actor_nash_with_the_reference_point_is_its_closed_form(a, b, w1, w2):
    """r = 0 < a < b: on [a, min(b, 2a)] the gains are a − (x − a) and x, so the first-order
    condition w_2 / x = w_1 / (2a − x) gives x = 2a·w_2 / (w_1 + w_2), clipped to that piece."""
    expected = float(np.clip(2 * a * w2 / (w1 + w2), a, min(b, 2 * a)))
    assert nash_reference_point([a, b], [w1, w2], 0.0) == pytest.approx(expected, abs=1e-9)
    # mirrored scale, swapped actor order: the mirrored solution
    assert nash_reference_point([100 - b, 100 - a], [w2, w1], 100.0) == pytest.approx(
        100 - expected, abs=1e-9
    )


def test_nash_is_the_reference_point_when_someone_prefers_it():
    assert nash_reference_point([20, 80], [1, 1], 50.0) == 50.0  # opposite sides of r
    assert nash_reference_point([0, 80], [1, 1], 0.0) == 0.0  # an actor at r
    assert nash_reference_point([0, 80], [0, 1], 0.0) == pytest.approx(80.0)  # unless powerless
    with pytest.raises(ValueError, match="power must be finite and non-negative"):
        nash_reference_point([1, 2], [1, -1], 0.0)


# -- no fitting on a test fold ---------------------------------------------------------------

DEU_MODELS = ["procedure", "nash_reference", "nash_procedure"]


@pytest.fixture(scope="module")
def deu():
    return read_deu(shared_file("deu3", "deu3.tsv"))


def _scramble(deu, test):
    """Every outcome of the proposals for which ``test(prop)`` holds replaced by 100 − it."""
    props = tuple(
        replace(
            p,
            issues=tuple(
                i if i.outcome is None else replace(i, outcome=100 - i.outcome) for i in p.issues
            ),
        )
        if test(p)
        else p
        for p in deu.proposals
    )
    return replace(deu, proposals=props)


def test_rolling_fold_fits_and_forecasts_ignore_the_folds_own_outcomes(deu):
    one = rolling_backtest(deu, [], capabilities="equal", deu_models=DEU_MODELS)
    two = rolling_backtest(
        _scramble(deu, lambda p: p.year == 2005), [], capabilities="equal", deu_models=DEU_MODELS
    )
    cols = ["proposal", "issue", "model", "forecast", "halfwidth50", "halfwidth80"]
    for year in (2000, 2004, 2005):
        pd.testing.assert_frame_equal(
            one.rows.loc[one.rows.fold == year, cols].reset_index(drop=True),
            two.rows.loc[two.rows.fold == year, cols].reset_index(drop=True),
        )
    fits = [{f["year"]: f["fitted"] for f in r.folds} for r in (one, two)]
    assert fits[0][2005] == fits[1][2005] and fits[0][2005]["deu:procedure"]["n_train"]["COD"]
    # the next fold trains on the scrambled 2005 outcomes: its fit moves (the test has teeth)
    assert (
        fits[0][2006]["deu:procedure"]["train_mae"] != fits[1][2006]["deu:procedure"]["train_mae"]
    )


def test_split_fit_ignores_the_test_outcomes(deu):
    one = backtest(deu, [], deu_models=DEU_MODELS, capabilities="equal", ensemble=False)
    two = backtest(
        _scramble(deu, lambda p: p.year is not None and p.year >= 2004),
        [],
        deu_models=DEU_MODELS,
        capabilities="equal",
        ensemble=False,
    )
    assert one.fitted == two.fitted and one.fitted["deu:procedure"]["n_train"]["pooled"] > 0
    key = ["proposal", "issue", "model"]
    np.testing.assert_array_equal(
        one.rows.set_index(key).forecast.to_numpy(),
        two.rows.set_index(key).loc[one.rows.set_index(key).index].forecast.to_numpy(),
    )


def test_deu_models_are_scored_on_the_common_issues(deu):
    res = rolling_backtest(deu, ["compromise"], capabilities="equal", deu_models=DEU_MODELS)
    head = res.headline(n_resamples=100).set_index("model")
    assert {f"deu:{m}" for m in DEU_MODELS} <= set(head.index)
    assert head.n.nunique() == 1  # every model on the same issues
    cov = res.coverage().set_index("model")
    rp = cov.loc["baseline:reference_point", "failures"]
    assert cov.loc["deu:procedure", "failures"] == 0
    assert cov.loc["deu:nash_reference", "failures"] == rp  # no reference point, no Nash
    assert "ensemble" in head.index and "deu:procedure" not in res.folds[0]["ensemble_weights"]


def test_cli_deu_models():
    path = str(shared_file("deu3", "deu3.tsv"))
    args = ["-m", "compromise", "--capabilities", "equal", "--deu-models", "deu:procedure"]
    r = CliRunner().invoke(
        cli, ["backtest", path, *args, "--scheme", "rolling", "--resamples", "50"]
    )
    assert r.exit_code == 0, r.output
    assert "deu:procedure" in r.output and "c / e" in r.output
    r = CliRunner().invoke(cli, ["backtest", path, *args])
    assert r.exit_code == 0 and "deu:procedure fitted on the training proposals: COD" in r.output
    r = CliRunner().invoke(cli, ["backtest", path, "--deu-models", "oracle"])
    assert r.exit_code == 2 and "--deu-models must be among" in r.output
    helptext = CliRunner().invoke(cli, ["backtest", "--help"]).output
    assert all(name in helptext for name in MODEL_NAMES)  # the help lists every DEU model
