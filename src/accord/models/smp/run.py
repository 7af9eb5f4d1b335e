"""The SMP's run loop: turns until KTAB's stopping rule, for D runs in lock-step.

:func:`run_batch` is the loop (``Model::run`` with ``SMPModel::configExec``, ``smpStopFn``):
each draw stops on its own; ideals follow positions (``SMPState::newIdeals``); stochastic
transitions draw from each run's own generator; a ``states`` hook changes who is present,
saliences and capabilities between turns (shocks); traces are recorded when asked.
:func:`run_smp` is one run (D = 1) with its full trace, :func:`run_smp_batch` many runs'
forecasts with KTAB's options.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...jit import MIN_CASES
from ..base import as_generator
from ._compiled import MAX_AXIS, kernel, state_distance
from .constants import CAPABILITY_UNIT
from .equations import forecast_position
from .kernel import Report, SMPOptions, Turn, report, turn, utilities

__all__ = [
    "SMPBargain",
    "SMPRun",
    "TurnStates",
    "BatchStates",
    "BatchRun",
    "run_batch",
    "run_smp",
    "run_smp_batch",
]

log = logging.getLogger("accord.models.smp")
Array = np.ndarray

#: Shocks inside a run: turn -> (present actors (n,), saliences (n, m), capabilities (n,)).
TurnStates = Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]]
#: The same for D runs: turn -> (present (D, n), saliences (D, n, m), capabilities (D, n)).
BatchStates = Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]]
_PERSPECTIVE = {"InitOnlyInterp": ("initiator",), "InitRcvrInterp": ("initiator", "receiver"),
                "PWCompInterp": ("compromise",)}  # fmt: skip


@dataclass(frozen=True)
class SMPBargain:
    """A bargain proposed in one turn (indices in the run's actor order, positions on 0..1)."""

    turn: int
    initiator: int
    receiver: int
    initiator_position: np.ndarray
    receiver_position: np.ndarray
    gain: float
    probability: float
    perspective: str = "initiator"


@dataclass
class SMPRun:
    """A whole run: states 0..T of positions (on 0..1), probabilities, risk attitudes, bargains."""

    actor_ids: tuple[str, ...]
    dims: tuple[str, ...]
    positions: np.ndarray  # (T+1, n, m) on 0..1
    ideals: np.ndarray  # (T+1, n, m)
    win_probability: np.ndarray  # (T+1, n): probability of each actor's position (KTAB's report)
    risk: np.ndarray  # (T+1, n): R per state
    bargains: list[list[SMPBargain]] = field(default_factory=list)  # proposed, per turn 1..T
    adopted: list[dict[int, SMPBargain]] = field(default_factory=list)  # per turn: actor -> bargain
    queue_probability: list[dict[int, float]] = field(default_factory=list)  # actor -> P(choice)
    unique: list[np.ndarray] = field(default_factory=list)  # per state: unique positions' indices
    unique_probability: list[np.ndarray] = field(default_factory=list)  # per state: their PCE

    @property
    def turns(self) -> int:
        return self.positions.shape[0] - 1


@dataclass
class BatchRun:
    """D runs: final positions (D, n, m), KTAB's report of each final state, turns (D,), and
    one :class:`SMPRun` per draw when traces were asked for."""

    positions: np.ndarray
    final: Report
    turns: np.ndarray
    traces: list[SMPRun] | None = None

    def forecast(self, rule: str = "most_probable") -> tuple[np.ndarray, np.ndarray]:
        """(D, m) forecasts on 0..1 by the forecast rule, and their probabilities."""
        return forecast_position(self.positions, self.final.unique_probability, rule)


class _Trace:
    """Per-draw lists of states and turns (only when traces are asked for)."""

    def __init__(self, n_draws: int, o: SMPOptions):
        self.o = o
        self.states: list[dict[str, list[Any]]] = [
            {k: [] for k in ("x", "ideal", "win", "risk", "uniq", "p_u")} for _ in range(n_draws)
        ]
        self.runs = [SMPRun((), (), *(np.empty(0),) * 4) for _ in range(n_draws)]

    def state(self, live: Array, x: Array, ideal: Array, r: Array, rep: Report) -> None:
        for row, dd in enumerate(live):
            s, uniq = self.states[dd], np.flatnonzero(rep.unique[row])
            s["x"].append(x[row].copy())
            s["ideal"].append(ideal[row].copy())
            s["win"].append(rep.win_probability[row])
            s["risk"].append(r[row].copy())
            self.runs[dd].unique.append(uniq)
            self.runs[dd].unique_probability.append(rep.unique_probability[row, uniq])

    def turn(self, t: int, live: Array, tr: Turn) -> None:
        kinds = _PERSPECTIVE[self.o.bargain_model]
        for row, dd in enumerate(live):
            made: dict[int, SMPBargain] = {}
            for i in np.flatnonzero(tr.active[row]).tolist():
                g, p, j = (
                    float(tr.gain[row, i]),
                    float(tr.probability[row, i]),
                    int(tr.target[row, i]),
                )
                for b, kind in enumerate(kinds):
                    s = i * tr.per_initiator + b
                    pi, pr = tr.slot_initiator_position[row, s], tr.slot_receiver_position[row, s]
                    made[s] = SMPBargain(t, i, j, pi, pr, g, p, kind)
            run = self.runs[dd]
            run.bargains.append(list(made.values()))
            ch = {int(k): int(tr.chosen[row, k]) for k in np.flatnonzero(tr.chosen[row] >= 0)}
            run.adopted.append({k: made[s] for k, s in ch.items()})
            run.queue_probability.append({k: float(tr.chosen_probability[row, k]) for k in ch})

    def finish(self) -> list[SMPRun]:
        for run, s in zip(self.runs, self.states, strict=True):
            run.positions, run.ideals = np.array(s["x"]), np.array(s["ideal"])
            run.win_probability, run.risk = np.array(s["win"]), np.array(s["risk"])
        return self.runs


def _draws(rngs: Sequence[np.random.Generator], live: Array, act: Array) -> Array:
    """Uniform numbers (live, n) for the stochastic choice: each run's present actors, in
    order, from its own generator (``rng.random(n_present)`` a turn, as one run alone)."""
    u = np.zeros(act.shape)
    for row, dd in enumerate(live):
        k = np.flatnonzero(act[row])
        u[row, k] = rngs[dd].random(len(k))
    return u


def _store(fin: Report, where: Any, rep: Report, rows: Any) -> None:
    fin.win_probability[where] = rep.win_probability[rows]
    fin.unique[where] = rep.unique[rows]
    fin.unique_probability[where] = rep.unique_probability[rows]


def _finish(
    done: Array, stop: Array, t: int, state: tuple[Array, ...], out: tuple[Array, ...], turns: Array
) -> None:
    """Write the runs that stop at turn ``t`` (rows ``stop``, indices, of the live ``state``)
    back into ``out`` = (x, ideal, d, r, rhat) at ``done``, and their number of turns."""
    new, new_ideal, _, _, _, _, d_n, r_n, rh_n = state
    for full, part in zip(out, (new, new_ideal, d_n, r_n, rh_n), strict=True):
        full[done] = np.take(part, stop, axis=0)
    turns[done] = t


def _moved(new: Array, old: Array) -> Array:
    """How far a turn moved each run: the sum over actors of the Euclidean distances
    ([KTAB] ``SMPModel::stateDist``); compiled for ``MIN_CASES`` runs or more (the same
    numbers)."""
    k = kernel(state_distance) if len(new) >= MIN_CASES and max(new.shape[1:]) <= MAX_AXIS else None
    if k is None:
        return np.sqrt(((new - old) ** 2).sum(axis=-1)).sum(axis=-1)  # [KTAB] stateDist
    out = np.empty(len(new))
    k(new, old, out)
    return out


def _new_ideals(acc: Array | None, new: Array, ideal: Array) -> Array:
    if acc is None:
        return new.copy()
    keep = np.clip(1.0 - acc.sum(axis=-1), 0.0, 1.0)[..., None]
    return np.matmul(acc, new) + keep * ideal  # [KTAB] SMPState::newIdeals: A pos + (1 − ΣA) ideal


def run_batch(
    x: Array,
    sal: Array,
    cap: Array,
    *,
    options: SMPOptions | None = None,
    accommodation: Array | None = None,
    rngs: Sequence[np.random.Generator] | None = None,
    states: BatchStates | None = None,
    record: bool = False,
    min_turns: int = 2,
    max_turns: int = 100,
    stop_ratio: float = 0.02,
    min_significant_delta: float = 1e-4,
) -> BatchRun:
    """D runs in lock-step: ``x``, ``sal`` (D, n, m) on 0..1, ``cap`` (D, n), checked by the
    caller. ``accommodation`` (n, n) or (D, n, n), None for the identity; ``rngs`` one
    generator per run (stochastic transitions); ``states`` shocks. The capability unit
    (mean capability / 100) is that of ``cap``, for the whole run."""
    o = options or SMPOptions()
    x = np.array(x, dtype=float)
    sal, cap = np.array(sal, dtype=float), np.array(cap, dtype=float)
    n_draws, n, _ = x.shape
    if o.stochastic and (rngs is None or len(rngs) != n_draws):
        raise ValueError("stochastic transitions need one generator per run")
    unit = cap.mean(axis=-1) / CAPABILITY_UNIT
    ideal = x.copy()
    act = np.ones((n_draws, n), dtype=bool)
    if states is not None:
        act, sal, cap = (np.array(a) for a in states(0))
    d, r, rhat = utilities(x, ideal, sal, cap, act, unit, o)
    trace = _Trace(n_draws, o) if record else None
    if trace is not None:
        trace.state(np.arange(n_draws), x, ideal, r, report(x, d, rhat, cap, act, unit, o))
    fin = Report(np.zeros((n_draws, n)), np.zeros((n_draws, n), dtype=bool), np.zeros((n_draws, n)))
    turns = np.zeros(n_draws, dtype=int)
    d01 = np.zeros(n_draws)
    live = np.arange(n_draws)
    carry = states is None and trace is None  # the live runs' state kept compact between turns
    cur = tuple(a[live] for a in (x, ideal, act, sal, cap, unit, d, r, rhat)) if carry else ()
    t = 0
    while len(live):
        t += 1
        if carry:
            xs, ids, a_l, s_l, c_l, u_l, d_l, r_l, rh_l = cur
        elif states is not None:
            a_all, s_all, c_all = states(t)
            a_l, s_l, c_l, u_l = a_all[live], s_all[live], c_all[live], unit[live]
            d_l, r_l, rh_l = utilities(x[live], ideal[live], s_l, c_l, a_l, u_l, o)
        else:
            a_l, s_l, c_l, u_l = act[live], sal[live], cap[live], unit[live]
            d_l, r_l, rh_l = d[live], r[live], rhat[live]
        if not carry:
            xs, ids = x[live], ideal[live]
        draws = _draws(rngs, live, a_l) if o.stochastic and rngs is not None else None
        tr = turn(xs, ids, s_l, c_l, a_l, u_l, d_l, r_l, rh_l, o, draws)
        new, new_ideal = tr.new, _new_ideals(accommodation, tr.new, ids)
        moved = _moved(new, xs)  # [KTAB] SMPModel::stateDist
        if t == 1:
            d01[live] = moved + min_significant_delta
        stop = (t >= max_turns) | ((t >= min_turns) & (moved / d01[live] < stop_ratio))  # smpStopFn
        log.debug("turn %d: %d runs, %d bargains", t, len(live), int(tr.active.sum()))
        if carry:  # only the runs that stop are written back
            d_n, r_n, rh_n = utilities(new, new_ideal, s_l, c_l, a_l, u_l, o)
            state: tuple[Array, ...] = (new, new_ideal, a_l, s_l, c_l, u_l, d_n, r_n, rh_n)
            if stop.any():
                ended, kept = np.flatnonzero(stop), np.flatnonzero(~stop)
                _finish(live[ended], ended, t, state, (x, ideal, d, r, rhat), turns)
                state = tuple(np.take(a, kept, axis=0) for a in state)
                live = live[kept]
            cur = state
            continue
        x[live], ideal[live], turns[live] = new, new_ideal, t
        if states is None or trace is not None:
            d_n, r_n, rh_n = utilities(new, new_ideal, s_l, c_l, a_l, u_l, o)
            if states is None:
                d[live], r[live], rhat[live] = d_n, r_n, rh_n
        if trace is not None:
            trace.turn(t, live, tr)
            rep = report(new, d_n, rh_n, c_l, a_l, u_l, o)
            trace.state(live, new, new_ideal, r_n, rep)
            _store(fin, live[stop], rep, stop)
        elif states is not None and stop.any():  # the state each run ends in
            done = live[stop]
            sal[done], cap[done], act[done] = s_l[stop], c_l[stop], a_l[stop]
        live = live[~stop]
    if trace is None:  # KTAB's report of every run's last state, all at once
        if states is not None:
            d, _, rhat = utilities(x, ideal, sal, cap, act, unit, o)
        _store(fin, slice(None), report(x, d, rhat, cap, act, unit, o), slice(None))
    return BatchRun(x, fin, turns, trace.finish() if trace is not None else None)


def _check_arrays(x: Array, sal: Array, cap: Array) -> None:
    if x.ndim != 2 or sal.shape != x.shape or cap.shape != (x.shape[0],):
        raise ValueError(
            f"positions and saliences must be actors × dimensions and capabilities one per "
            f"actor, got shapes {x.shape}, {sal.shape}, {cap.shape}"
        )
    if x.shape[0] < 2 or x.shape[1] < 1:
        raise ValueError(f"the SMP needs at least 2 actors and 1 dimension, got {x.shape}")
    if not (np.all(np.isfinite(x)) and np.all((x >= 0) & (x <= 1))):
        raise ValueError("positions must lie in 0..1")
    if not (np.all(np.isfinite(sal)) and np.all(sal >= 0) and np.all(sal.sum(axis=1) <= 1 + 1e-9)):
        raise ValueError("saliences must be zero or more with row sums of at most 1 (KTAB's rule)")
    if np.any(sal.sum(axis=1) <= 0):
        raise ValueError(
            "every actor needs a positive salience on some dimension (KTAB's ``bvDiff``)"
        )
    if not (np.all(np.isfinite(cap)) and np.all(cap > 0)):
        raise ValueError(
            "capabilities must be positive (KTAB's ``Model::vote`` refuses zero weights)"
        )


def check_run(n: int, accommodation: Any, min_turns: Any, max_turns: Any, stop_ratio: Any):
    """The run's own arguments checked (turn limits, ratio); the accommodation matrix as an
    array, None for the identity."""
    ints = isinstance(min_turns, int | np.integer) and isinstance(max_turns, int | np.integer)
    if not (ints and 1 <= min_turns <= max_turns):
        raise ValueError(
            f"min_turns and max_turns must be integers with 1 <= min_turns <= max_turns, "
            f"got {min_turns!r} and {max_turns!r}"
        )
    if not stop_ratio >= 0:
        raise ValueError(f"stop_ratio must be zero or more, got {stop_ratio!r}")
    if accommodation is None:
        return None
    acc = np.asarray(accommodation, dtype=float)
    bad = acc.shape != (n, n) or np.any(acc < 0) or np.any(acc > 1)
    if bad or np.any(acc.sum(axis=1) > 1 + 1e-10):
        raise ValueError(
            "accommodation must be an actors × actors matrix with entries in 0..1 and row "
            "sums of at most 1 (KTAB ``SMPState::newIdeals``)"
        )
    return None if np.array_equal(acc, np.eye(n)) else acc


def run_smp(
    positions: Array,
    saliences: Array,
    capabilities: Array,
    *,
    accommodation: Array | None = None,
    min_turns: int = 2,
    max_turns: int = 100,
    stop_ratio: float = 0.02,
    min_significant_delta: float = 1e-4,
    rng: np.random.Generator | int | None = None,
    kernel: str = "blocked",
    states: TurnStates | None = None,
    **options: str,
) -> SMPRun:
    """Run the SMP on arrays: positions (actors × dimensions, on 0..1), saliences (rows summing
    to at most 1), capabilities (> 0). Returns every state; see :class:`SMP` for the options
    (keyword arguments named as its parameters).

    ``kernel`` chooses how the challenges are computed, not what: "blocked" (default) by
    initiator blocks with shared per-perspective utilities; "pairs" one evaluation per (i, j)
    pair, as KTAB's ``probEduChlg`` -- slower, kept as the straightforward check of the other
    (benchmarks/bench_smp.py). Both give the same numbers.

    ``states`` (shocks): a function of the turn t (0 = the start) giving who is present, the
    saliences and the capabilities in force; absent actors neither challenge nor are
    challenged nor vote, and keep their positions. Without it nothing changes between turns.

    This is the batched kernel (:func:`run_batch`) on one run, with its trace.
    """
    o = SMPOptions(kernel=kernel, **options)
    x = np.array(positions, dtype=float)
    sal, cap = np.array(saliences, dtype=float), np.array(capabilities, dtype=float)
    _check_arrays(x, sal, cap)
    acc = check_run(x.shape[0], accommodation, min_turns, max_turns, stop_ratio)
    batch_states = None
    if states is not None:
        one = states

        def batch_states(t: int) -> tuple[Array, Array, Array]:
            a, s, c = one(t)
            return (
                np.asarray(a, dtype=bool)[None],
                np.asarray(s, float)[None],
                np.asarray(c, float)[None],
            )

    out = run_batch(
        x[None], sal[None], cap[None], options=o, accommodation=acc, rngs=[as_generator(rng)],
        states=batch_states, record=True, min_turns=min_turns, max_turns=max_turns,
        stop_ratio=stop_ratio, min_significant_delta=min_significant_delta,
    )  # fmt: skip
    assert out.traces is not None
    return out.traces[0]


def run_smp_batch(
    x: Array,
    sal: Array,
    cap: Array,
    *,
    min_turns: int = 2,
    max_turns: int = 100,
    stop_ratio: float = 0.02,
    min_significant_delta: float = 1e-4,
    rngs: Sequence[np.random.Generator] | None = None,
    accommodation: Array | None = None,
    forecast_rule: str = "most_probable",
    **options: str,
) -> tuple[Array, Array]:
    """Run the SMP on D cases at once: ``x`` and ``sal`` (D, actors, dims) on 0..1 in the
    canonical actor order, ``cap`` (D, actors). Returns the forecast positions (D, dims) on
    0..1 by ``forecast_rule`` and the number of turns of each case."""
    out = run_batch(
        x, sal, cap, options=SMPOptions(**options), accommodation=accommodation, rngs=rngs,
        min_turns=min_turns, max_turns=max_turns, stop_ratio=stop_ratio,
        min_significant_delta=min_significant_delta,
    )  # fmt: skip
    return out.forecast(forecast_rule)[0], out.turns
