"""Monte Carlo over every uncertain input: every model and the bargaining analysis on each draw.

:func:`simulate` draws ``N`` versions of a scenario (:mod:`accord.simulation.sampling`), runs
each requested model and, when available, the bargaining analysis on every draw, and returns a
:class:`SimulationResult` with the per-draw outputs and their summaries: quantiles per issue and
model, the probability that a zone of agreement exists, the probability that each actor's red
line is breached by a forecast, and the distribution of the Nash package.

**One protocol.** Every model is called through ``forecast_arrays(arrays) -> ndarray (D, m)``
(:class:`accord.models.base.Forecaster`): one forecast per draw and issue of a
:class:`~accord.scenario.arrays.ScenarioArrays` batch. Models with a batched kernel run every
draw at once; the others run each draw with its own random stream
(``SeedSequence(seed, spawn_key=(d, crc32(model name)))``). Shocks reach the models their tags
declare ``round_based`` at their round, the others as the state after every shock.

**Reproducibility.** The draws are cut into chunks of ``chunk_size`` whose boundaries depend on
``N`` and ``chunk_size`` only; each chunk is computed by the same code whichever worker runs it,
and each draw uses only its own streams. So the result is bit-identical for 1, 2 or 4 local
worker processes and on any Dask cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.bargaining.arrays import RIPENESS_MONTHS, analyse_arrays
from accord.models.base import Forecaster, with_default_options
from accord.rng import model_stream
from accord.scenario import Scenario
from accord.scenario.shocks import Shock, ShockSchedule
from accord.threads import Lanes, run_here, side_by_side

from .pool import WorkerPool
from .results import QUANTILES, SimulationResult
from .sampling import Draws, UncertainInput, sample, uncertain_inputs

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "QUANTILES",
    "ChunkResult",
    "SimulationResult",
    "batch_forecast",
    "evaluate",
    "model_stream",
    "simulate",
]

log = logging.getLogger(__name__)

#: Largest default chunk. With workers (local or Dask) the default chunk size is N/8 rounded
#: up, between 64 and 1024 draws, so that even short runs of slow per-draw models split into
#: enough chunks to keep several workers busy; in this process alone it is N up to 1024, since
#: every chunk pays the models' fixed per-round costs once (1,000 draws of the default scenario:
#: 4.9 s in chunks of 125, 3.2–3.5 s in one). Each draw uses only its own streams and every
#: model is batch-invariant, so the numbers do not depend on the chunk size (tested).
DEFAULT_CHUNK_SIZE = 1024
MIN_CHUNK_SIZE = 64
TARGET_CHUNKS = 8


#: Fewer draws than this run their models one after the other in this thread: starting the
#: lanes costs more than a small batch's models take.
SIDE_BY_SIDE_MIN_DRAWS = 32


#: Largest chunk of a run in this process alone.
MAX_ALONE_CHUNK_SIZE = 8192


def default_chunk_size(draws: int) -> int:
    """The chunk size with workers: N/8, between 64 and 1024 draws."""
    return int(min(DEFAULT_CHUNK_SIZE, max(MIN_CHUNK_SIZE, -(-draws // TARGET_CHUNKS))))


def alone_chunk_size(draws: int, threads: int | None = None) -> int:
    """The chunk size in this process alone: every draw up to 1024 (one chunk, its models side
    by side on the lanes), else two chunks a lane (:func:`~accord.threads.side_by_side`), each
    at least 1024 and at most :data:`MAX_ALONE_CHUNK_SIZE` draws; the chunks then run side by
    side, a lane each. Fewer, larger chunks pay the models' fixed costs fewer times."""
    lanes = side_by_side() if threads is None else threads
    if draws <= DEFAULT_CHUNK_SIZE:
        return max(1, draws)
    return int(min(MAX_ALONE_CHUNK_SIZE, max(DEFAULT_CHUNK_SIZE, -(-draws // (2 * lanes)))))


# -- the models on a batch ---------------------------------------------------------------------


def batch_forecast(model: Forecaster, draws: Draws) -> np.ndarray:
    """(D, issues) forecasts of ``model`` on every draw, through its one array entry point.

    What the model sees follows its declared tags: a round-based model gets the draws with
    their shock schedule, a one-shot model the state after every shock
    (:meth:`~accord.scenario.arrays.ScenarioArrays.for_model`).
    """
    return np.asarray(model.forecast_arrays(draws.for_model(model.tags.round_based)), dtype=float)


# -- one chunk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkTask:
    scenario: Scenario
    inputs: tuple[UncertainInput, ...]
    models: tuple[Forecaster, ...]
    seed: int | None
    index: np.ndarray
    shocks: tuple[Shock, ...] = ()
    bargaining: bool = True


@dataclass(frozen=True)
class ChunkResult:
    index: np.ndarray
    values: np.ndarray
    forecasts: np.ndarray  # (D, models, issues)
    bargain: dict[str, np.ndarray]  # zopa (D,), nash (D, issues), ...


def evaluate(
    draws: Draws,
    models: Sequence[Forecaster],
    *,
    shocks: Sequence[Shock] = (),
    bargaining: bool = True,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Every model's forecasts (D, models, issues) and the bargaining outputs on ``draws``.

    With shocks, one-shot models and the bargaining analysis see the state after every shock,
    round-based models get the per-round schedule (:mod:`accord.simulation.shocks`).
    """
    schedule = ShockSchedule(tuple(shocks))
    scheduled = draws.with_schedule(schedule if schedule else None)
    out = np.empty((draws.n_draws, len(models), len(draws.scenario.issues)))
    done: dict[str, np.ndarray] = {}  # forecasts of models run with their default options
    own = [j for j, m in enumerate(models) if not m.tags.combines]
    one_shot = scheduled.for_model(round_based=False)
    # threads pay only on a batch: one draw (a shock's before/after, a tornado end) runs here
    many = len(own) + bargaining > 1 and draws.n_draws >= SIDE_BY_SIDE_MIN_DRAWS
    threads = side_by_side() if many else 1
    lanes = Lanes(threads, "accord-models") if threads > 1 else None
    try:  # the models (and the bargaining analysis) side by side on the lanes, if any
        run = lanes.submit if lanes is not None else run_here
        futures = {j: run(batch_forecast, models[j], scheduled) for j in own}
        deal = run(analyse_arrays, one_shot, months=RIPENESS_MONTHS) if bargaining else None
        for j in own:
            out[:, j] = futures[j].result()
            if with_default_options(models[j]):
                done[models[j].name] = out[:, j]
        bargain = deal.result() if deal is not None else {}
    finally:
        if lanes is not None:
            lanes.shutdown(cancel_futures=True)
    for j, m in enumerate(models):  # a combining model reuses its components' forecasts
        if m.tags.combines:
            if all(name in done for name in m.components()):
                out[:, j] = m.combine(done)
            else:
                out[:, j] = batch_forecast(m, scheduled)
    return out, bargain


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Sample and evaluate one chunk of draws (runs in a worker process or on a Dask worker)."""
    draws = sample(task.scenario, task.index, seed=task.seed, inputs=list(task.inputs))
    fc, bargain = evaluate(draws, task.models, shocks=task.shocks, bargaining=task.bargaining)
    return ChunkResult(task.index, draws.values, fc, bargain)


# -- the driver ------------------------------------------------------------------------------------


def _chunks(index: np.ndarray, size: int) -> list[np.ndarray]:
    return [index[i : i + size] for i in range(0, len(index), size)]


def simulate(
    scenario: Scenario,
    draws: int,
    *,
    seed: int | None = 0,
    models: Sequence[str | Forecaster] | None = None,
    workers: int = 1,
    dask: Any = None,
    chunk_size: int | None = None,
    shocks: Sequence[Shock] = (),
    bargaining: bool = True,
    progress: bool | None = False,
    index: np.ndarray | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
    keep_partial: bool = True,
) -> SimulationResult:
    """Run every model (and the bargaining analysis) on ``draws`` draws of ``scenario``.

    ``workers`` > 1 uses local worker processes; ``dask`` is a ``distributed.Client`` or a
    scheduler address, and chunks then run on that cluster. The result does not depend on
    either (see the module docstring). Ctrl-C (KeyboardInterrupt) stops the run: the finished
    chunks are kept and the result is marked ``complete=False`` (``keep_partial=False``: the
    interrupt goes on to the caller instead, for analyses that would otherwise answer from part
    of their draws). ``index`` restricts the run to
    the given draw numbers (used to re-run an interrupted run's finished draws).
    ``progress`` shows a tqdm bar on stderr (None: only when stderr is a terminal).
    ``chunk_size`` defaults to :func:`default_chunk_size` of the number of draws with workers,
    to the number of draws (at most :data:`DEFAULT_CHUNK_SIZE`) without.
    """
    from time import perf_counter

    from accord.forecast import resolve_models

    if draws < 0:
        raise ValueError(f"draws must be zero or more, got {draws}")
    if chunk_size is None:
        n = draws if index is None else len(index)
        alone = dask is None and workers <= 1
        chunk_size = alone_chunk_size(n) if alone else default_chunk_size(n)
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    chosen = tuple(resolve_models(models, scenario))
    inputs = tuple(uncertain_inputs(scenario))
    idx = np.arange(draws, dtype=np.int64) if index is None else np.asarray(index, dtype=np.int64)
    pieces = _chunks(idx, chunk_size)
    tasks = [
        ChunkTask(scenario, inputs, chosen, seed, p, tuple(shocks), bargaining) for p in pieces
    ]
    n_issues, n_models = len(scenario.issues), len(chosen)

    done: dict[int, ChunkResult] = {}
    complete = True
    t0 = perf_counter()
    bar = _progress_bar(len(idx), progress)
    try:
        with closing(_execute(tasks, workers, dask)) as chunks:  # closed: the workers end now
            for k, res in chunks:
                done[k] = res
                bar.update(len(res.index))
                if on_chunk is not None:
                    on_chunk(len(done), len(tasks))
    except KeyboardInterrupt:
        if not keep_partial:
            raise
        complete = False
        log.warning("interrupted: keeping %d of %d chunks", len(done), len(tasks))
    finally:
        bar.close()
    elapsed = perf_counter() - t0

    order = sorted(done)
    if order:
        index_out = np.concatenate([done[k].index for k in order])
        values = np.concatenate([done[k].values for k in order])
        forecasts = np.concatenate([done[k].forecasts for k in order])
        keys = done[order[0]].bargain.keys()
        bargain = {key: np.concatenate([done[k].bargain[key] for k in order]) for key in keys}
    else:
        index_out = np.empty(0, dtype=np.int64)
        values = np.empty((0, len(inputs)))
        forecasts = np.empty((0, n_models, n_issues))
        bargain = {}
    return SimulationResult(
        scenario=scenario,
        inputs=inputs,
        models=tuple(m.name for m in chosen),
        model_params={m.name: m.get_params() for m in chosen},
        seed=seed,
        n_requested=len(idx),
        chunk_size=chunk_size,
        index=index_out,
        values=values,
        forecasts=forecasts,
        bargain=bargain,
        shocks=tuple(shocks),
        bargaining=bargaining,
        complete=complete,
        timings={"total_s": elapsed},
    )


def _progress_bar(total: int, progress: bool | None):
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit="draw",
        file=__import__("sys").stderr,
        disable=(None if progress is None else not progress),
        desc="simulating",
        mininterval=0.2,
    )


def _execute(tasks: list[ChunkTask], workers: int, dask: Any):
    """Yield (chunk number, result) as chunks finish, in any order."""
    if dask is not None:
        yield from _execute_dask(tasks, dask)
    elif workers <= 1 or len(tasks) <= 1:
        threads = min(side_by_side(), len(tasks))
        if threads > 1:
            yield from _execute_lanes(tasks, threads)
        else:
            for k, t in enumerate(tasks):
                yield k, run_chunk(t)
    else:
        yield from _execute_local(tasks, workers)


def _execute_lanes(tasks: list[ChunkTask], threads: int):
    """Chunks side by side on this process's threads, a chunk to a lane (inside it, its models
    run one after another: no lane idles while another finishes a chunk's slowest model)."""
    lanes = Lanes(threads, "accord-chunks")
    try:
        futures = {lanes.submit(run_chunk, t): k for k, t in enumerate(tasks)}
        for f in as_completed(futures):
            yield futures[f], f.result()
    finally:
        lanes.shutdown(cancel_futures=True)


def _execute_local(tasks: list[ChunkTask], workers: int):
    """Chunks on local worker processes (:class:`~accord.simulation.pool.WorkerPool`): an
    interrupt or any error ends the workers at once and leaves no thread behind."""
    pool: WorkerPool[ChunkTask, ChunkResult] = WorkerPool(
        run_chunk, min(workers, len(tasks)), preload=["accord.simulation.montecarlo"]
    )
    with pool:
        yield from pool.imap_unordered(tasks)


def _execute_dask(tasks: list[ChunkTask], dask: Any):
    from distributed import Client
    from distributed import as_completed as dask_completed

    own = not isinstance(dask, Client)
    client = Client(dask) if own else dask
    futures = []
    try:
        futures = [client.submit(run_chunk, t, pure=False) for t in tasks]
        number = {f.key: k for k, f in enumerate(futures)}
        for f in dask_completed(futures):
            yield number[f.key], f.result()
    finally:
        for f in futures:
            if not f.done():
                f.cancel()
        if own:
            client.close()
