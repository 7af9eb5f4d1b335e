"""An expert panel as a number's uncertainty: the linear opinion pool of the reviewers' views
(issue 19: the team's disagreement becomes the uncertainty every analysis sees)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.scenario import ScenarioError, scenario_from_dict
from accord.scenario.uncertainty import pool_ppf, uncertain_inputs
from accord.simulation.sampling import sample


def _scenario(panel, **extra):
    unc = {"shape": "panel", "panel": panel, **extra}
    return scenario_from_dict(
        {
            "metadata": {"title": "panel"},
            "issues": [{"id": "x", "question": "?", "scale": {"min": 0, "max": 100}}],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "stances": {
                        "x": {"position": {"value": 30, "uncertainty": unc}, "salience": 1}
                    },
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": 1,
                    "stances": {"x": {"position": 90, "salience": 1}},
                },
            ],
        }
    )


PANEL = [
    {"by": "Ann", "value": 20, "low": 10, "high": 30},
    {"by": "Bo", "value": 60, "low": 50, "high": 70, "weight": 3},
]


def test_the_pool_of_two_reviewers_worked_by_hand():
    """Ann's triangle (10, 20, 30) with weight 1 and Bo's (50, 60, 70) with weight 3: the pool
    puts 1/4 of the mass on Ann's range, so its median is Bo's 1/3 quantile, 50 + 10·√(2/3),
    its 1/8 quantile Ann's mode 20, and nothing falls between 30 and 50."""
    (inp,) = uncertain_inputs(_scenario(PANEL))
    assert (inp.low, inp.high, inp.shape) == (10.0, 70.0, "panel")
    q = inp.ppf(np.array([0.0, 0.125, 0.25, 0.5, 1.0]))
    np.testing.assert_allclose(q, [10, 20, 30, 50 + 10 * np.sqrt(2 / 3), 70], atol=1e-9)
    draws = sample(_scenario(PANEL), 4000, seed=1).position[:, 0, 0]
    assert not ((draws > 30 + 1e-9) & (draws < 50 - 1e-9)).any()
    assert abs((draws <= 30).mean() - 0.25) < 0.03


@settings(max_examples=40, deadline=None)
@given(
    views=st.lists(
        st.tuples(st.floats(0.1, 5), st.floats(0, 100), st.floats(0, 1), st.floats(0, 100)),
        min_size=1,
        max_size=4,
    ),
    u=st.lists(st.floats(0, 1), min_size=2, max_size=20),
)
def test_pool_quantiles_are_monotone_within_the_range_and_invert_the_cdf(views, u):
    panel = []
    for w, a, t, width in views:
        lo, hi = a, min(100.0, a + width)
        panel.append((w, lo, lo + t * (hi - lo), hi))
    lo, hi = min(p[1] for p in panel), max(p[3] for p in panel)
    x = pool_ppf(np.sort(np.array(u)), tuple(panel), lo, hi)
    assert (np.diff(x) >= -1e-12).all() and (x >= lo - 1e-12).all() and (x <= hi + 1e-12).all()


def test_a_one_reviewer_panel_is_that_reviewers_triangle():
    from scipy import stats

    (inp,) = uncertain_inputs(_scenario([{"by": "Ann", "value": 20, "low": 10, "high": 60}]))
    u = np.linspace(0, 1, 11)
    np.testing.assert_allclose(inp.ppf(u), stats.triang.ppf(u, 0.2, loc=10, scale=50), atol=1e-9)


@pytest.mark.parametrize(
    ("panel", "extra", "message"),
    [
        ([{"by": "Ann", "value": 40, "low": 10, "high": 30}], {}, "must contain their value"),
        ([{"by": "Ann", "value": 20, "low": 10, "high": 30}] * 2, {}, "repeats a name"),
        ([{"by": "Ann", "value": 20, "low": 10, "high": 30, "weight": 0}], {}, "all be 0"),
        (PANEL, {"low": 15, "high": 70}, "within low..high"),
        ([], {"low": 0, "high": 1}, "give both or neither"),
    ],
)
def test_a_panel_that_cannot_be_pooled_is_refused(panel, extra, message):
    with pytest.raises(ScenarioError, match=message):
        _scenario(panel, **extra)


def test_the_panel_survives_a_round_trip_and_moves_the_monte_carlo(tmp_path):
    """Written to YAML and read back the panel is the same, and the compromise's spread on
    draws follows the pool (a quarter of the mass on Ann's side)."""
    from accord.io.export import scenario_to_yaml
    from accord.simulation import simulate

    scn = _scenario(PANEL)
    path = tmp_path / "p.yaml"
    path.write_text(scenario_to_yaml(scn))
    back = accord.load_scenario(path)
    unc = back.actors[0].stances["x"].position.uncertainty
    assert unc == scn.actors[0].stances["x"].position.uncertainty and unc.shape == "panel"
    res = simulate(back, 2000, seed=0, models=["compromise"])
    fc = res.forecasts[:, 0, 0]  # draws x issues x models
    # compromise of A (drawn) and B at 90, equal weights: (x + 90) / 2
    assert abs((fc <= (30 + 90) / 2 + 1e-9).mean() - 0.25) < 0.04


def test_the_panel_round_trips_through_a_workbook(tmp_path):
    from accord.io.xlsx_write import scenario_to_xlsx

    ev = {"judgement": "Moscow asks for what it expects to take"}
    scn = _scenario([PANEL[0], {**PANEL[1], "evidence": ev}])
    data, losses = scenario_to_xlsx(scn)
    assert losses == []
    path = tmp_path / "p.xlsx"
    path.write_bytes(data)
    back = accord.load_scenario(path)
    assert back.model_dump() == scn.model_dump()


def test_a_workbook_panel_row_for_a_number_without_a_panel_shape_is_named(tmp_path):
    import openpyxl

    from accord.io.xlsx_write import scenario_to_xlsx

    path = tmp_path / "p.xlsx"
    path.write_bytes(scenario_to_xlsx(_scenario(PANEL))[0])
    wb = openpyxl.load_workbook(path)
    ws = wb["panels"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "place") + 1
    ws.cell(row, header.index("place") + 1, "actors[1].stances.x.position")
    wb.save(path)
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    text = str(info.value)
    assert "panels" in text and "no `panel` shape" in text and "set that number's _shape" in text


@settings(max_examples=200, deadline=None)
@given(
    lo=st.floats(-1e3, 1e3),
    width=st.floats(1e-6, 1e3),
    mode=st.floats(0, 1),
    u=st.lists(st.floats(0, 1), min_size=1, max_size=30),
)
def test_triangular_quantiles_are_scipys_bit_for_bit(lo, width, mode, u):
    """The triangular shape's closed-form quantiles (no scipy in the workers) equal
    scipy.stats.triang's exactly, so no draw changed when they replaced it."""
    from scipy import stats

    from accord.scenario.uncertainty import UncertainInput

    hi = lo + width
    value = lo + mode * width
    if not lo < hi or not lo <= value <= hi:
        return
    inp = UncertainInput("p", "position", value, lo, hi, "triangular")
    uu = np.array(u)
    c = (value - lo) / (hi - lo)
    tiny = np.where(uu < np.finfo(float).tiny, 0.0, uu)  # ppf reads subnormal u as 0, any shape
    ref = np.clip(stats.triang.ppf(tiny, c, loc=lo, scale=hi - lo), lo, hi)
    np.testing.assert_array_equal(inp.ppf(uu), ref)
