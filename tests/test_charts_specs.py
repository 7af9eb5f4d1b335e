"""Every chart kind of :mod:`accord.charts`: a plain-JSON Vega-Lite spec (valid against the
Vega-Lite schema), rendered to SVG offline by vl-convert, with actors in their fixed colours,
models in a palette and shapes of their own, and every deal term labelled."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import accord
from accord import charts
from accord.charts import palette
from accord.charts.base import spread, stagger, term_layers_x, unique_names

pytest.importorskip("vl_convert", reason="the plot extra is not installed")
alt_core = pytest.importorskip("altair.vegalite.v6.schema.core")

SEED = 0


@pytest.fixture(scope="module")
def ukraine():
    return accord.load_scenario("ukraine-2025-07")


@pytest.fixture(scope="module")
def result(ukraine):
    return accord.forecast(ukraine, seed=SEED)


@pytest.fixture(scope="module")
def bargain(ukraine):
    from accord.bargaining import analyse

    return analyse(ukraine, months=60, resolution=5)


def _layers(spec):
    """Every unit layer of a spec (through layer and vconcat)."""
    for key in ("layer", "vconcat", "hconcat"):
        for child in spec.get(key, ()):
            yield from _layers(child)
    if "mark" in spec:
        yield spec


def _named(spec, name):
    return [lay for lay in _layers(spec) if lay.get("name") == name]


def _specs(ukraine, result, bargain):
    issue = ukraine.issues[0]
    fc = next(m.issues[issue.id] for m in result.models if m.issues[issue.id].trace is not None)
    rows = [
        {
            "model": m,
            "label": m,
            "colour": palette.model_colour(m),
            "q05": 10.0,
            "q25": 40.0,
            "q50": 55.0,
            "q75": 60.0,
            "q95": 90.0,
        }
        for m in ("compromise", "bdm")
    ]
    tornado = [
        {
            "label": "Russia: salience",
            "at_low": 50.0,
            "at_high": 70.0,
            "low": 0.2,
            "high": 0.9,
            "colour": palette.actor_colours(ukraine)["RUS"]
            if "RUS" in ukraine.actor_ids
            else "#666666",
        }
    ]
    summaries = list(result.issues())
    return {
        "forecast": charts.forecast_chart(result, issue.id),
        "trajectory": charts.trajectory_chart(ukraine, fc, "trajectory"),
        "interval": charts.interval_chart(issue, rows, "spread"),
        "fan": charts.fan_chart(issue, np.random.default_rng(0).uniform(50, 70, (6, 40)), "fan"),
        "tornado": charts.tornado_chart(issue, tornado, 60.0, "tornado"),
        "process": charts.process_chart(
            ["summit", "mediated"], [0.5, 0.2], [0.3, 0.7], [0.2, 0.1], "talks"
        ),
        "ripeness": charts.ripeness_chart(bargain, "ripeness"),
        "map": charts.bargaining_map(bargain, "map"),
        "overview": charts.overview_chart(ukraine, summaries, {}),
        "bar": charts.bar_chart(["a", "b"], [1.0, 2.0], xlabel="x", title="bars"),
    }


@pytest.fixture(scope="module")
def specs(ukraine, result, bargain):
    return _specs(ukraine, result, bargain)


KINDS = (
    "forecast",
    "trajectory",
    "interval",
    "fan",
    "tornado",
    "process",
    "ripeness",
    "map",
    "overview",
    "bar",
)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_plain_json_valid_vega_lite_and_renders_to_svg(specs, kind):
    spec = specs[kind]
    assert json.loads(json.dumps(spec, allow_nan=False)) == spec  # plain JSON, no NaN
    assert spec["$schema"].endswith("vega-lite/v6.json")
    assert "url" not in json.dumps(spec)  # the data are inlined: nothing to fetch
    top = alt_core.TopLevelVConcatSpec if "vconcat" in spec else alt_core.TopLevelLayerSpec
    top.from_dict(spec)  # validates against the Vega-Lite schema (raises when invalid)
    svg = charts.to_svg(spec, prefix=f"t-{kind}")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert all(i.startswith(f"t-{kind}-") for i in ids)  # many charts share one page


def test_charts_in_one_page_never_share_an_id():
    spec = charts.bar_chart(["a", "b"], [1.0, 2.0], xlabel="x", title="clipped bars")
    spec["layer"][0]["mark"]["clip"] = True  # a clip path: an id the SVG refers to
    a, b = charts.to_svg(spec), charts.to_svg(spec)
    ids_a = set(re.findall(r'\bid="([^"]+)"', a))
    assert ids_a and not ids_a & set(re.findall(r'\bid="([^"]+)"', b))
    for i in ids_a:
        assert f"url(#{i})" in a
    assert "url(#clip" not in a.replace("url(#chart", "")


def test_actors_keep_one_colour_in_every_chart(ukraine, specs):
    colours = palette.actor_colours(ukraine)
    want = {a.name: colours[a.id] for a in ukraine.actors}
    seen = 0
    for kind in ("forecast", "trajectory", "ripeness"):
        for lay in _layers(specs[kind]):
            colour = lay.get("encoding", {}).get("color", {})
            if colour.get("field") == "actor":
                scale = colour["scale"]
                assert (
                    dict(zip(scale["domain"], scale["range"], strict=True)).items() <= want.items()
                )
                seen += 1
    assert seen >= 3


def test_models_have_their_own_colours_and_shapes(result, specs):
    assert not set(palette.MODEL_COLOURS.values()) & set(palette.ACTOR_PALETTE)
    shapes = list(palette.MODEL_SHAPES.values())
    assert len(set(shapes)) == len(shapes) and palette.ACTOR_SHAPE not in shapes
    (layer,) = _named(specs["forecast"], "forecasts")
    colour, shape = layer["encoding"]["color"]["scale"], layer["encoding"]["shape"]["scale"]
    assert len(colour["domain"]) == len(result.models)
    assert len(set(colour["range"])) == len(result.models)
    assert not set(colour["range"]) & set(palette.ACTOR_PALETTE)
    assert len(set(shape["range"])) == len(result.models) and "circle" not in shape["range"]
    (actors,) = _named(specs["forecast"], "actors")
    assert actors["mark"]["shape"] == "circle"


def test_every_deal_term_is_labelled(ukraine, result):
    for issue in ukraine.issues:
        spec = charts.forecast_chart(result, issue.id)
        (numbers,) = _named(spec, "term_numbers")
        (key,) = _named(spec, "term_key")
        terms = sorted(issue.scale.labels)
        assert [d["text"] for d in numbers["data"]["values"]] == [f"{p:g}" for p in terms]
        text = " ".join(d["text"] for d in key["data"]["values"])
        for p in terms:
            assert f"{p:g} = " in text
        svg = charts.to_svg(spec)
        for p in terms:
            assert f">{p:g}</text>" in svg


def test_close_deal_terms_go_on_separate_rows_and_never_overlap():
    # 55 and 60 on a 0..100 scale 560 px wide are 28 px apart: room for both on one row;
    # 55, 56 and 57 are not, so they take three rows
    assert stagger([0, 55, 60, 100], 0, 100, 560) == [0, 0, 0, 0]
    assert stagger([55, 56, 57], 0, 100, 560) == [0, 1, 2]
    layers, rows, _ = term_layers_x([(55.0, "a"), (56.0, "b"), (90.0, "c")], 0, 100, 560, 100)
    assert rows == 2
    ys = [d["py"] for d in layers[1]["data"]["values"]]
    assert ys[0] != ys[1] and ys[2] == ys[0]
    moved = spread([100.0, 101.0, 102.0, 200.0], 12)
    assert all(b - a >= 12 - 1e-9 for a, b in zip(moved, moved[1:3], strict=False))
    assert moved[3] == 200.0 and abs(sum(moved[:3]) / 3 - 101.0) < 1e-9  # centred cluster


def test_layer_names_are_unique_through_a_spec(specs):
    for spec in specs.values():
        names = [lay["name"] for lay in _layers(spec) if "name" in lay]
        assert len(names) == len(set(names))
    twice = unique_names({"layer": [{"name": "a", "mark": "x"}, {"name": "a", "mark": "x"}]})
    assert [lay["name"] for lay in twice["layer"]] == ["a", "a_2"]


def test_the_map_shows_the_most_opposed_pair_or_the_one_asked_for(ukraine, bargain):
    frame = charts.map_frame(bargain)
    assert frame is not None and len(frame["parties"]) >= 3
    x, y = frame["opposed"]
    u = bargain.space.utility
    ids = list(ukraine.actor_ids)
    r = np.corrcoef(u[:, ids.index(x)], u[:, ids.index(y)])[0, 1]
    for i, a in enumerate(frame["parties"]):
        for b in frame["parties"][i + 1 :]:
            assert np.corrcoef(u[:, ids.index(a)], u[:, ids.index(b)])[0, 1] >= r - 1e-9
    names = {a.id: a.name for a in ukraine.actors}
    spec = charts.bargaining_map(bargain, "map")
    assert spec["layer"][0]["encoding"]["x"]["axis"]["title"] == f"utility of {names[x]} (0..1)"
    a, b = frame["parties"][0], frame["parties"][-1]
    other = charts.map_spec(frame, b, a, "map")
    assert other["layer"][0]["encoding"]["y"]["axis"]["title"] == f"utility of {names[a]} (0..1)"
    with pytest.raises(ValueError, match="must be parties"):
        charts.map_spec(frame, "nobody", a, "map")
    assert frame["shown"] <= frame["packages"] and len(frame["codes"]) == frame["shown"]


def test_png_files(tmp_path, specs):
    charts.to_png(specs["bar"], tmp_path / "bar.png")
    assert (tmp_path / "bar.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_importing_the_charts_loads_no_renderer():
    import subprocess
    import sys

    code = "import sys, accord.charts, accord.report.charts; print('vl_convert' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_brief_s_svg_is_self_contained(specs):
    svg = charts.to_svg(specs["forecast"])
    assert "<script" not in svg and "<image" not in svg
    assert not re.findall(r'(?:href|src)="(?!#)', svg)  # nothing loaded from elsewhere


def test_forecast_runs_without_the_chart_renderers():
    """`accord forecast` draws no chart: it works where vl-convert and Altair are missing."""
    import subprocess
    import sys

    code = (
        "import sys\nsys.modules['vl_convert'] = None\nsys.modules['altair'] = None\n"
        "import accord.cli as c\n"
        "try:\n    c.main(['forecast', 'eu-emissions-1994'])\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "year" in out.stdout or "introduction" in out.stdout
