"""Building blocks shared by every chart spec: the page look, the window on an issue's scale,
and the deal terms drawn so that close terms never overlap.

Deal terms appear three ways at once: a dotted rule at each term, the term's number next to the
plot (staggered on rows, or spread apart, when terms are close) and a key under the chart that
names each number ("55 = ceasefire along the line of contact"), wrapped to the chart's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.scenario import Issue

from .palette import wrap_lines

__all__ = [
    "CHAR_WIDTH",
    "FONT_SIZE",
    "SCHEMA",
    "WIDTH",
    "Spec",
    "bottom_legend",
    "chart",
    "issue_title",
    "key_layer",
    "num",
    "spread",
    "stagger",
    "term_layers_x",
    "term_layers_y",
    "terms_in",
    "text_layer",
    "unique_names",
    "zoom_window",
]

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Width of a chart's plot area in pixels: with the label column it fits an A4 page's text width
#: (scaled down by the brief's CSS) and the dashboard at 1280 px; at 800 px the page scales it.
WIDTH = 560
FONT_SIZE = 11
#: Average width of one character at :data:`FONT_SIZE`, in pixels (for wrapping and staggering).
CHAR_WIDTH = 6.2
#: Term numbers nearer than this (pixels) go on another row (x) or are pushed apart (y).
LABEL_GAP = 4
ROW_STEP = 12
TERM_COLOUR = "#555555"
#: Legend labels up to this many characters go two to a row under a chart; longer, one.
LEGEND_COLUMN_CHARS = 42

CONFIG: Spec = {
    "background": "white",
    "padding": 10,
    "view": {"stroke": None},
    "font": "DejaVu Sans, Verdana, sans-serif",
    "axis": {
        "labelFontSize": FONT_SIZE,
        "titleFontSize": FONT_SIZE,
        "titleFontWeight": "normal",
        "labelLimit": 340,
        "gridColor": "#eeeeee",
        "domainColor": "#888888",
        "tickColor": "#888888",
    },
    "legend": {
        "labelFontSize": FONT_SIZE,
        "titleFontSize": FONT_SIZE,
        "labelLimit": 340,
        "symbolSize": 80,
    },
    "title": {"fontSize": 12, "anchor": "start", "fontWeight": "bold", "subtitleFontSize": 11},
    "text": {"fontSize": FONT_SIZE},
}


def bottom_legend(
    title: str | None,
    key_end: float,
    height: int,
    columns: int = 2,
    labels: Sequence[str] = (),
) -> Spec:
    """A legend under the chart, below the deal-term key (which ends ``key_end`` px below the
    plot's top): it never widens the chart nor covers the key. Labels are never cut: with one
    longer than :data:`LEGEND_COLUMN_CHARS` the legend takes one column."""
    if any(len(t) > LEGEND_COLUMN_CHARS for t in labels):
        columns = 1
    return {
        "title": title,
        "orient": "bottom",
        "columns": columns,
        "labelLimit": 0,
        "offset": max(10, int(key_end - height - 26)),
    }


def num(x: Any) -> float | None:
    """A plain float for JSON (None for NaN)."""
    v = float(x)
    return None if v != v else v


def chart(
    title: str | Sequence[str],
    layers: list[Spec],
    *,
    width: int,
    height: int,
    title_style: Spec | None = None,
    **extra: Any,
) -> Spec:
    """A layered Vega-Lite spec with the house look; ``title`` may be several lines."""
    lines = [title] if isinstance(title, str) else list(title)
    spec: Spec = {
        "$schema": SCHEMA,
        "config": CONFIG,
        "title": {"text": lines if len(lines) > 1 else lines[0], **(title_style or {})},
        "width": width,
        "height": height,
        "layer": layers,
    }
    spec.update(extra)
    return unique_names(spec)


def unique_names(spec: Spec) -> Spec:
    """Layer names made unique through the whole spec (Vega refuses two data sets of one name):
    the first keeps its name, later ones get ``_2``, ``_3``..."""
    seen: dict[str, int] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("layer", "vconcat", "hconcat"):
                for child in node.get(key, ()):
                    if isinstance(child, dict) and "name" in child:
                        n = seen[child["name"]] = seen.get(child["name"], 0) + 1
                        if n > 1:
                            child["name"] = f"{child['name']}_{n}"
                    walk(child)

    walk(spec)
    return spec


def issue_title(issue: Issue, lines: int = 2) -> list[str]:
    return wrap_lines(issue.question or issue.name or issue.id, 100, lines)


def zoom_window(issue: Issue, lo: float, hi: float) -> tuple[float, float]:
    """The part of the issue's scale the data use, plus a margin, and at least a tenth of it."""
    scale = issue.scale
    width = scale.max - scale.min
    pad = max(0.08 * (hi - lo), 0.03 * width)
    a, b = max(scale.min, lo - pad), min(scale.max, hi + pad)
    if b - a < 0.1 * width:
        mid = 0.5 * (a + b)
        a, b = max(scale.min, mid - 0.05 * width), min(scale.max, mid + 0.05 * width)
    return float(a), float(b)


def terms_in(issue: Issue, a: float, b: float) -> list[tuple[float, str]]:
    return [(float(p), t) for p, t in sorted(issue.scale.labels.items()) if a <= p <= b]


def _label(p: float) -> str:
    return f"{p:g}"


def stagger(points: Sequence[float], a: float, b: float, width: float) -> list[int]:
    """For sorted points on ``a..b`` drawn ``width`` px wide, the row each number goes on: the
    first row where it clears the number before it on that row."""
    ends: list[float] = []  # right edge (px) of the last label on each row
    rows = []
    for p in points:
        x = (p - a) / (b - a) * width if b > a else 0.0
        half = 0.5 * CHAR_WIDTH * len(_label(p))
        row = next((k for k, end in enumerate(ends) if x - half >= end + LABEL_GAP), len(ends))
        if row == len(ends):
            ends.append(x + half)
        else:
            ends[row] = x + half
        rows.append(row)
    return rows


def spread(px: Sequence[float], gap: float) -> list[float]:
    """Pixel positions (in any order) moved apart to at least ``gap``, each as little as it can:
    clusters are pushed apart around their centre."""
    order = sorted(range(len(px)), key=lambda k: px[k])
    blocks: list[list[int]] = []
    for k in order:
        blocks.append([k])
        while len(blocks) > 1:
            prev, cur = blocks[-2], blocks[-1]
            prev_end = _block_start(prev, px, gap) + gap * (len(prev) - 1)
            if _block_start(cur, px, gap) - prev_end >= gap:
                break
            blocks[-2:] = [prev + cur]
    out = [0.0] * len(px)
    for block in blocks:
        start = _block_start(block, px, gap)
        for i, k in enumerate(block):
            out[k] = start + gap * i
    return out


def _block_start(block: list[int], px: Sequence[float], gap: float) -> float:
    centre = sum(px[k] for k in block) / len(block)
    return centre - gap * (len(block) - 1) / 2


def text_layer(rows: list[Spec], **mark: Any) -> Spec:
    """Text at pixel positions: ``rows`` of ``{"px", "py", "text"}``."""
    return {
        "data": {"values": rows},
        "mark": {"type": "text", "align": "left", "baseline": "middle", **mark},
        "encoding": {
            "x": {"field": "px", "type": "quantitative", "scale": None},
            "y": {"field": "py", "type": "quantitative", "scale": None},
            "text": {"field": "text", "type": "nominal"},
        },
    }


def key_layer(terms: Sequence[tuple[float, str]], top: float, chars: int, title: str) -> Spec:
    """The deal-term key under a chart: a heading and one entry per term, wrapped to ``chars``."""
    lines = [title] if terms else []
    for p, text in terms:
        for i, line in enumerate(wrap_lines(f"{_label(p)} = {text}", chars, 3)):
            lines.append(line if i == 0 else "      " + line)
    rows = [{"px": 0, "py": top + 13 * i, "text": t} for i, t in enumerate(lines)]
    layer = text_layer(rows, fontSize=10, color="#444444")
    layer["name"] = "term_key"
    return layer


def _rules(terms: Sequence[tuple[float, str]], channel: str, a: float, b: float) -> Spec:
    """Dotted rules at the terms, on the chart's own window ``a..b`` (a layer whose scale had
    no domain would widen the shared one)."""
    return {
        "name": "deal_terms",
        "data": {"values": [{"term": p, "name": f"{_label(p)} = {t}"} for p, t in terms]},
        "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#777777", "strokeWidth": 0.9},
        "encoding": {
            channel: {
                "field": "term",
                "type": "quantitative",
                "scale": {"domain": [a, b], "nice": False, "zero": False},
            },
            "tooltip": {"field": "name", "type": "nominal"},
        },
    }


def term_layers_x(
    terms: Sequence[tuple[float, str]], a: float, b: float, width: int, height: int
) -> tuple[list[Spec], int, float]:
    """Deal terms on a horizontal scale ``a..b``: rules, the numbers above the plot (staggered
    rows) and the key below it. Returns the layers, the rows the numbers take and where (px
    below the plot's top) the key ends."""
    if not terms:
        return [], 0, height + 40
    rows = stagger([p for p, _ in terms], a, b, width)
    numbers = [
        {"px": (p - a) / (b - a) * width, "py": -7 - ROW_STEP * r, "text": _label(p)}
        for (p, _), r in zip(terms, rows, strict=True)
    ]
    flags = text_layer(numbers, align="center", color=TERM_COLOUR, fontSize=10)
    flags["name"] = "term_numbers"
    chars = max(40, int(width / CHAR_WIDTH * 1.1))
    top = height + 48
    key = key_layer(terms, top, chars, "Deal terms (dotted lines):")
    return (
        [_rules(terms, "x", a, b), flags, key],
        max(rows) + 1,
        top + 13 * len(key["data"]["values"]),
    )


def term_layers_y(
    terms: Sequence[tuple[float, str]], a: float, b: float, width: int, height: int
) -> tuple[list[Spec], float]:
    """Deal terms on a vertical scale ``a..b``: rules, the numbers right of the plot (pushed
    apart when close) and the key below it; returns the layers and where the key ends."""
    if not terms:
        return [], height + 40
    py = spread([height * (1 - (p - a) / (b - a)) for p, _ in terms], 12)
    numbers = [
        {"px": width + 5, "py": y, "text": _label(p)} for (p, _), y in zip(terms, py, strict=True)
    ]
    flags = text_layer(numbers, color=TERM_COLOUR, fontSize=10)
    flags["name"] = "term_numbers"
    top = height + 48
    key = key_layer(terms, top, max(40, int(width / CHAR_WIDTH * 1.1)), "Deal terms (dotted):")
    return [_rules(terms, "y", a, b), flags, key], top + 13 * len(key["data"]["values"])
