"""The brief as a dashboard job: started by POST, watched with progress, read when it is ready.

Building the brief takes seconds (the forecast, every section's charts). Instead of a blank tab
for that long, the page starts a job and opens ``/api/briefs/{job}``, which answers with a short
page that says how far the build is and reloads itself each second, until it answers with the
brief itself. The brief is the command line's (`accord report` with its defaults: the Monte
Carlo, sensitivity and process chapters included); the progress shown names the stage
:func:`accord.report.brief.build_brief` is in and the time spent against the time the last
brief of that scenario took (said as such).
"""

from __future__ import annotations

import html
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from accord.scenario import Scenario

from .jobs import FINISHED, Job, JobCancelled

__all__ = ["BRIEF_GUESS_S", "KEEP_BRIEFS", "BriefRoom"]

#: the expected build time before any brief was built (about the short brief's, README)
BRIEF_GUESS_S = 10.0
#: finished briefs kept for reading; older ones are dropped (their job says so)
KEEP_BRIEFS = 8
#: how often the progress of a running build is updated, in seconds
TICK_S = 0.25

WAIT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="1"><title>Building the brief</title>
<style>body{{font-family:system-ui,sans-serif;margin:3em;color:#222}}
.bar{{width:320px;height:10px;background:#eee;border-radius:5px}}
.bar>div{{height:10px;background:#0072B2;border-radius:5px;width:{pct}%}}</style></head>
<body><h1>{heading}</h1><div class="bar" role="progressbar" aria-valuenow="{pct}"
aria-valuemin="0" aria-valuemax="100"><div></div></div><p id="state">{status}: {message}</p>
<p>This page reloads itself every second and shows the brief when it is ready.</p></body></html>
"""


class BriefRoom:
    """The briefs being built and the last few built, and how long each scenario's took."""

    def __init__(self, keep: int = KEEP_BRIEFS):
        self.keep = keep
        self._done: OrderedDict[str, str] = OrderedDict()
        self._took: dict[str, float] = {}
        self._lock = threading.Lock()

    def work(
        self, name: str, scn: Scenario, seed: int, *, review: Any = None
    ) -> Callable[[Job], dict[str, Any]]:
        """The job that builds the brief of ``scn`` (``name`` in the folder) with ``seed``;
        ``review``: the version's :class:`~accord.store.review.ReviewStatus`, for its section."""

        def build(job: Job) -> dict[str, Any]:
            from accord.report.brief import build_brief
            from accord.report.defaults import DEFAULT_DRAWS, DEFAULT_RUNS

            expected = self._took.get(name)
            started = time.monotonic()
            stop = threading.Event()
            stage = ["the forecast"]

            def tick() -> None:
                while not stop.wait(TICK_S):
                    spent = time.monotonic() - started
                    guess = expected or BRIEF_GUESS_S
                    said = (
                        f"the last brief of {name} took {expected:.0f} s"
                        if expected
                        else f"a brief takes about {BRIEF_GUESS_S:.0f} s"
                    )
                    try:
                        job.report(
                            min(0.95, 0.05 + 0.9 * spent / guess),
                            f"building the brief: {stage[0]}, {spent:.0f} s so far ({said})",
                        )
                    except JobCancelled:
                        return

            job.report(0.05, "building the brief: the forecast and every section's charts")
            ticker = threading.Thread(target=tick, name=f"brief-{job.id}", daemon=True)
            ticker.start()
            try:
                text = build_brief(
                    scn,
                    seed=seed,
                    draws=DEFAULT_DRAWS,
                    runs=DEFAULT_RUNS,
                    review=review,
                    on_stage=lambda what: stage.__setitem__(0, what),
                )
            finally:
                stop.set()
                ticker.join()
            job.check()
            with self._lock:
                self._took[name] = time.monotonic() - started
                self._done[job.id] = text
                while len(self._done) > self.keep:
                    self._done.popitem(last=False)
            return {"brief": f"/api/briefs/{job.id}", "bytes": len(text.encode())}

        return build

    def page(self, job: Job) -> str:
        """The brief when it is built, else a page that says how far it is and reloads."""
        if job.status == "done":
            with self._lock:
                text = self._done.get(job.id)
            if text is not None:
                return text
            return self._wait(job, "this brief is no longer kept; open the brief again", 100)
        if job.status in FINISHED:
            return self._wait(job, job.error or job.status, round(100 * job.progress), final=True)
        return self._wait(
            job, job.message or "waiting for a free worker", round(100 * job.progress)
        )

    @staticmethod
    def _wait(job: Job, message: str, pct: int, *, final: bool = False) -> str:
        page = WAIT_PAGE.format(
            pct=pct,
            heading=html.escape(f"The brief of {job.scenario}"),
            status=html.escape(job.status),
            message=html.escape(message),
        )
        if final:  # a failed or cancelled build: nothing to wait for
            page = page.replace('<meta http-equiv="refresh" content="1">', "")
            page = page.replace(
                "reloads itself every second and shows the brief when it is ready", "stopped"
            )
        return page
