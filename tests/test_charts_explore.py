"""The Explore panel's charts: the frame replays each round-based model's trace, round 0 is the
scenario's inputs, and both specs are valid Vega-Lite that vl-convert renders, showing the round
their param names."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import accord
from accord import charts
from accord.charts import explore
from accord.forecast import forecast

pytest.importorskip("vl_convert", reason="the plot extra is not installed")
alt_core = pytest.importorskip("altair.vegalite.v6.schema.core")

DEFAULT = "ukraine-2025-07"


@pytest.fixture(scope="module")
def case():
    scn = accord.load_scenario(DEFAULT)
    res = forecast(scn, seed=0)
    return scn, res, explore.positions_frame(scn, res.models)


def _rows(frame, model, issue, t):
    return {
        r["actor"]: r["position"]
        for r in frame["positions"]
        if r["model"] == model and r["issue"] == issue and r["round"] == t
    }


def test_only_models_that_run_in_rounds_are_kept(case):
    _, res, frame = case
    kept = {m["model"] for m in frame["models"]}
    with_rounds = {
        mf.model
        for mf in res.models
        if any(f.trace is not None and f.trace.rounds >= 1 for f in mf.issues.values())
    }
    assert kept == with_rounds and "bdm" in kept and "ensemble" not in kept


@pytest.mark.parametrize("model", ["bdm", "smp"])
def test_the_frame_replays_the_trace_and_round_0_is_the_inputs(case, model):
    scn, res, frame = case
    mf = next(m for m in res.models if m.model == model)
    moved = False
    for issue in scn.issue_ids:
        tr = mf.issues[issue].trace
        assert tr is not None
        for t in (0, 1, tr.rounds // 2, tr.rounds):
            got = _rows(frame, model, issue, t)
            assert got == {a: float(tr.positions[t, k]) for k, a in enumerate(tr.actor_ids)}
        arr = scn.arrays(issue)
        inputs = _rows(frame, model, issue, 0)
        # the SMP's round 0 is its inputs after its own scaling round trip (within 1e-12)
        expected = {a: float(p) for a, p in zip(arr.actor_ids, arr.position, strict=True)}
        assert inputs == pytest.approx(expected, abs=1e-9)
        moved |= _rows(frame, model, issue, tr.rounds) != inputs
        fc = [r["value"] for r in frame["forecast"] if r["model"] == model and r["issue"] == issue]
        assert np.allclose(fc, tr.forecast)
    assert moved  # a test of something: the positions do change over the rounds


def _points(spec, layer):
    return next(x for x in spec["layer"] if x["name"] == layer)["data"]["values"]


def test_two_issue_sizes_are_the_mean_capability_times_salience(case):
    scn, _, frame = case
    spec = explore.two_issue_chart(scn, frame, "bdm", "territory", "nato")
    ax, ay = scn.arrays("territory"), scn.arrays("nato")
    wx = dict(zip(ax.actor_ids, ax.weight, strict=True))
    wy = dict(zip(ay.actor_ids, ay.weight, strict=True))
    names = {a.id: a.name for a in scn.actors}
    both = [a for a in wx if a in wy]
    rows = [r for r in _points(spec, "actors") if r["round"] == 3]
    assert {r["actor"] for r in rows} == {names[a] for a in both}
    for a in both:
        row = next(r for r in rows if r["actor"] == names[a])
        assert row["weight"] == pytest.approx(0.5 * (wx[a] + wy[a]))
        assert row["x"] == _rows(frame, "bdm", "territory", 3)[a]
        assert row["y"] == _rows(frame, "bdm", "nato", 3)[a]
    assert "capability × salience, the mean over the two issues" in json.dumps(
        spec["title"], ensure_ascii=False
    )
    with pytest.raises(ValueError, match="two different"):
        explore.two_issue_chart(scn, frame, "bdm", "nato", "nato")


def _svg_at(spec, t, prefix):
    spec = json.loads(json.dumps(spec))
    spec["params"][0]["value"] = t
    return charts.to_svg(spec, prefix=prefix)


@pytest.mark.parametrize("kind", ["turn", "pair"])
def test_specs_are_valid_vega_lite_render_and_show_the_chosen_round(case, kind):
    scn, res, frame = case
    if kind == "turn":
        spec = explore.turn_chart(scn, frame, "bdm", "territory")
    else:
        spec = explore.two_issue_chart(scn, frame, "bdm", "territory", "nato")
    assert json.loads(json.dumps(spec, allow_nan=False)) == spec
    assert spec["$schema"].endswith("vega-lite/v6.json")
    assert spec["params"][0]["name"] == explore.ROUND_PARAM
    alt_core.TopLevelLayerSpec.from_dict(spec)
    first, last = _svg_at(spec, 0, f"e0-{kind}"), _svg_at(spec, 10, f"e10-{kind}")
    for svg in (first, last):
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    # the drawn points are those of the round the param names: they move between rounds
    marks = re.compile(r'<path[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"')
    assert marks.findall(first) and marks.findall(first) != marks.findall(last)
    if kind == "turn":
        value = next(
            r["value"]
            for r in frame["forecast"]
            if r["model"] == "bdm" and r["issue"] == "territory" and r["round"] == 10
        )
        assert f"round 10: forecast {value:.1f}" in last


def test_every_actor_is_named_once_a_round_and_coincident_points_share_a_label(case):
    scn, _, frame = case
    spec = explore.two_issue_chart(scn, frame, "smp", "territory", "recognition")
    rows = _points(spec, "actors")
    shared = False
    for t in (0, 20, 100):
        at = [r for r in rows if r["round"] == t]
        named = [n for r in at for n in r["label"]]
        assert sorted(named) == sorted(r["actor"] for r in at)
        shared |= any(len(r["label"]) > 1 for r in at)
    assert shared  # the SMP brings some actors together, so this case is exercised


def test_an_issue_that_settles_early_holds_its_last_positions(case):
    scn, _, frame = case
    short = {
        **frame,
        "positions": [
            r for r in frame["positions"] if not (r["issue"] == "nato" and r["round"] > 4)
        ],
        "forecast": [r for r in frame["forecast"] if not (r["issue"] == "nato" and r["round"] > 4)],
    }
    spec = explore.turn_chart(scn, short, "bdm", "nato")
    rows = _points(spec, "positions")
    assert {r["round"] for r in rows} == set(range(11))
    at = lambda t: {r["actor"]: r["position"] for r in rows if r["round"] == t}  # noqa: E731
    assert at(10) == at(4)
    assert any("(settled)" in r["text"] for r in _points(spec, "forecast_value"))
