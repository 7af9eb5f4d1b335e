"""Static rendering of the chart specs for the brief and for files, offline, by vl-convert
(the Vega and Vega-Lite runtimes bundled in a Rust library: no browser, no network).

vl-convert is imported on first use, so ``import accord`` and the commands that draw no chart
never load it; it comes with the ``plot`` extra.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

__all__ = ["PNG_SCALE", "to_png", "to_svg", "unique_ids"]

#: PNG files are drawn at twice the spec's pixel size, so they stay sharp when printed.
PNG_SCALE = 2.0
_IDS = re.compile(r'\bid="([^"]+)"')
_COUNTER = itertools.count(1)


def _converter() -> Any:
    try:
        import vl_convert
    except ImportError as e:  # pragma: no cover - the plot extra brings it
        raise ImportError(
            "drawing charts needs vl-convert-python: pip install 'accord[plot]'"
        ) from e
    return vl_convert


def unique_ids(svg: str, prefix: str) -> str:
    """Every ``id`` in ``svg`` (clip paths, gradients) and each reference to it, prefixed, so
    that many charts inline in one HTML page never share an id."""
    for old in sorted(set(_IDS.findall(svg)), key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(
            f'href="#{old}"', f'href="#{new}"'
        )
    return svg


def to_svg(spec: dict[str, Any], *, prefix: str | None = None) -> str:
    """The chart as one ``<svg>`` element, for inlining in HTML; ids prefixed by ``prefix``
    (a fresh ``chartN`` by default)."""
    svg = _converter().vegalite_to_svg(spec, allowed_base_urls=[])
    svg = svg[svg.index("<svg") :]
    return unique_ids(svg, prefix or f"chart{next(_COUNTER)}")


def to_png(spec: dict[str, Any], path: str | Path, *, scale: float = PNG_SCALE) -> None:
    """The chart as a PNG file."""
    data = _converter().vegalite_to_png(spec, scale=scale, allowed_base_urls=[])
    Path(path).write_bytes(data)
