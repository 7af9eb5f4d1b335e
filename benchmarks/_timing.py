"""Timing helper shared by the benchmark scripts: median of repeated runs."""

from __future__ import annotations

import statistics
import time


def timed(fn, repeat: int):
    """(median seconds, last result) of ``repeat`` calls of ``fn``."""
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out
