"""Daemon threads that run calls side by side in this process.

The heavy passes of the models and the analyses release the GIL (numpy's loops, the compiled
kernels of :mod:`accord.jit`), so two calls on two threads use two cores. Every call draws from
its own seed, so what runs where never shows in a number.

:class:`Lanes` is a tiny executor of daemon threads: shutting it down cancels what has not
started and never waits, so a Ctrl-C stops a command at once (a call still running ends with
the process). :func:`side_by_side` is how many threads a command uses by default.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

__all__ = ["MAX_THREADS", "Lanes", "run_here", "side_by_side"]

#: at most this many threads side by side, however many cores the machine has
MAX_THREADS = 4

_HERE = threading.local()  # ``lane``: this thread is one of a :class:`Lanes`


def side_by_side() -> int:
    """Threads to use: the cores this process may run on (at most :data:`MAX_THREADS`), or 1
    on a lane or in a worker process (the caller already spreads the work over the cores) or
    with ``ACCORD_THREADS=1``."""
    if getattr(_HERE, "lane", False):  # already on a lane: its caller spreads the work
        return 1
    env = os.environ.get("ACCORD_THREADS", "").strip()
    if env.isdigit() and int(env) >= 1:
        return min(int(env), MAX_THREADS)
    if multiprocessing.parent_process() is not None:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def run_here(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
    """``fn(*args, **kwargs)`` run in this thread, as a done future (its result or its
    exception), for code that takes futures whether or not a lane ran the call."""
    fut: Future = Future()
    try:
        fut.set_result(fn(*args, **kwargs))
    except Exception as exc:
        fut.set_exception(exc)
    return fut


class Lanes(Executor):
    """``n`` daemon threads that take the calls handed to them in order."""

    def __init__(self, n: int = 1, name: str = "accord") -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._n = n
        for k in range(n):
            threading.Thread(target=self._work, name=f"{name}-{k}", daemon=True).start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        fut: Future = Future()
        self._queue.put((fut, fn, args, kwargs))
        return fut

    def _work(self) -> None:
        _HERE.lane = True
        while (item := self._queue.get()) is not None:
            fut, fn, args, kwargs = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to whoever waits on the result
                fut.set_exception(exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """End the threads once they are idle; ``cancel_futures``: cancel what has not started.
        Never waits (``wait`` is accepted for the Executor interface)."""
        if cancel_futures:
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    item[0].cancel()
        for _ in range(self._n):
            self._queue.put(None)
