"""The brief's analyses, each run once per brief: the bargaining analysis, the Monte Carlo, the
tornado and the process comparisons.

:func:`start` hands the slow ones (the Monte Carlo, the tornado, the process comparisons) to
worker processes as soon as their inputs are known, so that they run side by side while the
brief draws its charts; each ``ensure_*`` function then waits for its result, or runs the
analysis in this process when no worker took it. The brief is the same either way: every
analysis draws from its own seed, whatever runs it.
"""

from __future__ import annotations

import signal
import sys
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING, Any

from accord.models.base import not_applicable
from accord.models.registry import MODELS
from accord.threads import Lanes, run_here

from .html import BriefContext

if TYPE_CHECKING:
    from accord.scenario import Scenario

__all__ = [
    "PROCESSES",
    "batched_models",
    "ensure_bargain",
    "ensure_montecarlo",
    "ensure_process",
    "ensure_tornado",
    "mc_models",
    "process_runs",
    "start",
]

#: Processes compared in the brief, in the order the sources discuss them.
PROCESSES = ("prep-talks", "summit", "ultimatum", "mediated")


def batched_models(scenario: Scenario | None = None) -> list[str]:
    """Registered models with a batched Monte Carlo kernel (fast on many draws), among those
    that apply to ``scenario`` when one is given."""
    return [
        m.name
        for m in MODELS
        if m.tags.batched and (scenario is None or not_applicable(m, scenario) is None)
    ]


def mc_models(ctx: BriefContext) -> tuple[list[str], list[str]]:
    """(models run on the draws, models left out) by the brief's ``mc_models`` setting, among
    the models that apply to the scenario (:func:`accord.models.base.not_applicable`)."""
    everyone = [m.name for m in MODELS if not_applicable(m, ctx.scenario) is None]
    if ctx.mc_models == "all":
        return everyone, []
    fast = batched_models(ctx.scenario)
    return fast, [m for m in everyone if m not in fast]


def _negotiable(ctx: BriefContext) -> bool:
    """Every issue has a status quo, so there are packages to bargain over."""
    return all(i.status_quo is not None for i in ctx.scenario.issues)


def _uncertain(ctx: BriefContext) -> bool:
    from accord.simulation.sampling import uncertain_inputs

    return bool(uncertain_inputs(ctx.scenario))


# -- what each analysis runs -----------------------------------------------------------------------


def _montecarlo_call(ctx: BriefContext) -> tuple[Any, tuple, dict]:
    from accord.simulation.montecarlo import simulate

    models, _ = mc_models(ctx)
    kwargs = {"seed": ctx.seed, "models": ctx.models(models), "keep_partial": False}
    return simulate, (ctx.scenario, ctx.draws), kwargs


def _tornado(scenario: Any, **kwargs: Any) -> Any:
    """:func:`accord.simulation.sensitivity.tornado`, imported where it runs (pandas and the
    sensitivity module load on the lane, not on the thread handing it over)."""
    from accord.simulation.sensitivity import tornado

    return tornado(scenario, **kwargs)


def _tornado_call(ctx: BriefContext) -> tuple[Any, tuple, dict]:
    models, _ = mc_models(ctx)
    kwargs = {"models": ctx.models(models), "bargaining": _negotiable(ctx), "seed": ctx.seed}
    return _tornado, (ctx.scenario,), kwargs


def process_runs(ctx: BriefContext, opens: int | None) -> list[tuple[str, list[str]]]:
    """The process comparisons' settings as (title, overrides): talks starting now and, when a
    zone of agreement opens later (month ``opens``), talks starting then, with the scenario's
    strategies and (not in the short brief) with every party conceding early. The later ones
    are shown only when there is no zone at the start (:func:`ensure_process`)."""
    out: list[tuple[str, list[str]]] = [("now", [])]
    if opens is not None:
        out.append(("later", [f"start_month={opens}"]))
        if not ctx.short:
            out.append(("conceder", [f"start_month={opens}", "default_strategy=conceder"]))
    return out


def _process_call(ctx: BriefContext, overrides: list[str]) -> tuple[Any, tuple, dict]:
    from accord.process import compare_processes

    kwargs = {"runs": ctx.runs, "seed": ctx.seed, "overrides": overrides or None}
    return compare_processes, (ctx.scenario, PROCESSES), kwargs


def _ignore_sigint() -> None:  # worker processes: Ctrl-C is the parent's business
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start(ctx: BriefContext, workers: int) -> Executor | None:
    """With ``workers`` > 1, a pool of that many worker processes that has been handed the
    brief's slow analyses; with one worker, one thread of this process that runs the process
    comparisons and the tornado while this thread forecasts, bargains and runs the Monte Carlo
    (their heavy passes release the GIL: numpy's and the compiled kernels'). The caller shuts
    it down. None (nothing started) when there is nothing to hand over."""
    if workers <= 1:
        return _start_lane(ctx)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # forked workers start at once with everything imported so far (the brief's callers are
    # single-threaded: the web app builds its briefs with one worker); elsewhere, fresh ones
    method = "fork" if sys.platform == "linux" else "spawn"
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context(method), initializer=_ignore_sigint
    )
    calls: dict[str, tuple[Any, tuple, dict]] = {}
    if ctx.draws > 0 and _uncertain(ctx):
        calls["montecarlo"] = _montecarlo_call(ctx)
    if _uncertain(ctx):
        calls["tornado"] = _tornado_call(ctx)
    if ctx.runs > 0 and _negotiable(ctx):
        # the bargaining analysis is quick and says when a zone opens: the later settings are
        # started at once too, and dropped if talks starting now already have a zone
        opens = ensure_bargain(ctx).opens_at
        for key, overrides in process_runs(ctx, opens):
            calls[f"process:{key}"] = _process_call(ctx, overrides)
    # slowest first, so that the quick ones fill in behind them
    for key in sorted(calls, key=lambda k: k != "montecarlo"):
        fn, args, kwargs = calls[key]
        ctx.pending[key] = pool.submit(fn, *args, **kwargs)
    return pool


def _start_lane(ctx: BriefContext) -> Executor | None:
    """One background thread for the analyses the brief needs last (:func:`start`): the process
    comparison of talks starting now at once; the later settings and the tornado once the
    bargaining analysis says when a zone opens (:func:`_feed_lane`, from :func:`ensure_bargain`),
    so the lane works while this thread forecasts and bargains."""
    negotiable = ctx.runs > 0 and _negotiable(ctx)
    if not negotiable and not _uncertain(ctx):
        return None
    lane = Lanes(1, "accord-brief")
    ctx.lane = lane
    if negotiable:
        ctx.pending["process:now"] = _hand(lane, _process_call(ctx, []))
    else:
        _feed_lane(ctx)
    return lane


def _hand(lane: Executor, call: tuple[Any, tuple, dict]) -> Future:
    fn, args, kwargs = call
    return lane.submit(fn, *args, **kwargs)


def _feed_lane(ctx: BriefContext) -> None:
    """Hand the lane what waited on the bargaining analysis: the later process settings (when a
    zone opens later) and the tornado (page one's "what would change them"). Once."""
    lane, ctx.lane = ctx.lane, None
    if lane is None:
        return
    if ctx.runs > 0 and ctx.bargain is not None:
        for key, overrides in process_runs(ctx, ctx.bargain.opens_at)[1:]:
            ctx.pending[f"process:{key}"] = _hand(lane, _process_call(ctx, overrides))
    if _uncertain(ctx):
        ctx.pending["tornado"] = _hand(lane, _tornado_call(ctx))


def _result(ctx: BriefContext, key: str, call: tuple[Any, tuple, dict]) -> Any:
    """The pending result of ``key``, or ``call`` run here: also when it was handed on but has
    not started (the helper is busy with another call, so this thread would only wait)."""
    fut: Future | None = ctx.pending.pop(key, None)
    if fut is not None and not fut.cancel():
        return fut.result()
    fn, args, kwargs = call
    return fn(*args, **kwargs)


# -- the results -----------------------------------------------------------------------------------


def ensure_bargain(ctx: BriefContext) -> Any:
    """The bargaining analysis (ZOPA, solutions, ripeness); None without a status quo."""
    from accord.bargaining import analyse

    if ctx.bargain is None and _negotiable(ctx):
        ctx.stage("bargaining analysis")
        ctx.bargain = analyse(ctx.scenario, months=ctx.months)
        _feed_lane(ctx)
    return ctx.bargain


def ensure_montecarlo(ctx: BriefContext) -> Any:
    """The Monte Carlo of the brief's models; None with no draws or no uncertain inputs."""
    if ctx.montecarlo is None and ctx.draws > 0 and _uncertain(ctx):
        ctx.stage(f"Monte Carlo, {ctx.draws:,} draws")
        ctx.montecarlo = _result(ctx, "montecarlo", _montecarlo_call(ctx))
    return ctx.montecarlo


def ensure_tornado(ctx: BriefContext) -> Any:
    """The tornado of every Monte Carlo model (the consensus too) and of the bargaining outputs
    (the opening month, the Nash package), run once per brief; None without uncertain inputs."""
    if ctx.tornado is None and _uncertain(ctx):
        ctx.stage("sensitivity (tornado)")
        ctx.tornado = _result(ctx, "tornado", _tornado_call(ctx))
    return ctx.tornado


def ensure_process(ctx: BriefContext) -> list[tuple[str, Any]] | None:
    """[(key, ProcessComparison)]: talks starting now and, if there is no zone then but one
    opens later, the two later settings of :func:`process_runs`; None with no runs or no status
    quo."""
    if ctx.process is None and ctx.runs > 0 and _negotiable(ctx):
        runs = process_runs(ctx, ensure_bargain(ctx).opens_at)
        busy = ctx.pending.get("process:now")
        if busy is not None and not busy.done() and len(runs) > 1:
            # the lane is on talks starting now: this thread takes the last setting queued
            # behind it (the lane takes the others next), then the Monte Carlo it needs anyway
            key, overrides = runs[-1]
            fut = ctx.pending.get(f"process:{key}")
            if fut is not None and fut.cancel():
                fn, args, kwargs = _process_call(ctx, overrides)
                ctx.pending[f"process:{key}"] = run_here(fn, *args, **kwargs)
        if busy is not None and not busy.done():
            ensure_montecarlo(ctx)
        ctx.stage(f"process comparisons, {ctx.runs:,} runs each")
        now = _result(ctx, "process:now", _process_call(ctx, []))
        out = [("now", now)]
        if now.zone_at_start == 0:
            out += [(k, _result(ctx, f"process:{k}", _process_call(ctx, o))) for k, o in runs[1:]]
        for k, _ in runs[1:]:
            fut = ctx.pending.pop(f"process:{k}", None)
            if fut is not None:
                fut.cancel()
        ctx.process = out
    return ctx.process
