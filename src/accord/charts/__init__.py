"""Every chart defined once, as data plus a Vega-Lite spec (a plain JSON-able dict, data inlined).

The brief renders the specs to SVG offline (:func:`to_svg`, by vl-convert); the dashboard hands
the same specs to vega-embed in the page. One function per chart kind:

>>> from accord.charts import bar_chart
>>> spec = bar_chart(["a", "b"], [1.0, 2.0], xlabel="value", title="two bars")
>>> spec["layer"][0]["mark"]["type"], [d["value"] for d in spec["layer"][0]["data"]["values"]]
('bar', [1.0, 2.0])

Importing this package loads neither Altair nor vl-convert: :func:`to_svg` and :func:`to_png`
import vl-convert on first use.
"""

from __future__ import annotations

from .bars import bar_chart, process_chart, sobol_chart
from .deal import bargaining_map, map_frame, map_spec, most_opposed_pair, ripeness_chart
from .issues import actor_scale, forecast_chart, interval_chart, tornado_chart
from .overview import label_lines, overview_chart
from .palette import ACTOR_PALETTE, MODEL_COLOURS, MODEL_SHAPES, actor_colours, model_colour
from .render import to_png, to_svg
from .rounds import fan_chart, trajectory_chart

__all__ = [
    "ACTOR_PALETTE",
    "MODEL_COLOURS",
    "MODEL_SHAPES",
    "actor_colours",
    "actor_scale",
    "bar_chart",
    "bargaining_map",
    "fan_chart",
    "forecast_chart",
    "interval_chart",
    "label_lines",
    "map_frame",
    "map_spec",
    "model_colour",
    "most_opposed_pair",
    "overview_chart",
    "process_chart",
    "ripeness_chart",
    "sobol_chart",
    "to_png",
    "to_svg",
    "tornado_chart",
    "trajectory_chart",
]
