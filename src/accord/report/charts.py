"""The brief's charts: the specs of :mod:`accord.charts` (one definition for the brief and the
dashboard), rendered to inline SVG by :func:`to_svg`.

The brief's sections call the chart functions through this module, so that one place names
what the brief draws (and a test can refuse a chart the short brief must not draw).
"""

from __future__ import annotations

from accord.charts import (
    bar_chart,
    bargaining_map,
    fan_chart,
    forecast_chart,
    interval_chart,
    overview_chart,
    process_chart,
    ripeness_chart,
    to_png,
    to_svg,
    tornado_chart,
    trajectory_chart,
)

__all__ = [
    "bar_chart",
    "bargaining_map",
    "fan_chart",
    "forecast_chart",
    "interval_chart",
    "overview_chart",
    "process_chart",
    "ripeness_chart",
    "to_png",
    "to_svg",
    "tornado_chart",
    "trajectory_chart",
]
