"""accord.threads: the daemon lanes that run models and analyses side by side, and how many
threads a command uses."""

from __future__ import annotations

import multiprocessing as mp
import os

import numpy as np
import pytest

import accord
from accord import threads
from accord.simulation.montecarlo import simulate
from accord.threads import Lanes, side_by_side


def test_a_lane_runs_in_order_hands_errors_back_and_never_waits_to_stop():
    import threading
    import time

    lane = Lanes(1)
    gate, done = threading.Event(), []
    first = lane.submit(lambda: gate.wait(5) and done.append(1) or "one")
    failing = lane.submit(lambda: 1 / 0)
    later = lane.submit(done.append, 3)
    while not first.running():
        time.sleep(0.001)
    t0 = time.perf_counter()
    lane.shutdown(cancel_futures=True)  # the first is running: the others are cancelled
    assert time.perf_counter() - t0 < 0.5
    assert failing.cancelled() and later.cancelled()
    gate.set()
    assert first.result(5) == "one" and done == [1]
    lane2 = Lanes(2)
    with pytest.raises(ZeroDivisionError):
        lane2.submit(lambda: 1 / 0).result(5)
    assert lane2.submit(lambda: 7).result(5) == 7
    lane2.shutdown()


def test_side_by_side_follows_the_environment_and_stays_bounded(monkeypatch):
    monkeypatch.setenv("ACCORD_THREADS", "1")
    assert side_by_side() == 1
    monkeypatch.setenv("ACCORD_THREADS", "64")
    assert side_by_side() == threads.MAX_THREADS
    monkeypatch.delenv("ACCORD_THREADS")
    assert 1 <= side_by_side() <= threads.MAX_THREADS
    cores = len(os.sched_getaffinity(0))
    assert side_by_side() == min(cores, threads.MAX_THREADS)  # this process may use them all
    for junk in ("0", "-2", "many", ""):  # not a count: the cores decide
        monkeypatch.setenv("ACCORD_THREADS", junk)
        assert side_by_side() == min(cores, threads.MAX_THREADS), junk


def test_a_small_batch_runs_its_models_in_this_thread(monkeypatch):
    """Below SIDE_BY_SIDE_MIN_DRAWS no lane is started (a shock's one-draw evaluations)."""
    from accord.forecast import resolve_models
    from accord.simulation import montecarlo
    from accord.simulation.sampling import sample

    started = []
    monkeypatch.setattr(montecarlo, "Lanes", lambda *a, **k: started.append(a) or Lanes(*a))
    monkeypatch.setenv("ACCORD_THREADS", "2")
    scn = accord.load_scenario("ukraine-2025")
    chosen = resolve_models(["compromise", "median"], scn)
    montecarlo.evaluate(sample(scn, montecarlo.SIDE_BY_SIDE_MIN_DRAWS - 1, seed=0), chosen)
    assert started == []
    montecarlo.evaluate(sample(scn, montecarlo.SIDE_BY_SIDE_MIN_DRAWS, seed=0), chosen)
    assert len(started) == 1


def _in_a_worker(q) -> None:
    q.put(side_by_side())


def test_a_worker_process_uses_one_thread(monkeypatch):
    monkeypatch.delenv("ACCORD_THREADS", raising=False)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_in_a_worker, args=(q,))
    p.start()
    assert q.get(timeout=60) == 1
    p.join(60)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_monte_carlo_is_the_same_on_any_number_of_threads(monkeypatch, n):
    scn = accord.load_scenario("ukraine-2025")
    monkeypatch.setenv("ACCORD_THREADS", "1")
    one = simulate(scn, 96, seed=5).to_frame()
    monkeypatch.setenv("ACCORD_THREADS", str(n))
    many = simulate(scn, 96, seed=5).to_frame()
    assert one.equals(many)
    chunks = simulate(scn, 96, seed=5, chunk_size=40).to_frame()  # three chunks, on the lanes
    assert one.equals(chunks)
    assert np.isfinite(many.select_dtypes("number").to_numpy(dtype=float)).any()


def test_on_a_lane_side_by_side_is_one_so_lanes_never_nest(monkeypatch):
    """A chunk on a lane runs its models one after another: no lanes inside lanes."""
    monkeypatch.setenv("ACCORD_THREADS", "3")
    lanes = Lanes(2, "test")
    try:
        assert lanes.submit(side_by_side).result(timeout=10) == 1
    finally:
        lanes.shutdown()
    assert side_by_side() == 3
