"""Static rendering of the chart specs for the brief and for files, offline, by vl-convert
(the Vega and Vega-Lite runtimes bundled in a Rust library: no browser, no network).

vl-convert holds the GIL for a whole conversion (its first call, which starts its JavaScript
runtime, takes a second or more), so a Ctrl-C could not stop the command meanwhile. The
conversions therefore run in one child process, started on first use (:func:`start` starts it
early) and reused; the parent waits for each answer in short, interruptible steps, and on an
interrupt stops the child and goes on with the interrupt.

vl-convert is imported only in that child, so ``import accord`` and the commands that draw no
chart never load it; it comes with the ``plot`` extra.
"""

from __future__ import annotations

import importlib.util
import itertools
import multiprocessing
import re
import threading
from pathlib import Path
from typing import Any

__all__ = ["PNG_SCALE", "start", "stop", "to_png", "to_svg", "unique_ids"]

#: PNG files are drawn at twice the spec's pixel size, so they stay sharp when printed.
PNG_SCALE = 2.0
#: How often (seconds) the parent looks up from waiting for the renderer.
POLL = 0.05
_IDS = re.compile(r'\bid="([^"]+)"')
_COUNTER = itertools.count(1)
_LOCK = threading.Lock()
_CHILD: list[Any] = []  # [process, connection] while the renderer runs


def _serve(conn: Any) -> None:
    """The renderer: converts each ``(kind, spec, scale)`` it receives until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C stops
    import vl_convert

    # the first conversion starts the JavaScript runtime (a second or more): do it now, on an
    # empty chart, so that a renderer started early (:func:`start`) is warm when the brief's
    # first chart arrives, instead of starting then
    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": []}}, allowed_base_urls=[])
    while True:
        try:
            kind, spec, scale = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if kind == "svg":
                out: Any = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
            else:
                out = vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])
            conn.send((True, out))
        except Exception as e:  # handed to the parent, which raises it
            conn.send((False, f"{type(e).__name__}: {e}"))


def start() -> None:
    """Start the renderer now (its runtime warms up while the caller works on)."""
    with _LOCK:
        _child()


def stop() -> None:
    """Stop the renderer (the next conversion starts a new one)."""
    with _LOCK:
        _stop()


def _child() -> tuple[Any, Any]:
    if _CHILD and _CHILD[0].is_alive():
        return _CHILD[0], _CHILD[1]
    _stop()
    if importlib.util.find_spec("vl_convert") is None:
        raise ImportError("drawing charts needs vl-convert-python: pip install 'accord[plot]'")
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child,), name="accord-chart-renderer", daemon=True)
    proc.start()
    child.close()
    _CHILD[:] = [proc, parent]
    return proc, parent


def _stop() -> None:
    if _CHILD:
        proc, conn = _CHILD
        conn.close()
        proc.terminate()
        proc.join(1)
        _CHILD.clear()


def _convert(kind: str, spec: dict[str, Any], scale: float = 1.0) -> Any:
    with _LOCK:
        proc, conn = _child()
        try:
            conn.send((kind, spec, scale))
            while not conn.poll(POLL):  # a Ctrl-C lands here, between two polls
                if not proc.is_alive():
                    raise RuntimeError("the chart renderer stopped")
            ok, out = conn.recv()
        except BaseException:
            _stop()
            raise
    if not ok:
        raise ValueError(f"the chart could not be drawn: {out}")
    return out


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
    svg = _convert("svg", spec)
    svg = svg[svg.index("<svg") :]
    return unique_ids(svg, prefix or f"chart{next(_COUNTER)}")


def to_png(spec: dict[str, Any], path: str | Path, *, scale: float = PNG_SCALE) -> None:
    """The chart as a PNG file."""
    Path(path).write_bytes(_convert("png", spec, scale))
