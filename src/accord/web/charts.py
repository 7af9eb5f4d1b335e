"""The dashboard's charts: the Vega runtime for the page, and the bargaining map of any pair.

The analyses put the Vega-Lite specs of their charts into their results (the same functions of
:mod:`accord.charts` that the brief draws with); the page embeds them with vega-embed. The
runtime (Vega, Vega-Lite and vega-embed) is the one vl-convert bundles: it is built on first
request (a second or two, warmed at server start) and kept in memory, never committed to the
repository and never fetched from a CDN. Vega's expression interpreter lets the page run under a
CSP without ``'unsafe-eval'`` (vega-embed's ``ast: true``).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException
from fastapi.responses import Response

from accord.charts import map_spec

__all__ = ["add_chart_routes", "vega_bundle", "warm_vega_bundle"]

#: vega-embed, Vega-Lite and Vega as globals (``vegaEmbed``, ``vegaLite``, ``vega``).
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
_LOCK = threading.Lock()


@cache
def _bundle() -> str:
    import vl_convert

    # in a function of its own: the bundle's top-level names must not clash with the page's
    return "(() => {\n" + vl_convert.javascript_bundle(BUNDLE_SNIPPET) + "\n})();\n"


def vega_bundle() -> str | None:
    """The Vega runtime as one script, or None without vl-convert (the ``plot`` extra)."""
    try:
        import vl_convert  # noqa: F401
    except ImportError:
        return None
    with _LOCK:  # one build, however many requests arrive while it runs
        return _bundle()


def warm_vega_bundle() -> None:
    """Build the runtime in the background, so the first page load does not wait for it."""
    threading.Thread(target=vega_bundle, name="vega-bundle", daemon=True).start()


def add_chart_routes(app: FastAPI) -> None:
    @app.get("/static/vega.js", include_in_schema=False)
    def vega_js() -> Response:
        text = vega_bundle()
        if text is None:
            raise HTTPException(404, "the charts need vl-convert: pip install 'accord[plot]'")
        return Response(
            text,
            media_type="application/javascript",
            headers={"cache-control": "private, max-age=86400"},
        )

    @app.post("/api/charts/bargaining-map", summary="The bargaining map of two chosen parties")
    def bargaining_map(
        frame: Annotated[dict[str, Any], Body()],
        x: Annotated[str, Body(max_length=200)],
        y: Annotated[str, Body(max_length=200)],
        title: Annotated[str, Body(max_length=200)] = "Bargaining map",
    ) -> dict[str, Any]:
        """``frame``: the ``map`` of a bargaining result; ``x``, ``y``: two of its parties."""
        try:
            return map_spec(frame, x, y, title)
        except (KeyError, TypeError, ValueError) as e:
            raise HTTPException(422, f"frame, x and y: {e}") from e
